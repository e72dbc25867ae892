from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trantib.engine.timing import (
    AROUND_THE_CLOCK,
    WORKING_DAYS,
    Calendar,
    CalendarKind,
    TimeStandard,
    TimeStandardError,
    TimeUnit,
)

WIB = ZoneInfo("Asia/Jakarta")


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("15 menit", 15),
        ("60 Menit", 60),
        ("2 Jam", 120),
        ("3-4 jam", 240),
        ("1 Hari", 1440),
        ("1-2 Hari", 2880),
        ("2 Hari", 2880),
        ("7 hari", 7 * 1440),
        ("7x24 jam", 7 * 24 * 60),
        ("3 x 24 Jam", 3 * 24 * 60),
        ("1 minggu", 7 * 1440),
    ],
)
def test_it_reads_the_time_standards_documents_write_by_their_upper_bound(text, minutes):
    standard = TimeStandard.parse(text)
    assert standard.has_deadline
    assert standard.upper_minutes == minutes
    assert str(standard) == text


@pytest.mark.parametrize("text", ["", "  ", None, "-", "Waktu Tentatif sesuai Per UU", "tentatif"])
def test_it_gives_no_deadline_for_blank_or_tentative_times(text):
    standard = TimeStandard.parse(text)
    assert not standard.has_deadline
    assert standard.upper_minutes == 0 or standard.tentative


def test_it_keeps_the_range_of_a_time_standard():
    standard = TimeStandard.parse("3-4 jam")
    assert (standard.low, standard.high, standard.unit) == (3, 4, TimeUnit.HOUR)


@pytest.mark.parametrize("text", ["segera", "15 menitan", "4-3 jam", "0 hari", "2 bulan", "jam 3"])
def test_it_refuses_what_is_not_a_time_standard(text):
    with pytest.raises(TimeStandardError):
        TimeStandard.parse(text)


def test_around_the_clock_counts_elapsed_time_in_the_units_zone():
    start = datetime(2026, 11, 21, 22, 0, tzinfo=WIB)  # Saturday night
    due = AROUND_THE_CLOCK.due(start, TimeStandard.parse("3-4 jam"), "Asia/Makassar")
    assert due == start + timedelta(hours=4)
    assert due.utcoffset() == timedelta(hours=8)  # WITA


def test_working_hours_skip_the_night_the_weekend_and_public_holidays():
    # Thursday 24 Dec 2026 15:00; Christmas (Friday) is a public holiday, then a weekend.
    start = datetime(2026, 12, 24, 15, 0, tzinfo=WIB)
    due = WORKING_DAYS.due(start, TimeStandard.parse("2 Jam"), WIB)
    assert due == datetime(2026, 12, 28, 9, 0, tzinfo=WIB)


def test_working_days_count_only_working_days():
    start = datetime(2026, 12, 24, 15, 0, tzinfo=WIB)
    due = WORKING_DAYS.due(start, TimeStandard.parse("3 hari"), WIB)
    assert due == datetime(2026, 12, 30, 15, 0, tzinfo=WIB)


def test_a_start_outside_office_hours_counts_from_the_next_opening():
    saturday = datetime(2026, 11, 21, 10, 0, tzinfo=WIB)
    due = WORKING_DAYS.due(saturday, TimeStandard.parse("15 menit"), WIB)
    assert due == datetime(2026, 11, 23, 8, 15, tzinfo=WIB)


def test_times_in_24_hour_days_run_around_the_clock_even_on_a_working_calendar():
    start = datetime(2026, 11, 20, 10, 0, tzinfo=WIB)  # Friday
    due = WORKING_DAYS.due(start, TimeStandard.parse("3x24 jam"), WIB)
    assert due == start + timedelta(days=3)


def test_explicit_working_days_count_as_working_days_on_any_calendar():
    start = datetime(2026, 11, 20, 10, 0, tzinfo=WIB)  # Friday
    due = AROUND_THE_CLOCK.due(start, TimeStandard.parse("3 hari kerja"), WIB)
    assert due == datetime(2026, 11, 25, 10, 0, tzinfo=WIB)


def test_a_unit_can_declare_extra_days_off_such_as_cuti_bersama():
    cuti = Calendar(kind=CalendarKind.WORKING, extra_days_off=frozenset({date(2026, 11, 23)}))
    start = datetime(2026, 11, 20, 15, 0, tzinfo=WIB)
    assert cuti.due(start, TimeStandard.parse("1 hari"), WIB) == datetime(
        2026, 11, 24, 15, 0, tzinfo=WIB
    )


def test_no_deadline_gives_no_due_time():
    start = datetime(2026, 11, 20, 10, 0, tzinfo=WIB)
    assert WORKING_DAYS.due(start, TimeStandard.parse("Waktu Tentatif"), WIB) is None


def test_it_refuses_a_naive_start_time():
    with pytest.raises(ValueError, match="aware"):
        AROUND_THE_CLOCK.due(datetime(2026, 1, 1), TimeStandard.parse("1 jam"), WIB)


def test_it_counts_working_days_between_two_dates():
    # Mon 21 Dec 2026 → Mon 28 Dec 2026: 22, 23, 24, (25 holiday), (26, 27 weekend), 28
    assert WORKING_DAYS.working_days_between(date(2026, 12, 21), date(2026, 12, 28)) == 4
    assert WORKING_DAYS.working_days_between(date(2026, 12, 28), date(2026, 12, 21)) == -4


def _walked(calendar: Calendar, start: date, end: date) -> int:
    """The count as the definition reads: each day after ``start`` up to ``end``, one by one."""
    if end < start:
        return -_walked(calendar, end, start)
    return sum(
        calendar.is_working_day(start + timedelta(days=i)) for i in range(1, (end - start).days + 1)
    )


@settings(max_examples=300, deadline=None)
@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    days=st.integers(min_value=-1200, max_value=1200),
    workdays=st.sets(st.integers(min_value=0, max_value=6)),
    extra=st.sets(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)), max_size=8),
)
def test_working_days_between_counts_what_walking_the_days_counts(start, days, workdays, extra):
    end = start + timedelta(days=days)
    calendar = Calendar(
        kind=CalendarKind.WORKING, workdays=tuple(sorted(workdays)), extra_days_off=frozenset(extra)
    )
    assert calendar.working_days_between(start, end) == _walked(calendar, start, end)
