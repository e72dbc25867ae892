"""Reporting periods: a month, a quarter (triwulan), a semester or a year.

A period is written in addresses as ``?periode=2026-10`` (October 2026), ``2026-T3`` (the third
triwulan), ``2026-S1`` (the first semester) or ``2026`` (the year), and for people as "Oktober
2026", "Triwulan III 2026", "Semester I 2026", "Tahun 2026". Its days are the unit's: the
moments of a period are taken on the unit's clock (``bounds(zone)``), so a complaint made at
23.59 WIB on 31 October belongs to October however the server's clock reads it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from trantib.core.dates import MONTHS
from trantib.core.errors import Invalid

KINDS = ("month", "quarter", "semester", "year")
# How many months each kind spans, and how many of it a year holds.
_MONTHS_IN = {"month": 1, "quarter": 3, "semester": 6, "year": 12}
_ROMAN = ("I", "II", "III", "IV")
# The years a report may ask for: before the product and far ahead are typing errors.
YEAR_MIN, YEAR_MAX = 2000, 2100
_PATTERN = re.compile(r"^(\d{4})(?:-(?:(\d{1,2})|T([1-4])|S([12])))?$")


@dataclass(frozen=True, order=True)
class Period:
    kind: str
    year: int
    index: int  # month 1-12, quarter 1-4, semester 1-2, year 1

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown period kind {self.kind!r}")
        if not 1 <= self.index <= 12 // _MONTHS_IN[self.kind]:
            raise ValueError(f"{self.kind} {self.index} does not exist")

    @property
    def _first_month(self) -> int:
        return (self.index - 1) * _MONTHS_IN[self.kind] + 1

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self._first_month, 1)

    @property
    def end(self) -> dt.date:
        """The day after the last day (exclusive)."""
        month = self._first_month + _MONTHS_IN[self.kind]
        return dt.date(self.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def code(self) -> str:
        if self.kind == "month":
            return f"{self.year:04d}-{self.index:02d}"
        if self.kind == "quarter":
            return f"{self.year:04d}-T{self.index}"
        if self.kind == "semester":
            return f"{self.year:04d}-S{self.index}"
        return f"{self.year:04d}"

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{MONTHS[self.index - 1]} {self.year}"
        if self.kind == "quarter":
            return _("Triwulan %(n)s %(year)s") % {"n": _ROMAN[self.index - 1], "year": self.year}
        if self.kind == "semester":
            return _("Semester %(n)s %(year)s") % {"n": _ROMAN[self.index - 1], "year": self.year}
        return _("Tahun %(year)s") % {"year": self.year}

    def __str__(self) -> str:
        return self.label

    def bounds(self, zone: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
        """The period's first moment and the first moment after it, on ``zone``'s clock."""
        return (
            dt.datetime.combine(self.start, dt.time(), tzinfo=zone),
            dt.datetime.combine(self.end, dt.time(), tzinfo=zone),
        )

    def contains(self, day: dt.date) -> bool:
        return self.start <= day < self.end

    def previous(self) -> Period:
        return period_of(self.kind, self.start - dt.timedelta(days=1))

    def next(self) -> Period:
        return period_of(self.kind, self.end)

    def months(self) -> list[Period]:
        first = period_of("month", self.start)
        return [
            Period(
                "month", first.year + (first.index - 1 + i) // 12, (first.index - 1 + i) % 12 + 1
            )
            for i in range(_MONTHS_IN[self.kind])
        ]

    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=i) for i in range((self.end - self.start).days)]


def period_of(kind: str, day: dt.date) -> Period:
    """The period of ``kind`` that contains ``day``."""
    if kind not in KINDS:
        raise ValueError(f"unknown period kind {kind!r}")
    return Period(kind, day.year, (day.month - 1) // _MONTHS_IN[kind] + 1)


def period_last_complete(kind: str, day: dt.date) -> Period:
    """The last period of ``kind`` that ended before ``day`` (October on any day of November)."""
    return period_of(kind, day).previous()


def kind_label(kind: str) -> str:
    return {
        "month": _("Bulan"),
        "quarter": _("Triwulan"),
        "semester": _("Semester"),
        "year": _("Tahun"),
    }[kind]


def period_parse(code: str, *, kinds: tuple[str, ...] = KINDS, field: str = "periode") -> Period:
    """``2026-10``, ``2026-T3``, ``2026-S1`` or ``2026``; anything else, or a kind the report
    does not offer, is refused with a message that names the field and shows the forms."""
    text = (code or "").strip().upper()
    found = _PATTERN.fullmatch(text)
    period: Period | None = None
    if found is not None:
        year = int(found.group(1))
        month, quarter, semester = found.group(2), found.group(3), found.group(4)
        if YEAR_MIN <= year <= YEAR_MAX:
            if month is not None:
                period = Period("month", year, int(month)) if 1 <= int(month) <= 12 else None
            elif quarter is not None:
                period = Period("quarter", year, int(quarter))
            elif semester is not None:
                period = Period("semester", year, int(semester))
            else:
                period = Period("year", year, 1)
    if period is None:
        raise Invalid(
            _(
                "Periode %(value)s tidak dapat dibaca. Tulis bulan sebagai 2026-10, triwulan "
                "sebagai 2026-T3, semester sebagai 2026-S1, atau tahun sebagai 2026 "
                "(tahun %(min)s–%(max)s)."
            )
            % {"value": _shown(code), "min": YEAR_MIN, "max": YEAR_MAX},
            field=field,
        )
    if period.kind not in kinds:
        raise Invalid(
            _("Laporan ini per %(kinds)s; periode %(value)s adalah %(kind)s.")
            % {
                "kinds": " / ".join(kind_label(k).lower() for k in kinds),
                "value": period.code,
                "kind": kind_label(period.kind).lower(),
            },
            field=field,
        )
    return period


def _shown(value: str) -> str:
    """The typed value quoted in a message: short, printable."""
    text = "".join(ch for ch in (value or "") if ch.isprintable())[:20]
    return f"“{text}”"
