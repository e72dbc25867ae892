"""The history's Polmas weeks at Satbinmas Polres Gorontalo Kota: the standing programme of
``data/polmas.yaml`` run for the ``weeks`` before the Polmas demo's own four, through the
community services — the scheduler opens each day's activities (``activities_open``), each
Bhabinkamtibmas records his (``activity_record``, the topics and attendance of the programme in
turn), residents' matters are noted (``issue_raise``), and the few nobody recorded are marked
missed the next day (``activities_mark_missed``). An activity is keyed on its rule and day (the
scheduler never opens one twice); one already recorded or missed is left as it is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from trantib.community import services
from trantib.community.models import Activity, ActivityStatus, Issue, Rule

from ..polmas import POLMAS_FILE, _items
from ..steps import person_get
from ..yamlfile import read
from .pace import Pace, at_clock, notices_read

POLMAS_WEEKS = "weeks"  # the Polmas demo's own weeks (data/polmas.yaml), after the history's


def polmas_days(conf: dict[str, Any], now: dt.datetime, zone: dt.tzinfo) -> tuple[dt.date, dt.date]:
    """The history's first and last day: the ``weeks`` before the Polmas demo's first day."""
    _shown, data = read(POLMAS_FILE)
    today = timezone.localtime(now, zone).date()
    demo_first = today - dt.timedelta(days=7 * int(data.get(POLMAS_WEEKS, 4)) - 1)
    first = demo_first - dt.timedelta(days=7 * int(conf["polmas"]["weeks"]))
    return first, demo_first - dt.timedelta(days=1)


@dataclass(frozen=True)
class PolmasLoaded:
    days: int
    opened: int
    held: int
    missed: int
    issues: int


def polmas_load(conf: dict[str, Any], pace: Pace) -> PolmasLoaded:
    shown, data = read(POLMAS_FILE)
    from trantib.accounts.models import OrgUnit

    unit = OrgUnit.objects.get(code=data["unit"])
    zone = unit.zone()
    first, last = polmas_days(conf, pace.now, zone)
    with transaction.atomic():
        _rules(data, unit, first, shown)
        opened = 0
        day = first
        while day <= last:
            opened += services.activities_open(now=at_clock(day, 5, 30, zone), unit=unit)
            day += dt.timedelta(days=1)
        held, missed, issues = _record(conf, data, unit, first, last, pace)
        notices_read(
            list(
                Activity.objects.filter(unit=unit, day__gte=first, day__lte=last).values_list(
                    "case_id", flat=True
                )
            ),
            pace.now,
        )
    return PolmasLoaded((last - first).days + 1, opened, held, missed, issues)


def _rules(data: dict[str, Any], unit: Any, first: dt.date, shown: str) -> None:
    """The programme's rules, made (as the Polmas demo makes them) if it has not yet: three
    days before the history's first day."""
    manager = person_get(data["manager"], shown)
    for raw in data["rules"]:
        officer = person_get(raw["officer"], shown)
        if Rule.objects.filter(
            unit=unit, officer=officer, desa=raw["desa"], pos=raw["pos"]
        ).exists():
            continue
        hour, minute = (int(p) for p in str(raw["at"]).split(":"))
        services.rule_save(
            unit=unit,
            actor=manager,
            officer=officer,
            desa=raw["desa"],
            pos=raw["pos"],
            days=raw.get("days") or [],
            starts_at=dt.time(hour, minute),
            place=raw["place"],
            now=at_clock(first - dt.timedelta(days=3), 9, 0, unit.zone()),
        )


def _record(
    conf: dict[str, Any],
    data: dict[str, Any],
    unit: Any,
    first: dt.date,
    last: dt.date,
    pace: Pace,
) -> tuple[int, int, int]:
    """Each planned activity of the history recorded as held an hour after its start, except
    every n-th of a pos (``missed_every``), marked missed the next day."""
    zone = unit.zone()
    history = conf["polmas"]
    every = history.get("missed_every") or {}
    issues = {int(i["at"]): i for i in history.get("issues") or []}
    records = data.get("records") or {}
    activities = list(
        Activity.objects.filter(unit=unit, day__gte=first, day__lte=last)
        .select_related("officer", "unit")
        .order_by("day", "starts_at", "pk")
    )
    seen: dict[str, int] = {}
    held = raised = 0
    unrecorded: list[dt.datetime] = []
    for n, activity in enumerate(activities, start=1):
        count = seen[activity.pos] = seen.get(activity.pos, 0) + 1
        if activity.status != ActivityStatus.PLANNED:
            continue
        started = dt.datetime.combine(activity.day, activity.starts_at, zone)
        if every.get(activity.pos) and count % int(every[activity.pos]) == 0:
            unrecorded.append(started)
            continue
        held_at = started + dt.timedelta(minutes=pace.rng.randint(40, 75))
        issue = issues.get(n)
        if issue and not Issue.objects.filter(activity=activity, text=issue["text"]).exists():
            services.issue_raise(
                activity=activity,
                actor=activity.officer,
                text=issue["text"],
                place=issue.get("place", ""),
                now=held_at - dt.timedelta(minutes=15),
            )
            raised += 1
        plan = records.get(activity.pos) or {}
        counts = plan.get("attendance") or [10]
        topics = plan.get("topics") or [["Pesan kamtibmas"]]
        kelengkapan, peralatan = _items(activity)
        services.activity_record(
            activity=activity,
            actor=activity.officer,
            held_at=held_at,
            held_place=activity.place,
            attendance=int(counts[(count - 1) % len(counts)]) + pace.rng.randint(-2, 3),
            attendees=plan.get("attendees") or [],
            topics=topics[(count - 1) % len(topics)],
            kelengkapan=kelengkapan,
            peralatan=peralatan,
            warnings_kept=True,
            now=held_at + dt.timedelta(minutes=pace.rng.randint(5, 40)),
        )
        held += 1
    # The scheduler marks each one missed once its day and grace are over (the rest is held).
    for started in unrecorded:
        services.activities_mark_missed(now=started + dt.timedelta(days=1, hours=14))
    return held, len(unrecorded), raised
