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

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser

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
