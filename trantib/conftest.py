"""Shared test fixtures: the demo organisation and personas across two kecamatan.

Every access rule is tested against someone who must be refused:

- ``officer``    — an Anggota Trantib of Kecamatan Cipondoh (``anggota1.cpd``);
- ``supervisor`` — the Camat of Cipondoh (``camat.cpd``), a supervising position;
- ``outsider``   — the Kasi Trantib of Kecamatan Karawaci (``kasi.krw``), who must not see
  Cipondoh.

Each persona is a ``User`` (``user.person`` is the Person). ``demo_org`` loads the whole demo
organisation (see ``trantib/accounts/demo.py``) and helps to look things up in it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from playwright.sync_api import Browser, Page, sync_playwright

from trantib.accounts.demo import DemoLogin, demo_org_load
from trantib.accounts.models import OrgUnit, Person, Position


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


@pytest.fixture
def demo_org(db: None) -> DemoOrg:
    return DemoOrg(logins=demo_org_load())


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
