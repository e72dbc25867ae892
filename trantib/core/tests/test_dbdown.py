"""While the database cannot be reached (:mod:`trantib.core.dbdown`), in this process: each door's
503, the log, the background loop's connection check. The errors are real: a connection to a
loopback port nobody listens on (``dbdown_urls``), or a server ending our session.

The whole product against a PostgreSQL that goes down and comes back: test_dbdown_outage.py.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.http import HttpRequest, HttpResponse
from django.test import Client

from trantib.core.dbdown import database_check, outage

from .dbdown_urls import connect_refused

pytestmark = pytest.mark.urls("trantib.core.tests.dbdown_urls")
ROOT = Path(__file__).resolve().parents[3]

MESSAGE = (
    "Layanan sementara tidak tersedia: basis data Trantib tidak dapat dijangkau. "
    "Coba lagi dalam beberapa saat."
)


def _logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    assert all(record.exc_info is None for record in caplog.records), "a traceback was logged"
    return [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING]


def _one_line_about(lines: list[str], where: str) -> None:
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{where}: database unreachable (OperationalError: ")
    assert "Connection refused" in lines[0]


def test_a_page_that_cannot_reach_the_database_says_so_in_a_503_and_logs_one_line(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    # No database access is allowed in this test: the answer itself needs none.
    with caplog.at_level(logging.INFO):
        response = client.get("/halaman/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-cache" in response["Cache-Control"]
    assert response["Content-Type"].startswith("text/html")
    assert response["Content-Language"] == "id"
    body = response.content.decode()
    assert "<h1>Layanan sementara tidak tersedia</h1>" in body
    assert MESSAGE in body
    assert "Traceback" not in body and "Connection refused" not in body
    _one_line_about(_logged(caplog), "GET /halaman/")


def test_the_page_is_in_english_for_a_reader_who_chose_english(client: Client) -> None:
    client.cookies["django_language"] = "en"
    response = client.get("/halaman/")
    assert response.status_code == 503 and response["Content-Language"] == "en"
    body = response.content.decode()
    assert "<h1>Service temporarily unavailable</h1>" in body
    assert "Trantib&#x27;s database cannot be reached. Try again in a few moments." in body


def test_the_api_answers_in_its_own_error_shape_with_the_kind_unavailable(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        response = client.get("/api/v1/baca")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert response.json() == {"message": MESSAGE, "field": "", "kind": "unavailable"}
    _one_line_about(_logged(caplog), "GET /api/v1/baca")


def test_the_sms_gateway_and_open311_clients_get_their_own_shapes(client: Client) -> None:
    sms = client.post("/sms/masuk/", {"id": "1", "from": "081234567890", "text": "INFO"})
    assert sms.status_code == 503 and sms["Retry-After"] == "30"
    assert sms.json() == {"message": MESSAGE}
    as_json = client.get("/open311/v2/services.json")
    assert as_json.status_code == 503
    assert as_json.json() == [{"code": 503, "description": MESSAGE}]
    as_xml = client.get("/open311/v2/services.xml")
    assert as_xml.status_code == 503 and as_xml["Content-Type"].startswith("text/xml")
    error = ET.fromstring(as_xml.content).find("error")  # noqa: S314 — our own answer
    assert error is not None
    assert error.findtext("code") == "503" and error.findtext("description") == MESSAGE


class UnreachableBeforeTheView:
    """A middleware inside DatabaseDownMiddleware that needs the database before the view runs,
    as the session read of the two-factor check does."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        connect_refused()
        return self.get_response(request)


def test_a_middleware_that_cannot_reach_the_database_before_the_view_gets_the_503_too(
    settings, caplog: pytest.LogCaptureFixture
) -> None:
    session = settings.MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware")
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[: session + 1],
        f"{__name__}.UnreachableBeforeTheView",
        *settings.MIDDLEWARE[session + 1 :],
    ]
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.INFO):
        page = client.get("/halaman/")
    assert page.status_code == 503 and MESSAGE in page.content.decode()
    # Django turned the error into a 500 and logged it with its traceback: both are gone.
    _one_line_about(_logged(caplog), "GET /halaman/")
    caplog.clear()
    api = client.get("/api/v1/baca")
    assert api.status_code == 503 and api.json()["kind"] == "unavailable"


