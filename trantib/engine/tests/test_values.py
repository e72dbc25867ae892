"""The one reader of recorded dates and datetimes: ISO 8601 / RFC 3339 as written, nothing
Python's ``fromisoformat`` would also take (week dates, the basic form, an hour alone)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trantib.engine.values import date_read, date_write, datetime_read, datetime_write


def test_a_date_is_read_from_its_iso_form_only():
    assert date_read("2026-12-03") == date(2026, 12, 3)


@pytest.mark.parametrize(
    "text",
    [
        "2026-12-3",
        "20261203",
        "2026-W49-4",
        "2026-337",
        "2026-12-03x",
        "2026-12-03T09:30",
        " 2026-12-03",
        "2026-02-30",
        "２０２６-12-03",
        20261203,
        None,
    ],
)
def test_anything_else_is_not_a_date(text):
    with pytest.raises(ValueError, match="2026-11-22"):
        date_read(text)


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("2026-12-03T09:30", datetime(2026, 12, 3, 9, 30)),
        ("2026-12-03T09:30:15", datetime(2026, 12, 3, 9, 30, 15)),
        ("2026-12-03T09:30:15.5", datetime(2026, 12, 3, 9, 30, 15, 500000)),
        (
            "2026-12-03T09:30+07:00",
            datetime(2026, 12, 3, 9, 30, tzinfo=timezone(timedelta(hours=7))),
        ),
        ("2026-12-03T02:30Z", datetime(2026, 12, 3, 2, 30, tzinfo=UTC)),
    ],
)
def test_a_datetime_is_read_from_its_rfc_3339_forms(text, moment):
    assert datetime_read(text) == moment


@pytest.mark.parametrize(
    "text",
    [
        "2026-12-03T99:99",
        "2026-12-03T24:00",
        "2026-12-03T09:30 ini bukan waktu",
        "2026-12-03T09",
        "2026-12-03T0930",
        "20261203T0930",
        "2026-W49-4T09:30",
        "2026-12-03 09:30",
        "2026-12-03t09:30",
        "2026-12-03",
        "2026-12-03T09:30+7",
        "2026-12-03T09:30:15.1234567",
        20261203,
    ],
)
def test_anything_else_is_not_a_datetime(text):
    with pytest.raises(ValueError, match="2026-11-22T09:30"):
        datetime_read(text)


def test_what_is_written_is_read_back():
    assert datetime_write(datetime(2026, 12, 3, 14, 5)) == "2026-12-03T14:05"
    assert datetime_write(datetime(2026, 12, 3, 14, 5, 7)) == "2026-12-03T14:05:07"
    assert date_write(date(2026, 12, 3)) == "2026-12-03"


@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 12, 31)))
def test_every_written_moment_reads_back_as_itself(moment):
    assert datetime_read(datetime_write(moment)) == moment
    assert date_read(date_write(moment.date())) == moment.date()
