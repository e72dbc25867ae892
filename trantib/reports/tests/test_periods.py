"""Reporting periods: their days, their names, and the addresses people type."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from trantib.core.errors import Invalid
from trantib.reports.periods import Period, period_last_complete, period_of, period_parse

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")


@pytest.mark.parametrize(
    ("code", "kind", "start", "end", "label"),
    [
        ("2026-10", "month", dt.date(2026, 10, 1), dt.date(2026, 11, 1), "Oktober 2026"),
        ("2026-12", "month", dt.date(2026, 12, 1), dt.date(2027, 1, 1), "Desember 2026"),
        ("2026-T3", "quarter", dt.date(2026, 7, 1), dt.date(2026, 10, 1), "Triwulan III 2026"),
        ("2026-t4", "quarter", dt.date(2026, 10, 1), dt.date(2027, 1, 1), "Triwulan IV 2026"),
        ("2026-S1", "semester", dt.date(2026, 1, 1), dt.date(2026, 7, 1), "Semester I 2026"),
        ("2026-S2", "semester", dt.date(2026, 7, 1), dt.date(2027, 1, 1), "Semester II 2026"),
        ("2026", "year", dt.date(2026, 1, 1), dt.date(2027, 1, 1), "Tahun 2026"),
    ],
)
def test_a_period_code_names_its_days(code, kind, start, end, label):
    period = period_parse(code)
    assert (period.kind, period.start, period.end, period.label) == (kind, start, end, label)
    assert period_parse(period.code) == period  # the code it writes reads back


@pytest.mark.parametrize(
    "code", ["", "2026-13", "2026-00", "2026-T5", "2026-S3", "26-10", "1999", "2026-10x", "abc"]
)
def test_an_unreadable_period_is_refused_naming_the_field(code):
    with pytest.raises(Invalid) as refused:
        period_parse(code)
    assert refused.value.field == "periode"
    assert "2026-T3" in refused.value.message  # shows how to write one


def test_a_report_that_offers_only_quarters_refuses_a_month():
    with pytest.raises(Invalid, match="triwulan"):
        period_parse("2026-10", kinds=("quarter",))


def test_bounds_are_the_units_midnights():
    start, end = period_parse("2026-10").bounds(WIB)
    assert start == dt.datetime(2026, 9, 30, 17, 0, tzinfo=dt.UTC)
    assert end == dt.datetime(2026, 10, 31, 17, 0, tzinfo=dt.UTC)


def test_previous_next_and_the_last_complete_period():
    assert period_parse("2026-01").previous() == Period("month", 2025, 12)
    assert period_parse("2026-T4").next() == Period("quarter", 2027, 1)
    assert period_parse("2026-S1").previous() == Period("semester", 2025, 2)
    assert period_last_complete("quarter", dt.date(2026, 12, 3)) == Period("quarter", 2026, 3)
    assert period_of("semester", dt.date(2026, 7, 1)) == Period("semester", 2026, 2)
    assert [m.code for m in period_parse("2026-T4").months()] == ["2026-10", "2026-11", "2026-12"]
    assert len(period_parse("2024-02").days()) == 29
