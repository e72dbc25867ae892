"""Reads of the patrol programme, each limited to the user's units (another unit's plan is a
404: NotFound, never a refusal that confirms it exists)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Prefetch, QuerySet

from trantib.accounts.models import OrgUnit, Person
from trantib.accounts.selectors import units_for_user
from trantib.cases.models import Case, CaseStatus, Task, TaskStatus
from trantib.core.errors import NotFound

from .models import Area, Plan, PlanDay, Report, ReportFinding

UserLike = AbstractBaseUser | AnonymousUser

DAY_NAMES = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTH_NAMES = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def month_text(month: dt.date) -> str:
    return f"{MONTH_NAMES[month.month - 1]} {month.year}"


def _days_qs() -> QuerySet[PlanDay]:
    return PlanDay.objects.select_related("danru", "task", "report__submitted_by").prefetch_related(
        "areas",
        "members",
        "report__places",
        Prefetch(
            "report__findings",
            queryset=ReportFinding.objects.select_related(
                "enforcement__violator", "enforcement__case", "enforcement__perda"
            ).prefetch_related("enforcement__articles__perda"),
        ),
    )


def area_list_for_user(user: UserLike) -> QuerySet[Area]:
    return Area.objects.filter(unit__in=units_for_user(user)).select_related("unit")


def area_get_for_user(user: UserLike, area_id: int) -> Area:
    found = area_list_for_user(user).filter(pk=area_id).first()
    if found is None:
        raise NotFound("area")
    return found


def plan_list_for_user(user: UserLike) -> QuerySet[Plan]:
    return (
        Plan.objects.filter(unit__in=units_for_user(user))
        .select_related("case", "unit")
        .order_by("-month", "unit__code", "-pk")
    )


def plan_get_for_user(user: UserLike, plan_id: int) -> Plan:
    found = plan_list_for_user(user).filter(pk=plan_id).first()
    if found is None:
        raise NotFound("plan")
    return found


def plan_for_case(case: Case) -> Plan | None:
    return Plan.objects.filter(case=case).select_related("case", "unit").first()


def plan_days(plan: Plan) -> list[PlanDay]:
    return list(_days_qs().filter(plan=plan).order_by("day", "starts"))


def day_get_for_user(user: UserLike, day_id: int) -> PlanDay:
    found = (
        _days_qs()
        .select_related("plan__case", "plan__unit", "unit")
        .filter(pk=day_id, unit__in=units_for_user(user))
        .first()
    )
    if found is None:
        raise NotFound("day")
    return found


def report_list_for_user(
    user: UserLike,
    *,
    plan: Plan | None = None,
    unit: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[Report]:
    """The daily reports of the user's units; ``unit`` a unit's code (it and the units below
    it), ``since``/``until`` the patrol days, both included."""
    qs = Report.objects.filter(unit__in=units_for_user(user)).select_related(
        "day__plan__case", "submitted_by"
    )
    if plan is not None:
        qs = qs.filter(day__plan=plan)
    if unit:
        root = OrgUnit.objects.filter(code=unit).values_list("path", flat=True).first()
        qs = qs.filter(unit__path__startswith=root) if root else qs.none()
    if since is not None:
        qs = qs.filter(day__day__gte=since)
    if until is not None:
        qs = qs.filter(day__day__lte=until)
    return qs.order_by("day__day", "pk")


def cases_without_plan_for_user(user: UserLike, sop_codes: list[str]) -> QuerySet[Case]:
    """Open programme cases of the user's units that have no plan yet."""
    return (
        Case.objects.filter(
            unit__in=units_for_user(user),
            sop_version__code__in=sop_codes,
            status=CaseStatus.OPEN,
            patrol_plan__isnull=True,
            parent__isnull=True,
        )
        .select_related("unit", "sop_version")
        .order_by("-opened_at")
    )


# -- the calendar -------------------------------------------------------------------------------


@dataclass
class Cell:
    day: dt.date | None
    today: bool = False
    entries: list[PlanDay] = field(default_factory=list)


def month_grid(plan: Plan, days: list[PlanDay], today: dt.date) -> list[list[Cell]]:
    """Weeks of the plan's month, Monday first; cells outside the month are empty."""
    by_day: dict[dt.date, list[PlanDay]] = {}
    for d in days:
        by_day.setdefault(d.day, []).append(d)
    return [
        [
            Cell(day=d, today=d == today, entries=by_day.get(d, []))
            if d.month == plan.month.month
            else Cell(day=None)
            for d in week
        ]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(
            plan.month.year, plan.month.month
        )
    ]


# -- the monthly report -------------------------------------------------------------------------


@dataclass
class MonthReport:
    plan: Plan
    days: list[PlanDay]
    planned: int
    reported: int
    nihil: int
    findings: list[ReportFinding]
    violators: int
    repeats: int
    surat_tugas: Any = None

    @property
    def month_text(self) -> str:
        return month_text(self.plan.month)


def findings_annotate(findings: list[ReportFinding]) -> list[ReportFinding]:
    """Each finding's ``current_text``: where its enforcement case stands now (the titles of
    its live steps, or the case's end)."""
    case_ids = [f.enforcement.case_id for f in findings if f.enforcement.case_id]
    live: dict[int, list[str]] = {}
    for case_id, title in (
        Task.objects.filter(case_id__in=case_ids, status__in=[TaskStatus.OPEN, TaskStatus.CLAIMED])
        .order_by("created_at", "pk")
        .values_list("case_id", "title")
    ):
        live.setdefault(case_id, []).append(title)
    for f in findings:
        case = f.enforcement.case
        if case is None:
            f.current_text = f.enforcement.get_status_display()  # type: ignore[attr-defined]
        elif case.status != CaseStatus.OPEN:
            f.current_text = case.get_status_display()  # type: ignore[attr-defined]
        else:
            f.current_text = "; ".join(live.get(case.pk, [])) or case.get_status_display()  # type: ignore[attr-defined]
    return findings


def month_report(plan: Plan, *, user: UserLike | None = None) -> MonthReport:
    """The facts of the month from its plan, reports and the enforcement cases they opened."""
    days = plan_days(plan)
    reports = [d.report for d in days if _has_report(d)]
    findings = findings_annotate([f for r in reports for f in r.findings.all()])
    violators = {f.enforcement.violator_id for f in findings}
    repeats = {f.enforcement.violator_id for f in findings if f.enforcement.repeat}
    return MonthReport(
        plan=plan,
        days=days,
        planned=len(days),
        reported=len(reports),
        nihil=sum(1 for r in reports if r.nihil),
        findings=findings,
        violators=len(violators),
        repeats=len(repeats),
        surat_tugas=surat_tugas_for(plan, user) if user is not None else None,
    )


def _has_report(day: PlanDay) -> bool:
    try:
        return day.report is not None
    except Report.DoesNotExist:
        return False


def surat_tugas_for(plan: Plan, user: UserLike) -> Any:
    """The case's Surat Tugas (the letter of its first step) as the user may see it."""
    from trantib.cases.services import case_spec
    from trantib.letters.selectors import letter_list_for_user

    spec = case_spec(plan.case)
    block = spec.start.letter
    if block is None:
        return None
    return letter_list_for_user(user, case_id=plan.case_id).filter(key=block.key).first()


def person_names(ids: list[int]) -> dict[int, str]:
    return dict(Person.objects.filter(pk__in=ids).values_list("pk", "full_name"))
