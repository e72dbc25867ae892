"""/api/v1/polmas: schema in, one selector or service call, schema out.

Reads go through the community selectors (another unit's programme or activity is a 404);
changes through one service each, acting as the Person behind the token. Errors are raised and
mapped by :mod:`trantib.api.errors` to ``{"message", "field"}``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema, Status

from trantib.accounts.middleware import PersonRequest
from trantib.api.types import (
    E400,
    E401,
    E403,
    E404,
    E409,
    E422,
    MAX_ID,
    NO_NUL,
    api_actor,
    api_user,
)
from trantib.complaints.models import Category
from trantib.core.errors import Invalid
from trantib.engine.runtime import YEAR_MAX, YEAR_MIN

from . import selectors, services
from .models import Activity, Issue, Rule

community_router = Router(tags=["community"])

ActivityId = Annotated[int, Path(ge=1, le=MAX_ID, description="Activity id")]
UnitCode = Annotated[str, Query(max_length=40, pattern=NO_NUL, description="Unit code")]
Month = Annotated[str, Query(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")]


class RuleOut(Schema):
    id: int
    unit: str
    officer: str
    officer_id: int
    desa: str
    pos: str
    days: list[int]  # 0 = Senin … 6 = Minggu; empty: every day
    starts_at: str
    place: str
    active: bool


class IssueOut(Schema):
    id: int
    text: str
    desa: str
    place: str
    complaint_tracking: str | None
    complaint_unit: str | None


class ActivityOut(Schema):
    id: int
    unit: str
    day: dt.date
    pos: str
    desa: str
    place: str
    officer: str
    officer_id: int
    status: str
    case: str | None
    held_at: dt.datetime | None
    attendance: int
    attendees: list[str]
    topics: list[str]
    kelengkapan: list[str]
    peralatan: list[str]
    warnings_kept: bool
    issues: list[IssueOut] = []


class RecordIn(Schema):
    held_at: dt.datetime
    held_place: str
    attendance: int
    attendees: list[str] = []
    topics: list[str]
    kelengkapan: list[str] = []
    peralatan: list[str] = []
    warnings_kept: bool
    notes: str = ""
    latitude: float | None = None
    longitude: float | None = None


class IssueIn(Schema):
    text: str
    desa: str = ""
    place: str = ""
    resident_name: str = ""
    resident_contact: str = ""
    category: str = ""  # a complaint category's code: file it as a complaint


def _rule_out(rule: Rule) -> RuleOut:
    return RuleOut(
        id=rule.pk,
        unit=rule.unit.code,
        officer=rule.officer.full_name,
        officer_id=rule.officer_id,
        desa=rule.desa,
        pos=rule.pos,
        days=rule.weekdays,
        starts_at=rule.starts_at.strftime("%H:%M"),
        place=rule.place,
        active=rule.active,
    )


def _issue_out(issue: Issue) -> IssueOut:
    complaint = issue.complaint
    return IssueOut(
        id=issue.pk,
        text=issue.text,
        desa=issue.desa,
        place=issue.place,
        complaint_tracking=complaint.tracking if complaint else None,
        complaint_unit=complaint.unit.code if complaint else None,
    )


def _activity_out(activity: Activity, *, issues: bool = False) -> ActivityOut:
    return ActivityOut(
        id=activity.pk,
        unit=activity.unit.code,
        day=activity.day,
        pos=activity.pos,
        desa=activity.desa,
        place=activity.place,
        officer=activity.officer.full_name,
        officer_id=activity.officer_id,
        status=activity.status,
        case=activity.case.number if activity.case else None,
        held_at=activity.held_at,
        attendance=activity.attendance,
        attendees=activity.attendees,
        topics=activity.topics,
        kelengkapan=activity.kelengkapan,
        peralatan=activity.peralatan,
        warnings_kept=activity.warnings_kept,
        issues=[_issue_out(i) for i in selectors.issues_of(activity)] if issues else [],
    )


@community_router.get(
    "/programme", response={200: list[RuleOut], **E401, **E404, **E422}, summary="Program Polmas"
)
def programme(request: HttpRequest, unit: UnitCode) -> list[RuleOut]:
    found = selectors.unit_get_for_user(api_user(request), unit)
    return [_rule_out(r) for r in selectors.rules_for_unit(found).select_related("unit")]


@community_router.get(
    "/activities",
    response={200: list[ActivityOut], **E401, **E404, **E422},
    summary="Kegiatan Polmas sebulan",
)
def activities(request: HttpRequest, unit: UnitCode, month: Month) -> list[ActivityOut]:
    found = selectors.unit_get_for_user(api_user(request), unit)
    year, number = (int(p) for p in month.split("-"))
    if not 1 <= number <= 12:
        raise Invalid(_("Bulan harus 01 sampai 12."), field="month")
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise Invalid(
            _("Tahun harus antara %(min)s dan %(max)s.") % {"min": YEAR_MIN, "max": YEAR_MAX},
            field="month",
        )
    first, last = selectors.month_bounds(year, number)
    rows = selectors.activities_between(found, first, last).select_related("unit")
    return [_activity_out(a) for a in rows]


@community_router.get(
    "/activities/{posint:id}",
    response={200: ActivityOut, **E401, **E404, **E422},
    summary="Kegiatan",
)
def activity(request: HttpRequest, id: ActivityId) -> ActivityOut:
    return _activity_out(selectors.activity_get_for_user(api_user(request), id), issues=True)


@community_router.post(
    "/activities/{posint:id}/record",
    response={200: ActivityOut, **E400, **E401, **E403, **E404, **E409, **E422},
    summary="Catat kegiatan",
)
def activity_record(request: PersonRequest, id: ActivityId, payload: RecordIn) -> ActivityOut:
    """Record the activity as held; its POLMAS task is completed with the record's facts."""
    found = selectors.activity_get_for_user(api_user(request), id)
    done = services.activity_record(activity=found, actor=api_actor(request), **payload.dict())
    return _activity_out(selectors.activity_get_for_user(api_user(request), done.pk), issues=True)


@community_router.post(
    "/activities/{posint:id}/issues",
    response={201: IssueOut, **E400, **E401, **E403, **E404, **E409, **E422},
    summary="Catat permasalahan warga",
)
def issue_create(request: PersonRequest, id: ActivityId, payload: IssueIn) -> Status[IssueOut]:
    """A matter residents raised; with ``category`` (a complaint category's code) it is filed
    as a complaint, routed to the unit that handles it."""
    found = selectors.activity_get_for_user(api_user(request), id)
    data = payload.dict()
    code = data.pop("category")
    category = None
    if code:
        category = Category.objects.filter(code=code, active=True).first()
        if category is None:
            raise Invalid(
                _("Kategori “%(code)s” tidak dikenal.") % {"code": code[:30]}, field="category"
            )
    issue = services.issue_raise(
        activity=found, actor=api_actor(request), category=category, **data
    )
    return Status(201, _issue_out(issue))
