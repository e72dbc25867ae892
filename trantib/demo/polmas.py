"""The demo Polmas register, from ``data/polmas.yaml``, through the community services.

Idempotent: rules are keyed on (officer, desa, pos); the scheduler never opens an activity
twice; an activity already recorded or missed is left as it is; an issue is keyed on its text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from trantib.accounts.models import OrgUnit
from trantib.community import services
from trantib.community.models import Activity, ActivityStatus, Issue, Rule
from trantib.complaints.models import Category

from .steps import person_get
from .yamlfile import DemoDataError, read

POLMAS_FILE = "polmas.yaml"


@dataclass(frozen=True)
class PolmasLoaded:
    rules: int
    activities: int
    held: int
    missed: int
    issues: int
    complaints: int


def _need(raw: dict[str, Any], key: str, where: str) -> Any:
    if key not in raw:
        raise DemoDataError(f"{where}: '{key}' is missing")
    return raw[key]


def demo_polmas_load(*, now: dt.datetime | None = None) -> PolmasLoaded:
    shown, data = read(POLMAS_FILE)
    now = now or timezone.now()
    code = _need(data, "unit", shown)
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is None:
        raise DemoDataError(f"{shown}: unit {code!r} does not exist")
    zone = unit.zone()
    today = now.astimezone(zone).date()
    first = today - dt.timedelta(days=7 * int(data.get("weeks", 4)) - 1)
    manager = person_get(_need(data, "manager", shown), f"{shown}: manager")
    for n, raw in enumerate(_need(data, "rules", shown), start=1):
        where = f"{shown}: rule {n}"
        officer = person_get(_need(raw, "officer", where), where)
        desa, pos = _need(raw, "desa", where), _need(raw, "pos", where)
        if Rule.objects.filter(unit=unit, officer=officer, desa=desa, pos=pos).exists():
            continue
        hour, minute = (int(p) for p in str(_need(raw, "at", where)).split(":"))
        services.rule_save(
            unit=unit,
            actor=manager,
            officer=officer,
            desa=desa,
            pos=pos,
            days=raw.get("days") or [],
            starts_at=dt.time(hour, minute),
            place=_need(raw, "place", where),
            now=dt.datetime.combine(first - dt.timedelta(days=3), dt.time(9), zone),
        )
    day = first
    while day <= today:
        services.activities_open(now=dt.datetime.combine(day, dt.time(5, 30), zone), unit=unit)
        day += dt.timedelta(days=1)
    missed = {(m["pos"], m["desa"], int(m["occurrence"])) for m in data.get("missed") or []}
    issues_at: dict[tuple[str, str, int], list[dict[str, Any]]] = {}
    for raw in data.get("issues") or []:
        key = (raw["pos"], raw["desa"], int(raw["occurrence"]))
        issues_at.setdefault(key, []).append(raw)
    records = data.get("records") or {}
    seen: dict[tuple[str, str], int] = {}
    activities = list(
        Activity.objects.filter(unit=unit, day__gte=first, day__lte=today)
        .select_related("officer", "unit")
        .order_by("day", "starts_at", "pk")
    )
    for activity in activities:
        n = seen[(activity.pos, activity.desa)] = seen.get((activity.pos, activity.desa), 0) + 1
        key = (activity.pos, activity.desa, n)
        held_at = dt.datetime.combine(activity.day, activity.starts_at, zone) + dt.timedelta(
            minutes=50
        )
        for raw in issues_at.get(key, []):
            if (
                activity.day == today
                or Issue.objects.filter(activity=activity, text=raw["text"]).exists()
            ):
                continue
            category = None
            if raw.get("category"):
                category = Category.objects.filter(code=raw["category"]).first()
            services.issue_raise(
                activity=activity,
                actor=activity.officer,
                text=raw["text"],
                desa=raw.get("desa_issue") or activity.desa,
                place=raw.get("place", ""),
                resident_name=raw.get("resident_name", ""),
                resident_contact=str(raw.get("resident_contact", "")),
                category=category,
                now=held_at - dt.timedelta(minutes=20),
            )
        if activity.day >= today or key in missed:
            continue
        if activity.status != ActivityStatus.PLANNED:
            continue
        plan = records.get(activity.pos) or {}
        counts = plan.get("attendance") or [10]
        topics = plan.get("topics") or [["Pesan kamtibmas"]]
        spec_items = _items(activity)
        services.activity_record(
            activity=activity,
            actor=activity.officer,
            held_at=held_at,
            held_place=activity.place,
            attendance=int(counts[(n - 1) % len(counts)]),
            attendees=plan.get("attendees") or [],
            topics=topics[(n - 1) % len(topics)],
            kelengkapan=spec_items[0],
            peralatan=spec_items[1],
            warnings_kept=True,
            now=held_at + dt.timedelta(minutes=10),
        )
    services.activities_mark_missed(now=now)
    rows = Activity.objects.filter(unit=unit)
    return PolmasLoaded(
        rules=Rule.objects.filter(unit=unit).count(),
        activities=rows.count(),
        held=rows.filter(status=ActivityStatus.HELD).count(),
        missed=rows.filter(status=ActivityStatus.MISSED).count(),
        issues=Issue.objects.filter(unit=unit).count(),
        complaints=Issue.objects.filter(unit=unit, complaint__isnull=False).count(),
    )


def _items(activity: Activity) -> tuple[list[str], list[str]]:
    """The Pos's Kelengkapan and the SOP's Peralatan an officer brings: all but the last."""
    from trantib.cases import services as case_services

    spec = case_services.spec_in_force(services.SOP_CODE)
    step, _binding = services.pos_step(spec, activity.pos)
    tools = list(spec.identity.peralatan_perlengkapan)
    return list(step.requirements), tools[:-1] if len(tools) > 1 else tools
