"""The demo's Polmas register: BINMAS's programme and four weeks of its activities."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from trantib.community.models import Activity, ActivityStatus
from trantib.demo.polmas import demo_polmas_load

pytestmark = pytest.mark.django_db

# A Thursday evening in Gorontalo: the Thursday's Pos Satria stays open for its officer.
NOW = dt.datetime(2026, 12, 3, 20, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Makassar"))


def test_the_demo_loads_a_month_of_polmas_held_with_one_missed_and_todays_open(demo_org):
    loaded = demo_polmas_load(now=NOW)
    assert loaded.rules == 5 and loaded.missed == 1 and loaded.issues == 4
    assert loaded.held == loaded.activities - 2  # one missed, today's open
    today = Activity.objects.get(day=NOW.date())
    assert today.status == ActivityStatus.PLANNED and today.pos == "pos_satria"
    again = demo_polmas_load(now=NOW)
    assert again == loaded
