"""The product while PostgreSQL is down: every door answers 503 with a clear message (no
traceback, nothing half-written), and everything works again, without a restart, once the
database is back.

Against a PostgreSQL this test starts and stops itself (:mod:`.pgcluster`: a throw-away cluster
on a free loopback port, never the shared server) and ``trantib serve`` in a child process, as
an operator runs it. Bounded: each step has its timeout, the whole test takes about half a
minute, and the cluster and the server are stopped whatever happens.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest

from .pgcluster import Cluster, cluster_or_skip, free_port

ROOT = Path(__file__).resolve().parents[3]
SMS_SECRET = "dbdown-sms-secret"  # a test server's webhook secret
PASSWORD = "trantib-demo"  # the demo organisation's
MESSAGE_ID = "basis data Trantib tidak dapat dijangkau"
MESSAGE_EN = "Service temporarily unavailable: Trantib&#x27;s database cannot be reached"
SETUP = (
    "from trantib.sops.services import sop_library_sync; sop_library_sync(); "
    "from trantib.demo import demo_org_load; demo_org_load(); "
    "from trantib.demo.complaints import complaint_setup_load; complaint_setup_load()"
)
COMPLAINT = {
    "channel": "phone",
    "category": "hiburan",
    "description": "Karaoke di Dusun Ngasem buka sampai pukul 02.00",
    "kelurahan": "Tamansari",
    "reporter_name": "Sri Wahyuni",
    "reporter_phone": "0812 3456 7890",
}


@dataclass
class Answer:
    status: int
    body: str
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Browser:
    """One visitor: its cookies (session, CSRF, language) kept between requests."""

    base: str
    jar: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        form: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        data = None
        sent = dict(headers or {})
        if json_body is not None:
            data = json.dumps(json_body).encode()
            sent["Content-Type"] = "application/json"
        elif form is not None:
            data = urllib.parse.urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        url = self.base + path  # http://127.0.0.1:<port>: loopback only
        request = urllib.request.Request(url, data=data, method=method, headers=sent)  # noqa: S310
        try:
            with opener.open(request, timeout=15) as response:
                return Answer(response.status, response.read().decode(), dict(response.headers))
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read().decode(), dict(error.headers))

    def cookie(self, name: str) -> str:
        return next((c.value or "" for c in self.jar if c.name == name), "")

    def login(self, username: str) -> Answer:
        self.request("GET", "/login/")
        return self.request(
            "POST",
            "/login/",
            form={
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.cookie("csrftoken"),
            },
        )


@dataclass
class Product:
    cluster: Cluster
    base: str
    server: subprocess.Popen[bytes]
    log: Path
    outbox: Path

    def rows(self) -> dict[str, int]:
        """What the database holds, read directly (not through the product)."""
        with psycopg.connect(self.cluster.url(), connect_timeout=10) as conn:
            return {
                table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
                for table in (
                    "complaints_complaint",
                    "cases_case",
                    "cases_task",
                    "cases_event",
                    "outbox_outboxmessage",
                )
            }

    def server_log(self) -> str:
        return self.log.read_text(errors="replace")


def _wait_until(check: Any, seconds: float, what: str) -> float:
    """Poll ``check()`` every 50 ms until it is true; the time it took."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if check():
            return time.monotonic() - start
        time.sleep(0.05)
    raise AssertionError(f"{what}: not within {seconds} s")


