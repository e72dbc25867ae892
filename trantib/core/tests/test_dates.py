"""Dates and times written the Indonesian way."""

import datetime as dt
import zoneinfo

from trantib.core.dates import MONTHS, date_id, datetime_id, time_id

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
MAKASSAR = zoneinfo.ZoneInfo("Asia/Makassar")
JAYAPURA = zoneinfo.ZoneInfo("Asia/Jayapura")


def test_a_date_is_day_month_name_and_year():
    assert date_id(dt.date(2026, 12, 3)) == "3 Desember 2026"
    assert date_id(dt.date(2027, 1, 31)) == "31 Januari 2027"
    assert [date_id(dt.date(2026, m, 1)).split()[1] for m in range(1, 13)] == list(MONTHS)
    assert MONTHS[4] == "Mei" and MONTHS[7] == "Agustus"


def test_a_time_is_hours_dot_minutes():
    assert time_id(dt.time(9, 5)) == "09.05"
    assert time_id(dt.datetime(2026, 1, 1, 14, 30)) == "14.30"


def test_a_moment_is_written_on_the_units_clock_with_its_zone():
    moment = dt.datetime(2026, 12, 3, 7, 5, tzinfo=dt.UTC)
    assert datetime_id(moment, JAKARTA) == "3 Desember 2026 14.05 WIB"
    assert datetime_id(moment, MAKASSAR) == "3 Desember 2026 15.05 WITA"
    assert datetime_id(moment, JAYAPURA) == "3 Desember 2026 16.05 WIT"


def test_a_moment_can_cross_midnight_into_the_next_day():
    assert datetime_id(dt.datetime(2026, 12, 31, 17, 30, tzinfo=dt.UTC), JAKARTA) == (
        "1 Januari 2027 00.30 WIB"
    )


def test_a_naive_time_is_read_as_the_units_local_time():
    assert datetime_id(dt.datetime(2026, 12, 3, 14, 5), MAKASSAR) == "3 Desember 2026 14.05 WITA"
