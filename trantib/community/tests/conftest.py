"""Polmas fixtures: BINMAS's programme with a fixed clock (WITA), two Bhabinkamtibmas."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from trantib.community import services
from trantib.community.models import Pos, Rule
from trantib.conftest import DemoOrg

WITA = zoneinfo.ZoneInfo("Asia/Makassar")


def wita(day: int, hour: int = 6, minute: int = 0, month: int = 12) -> dt.datetime:
    """A moment in December 2026 in Gorontalo: 4 = Friday, 5 = Saturday, 6 = Sunday."""
    return dt.datetime(2026, month, day, hour, minute, tzinfo=WITA)


@pytest.fixture
def binmas(demo_org: DemoOrg):
    return demo_org.unit("BINMAS")


@pytest.fixture
def kanit(demo_org: DemoOrg):
    return demo_org.person("binpolmas.binmas")


@pytest.fixture
def banit1(demo_org: DemoOrg):
    return demo_org.person("banit1.binmas")


@pytest.fixture
def banit2(demo_org: DemoOrg):
    return demo_org.person("banit2.binmas")


@pytest.fixture
def programme(binmas, kanit, banit1, banit2) -> dict[str, Rule]:
    """Pos Sapta on Saturday, Pos Khidmat on Friday, Pos Satria every day."""
    at = wita(1)
    return {
        "sapta": services.rule_save(
            unit=binmas,
            actor=kanit,
            officer=banit1,
            desa="Limba U Dua",
            pos=Pos.SAPTA,
            days=[5],
            starts_at=dt.time(7, 30),
            place="Balai Kelurahan Limba U Dua",
            now=at,
        ),
        "khidmat": services.rule_save(
            unit=binmas,
            actor=kanit,
            officer=banit1,
            desa="Limba U Dua",
            pos=Pos.KHIDMAT,
            days="4",
            starts_at=dt.time(12, 0),
            place="Masjid Al-Huda",
            now=at,
        ),
        "satria": services.rule_save(
            unit=binmas,
            actor=kanit,
            officer=banit2,
            desa="Biawao",
            pos=Pos.SATRIA,
            days="",
            starts_at=dt.time(8, 0),
            place="Pos Kamling Biawao",
            now=at,
        ),
    }
