"""Typed Indonesian dates: the accepted forms are read day first, everything else is refused
with a message naming the accepted forms — never read as today."""

from __future__ import annotations

import datetime as dt

import pytest

from trantib.core.dateinput import date_parse, datetime_parse

DEC_3 = dt.date(2026, 12, 3)


@pytest.mark.parametrize(
    "text",
    [
        "3 Desember 2026",
        "03 desember 2026",
        "3 DESEMBER 2026",
        "3 Des 2026",
        "3 Des. 2026",
        "  3   Desember   2026 ",
        "Kamis, 3 Desember 2026",
        "3/12/2026",
        "03/12/2026",
        "03-12-2026",
        "3.12.2026",
        "2026-12-03",
    ],
)
def test_it_reads_the_forms_officers_type_day_first(text: str) -> None:
    assert date_parse(text) == DEC_3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("17 Agustus 2026", dt.date(2026, 8, 17)),
        ("17 Agt 2026", dt.date(2026, 8, 17)),
        ("1 Mei 2027", dt.date(2027, 5, 1)),
        ("29 Februari 2028", dt.date(2028, 2, 29)),
        ("5 Nopember 2026", dt.date(2026, 11, 5)),
        ("12/1/2026", dt.date(2026, 1, 12)),  # 12 January, never 1 December
    ],
)
def test_it_reads_every_month_and_its_common_spellings(text: str, expected: dt.date) -> None:
    assert date_parse(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("12/31/2026", "bulan 31 tidak ada"),
        ("31/2/2026", "tidak ada di kalender"),
        ("29 Februari 2026", "tidak ada di kalender"),
        ("besok", "bukan tanggal yang dikenali"),
        ("3/12/26", "bukan tanggal yang dikenali"),
        ("3 Decembre 2026", "bukan nama bulan"),
        ("Desember 2026", "bukan tanggal yang dikenali"),
        ("2026-13-01", "bulan 13 tidak ada"),
        ("", "belum diisi"),
    ],
)
def test_it_refuses_anything_else_naming_the_accepted_forms(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says) as refused:
        date_parse(text)
    assert "3 Desember 2026" in str(refused.value) or "kalender" in str(refused.value)


@pytest.mark.parametrize(
    "text",
    [
        "3 Desember 2026 14.05",
        "3 Desember 2026, 14.05",
        "3 Desember 2026 pukul 14.05",
        "3/12/2026 14:05",
        "03-12-2026 jam 14:05",
        "2026-12-03T14:05",
        "2026-12-03 14:05",
        "2026-12-03T14:05:00",
    ],
)
def test_it_reads_a_date_and_a_time(text: str) -> None:
    assert datetime_parse(text) == dt.datetime(2026, 12, 3, 14, 5)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("3 Desember 2026", "bukan tanggal dan jam"),
        ("3/12/2026 25:00", "tidak ada"),
        ("3/12/2026 14:75", "tidak ada"),
        ("12/31/2026 10:00", "bulan 31 tidak ada"),
        ("besok pagi", "bukan tanggal dan jam"),
        ("", "belum diisi"),
    ],
)
def test_it_refuses_a_datetime_without_a_time_or_with_a_bad_one(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        datetime_parse(text)


@pytest.mark.parametrize(
    "text", ["31/12/9999", "1/1/0001", "31 Desember 1899", "1/1/2101", "9999-12-31"]
)
def test_a_year_outside_the_plausible_range_is_refused_naming_the_bounds(text: str) -> None:
    """Review finding 5: year 9999 overflowed the calendar later in the flow, year 1 gave a
    non-ISO value. Refused here, the bounds named."""
    with pytest.raises(ValueError, match="tahun harus antara 1900 dan 2100"):
        date_parse(text)
    with pytest.raises(ValueError, match="tahun harus antara 1900 dan 2100"):
        datetime_parse(f"{text} 23.30")


def test_the_years_at_the_bounds_are_read() -> None:
    assert date_parse("1/1/1900") == dt.date(1900, 1, 1)
    assert datetime_parse("31 Desember 2100 23.30") == dt.datetime(2100, 12, 31, 23, 30)
