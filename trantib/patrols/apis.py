"""/api/v1/patrols: schema in, one selector or service call, schema out.

Plans, their days and the daily reports are read through the ``*_for_user`` selectors (another
unit's plan is a 404); a team member files the day's report (``POST /days/{id}/report``),
findings naming a registered violator and the articles violated: each opens its enforcement
case, as on the report form. Errors are raised and mapped by :mod:`trantib.api.errors`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Path, Router, Schema

from trantib.accounts.middleware import PersonRequest
from trantib.api.types import (
    E400,
    E401,
    E403,
    E404,
    E409,
    E422,
    MAX_ID,
    Id,
    InSchema,
    Text300,
    Text4000,
    api_actor,
    api_user,
)

from . import selectors, services
from .models import PlanDay, Report

patrols_router = Router(tags=["patrols"])

PlanId = Annotated[int, Path(ge=1, le=MAX_ID, description="Plan id")]
DayId = Annotated[int, Path(ge=1, le=MAX_ID, description="Plan day id")]


class PlanOut(Schema):
    id: int
    unit: str
    case: str
    month: dt.date
    days: int
    reported: int


class FindingOut(Schema):
    violator: str
    articles: list[str]
    place: str
    case: str
    repeat: bool


class ReportOut(Schema):
    day: dt.date
    started: dt.time
    ended: dt.time
    places: list[str]
    result: str
    nihil: bool
    findings: list[FindingOut]
    reported_by: str


class DayOut(Schema):
    id: int
    day: dt.date
    starts: dt.time
    ends: dt.time
    areas: list[str]
    route: str
    danru: str
    members: list[str]
    report: ReportOut | None


class PlanDetailOut(PlanOut):
    schedule: list[DayOut]


class PlaceIn(InSchema):
    name: Text300
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)


class FindingIn(InSchema):
    violator: Id
    articles: list[Id] = Field(min_length=1, max_length=20)
    place: Text300 = ""
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    description: Text4000 = ""


class ReportIn(InSchema):
    started: str = Field(pattern=r"^\d{2}:\d{2}$", description="HH:MM")
    ended: str = Field(pattern=r"^\d{2}:\d{2}$", description="HH:MM")
    places: list[PlaceIn] = Field(min_length=1, max_length=services.MAX_PLACES)
    result: Text4000
    nihil: bool = False
    findings: list[FindingIn] = Field(default_factory=list, max_length=services.MAX_FINDINGS)


def _time(text: str) -> dt.time | None:
    try:
        return dt.time.fromisoformat(text)
    except ValueError:
        return None


def _report_out(report: Report) -> ReportOut:
    return ReportOut(
        day=report.day.day,
        started=report.started,
        ended=report.ended,
        places=[p.name for p in report.places.all()],
        result=report.result,
        nihil=report.nihil,
        findings=[
            FindingOut(
                violator=f.enforcement.violator.name,
                articles=[str(a) for a in f.enforcement.articles.all()],
                place=f.enforcement.place,
                case=f.enforcement.case.number if f.enforcement.case else "",
                repeat=f.enforcement.repeat,
            )
            for f in report.findings.all()
        ],
        reported_by=report.submitted_by.full_name,
    )


def _day_out(day: PlanDay) -> DayOut:
    return DayOut(
        id=day.pk,
        day=day.day,
        starts=day.starts,
        ends=day.ends,
        areas=[a.name for a in day.areas.all()],
        route=day.route,
        danru=day.danru.full_name,
        members=[m.full_name for m in day.members.all()],
        report=_report_out(day.report) if selectors._has_report(day) else None,
    )


def _plan_out(plan, days: list[PlanDay]) -> dict:  # type: ignore[no-untyped-def]
    return {
        "id": plan.pk,
        "unit": plan.unit.code,
        "case": plan.case.number,
        "month": plan.month,
        "days": len(days),
        "reported": sum(1 for d in days if selectors._has_report(d)),
    }


@patrols_router.get("/plans", response={200: list[PlanOut], **E401}, summary="Rencana patroli")
def plan_list(request: HttpRequest) -> list[PlanOut]:
    return [
        PlanOut(**_plan_out(plan, selectors.plan_days(plan)))
        for plan in selectors.plan_list_for_user(api_user(request))[:100]
    ]


@patrols_router.get(
    "/plans/{posint:id}", response={200: PlanDetailOut, **E401, **E404, **E422}, summary="Rencana"
)
def plan_detail(request: HttpRequest, id: PlanId) -> PlanDetailOut:
    plan = selectors.plan_get_for_user(api_user(request), id)
    days = selectors.plan_days(plan)
    return PlanDetailOut(**_plan_out(plan, days), schedule=[_day_out(d) for d in days])


@patrols_router.get(
    "/days/{posint:id}", response={200: DayOut, **E401, **E404, **E422}, summary="Hari patroli"
)
def day_detail(request: HttpRequest, id: DayId) -> DayOut:
    return _day_out(selectors.day_get_for_user(api_user(request), id))


@patrols_router.get(
    "/plans/{posint:id}/reports",
    response={200: list[ReportOut], **E401, **E404, **E422},
    summary="Laporan harian sebulan",
)
def report_list(request: HttpRequest, id: PlanId) -> list[ReportOut]:
    plan = selectors.plan_get_for_user(api_user(request), id)
    return [_report_out(d.report) for d in selectors.plan_days(plan) if selectors._has_report(d)]


@patrols_router.post(
    "/days/{posint:id}/report",
    response={201: ReportOut, **E400, **E401, **E403, **E404, **E409, **E422},
    summary="Laporkan patroli hari ini",
)
def report_create(request: PersonRequest, id: DayId, payload: ReportIn) -> tuple[int, ReportOut]:
    day = selectors.day_get_for_user(api_user(request), id)
    form: dict[str, object] = {}
    findings = []
    for i, f in enumerate(payload.findings):
        form[f"f{i}-v-violator"] = str(f.violator)
        form[f"f{i}-a-articles"] = [str(a) for a in f.articles]
        findings.append(
            services.FindingInput(
                prefix=f"f{i}",
                place=f.place,
                latitude=f.latitude,
                longitude=f.longitude,
                description=f.description,
            )
        )
    report = services.report_submit(
        day=day,
        actor=api_actor(request),
        started=_time(payload.started),
        ended=_time(payload.ended),
        places=[services.PlaceInput(p.name, p.latitude, p.longitude) for p in payload.places],
        result=payload.result,
        nihil=payload.nihil,
        findings=findings,
        form=form,
    )
    report = Report.objects.select_related("day", "submitted_by").get(pk=report.pk)
    return 201, _report_out(report)
