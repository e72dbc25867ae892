"""Time standards (Mutu Baku – Waktu) and the calendars deadlines are counted on.

A time standard is parsed from the way documents write it: "15 menit", "60 Menit", "2 Jam",
"3-4 jam", "1 Hari", "1-2 Hari", "7 hari", "7x24 jam", "Waktu Tentatif sesuai Per UU", or
blank. A range counts by its upper bound. "Tentatif" and blank mean no deadline.

A calendar is either around the clock, or working days and hours with Indonesian public
holidays (the ``holidays`` package) plus any extra days off a unit declares (cuti bersama).
Deadlines are computed in the unit's time zone (WIB, WITA, WIT). "NxN24 jam" always counts
around the clock, as the letters that use it intend.

Limits: months are not a unit (no SOP seen uses them); a working day is one block of opening
hours (no lunch break); holidays are whole days.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays as holidays_lib


class TimeUnit(StrEnum):
    MINUTE = "minute"
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"


_UNIT_WORDS = {
    "menit": TimeUnit.MINUTE,
    "mnt": TimeUnit.MINUTE,
    "jam": TimeUnit.HOUR,
    "hari": TimeUnit.DAY,
    "minggu": TimeUnit.WEEK,
    "pekan": TimeUnit.WEEK,
}
_MINUTES = {TimeUnit.MINUTE: 1, TimeUnit.HOUR: 60, TimeUnit.DAY: 1440, TimeUnit.WEEK: 10080}

_RANGE = re.compile(
    r"^(?P<low>\d+)(?:\s*(?:-|–|s\.?d\.?|sampai)\s*(?P<high>\d+))?\s*"
    r"(?P<unit>menit|mnt|jam|hari|minggu|pekan)(?P<working>\s+kerja)?$"
)
_CLOCK = re.compile(r"^(?P<n>\d+)\s*[x×]\s*24\s*jam$")


class TimeStandardError(ValueError):
    """The text is not a time standard this module can read."""


@dataclass(frozen=True)
class TimeStandard:
    """A parsed Waktu cell. ``text`` is kept exactly as written for the document."""

    text: str = ""
    low: int = 0
    high: int = 0
    unit: TimeUnit | None = None
    clock: bool = False  # counts around the clock whatever the calendar ("7x24 jam")
    working: bool = False  # explicitly working time ("3 hari kerja")
    tentative: bool = False  # "Waktu Tentatif sesuai Per UU": no deadline

    @classmethod
    def none(cls) -> TimeStandard:
        return cls()

    @classmethod
    def parse(cls, text: str | None) -> TimeStandard:
        raw = (text or "").strip()
        norm = re.sub(r"\s+", " ", raw.lower()).rstrip(".")
        if not norm or norm in {"-", "–"}:
            return cls(text=raw)
        if "tentatif" in norm:
            return cls(text=raw, tentative=True)
        if m := _CLOCK.match(norm):
            n = int(m["n"])
            if n <= 0:
                raise TimeStandardError(f"'{raw}': the amount must be more than zero")
            return cls(text=raw, low=n * 24, high=n * 24, unit=TimeUnit.HOUR, clock=True)
        if m := _RANGE.match(norm):
            low = int(m["low"])
            high = int(m["high"]) if m["high"] else low
            if high <= 0:
                raise TimeStandardError(f"'{raw}': the amount must be more than zero")
            if high < low:
                raise TimeStandardError(f"'{raw}': the range runs backwards")
            return cls(
                text=raw,
                low=low,
                high=high,
                unit=_UNIT_WORDS[m["unit"]],
                working=bool(m["working"]),
            )
        raise TimeStandardError(
            f"'{raw}' is not a time standard; write e.g. '15 menit', '3-4 jam', '2 hari', "
            "'7x24 jam', 'Waktu Tentatif', or leave it blank"
        )

    @property
    def has_deadline(self) -> bool:
        return self.unit is not None and not self.tentative

    @property
    def upper_minutes(self) -> int:
        """The upper bound in minutes of elapsed time (0 when there is no deadline)."""
        return self.high * _MINUTES[self.unit] if self.unit else 0

    def __str__(self) -> str:
        return self.text


class CalendarKind(StrEnum):
    AROUND_THE_CLOCK = "around_the_clock"
    WORKING = "working"


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays_lib.country_holidays("ID", years=year).keys())


@dataclass(frozen=True)
class Calendar:
    """When the clock of a time standard runs."""

    kind: CalendarKind = CalendarKind.AROUND_THE_CLOCK
    workdays: tuple[int, ...] = (0, 1, 2, 3, 4)  # Monday = 0
    opens: time = time(8, 0)
    closes: time = time(16, 0)
    extra_days_off: frozenset[date] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        return (
            day.weekday() in self.workdays
            and day not in _public_holidays(day.year)
            and day not in self.extra_days_off
        )

    def due(self, start: datetime, standard: TimeStandard, tz: str | ZoneInfo) -> datetime | None:
        """The moment a step started at ``start`` is due, or None when it has no deadline."""
        if start.tzinfo is None:
            raise ValueError("start must be an aware datetime")
        if not standard.has_deadline:
            return None
        zone = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
        local = start.astimezone(zone)
        around = self.kind is CalendarKind.AROUND_THE_CLOCK and not standard.working
        if around or standard.clock:
            return local + timedelta(minutes=standard.upper_minutes)
        if standard.unit in (TimeUnit.MINUTE, TimeUnit.HOUR):
            return self._add_working_minutes(local, standard.upper_minutes)
        days = standard.high * (5 if standard.unit == TimeUnit.WEEK else 1)
        return self._add_working_days(local, days)

    # -- working time -------------------------------------------------------------------

    def next_open(self, moment: datetime) -> datetime:
        """``moment`` if it is inside working hours, else the next opening time."""
        day, clock = moment.date(), moment.time()
        if self.is_working_day(day):
            if clock < self.opens:
                return datetime.combine(day, self.opens, tzinfo=moment.tzinfo)
            if clock < self.closes:
                return moment
        return datetime.combine(self._next_working_day(day), self.opens, tzinfo=moment.tzinfo)

    def _next_working_day(self, day: date) -> date:
        for _ in range(400):
            day += timedelta(days=1)
            if self.is_working_day(day):
                return day
        raise ValueError("the calendar has no working day within a year")

    def _add_working_minutes(self, start: datetime, minutes: int) -> datetime:
        moment = self.next_open(start)
        left = minutes
        while True:
            closing = datetime.combine(moment.date(), self.closes, tzinfo=moment.tzinfo)
            available = int((closing - moment).total_seconds() // 60)
            if left <= available:
                return moment + timedelta(minutes=left)
            left -= available
            moment = datetime.combine(
                self._next_working_day(moment.date()), self.opens, tzinfo=moment.tzinfo
            )

    def _add_working_days(self, start: datetime, days: int) -> datetime:
        moment = self.next_open(start)
        day = moment.date()
        for _ in range(days):
            day = self._next_working_day(day)
        return datetime.combine(day, moment.timetz())

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative if end < start)."""
        if end < start:
            return -self.working_days_between(end, start)
        # Counted, not walked: a complaint open for years is shown on every list it is on.
        workdays = frozenset(self.workdays)
        weeks, rest = divmod((end - start).days, 7)
        first = start.weekday()
        count = weeks * len(workdays)
        count += sum((first + i) % 7 in workdays for i in range(1, rest + 1))
        off = set(self.extra_days_off)
        for year in range(start.year, end.year + 1):
            off |= _public_holidays(year)
        return count - sum(start < day <= end and day.weekday() in workdays for day in off)


AROUND_THE_CLOCK = Calendar()
WORKING_DAYS = Calendar(kind=CalendarKind.WORKING)