@pytest.mark.parametrize("path", ["/rusak/", "/tabel-hilang/"])
def test_any_other_error_is_still_a_500_with_its_traceback_in_the_log(
    path: str, caplog: pytest.LogCaptureFixture
) -> None:
    # A bug (ValueError), or a database error that is a bug: the table is missing.
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.INFO):
        response = client.get(path)
    assert response.status_code == 500
    assert any(record.exc_info for record in caplog.records)
    assert not any("database unreachable" in record.getMessage() for record in caplog.records)


# -- the background loop ---------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_loops_check_replaces_a_connection_the_server_ended_while_it_was_idle() -> None:
    connection.ensure_connection()
    ended = connection.connection
    pid = ended.info.backend_pid
    # As a database restart does: the server ends the session; this process does not notice.
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()
    # The check itself finds it ended and connects again, before any job runs a query.
    assert database_check(threading.Event()).summary == "database connected"
    assert connection.connection is not None and connection.connection is not ended
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


def test_a_job_failing_on_an_unreachable_database_is_one_line_and_then_none(
    caplog: pytest.LogCaptureFixture,
) -> None:
    worker_log = logging.getLogger("trantib.worker")
    try:
        with caplog.at_level(logging.INFO):
            try:
                connect_refused()
            except Exception as exc:
                worker_log.exception("delivering the outbox failed")
                error = exc
            first = _logged(caplog)
            caplog.clear()
            outage.begin(error)  # what the loop's check does when it finds the database gone
            try:
                connect_refused()
            except Exception:
                worker_log.exception("delivering the outbox failed")
            during = _logged(caplog)
    finally:
        outage.end()
    assert len(first) == 1
    assert first[0].startswith("delivering the outbox failed: database unreachable (")
    assert [line for line in during if "delivering" in line] == []
    assert [line for line in during if "background jobs wait for it" in line] == [
        f"database unreachable ({type(error).__name__}: {str(error).splitlines()[0]}): "
        "background jobs wait for it"
    ]


# -- the connection settings -----------------------------------------------------------------


def _database_settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """The default database's settings as Django fills them in, in a child process with only
    ``env`` set (nothing connects)."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "TRANTIB_", "DATABASE_URL"))
    }
    shown = (
        "import django, json; django.setup(); from django.db import connection; "
        "d = connection.settings_dict; print(json.dumps([d['ENGINE'], d['CONN_MAX_AGE'], "
        "d['CONN_HEALTH_CHECKS'], d['OPTIONS'].get('connect_timeout')]))"
    )
    return subprocess.run(  # noqa: S603 — this Python, a fixed script
        [sys.executable, "-c", shown],
        cwd=ROOT,
        env=clean
        | {"DJANGO_SETTINGS_MODULE": "config.settings", "TRANTIB_VAR_DIR": str(tmp_path)}
        | env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


PG_URL = "postgres://trantib@127.0.0.1:5/trantib"  # never connected to: settings only


def test_on_postgresql_a_connection_is_kept_a_minute_checked_before_use_and_given_up_in_10_s(
    tmp_path: Path,
) -> None:
    done = _database_settings(tmp_path, DATABASE_URL=PG_URL)
    assert json.loads(done.stdout) == ["django.db.backends.postgresql", 60, True, 10]
    done = _database_settings(
        tmp_path, DATABASE_URL=PG_URL, TRANTIB_DB_CONN_MAX_AGE="0", TRANTIB_DB_CONNECT_TIMEOUT="3"
    )
    assert json.loads(done.stdout) == ["django.db.backends.postgresql", 0, True, 3]


@pytest.mark.parametrize("value", ["a minute", "-1", "1.5", "６０"])
def test_a_connection_age_that_is_not_whole_seconds_is_refused_in_one_line(
    tmp_path: Path, value: str
) -> None:
    done = _database_settings(tmp_path, DATABASE_URL=PG_URL, TRANTIB_DB_CONN_MAX_AGE=value)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"Trantib: TRANTIB_DB_CONN_MAX_AGE: {value!r} is not a number of seconds (0 or more)."
    ]


def test_sqlite_keeps_a_connection_per_request_whatever_the_setting(tmp_path: Path) -> None:
    done = _database_settings(tmp_path, TRANTIB_DB_CONN_MAX_AGE="60")
    assert json.loads(done.stdout) == ["django.db.backends.sqlite3", 0, False, None]
