"""The demo's time notation: times relative to the moment the demo loads.

The demo is loaded today, tomorrow and next year, so its stories cannot hold dates. They say
``now-14d`` (a moment), ``start+1d1h`` (after the story's start), ``today-2d 11:30`` (a clock
time on the story unit's calendar), ``today-3w 09:00`` (three working days, Monday to Friday,
before today: an office's letters are dated on working days); the full notation is described at
the top of ``data/cases.yaml``. Expressions are parsed when a file is read (a typo fails at
once, with its place) and evaluated against ``Anchors`` when the story runs.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from trantib.core.dates import date_id

from .yamlfile import DemoDataError, Tagged

MOMENTS = frozenset({"now", "start", "prev", "due", "at"})
DAYS = frozenset({"today", "startday"})
_MOMENT = re.compile(
    r"(?P<anchor>[a-z]+)(?:(?P<sign>[+-])(?:(?P<d>\d+)d)?(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?)?"
)
_DAY = re.compile(
    r"(?P<anchor>[a-z]+)(?:(?P<sign>[+-])(?P<d>\d+)(?P<unit>[dw]))?"
    r"(?: (?P<hh>\d\d):(?P<mm>\d\d))?"
)
# In !text: "{today.year}", "{today-3w.date}" (3 Desember 2026), "{startday+1d.day}" (Kamis,
# 3 Desember 2026): a day of the story written into the text.
_TEXT_DAY = re.compile(r"\{([a-z]+(?:[+-]\d+[dw])?)\.(year|date|day)\}")
DAY_NAMES = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


@dataclass(frozen=True)
class When:
    """A parsed time: ``anchor`` plus ``delta``, or for a day anchor, that day at ``clock``."""

    text: str
    anchor: str
    delta: dt.timedelta
    clock: dt.time | None = None  # day anchors only; None: the day itself, no time
    workdays: int = 0  # day anchors only: then so many working days (Mon-Fri), signed


def when_parse(text: Any, *, allowed: frozenset[str], where: str) -> When:
    """Parse a time (or a day); ``allowed`` are the anchors this place may use."""
    if not isinstance(text, str):
        raise DemoDataError(f"{where}: a time must be text like 'now-2d', not {text!r}")
    for pattern in (_MOMENT, _DAY):
        match = pattern.fullmatch(text.strip())
        if match is None or match["anchor"] not in (MOMENTS | DAYS):
            continue
        anchor = match["anchor"]
        is_day = anchor in DAYS
        if (pattern is _DAY) != is_day:
            continue
        if anchor not in allowed:
            names = ", ".join(sorted(allowed))
            raise DemoDataError(f"{where}: '{anchor}' cannot be used here (only {names})")
        sign = -1 if match["sign"] == "-" else 1
        if is_day:
            count = sign * int(match["d"] or 0)
            clock = dt.time(int(match["hh"]), int(match["mm"])) if match["hh"] else None
            if match["unit"] == "w":
                return When(text, anchor, dt.timedelta(), clock, workdays=count)
            return When(text, anchor, dt.timedelta(days=count), clock)
        if match["sign"] and not (match["d"] or match["h"] or match["m"]):
            break
        minutes = int(match["d"] or 0) * 1440 + int(match["h"] or 0) * 60 + int(match["m"] or 0)
        return When(text, anchor, dt.timedelta(minutes=sign * minutes))
    raise DemoDataError(
        f"{where}: cannot read the time {text!r} "
        "(e.g. 'now-2d', 'start+1h30m', 'today+1d 09:00', 'today-3w 09:00')"
    )


@dataclass(frozen=True)
class Anchors:
    """What times are read against: the load's ``now``, the story's unit time zone, its start,
    its previous action, the current step's deadline and the current action's own time."""

    now: dt.datetime
    zone: dt.tzinfo
    start: dt.datetime | None = None
    prev: dt.datetime | None = None
    due: dt.datetime | None = None
    at: dt.datetime | None = None

    def moment(self, when: When, where: str) -> dt.datetime:
        if when.anchor in DAYS:
            day = self.day(when, where)
            return dt.datetime.combine(day, when.clock or dt.time(0), tzinfo=self.zone)
        base = getattr(self, when.anchor)
        if base is None:
            raise DemoDataError(f"{where}: '{when.anchor}' is not known here (no deadline?)")
        return base + when.delta

    def day(self, when: When, where: str) -> dt.date:
        if when.anchor not in DAYS:
            return timezone.localtime(self.moment(when, where), self.zone).date()
        base = self.now if when.anchor == "today" else self.start
        if base is None:
            raise DemoDataError(f"{where}: '{when.anchor}' is not known here")
        return workdays_add(timezone.localtime(base, self.zone).date() + when.delta, when.workdays)


def workdays_add(day: dt.date, count: int) -> dt.date:
    """``count`` working days (Monday to Friday) after ``day`` (before it, if negative); from
    a weekend day the first step lands on the working day next to it. Holidays are ignored:
    the demo only wants its office letters off the weekend."""
    step = 1 if count > 0 else -1
    for _ in range(abs(count)):
        day += dt.timedelta(days=step)
        while day.weekday() >= 5:
            day += dt.timedelta(days=step)
    return day


def default_zone() -> ZoneInfo:
    return ZoneInfo(timezone.get_default_timezone_name())


# -- tags in data -----------------------------------------------------------------------------

TAG_ANCHORS = frozenset({"now", "start", "at", "today", "startday"})


def _range(value: str, where: str) -> tuple[When, When]:
    first, sep, last = value.partition("..")
    if not sep:
        raise DemoDataError(f"{where}: !days takes 'first..last', not {value!r}")
    return (
        when_parse(first, allowed=TAG_ANCHORS, where=where),
        when_parse(last, allowed=TAG_ANCHORS, where=where),
    )


def tags_check(value: Any, where: str) -> None:
    """Fail now, with the place, on a tag that could not be resolved later."""
    if isinstance(value, dict):
        for key, item in value.items():
            tags_check(item, f"{where}, '{key}'")
    elif isinstance(value, list):
        for item in value:
            tags_check(item, where)
    elif isinstance(value, Tagged):
        if value.tag == "days":
            _range(value.value, where)
        elif value.tag == "text":
            for day, part in _TEXT_DAY.findall(value.value):
                try:
                    when_parse(day, allowed=DAYS, where=where)
                except DemoDataError:
                    raise DemoDataError(f"{where}: unknown '{{{day}.{part}}}' in !text") from None
        else:
            when_parse(value.value, allowed=TAG_ANCHORS, where=where)


def _day_text(day: str, part: str, anchors: Anchors, where: str) -> str:
    found = anchors.day(when_parse(day, allowed=DAYS, where=where), where)
    if part == "year":
        return str(found.year)
    if part == "date":
        return date_id(found)
    return f"{DAY_NAMES[found.weekday()]}, {date_id(found)}"


def resolve(value: Any, anchors: Anchors, where: str) -> Any:
    """A copy of ``value`` with every tag replaced by its text for these anchors."""
    if isinstance(value, dict):
        return {key: resolve(item, anchors, where) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve(item, anchors, where) for item in value]
    if not isinstance(value, Tagged):
        return value
    if value.tag == "days":
        first, last = (anchors.day(w, where) for w in _range(value.value, where))
        return [(first + dt.timedelta(days=k)).isoformat() for k in range((last - first).days + 1)]
    if value.tag == "text":
        return _TEXT_DAY.sub(lambda m: _day_text(m[1], m[2], anchors, where), value.value)
    when = when_parse(value.value, allowed=TAG_ANCHORS, where=where)
    if value.tag == "time":
        moment = timezone.localtime(anchors.moment(when, where), anchors.zone)
        return moment.isoformat(timespec="minutes")
    day = anchors.day(when, where)
    return (day.replace(day=1) if value.tag == "month" else day).isoformat()
