"""Shared test fixtures: the demo organisation and personas across two kecamatan.

Every access rule is tested against someone who must be refused:

- ``officer``    — an Anggota Trantib of Kecamatan Cipondoh (``anggota1.cpd``);
- ``supervisor`` — the Camat of Cipondoh (``camat.cpd``), a supervising position;
- ``outsider``   — the Kasi Trantib of Kecamatan Karawaci (``kasi.krw``), who must not see
  Cipondoh.

Each persona is a ``User`` (``user.person`` is the Person). ``demo_org`` is the whole demo
organisation (``trantib/demo/data/organisation.yaml``) and helps to look things up in it.

The organisation is loaded once per test run, into the test database itself (``django_db_setup``
below), not once per test: each test's transaction rolls back what it changed. Two kinds of
test see the database otherwise, and are kept as they were:

- a test that does not ask for ``demo_org`` gets an empty organisation, as before: the demo rows
  are deleted inside its transaction, which puts them back when it rolls back;
- a transactional test (``django_db(transaction=True)``, ``transactional_db``, ``live_server``)
  empties every table when it ends; the organisation is loaded again right after
  (``pytest_runtest_teardown``), so the next test finds it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from typing import Any

import pgtrigger
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.db import connections
from playwright.sync_api import Browser, Page, sync_playwright
from pytest_django import DjangoDbBlocker

from trantib.accounts.models import Assignment, OrgUnit, Person, Position
from trantib.core.models import AuditEvent, AuditHead
from trantib.demo import DEMO_ADMIN, DemoLogin, demo_org_load


@dataclass(frozen=True)
class DemoOrg:
    """The loaded demo organisation: ``demo_org.unit("CPD")``, ``demo_org.user("camat.cpd")``."""

    logins: list[DemoLogin]

    def unit(self, code: str) -> OrgUnit:
        return OrgUnit.objects.get(code=code)

    def user(self, username: str) -> AbstractUser:
        return get_user_model().objects.get(username=username)  # type: ignore[return-value]

    def person(self, username: str) -> Person:
        return Person.objects.get(user__username=username)

    def position(self, unit_code: str, role_code: str) -> Position:
        return Position.objects.get(unit__code=unit_code, code=role_code)


@dataclass
class _Session:
    """The run's demo organisation: its logins, and what loading it again needs."""

    logins: list[DemoLogin] = field(default_factory=list)
    blocker: DjangoDbBlocker | None = None  # set once the test database exists
    flushed: bool = False  # the current test empties the database when it ends

    def load(self) -> None:
        if self.blocker is None:
            raise RuntimeError("the test database is not set up yet")
        with self.blocker.unblock():
            try:
                self.logins = demo_org_load()
            finally:
                # Outside any test: leave no connection behind. One opened while Playwright's
                # event loop runs belongs to that loop's context, and would keep PostgreSQL
                # from dropping the test database at the end of the run.
                connections.close_all()


_session = _Session()
_TRANSACTIONAL = ("transactional_db", "live_server", "django_db_reset_sequences")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> None:
    """The test database, with the demo organisation loaded once for the whole run."""
    _session.blocker = django_db_blocker
    _session.load()


