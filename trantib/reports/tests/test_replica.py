"""Reports on a read replica (TRANTIB_DB_REPLICA_URL, config/dbrouter.py): the report pages'
and exports' reads go to the alias ``replica``; a case page, every write, a login's session and
any read inside a transaction go to ``default``; without the setting nothing changes.

The replica here is the test database itself, reached through a second connection (what
``TEST: {"MIRROR": "default"}`` gives in the settings; added for this module only): the queries
each connection runs are counted apart. The tests are transactional so that the second
connection sees the rows the first one wrote, as a real replica sees the primary's commits.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from config.dbrouter import REPLICA, reading_reports
from trantib.cases import services
from trantib.cases.models import Case
from trantib.reports.models import MonitoringForm

ROUTERS = ["config.dbrouter.ReportReplicaRouter"]
on_both = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup):
    """The alias ``replica`` on the test database, as the settings make it from
    TRANTIB_DB_REPLICA_URL in a test run (``TEST.MIRROR``), for this module only."""
    default = connections["default"].settings_dict  # its NAME is the test database's by now
    connections.settings[REPLICA] = {**default, "TEST": {**default["TEST"], "MIRROR": "default"}}
    try:
        yield
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


@pytest.fixture
def replica(settings):
    """The router, as TRANTIB_DB_REPLICA_URL installs it."""
    settings.DATABASE_ROUTERS = ROUTERS
    return connections[REPLICA]


def _client(demo_org, username: str) -> Client:
    client = Client()
    client.force_login(demo_org.user(username))
    return client


def _complaint(demo_org) -> Case:
    return services.case_start(
        sop_code="PGD",
        unit=demo_org.unit("CPD"),
        actor=demo_org.person("staf.cpd"),
        subject="Baliho roboh di Jalan Raya Cipondoh",
        data={"saluran": "Datang ke kantor", "uraian": "Baliho roboh"},
    )


def _on_each(do):
    """(response, SQL run on default, SQL run on the replica) of ``do()``."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as copy,
    ):
        response = do()
    return response, [q["sql"] for q in primary], [q["sql"] for q in copy]


def _tables(queries: list[str], *names: str) -> list[str]:
    return [q for q in queries if any(f'"{name}"' in q for name in names)]


def _read(queries: list[str]) -> set[str]:
    """The tables the queries read."""
    return {t for q in queries for t in re.findall(r'(?:FROM|JOIN) "(\w+)"', q)}


@on_both
def test_report_pages_and_exports_read_the_cases_from_the_replica(demo_org, replica):
    case = _complaint(demo_org)
    camat = _client(demo_org, "camat.cpd")
    month = timezone.localdate().strftime("%Y-%m")
    pages = {
        "dashboard": (reverse("reports:dashboard"), {}, "cases_case"),
        "complaint recap": (reverse("reports:recap_complaints"), {}, "complaints_complaint"),
        "complaint recap xlsx": (
            reverse("reports:recap_complaints"),
            {"format": "xlsx"},
            "complaints_complaint",
        ),
        "patrol recap pdf": (
            reverse("reports:recap_patrols"),
            {"format": "pdf"},
            "patrols_planday",
        ),
        "SPM": (reverse("reports:spm"), {}, "cases_case"),
    }
    for name, (url, extra, table) in pages.items():
        query = {"unit": "CPD", "periode": month, **extra}
        response, primary, copy = _on_each(lambda url=url, query=query: camat.get(url, query))
        assert response.status_code == 200, name
        assert table in _read(copy), f"{name}: {sorted(_read(copy))}"
        # on the primary only what the middleware reads before the view: the session, the login
        assert _read(primary) <= {"django_session", "auth_user"}, f"{name}: {_read(primary)}"
    # what the replica answers is what the primary committed
    with reading_reports():
        read, primary, copy = _on_each(lambda: Case.objects.get(pk=case.pk))
    assert read.subject == case.subject and read._state.db == REPLICA
    assert copy and not primary


@on_both
def test_a_case_page_and_every_write_stay_on_the_primary(demo_org, replica):
    case = _complaint(demo_org)
    staf = _client(demo_org, "staf.cpd")
    response, primary, copy = _on_each(lambda: staf.get(reverse("cases:detail", args=[case.pk])))
    assert response.status_code == 200
    assert _tables(primary, "cases_case") and copy == []

    task = case.tasks.get(status="open")
    response, primary, copy = _on_each(
        lambda: staf.post(reverse("cases:task_complete", args=[task.pk]), {})
    )
    assert response.status_code == 302
    # (on PostgreSQL a plain completion writes its rows as one WITH … UPDATE/INSERT statement)
    writes = [q for q in primary if re.match(r"(WITH \w+ AS \()?(INSERT|UPDATE)\b", q)]
    assert writes and copy == []

    # a write inside a report's reads still goes to the primary
    with reading_reports():
        _response, primary, copy = _on_each(
            lambda: Case.objects.filter(pk=case.pk).update(subject="Baliho roboh (diperbarui)")
        )
    assert _tables(primary, "cases_case") and copy == []


