"""Reads of the Polmas register, always within the user's units (another unit's is a 404)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404

from trantib.accounts.models import OrgUnit, Person
from trantib.accounts.selectors import holders_of, units_for_user
from trantib.core.search import SearchHit, UserLike
from trantib.sops.selectors import role_codes_by_unit

from .models import Activity, ActivityStatus, Issue, Pos, Rule

SOP_CODE = "POLMAS"
# The SOP role whose holders are the unit's Bhabinkamtibmas (POLMAS's Banit). Roles, not
# positions: a unit's are the positions its adoption of POLMAS maps them to, a role it does not
# map the position coded as the role's id (decision 0015).
OFFICER_ROLE = "banit"
# The roles that manage the programme (the SOP's Kasat Binmas, KBO Binmas and three Kanit).
MANAGER_ROLES = (
    "kasat_binmas",
    "kbo_binmas",
    "kanit_binkamsa",
    "kanit_binpolmas",
    "kanit_bintibmas",
)


def officer_position(unit: OrgUnit) -> str:
    """The position code of ``unit`` whose holders are its Bhabinkamtibmas: the one that fills
    POLMAS's Banit there (the unit's adoption of POLMAS, else the position coded ``banit``)."""
    return next(iter(role_codes_by_unit(SOP_CODE, [OFFICER_ROLE], [unit.pk])[unit.pk]))


def manager_positions(unit: OrgUnit) -> frozenset[str]:
    """The position codes of ``unit`` that fill POLMAS's managing roles."""
    return role_codes_by_unit(SOP_CODE, MANAGER_ROLES, [unit.pk])[unit.pk]


def polmas_units_q() -> Q:
    """The units that keep a Polmas programme (on ``OrgUnit``): those with a position that
    fills POLMAS's Banit — the unit's adoption of POLMAS maps the role (decision 0015), or the
    unit has the position coded ``banit``."""
    mapped = Q(sop_adoptions__sop_version__code=SOP_CODE, sop_adoptions__roles__role=OFFICER_ROLE)
    return Q(positions__code=OFFICER_ROLE) | mapped


def polmas_units_for_user(user: UserLike) -> QuerySet[OrgUnit]:
    """The user's units that keep a Polmas programme (:func:`polmas_units_q`)."""
    return units_for_user(user).filter(polmas_units_q()).distinct().order_by("code")


def unit_get_for_user(user: UserLike, code: str) -> OrgUnit:
    unit = polmas_units_for_user(user).filter(code=code).first()
    if unit is None:
        raise Http404
    return unit


def officers_of(unit: OrgUnit) -> list[Person]:
    """The unit's Bhabinkamtibmas: the holders of the position that fills POLMAS's Banit."""
    return list(holders_of(unit, officer_position(unit)))


def rules_for_unit(unit: OrgUnit) -> QuerySet[Rule]:
    return (
        Rule.objects.filter(unit=unit)
        .select_related("officer")
        .order_by("officer__full_name", "desa", "pos", "starts_at", "pk")
    )


def rule_get_for_user(user: UserLike, rule_id: int) -> Rule:
    rule = (
        Rule.objects.filter(pk=rule_id, unit__in=units_for_user(user))
        .select_related("unit", "officer")
        .first()
    )
    if rule is None:
        raise Http404
    return rule


def activities_for_user(user: UserLike) -> QuerySet[Activity]:
    return Activity.objects.filter(unit__in=units_for_user(user)).select_related(
        "unit", "officer", "case"
    )


def activity_get_for_user(user: UserLike, activity_id: int) -> Activity:
    activity = activities_for_user(user).filter(pk=activity_id).first()
    if activity is None:
        raise Http404
    return activity


def activities_between(
    unit: OrgUnit,
    first: dt.date,
    last: dt.date,
    *,
    officer_id: int | None = None,
    desa: str = "",
    pos: str = "",
    status: str = "",
) -> QuerySet[Activity]:
    rows = Activity.objects.filter(unit=unit, day__gte=first, day__lte=last)
    if officer_id:
        rows = rows.filter(officer_id=officer_id)
    if desa:
        rows = rows.filter(desa=desa)
    if pos:
        rows = rows.filter(pos=pos)
    if status:
        rows = rows.filter(status=status)
    return rows.select_related("officer", "case").order_by("day", "starts_at", "pk")


@dataclass(frozen=True)
class PlannedDay:
    """One day of the week/month view: what is planned by the rules and what was opened."""

    day: dt.date
    rules: list[Rule]  # rules due that day with no activity yet (future days)
    activities: list[Activity]