def _transactional(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and (
        marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
    ):
        return True
    return any(name in request.fixturenames for name in _TRANSACTIONAL)


@pytest.fixture(autouse=True)
def _demo_org_only_when_asked(request: pytest.FixtureRequest) -> None:
    """Give a database test without ``demo_org`` the empty organisation it always had."""
    uses_db = request.node.get_closest_marker("django_db") is not None or any(
        name in request.fixturenames for name in ("db", *_TRANSACTIONAL)
    )
    if not uses_db:
        return
    request.getfixturevalue("db")  # the test's transaction is open (loads the organisation once)
    _session.flushed = _transactional(request)
    if "demo_org" in request.fixturenames:
        return
    # The organisation's audit trail goes too (append-only on PostgreSQL: the trigger is told
    # to let this transaction through; the rollback puts every row back).
    with pgtrigger.ignore("core.AuditEvent:audit_event_append_only"):
        AuditEvent.objects.all().delete()
    AuditHead.objects.all().delete()
    Assignment.objects.all().delete()
    Person.objects.all().delete()
    Position.objects.all().delete()
    OrgUnit.objects.update(parent=None)  # a unit's parent is protected
    OrgUnit.objects.all().delete()
    get_user_model().objects.all().delete()


@pytest.fixture(autouse=True)
def _role_mapping_memory_per_test(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts without the per-process memory of the units that adopted no SOP, and
    that memory does not expire during the test: a count of queries never depends on how
    long the test ran (in production it lasts 10 s; decision 0015)."""
    from trantib.sops import selectors as sop_selectors

    sop_selectors.role_positions_forget()
    monkeypatch.setattr(sop_selectors, "NO_ADOPTION_SECONDS", 3600.0)


@pytest.fixture(autouse=True)
def _cases_late_from_kept(request: pytest.FixtureRequest) -> Iterator[None]:
    """After every database test, each case's ``late_from`` is what its tasks say: a service
    that changes tasks without keeping it fails the test that used it."""
    uses_db = request.node.get_closest_marker("django_db") is not None or any(
        name in request.fixturenames for name in ("db", *_TRANSACTIONAL)
    )
    if not uses_db or _transactional(request):
        yield
        return
    request.getfixturevalue("db")
    yield
    from django.db import connection

    from trantib.cases.models import Case
    from trantib.cases.services import late_from_of_case

    if connection.closed_in_transaction or (
        connection.connection is not None and not connection.is_usable()
    ):
        return  # the test closed the connection (a command does): nothing left to read

    wrong = [
        (number, kept, expected)
        for number, kept, expected in Case.objects.annotate(
            expected=late_from_of_case()
        ).values_list("number", "late_from", "expected")
        if kept != expected
    ]
    if wrong:
        pytest.fail(f"Case.late_from not kept by the services: {wrong[:5]}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[Any]:
    """After a transactional test emptied the database, load the organisation again."""
    result = yield
    if _session.flushed:
        _session.flushed = False
        if nextitem is not None:
            _session.load()
    return result


@pytest.fixture
def demo_org(db: None) -> DemoOrg:
    """The demo organisation (loaded once per run); loaded again if a test left it missing."""
    if not get_user_model().objects.filter(username=DEMO_ADMIN).exists():
        _session.logins = demo_org_load()
    return DemoOrg(logins=_session.logins)


@pytest.fixture
def officer(demo_org: DemoOrg) -> AbstractUser:
    """Anggota Trantib, Kecamatan Cipondoh (CPD)."""
    return demo_org.user("anggota1.cpd")


@pytest.fixture
def supervisor(demo_org: DemoOrg) -> AbstractUser:
    """Camat of Cipondoh (CPD): a supervising position."""
    return demo_org.user("camat.cpd")


@pytest.fixture
def outsider(demo_org: DemoOrg) -> AbstractUser:
    """Kasi Trantib of Kecamatan Karawaci (KRW): sees nothing of Cipondoh."""
    return demo_org.user("kasi.krw")


# -- a real headless Chromium (Debian's, never ``playwright install``) for the browser tests ----
#
# Named ``chromium_browser`` and ``browser_page`` so that they do not clash with pytest-playwright's
# own ``browser``/``page``, which expect a downloaded browser build. Here, not in one app's
# tests: Playwright runs one instance per thread, so every app's browser tests share this one.

# Playwright's sync API runs an event loop in the test thread, which makes Django refuse ORM
# calls there ("async context"); the calls are in fact synchronous and safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is missing: apt-get install -y chromium (make test does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium_browser: Browser) -> Iterator[Page]:
    """A fresh context per test (no cookies carried over), Indonesian locale, desktop size."""
    context = chromium_browser.new_context(locale="id-ID", viewport={"width": 1366, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()