@on_both
def test_a_form_saved_on_a_report_page_reads_and_writes_on_the_primary(demo_org, replica):
    _complaint(demo_org)
    camat = _client(demo_org, "camat.cpd")
    today = timezone.localdate()
    url = reverse("reports:monitoring_new")
    url += f"?unit=CPD&sop=PGD&periode={today.year}-S{1 if today.month <= 6 else 2}"
    response, primary, copy = _on_each(lambda: camat.get(url))
    assert response.status_code == 200 and "cases_case" in _read(copy)  # the pre-filled sheet
    rows = {f"r{n}-{part}": "1" for n in range(1, 8) for part in ("present", "keep")}
    response, primary, copy = _on_each(lambda: camat.post(url, rows))
    assert response.status_code == 302, response.content.decode()[:500]
    assert MonitoringForm.objects.filter(unit__code="CPD", sop_code="PGD").count() == 1
    assert copy == [] and "cases_case" in _read(primary)


@on_both
def test_inside_a_transaction_a_reports_read_goes_to_the_primary(demo_org, replica):
    _complaint(demo_org)
    with reading_reports():
        _n, primary, copy = _on_each(lambda: Case.objects.count())
        assert copy and not primary
        with transaction.atomic():
            _n, primary, copy = _on_each(lambda: Case.objects.count())
        assert primary and not copy
        # sessions and logins are never read from a copy that may lag
        _n, primary, copy = _on_each(lambda: get_user_model().objects.count())
        assert primary and not copy
    _n, primary, copy = _on_each(lambda: Case.objects.count())
    assert primary and not copy  # outside a report: the primary


@on_both
def test_without_the_router_reports_read_the_primary(demo_org):
    # TRANTIB_DB_REPLICA_URL unset: no router (and no alias: the child-process test below)
    _complaint(demo_org)
    camat = _client(demo_org, "camat.cpd")
    response, primary, copy = _on_each(
        lambda: camat.get(reverse("reports:dashboard"), {"unit": "CPD"})
    )
    assert response.status_code == 200
    assert _tables(primary, "cases_case") and copy == []


# -- the settings (config/dbrouter.py) ------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[3]


def _database_settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """The databases and routers as Django builds them, in a child process with only ``env``
    set (nothing connects)."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "TRANTIB_", "DATABASE_URL"))
    }
    shown = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "r = s.DATABASES.get('replica'); print(json.dumps([s.DATABASE_ROUTERS, r and "
        "[r['HOST'], r['NAME'], r['CONN_MAX_AGE'], r['CONN_HEALTH_CHECKS'], r['OPTIONS'], "
        "r['TEST']['MIRROR']]]))"
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


PRIMARY = "postgres://trantib@db.internal:5/trantib"  # never connected to: settings only


def test_the_replica_url_adds_the_alias_with_the_primarys_connection_settings(tmp_path):
    done = _database_settings(tmp_path, DATABASE_URL=PRIMARY)
    assert json.loads(done.stdout) == [[], None], done.stderr
    done = _database_settings(
        tmp_path,
        DATABASE_URL=PRIMARY,
        TRANTIB_DB_REPLICA_URL="postgres://laporan:rahasia@replica.internal:5/trantib",
        TRANTIB_DB_CONN_MAX_AGE="30",
    )
    assert json.loads(done.stdout) == [
        ROUTERS,
        [
            "replica.internal",
            "trantib",
            30,
            True,
            {"options": "-c jit=off", "connect_timeout": 10},  # JIT off for the reports too
            "default",  # a test run never touches the real replica
        ],
    ], done.stderr


@pytest.mark.parametrize(
    ("url", "line"),
    [
        (
            "redis://laporan:rahasia@replica.internal:6379/0",
            "TRANTIB_DB_REPLICA_URL: 'redis://laporan:***@replica.internal:6379/0' is not a "
            "PostgreSQL database URL as DATABASE_URL is: the replica is a copy of that database "
            "(a PostgreSQL streaming replica, e.g. "
            "postgres://trantib@replica.internal:5432/trantib).",
        ),
        (
            "postgres://replica.internal:5432",
            "TRANTIB_DB_REPLICA_URL: 'postgres://replica.internal:5432' names no database "
            "(e.g. postgres://trantib@replica.internal:5432/trantib).",
        ),
    ],
)
def test_a_wrong_replica_url_is_refused_in_one_line_naming_it(tmp_path, url, line):
    done = _database_settings(tmp_path, DATABASE_URL=PRIMARY, TRANTIB_DB_REPLICA_URL=url)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [f"Trantib: {line}"]