def programme_days(unit: OrgUnit, first: dt.date, last: dt.date) -> list[PlannedDay]:
    """Each day from ``first`` to ``last``: the activities opened, and for days still to come
    the active rules that will open then."""
    rules = list(rules_for_unit(unit).filter(active=True))
    by_day: dict[dt.date, list[Activity]] = defaultdict(list)
    for activity in activities_between(unit, first, last):
        by_day[activity.day].append(activity)
    today = unit.today()
    days = []
    day = first
    while day <= last:
        opened = by_day.get(day, [])
        opened_rules = {a.rule_id for a in opened}
        pending = (
            [r for r in rules if r.due_on(day) and r.pk not in opened_rules] if day >= today else []
        )
        days.append(PlannedDay(day=day, rules=pending, activities=opened))
        day += dt.timedelta(days=1)
    return days


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def issues_of(activity: Activity) -> list[Issue]:
    return list(activity.issues.select_related("complaint__unit", "complaint__case").order_by("pk"))


# -- the monthly recap --------------------------------------------------------------------------


@dataclass
class RecapCell:
    planned: int = 0
    held: int = 0
    missed: int = 0
    open: int = 0  # today's, not recorded yet


@dataclass
class RecapRow:
    """One Bhabinkamtibmas in one desa over one month."""

    officer: Person
    desa: str
    per_pos: dict[str, RecapCell] = field(default_factory=dict)
    attendance: int = 0
    topics: list[str] = field(default_factory=list)
    issues: int = 0
    complaints: int = 0

    def total(self) -> RecapCell:
        cell = RecapCell()
        for c in self.per_pos.values():
            cell.planned += c.planned
            cell.held += c.held
            cell.missed += c.missed
            cell.open += c.open
        return cell


@dataclass(frozen=True)
class Recap:
    unit: OrgUnit
    first: dt.date
    last: dt.date
    rows: list[RecapRow]
    poses: list[tuple[str, str]]
    issues: list[Issue]


def recap_month(unit: OrgUnit, year: int, month: int) -> Recap:
    """Per Bhabinkamtibmas and desa: activities planned / held / missed per Pos, attendance,
    topics, issues raised and the complaints they opened (4 queries)."""
    first, last = month_bounds(year, month)
    rows: dict[tuple[int, str], RecapRow] = {}
    activities = activities_between(unit, first, last)
    # Plain values: a province's month holds thousands of activities.
    facts = list(
        activities.values_list("officer_id", "desa", "pos", "status", "attendance", "topics")
    )
    officers = Person.objects.in_bulk({officer_id for officer_id, *_rest in facts})
    for officer_id, desa, pos, status, attendance, topics in facts:
        row = rows.setdefault(
            (officer_id, desa),
            RecapRow(
                officer=officers[officer_id],
                desa=desa,
                per_pos={p.value: RecapCell() for p in Pos},
            ),
        )
        cell = row.per_pos[pos]
        cell.planned += 1
        if status == ActivityStatus.HELD:
            cell.held += 1
            row.attendance += attendance
            for topic in topics:
                if topic not in row.topics:
                    row.topics.append(topic)
        elif status == ActivityStatus.MISSED:
            cell.missed += 1
        else:
            cell.open += 1
    issues = list(
        Issue.objects.filter(activity__in=activities)
        .select_related("activity__officer", "complaint__unit", "complaint__case")
        .order_by("activity__day", "pk")
    )
    for issue in issues:
        row = rows[(issue.activity.officer_id, issue.activity.desa)]
        row.issues += 1
        if issue.complaint_id:
            row.complaints += 1
    ordered = sorted(rows.values(), key=lambda r: (r.officer.full_name, r.desa))
    return Recap(
        unit=unit,
        first=first,
        last=last,
        rows=ordered,
        poses=[(p.value, str(p.label)) for p in Pos],
        issues=issues,
    )


# -- search ---------------------------------------------------------------------------------------


def search_polmas(user: UserLike, query: str, limit: int) -> list[SearchHit]:
    """Activities by desa name or topic, and the programme's desa, within the user's units."""
    from django.urls import reverse

    hits: list[SearchHit] = []
    rows = (
        activities_for_user(user)
        .filter(Q(desa__icontains=query) | Q(topics__icontains=query) | Q(place__icontains=query))
        .order_by("-day", "-pk")[:limit]
    )
    for activity in rows:
        topics = "; ".join(activity.topics)[:120]
        hits.append(
            SearchHit(
                kind=str(activity.get_pos_display()),
                title=f"{activity.get_pos_display()} {activity.desa}",
                url=reverse("community:activity", args=[activity.pk]),
                subtitle=" · ".join(
                    p for p in (activity.day.isoformat(), activity.officer.full_name, topics) if p
                ),
                unit_code=activity.unit.code,
            )
        )
    return hits