@pytest.fixture
def product(tmp_path: Path) -> Iterator[Product]:
    cluster = cluster_or_skip()
    server: subprocess.Popen[bytes] | None = None
    log = tmp_path / "serve.log"
    try:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TRANTIB_"))},
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": cluster.url(),
            "TRANTIB_VAR_DIR": str(tmp_path / "var"),
            "TRANTIB_SMS_WEBHOOK_SECRET": SMS_SECRET,
            "TRANTIB_MAP_TILE_URL": "",
        }
        cli = [sys.executable, "-m", "trantib.cli"]
        for step in (["migrate", "-v0"], ["shell", "-c", SETUP]):
            subprocess.run(  # noqa: S603 — our own CLI, fixed arguments
                [*cli, *step], cwd=ROOT, env=env, check=True, timeout=180, capture_output=True
            )
        port = free_port()
        with log.open("wb") as out:
            server = subprocess.Popen(  # noqa: S603 — our own CLI, fixed arguments
                [*cli, "serve", "--port", str(port), "--workers", "1"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        base = f"http://127.0.0.1:{port}"

        def up() -> bool:
            try:
                with urllib.request.urlopen(base + "/login/", timeout=2) as r:  # noqa: S310
                    return bool(r.status == 200)
            except OSError:
                return False

        _wait_until(up, 60, "trantib serve answering")
        yield Product(cluster, base, server, log, tmp_path / "var" / "outbox")
    finally:
        if server is not None and server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)
        cluster.destroy()


def _assert_unavailable_page(answer: Answer, message: str = MESSAGE_ID) -> None:
    assert answer.status == 503, (answer.status, answer.body[:500])
    assert answer.headers["Content-Type"].startswith("text/html")
    assert answer.headers["Retry-After"] == "30"
    assert "no-cache" in answer.headers["Cache-Control"]
    assert message in answer.body
    assert "Traceback" not in answer.body and "OperationalError" not in answer.body


def _assert_unavailable_api(answer: Answer) -> None:
    assert answer.status == 503, (answer.status, answer.body[:500])
    assert answer.headers["Retry-After"] == "30"
    body = answer.json()
    assert body["kind"] == "unavailable" and body["field"] == ""
    assert MESSAGE_ID in body["message"]


def test_while_postgresql_is_down_every_door_answers_503_and_all_comes_back_by_itself(
    product: Product,
) -> None:
    started = time.monotonic()
    officer = Browser(product.base)
    assert officer.login("staf.krj").status == 200  # redirected home
    assert officer.request("GET", "/tugas/").status == 200
    token = Browser(product.base).request(
        "POST", "/api/v1/auth/token", json_body={"username": "staf.krj", "password": PASSWORD}
    )
    assert token.status == 201, token.body
    api = Browser(product.base)
    bearer = {"Authorization": f"Bearer {token.json()['token']}"}
    assert api.request("GET", "/api/v1/complaints", headers=bearer).status == 200
    assert (
        api.request("POST", "/api/v1/complaints", json_body=COMPLAINT, headers=bearer).status == 201
    )

    # A restart while nobody asks: the server's kept connection broke unnoticed; the health
    # check replaces it, and the first request after it does not fail.
    product.cluster.stop()
    product.cluster.start()
    assert api.request("GET", "/api/v1/complaints", headers=bearer).status == 200
    assert officer.request("GET", "/tugas/").status == 200

    before = product.rows()
    product.cluster.stop()
    down_at = time.monotonic()

    # Pages: the officer's (the session is read in a middleware before the view), in English
    # by the language cookie, and logging in.
    _assert_unavailable_page(officer.request("GET", "/tugas/"))
    english = {"Cookie": "django_language=en"}
    _assert_unavailable_page(
        Browser(product.base).request("GET", "/lapor/", headers=english), MESSAGE_EN
    )
    visitor = Browser(product.base)
    assert visitor.request("GET", "/login/").status == 200  # the form needs no database
    _assert_unavailable_page(
        visitor.request(
            "POST",
            "/login/",
            form={
                "username": "staf.krj",
                "password": PASSWORD,
                "csrfmiddlewaretoken": visitor.cookie("csrftoken"),
            },
        )
    )
    # The API: a read, a write (filing a complaint opens its case), a token.
    _assert_unavailable_api(api.request("GET", "/api/v1/complaints", headers=bearer))
    _assert_unavailable_api(
        api.request("POST", "/api/v1/complaints", json_body=COMPLAINT, headers=bearer)
    )
    _assert_unavailable_api(
        api.request(
            "POST", "/api/v1/auth/token", json_body={"username": "staf.krj", "password": PASSWORD}
        )
    )
    # The SMS gateway and Open311 clients, in their own shapes.
    sms = {"id": "gw-1", "from": "081234567890", "text": "LAPOR KARAOKE bising tiap malam di Botok"}
    answer = api.request(
        "POST", "/sms/masuk/", json_body=sms, headers={"X-Trantib-Secret": SMS_SECRET}
    )
    assert answer.status == 503 and answer.headers["Retry-After"] == "30"
    assert MESSAGE_ID in answer.json()["message"]
    answer = api.request("GET", "/open311/v2/services.json")
    assert answer.status == 503
    assert answer.json() == [{"code": 503, "description": answer.json()[0]["description"]}]
    assert MESSAGE_ID in answer.json()[0]["description"]
    answer = api.request("GET", "/open311/v2/services.xml")
    assert answer.status == 503 and answer.headers["Content-Type"].startswith("text/xml")
    assert "<code>503</code>" in answer.body and MESSAGE_ID in answer.body
    refused = 9  # the requests above that needed the database
    time.sleep(1.5)  # the worker's loop turns at least once with the database gone

    product.cluster.start()
    back_at = time.monotonic()
    recovered = _wait_until(
        lambda: api.request("GET", "/api/v1/complaints", headers=bearer).status == 200,
        10,
        "the API answering again",
    )
    # Nothing that was refused is in the database.
    assert product.rows() == before
    assert officer.request("GET", "/tugas/").status == 200
    filed = api.request("POST", "/api/v1/complaints", json_body=COMPLAINT, headers=bearer)
    assert filed.status == 201, filed.body
    answer = api.request(
        "POST", "/sms/masuk/", json_body=sms, headers={"X-Trantib-Secret": SMS_SECRET}
    )
    assert answer.status == 200 and answer.json()["status"] == "complaint", answer.body
    assert Browser(product.base).login("staf.krj").status == 200
    after = product.rows()
    assert after["complaints_complaint"] == before["complaints_complaint"] + 2
    assert after["cases_case"] == before["cases_case"] + 2

    # The worker in serve's process came back too: the receipts are delivered (file gateway).
    def receipts_sent() -> bool:
        with psycopg.connect(product.cluster.url(), connect_timeout=10) as conn:
            waiting = conn.execute(
                "SELECT count(*) FROM outbox_outboxmessage WHERE status <> 'sent'"
            ).fetchone()[0]
        return bool(waiting == 0 and after["outbox_outboxmessage"] > before["outbox_outboxmessage"])

    delivered = _wait_until(receipts_sent, 15, "the outbox delivered after the outage")

    log = product.server_log()
    assert "Traceback" not in log, log[-3000:]
    # One line per refused request; the worker's once when it finds the outage (and perhaps
    # once for the short restart above) and once when it ends.
    requests = re.findall(r"^(?:GET|POST) /\S*: database unreachable \(.+\)$", log, re.M)
    assert len(requests) == refused, requests
    assert 1 <= log.count("background jobs wait for it") <= 2
    assert re.search(r"database reachable again after \d+ s", log)
    print(  # the figures, shown with pytest -s
        f"\noutage test: {time.monotonic() - started:.1f} s in all; down "
        f"{back_at - down_at:.1f} s; the API answered {recovered:.2f} s after pg_ctl start "
        f"returned; the outbox delivered {delivered:.2f} s later"
    )
