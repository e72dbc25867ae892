"""The Polmas pages: the programme with its week/month view, an activity (its record on a
phone, residents' issues), the activity list behind every recap number, the monthly recap and
its XLSX. Reads go through the selectors (another unit's is a 404); changes through one
service each, errors beside the input the service named."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trantib.accounts.middleware import PersonRequest
from trantib.accounts.models import OrgUnit
from trantib.cases import services as case_services
from trantib.core.dates import MONTHS, date_id
from trantib.core.errors import ServiceError
from trantib.core.text import UNSTORABLE, has_control_characters
from trantib.core.xlsx import Sheet, xlsx_book, xlsx_response
from trantib.engine.runtime import YEAR_MAX, YEAR_MIN

from . import selectors, services
from .forms import IssueForm, RecordForm, RuleForm
from .models import Activity, ActivityStatus, Pos, Rule


def _unit(request: PersonRequest) -> tuple[OrgUnit, list[OrgUnit]]:
    units = list(selectors.polmas_units_for_user(request.user))
    if not units:
        raise Http404
    code = request.GET.get("unit") or request.POST.get("unit") or ""
    if has_control_characters(code, unstorable_only=True):
        raise Http404  # no unit's code holds a NUL (PostgreSQL refuses the query)
    if code:
        return selectors.unit_get_for_user(request.user, code), units
    return units[0], units


def _month(request: PersonRequest, unit: OrgUnit) -> tuple[int, int]:
    """The ``bulan`` asked for (YYYY-MM, years 1900–2100 as every typed date); anything else
    is the unit's current month."""
    found = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})", request.GET.get("bulan", "").strip())
    if found:
        year, month = int(found[1]), int(found[2])
        if YEAR_MIN <= year <= YEAR_MAX and 1 <= month <= 12:
            return year, month
    today = unit.today()
    return today.year, today.month


def _anchor(request: PersonRequest, today: dt.date) -> dt.date:
    """The ``tanggal`` of the week view (ISO, years 1900–2100); anything else is today."""
    try:
        anchor = dt.date.fromisoformat(request.GET.get("tanggal", "").strip())
    except ValueError:
        return today
    return anchor if YEAR_MIN <= anchor.year <= YEAR_MAX else today


def _id(text: str | None) -> int | None:
    """A positive database id typed in a query string, or None (never an overflow)."""
    text = (text or "").strip()
    if not re.fullmatch(r"[0-9]{1,18}", text):
        return None
    return int(text) or None


def _month_text(year: int, month: int) -> str:
    return f"{MONTHS[month - 1]} {year}"


def _shift(year: int, month: int, by: int) -> str:
    n = year * 12 + month - 1 + by
    return f"{n // 12:04d}-{n % 12 + 1:02d}"


def _rule_form(unit: OrgUnit, data: Any = None, rule: Rule | None = None) -> RuleForm:
    initial = {}
    if rule is not None:
        initial = {
            "officer": rule.officer_id,
            "desa": rule.desa,
            "pos": rule.pos,
            "days": list(rule.days),
            "starts_at": rule.starts_at,
            "place": rule.place,
            "active": rule.active,
        }
    return RuleForm(data, initial=initial, officers=selectors.officers_of(unit))


@login_required
def programme(request: PersonRequest) -> HttpResponse:
    """The standing programme of a unit, and what it planned and did, by week or month."""
    unit, units = _unit(request)
    view = "minggu" if request.GET.get("tampilan") == "minggu" else "bulan"
    today = unit.today()
    year, month = _month(request, unit)
    if view == "minggu":
        anchor = _anchor(request, today)
        first = anchor - dt.timedelta(days=anchor.weekday())
        last = first + dt.timedelta(days=6)
    else:
        first, last = selectors.month_bounds(year, month)
    manage = services.may_manage(request.person, unit)
    context = {
        "unit": unit,
        "units": units,
        "rules": selectors.rules_for_unit(unit),
        "days": selectors.programme_days(unit, first, last),
        "view": view,
        "first": first,
        "last": last,
        "today": today,
        "month_text": _month_text(year, month),
        "prev_month": _shift(year, month, -1),
        "next_month": _shift(year, month, 1),
        "this_month": f"{year:04d}-{month:02d}",
        "prev_week": (first - dt.timedelta(days=7)).isoformat(),
        "next_week": (first + dt.timedelta(days=7)).isoformat(),
        "may_manage": manage,
        "form": _rule_form(unit) if manage else None,
        "mine": [
            a
            for a in selectors.activities_between(unit, today - dt.timedelta(days=1), today)
            if a.officer_id == getattr(request.person, "pk", None)
            and a.status == ActivityStatus.PLANNED
        ],
    }
    return render(request, "community/programme.html", context)


@login_required
def rule_edit(request: PersonRequest, rule_id: int | None = None) -> HttpResponse:
    """Add a rule to the programme, or change one (managers only)."""
    if rule_id is not None:
        rule: Rule | None = selectors.rule_get_for_user(request.user, rule_id)
        unit = rule.unit  # type: ignore[union-attr]
    else:
        rule = None
        unit, _units = _unit(request)
    if not services.may_manage(request.person, unit):
        return render(
            request, "community/rule_form.html", {"unit": unit, "refused": True}, status=403
        )
    form = _rule_form(unit, request.POST if request.method == "POST" else None, rule)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        officer = next(p for p in selectors.officers_of(unit) if p.pk == data["officer"])
        try:
            services.rule_save(
                unit=unit,
                actor=request.person,  # type: ignore[arg-type]
                officer=officer,
                desa=data["desa"],
                pos=data["pos"],
                days=data["days"],
                starts_at=data["starts_at"],
                place=data["place"],
                active=data["active"] if rule is not None else True,
                rule=rule,
            )
        except ServiceError as exc:
            form.add_service_error(exc.field, exc.message)
        else:
            messages.success(request, _("Jadwal Polmas disimpan."))
            return redirect(f"{reverse('community:programme')}?unit={unit.code}")
    status = 422 if request.method == "POST" else 200
    context = {"unit": unit, "rule": rule, "form": form}
    return render(request, "community/rule_form.html", context, status=status)


def _activity_context(request: PersonRequest, activity: Activity, **forms: Any) -> dict[str, Any]:
    spec = case_services.spec_in_force(services.SOP_CODE)
    step, _binding = services.pos_step(spec, activity.pos)
    mine = activity.officer_id == getattr(request.person, "pk", None)
    planned = activity.status == ActivityStatus.PLANNED
    zone = activity.unit.zone()
    record = forms.get("record") or (
        RecordForm(
            initial={
                "held_at": dt.datetime.now(zone).strftime("%Y-%m-%dT%H:%M"),
                "held_place": activity.place,
                "warnings_kept": False,
            },
            kelengkapan=list(step.requirements),
            peralatan=list(spec.identity.peralatan_perlengkapan),
            zone=zone,
        )
        if mine and planned
        else None
    )
    issue = forms.get("issue") or (
        IssueForm(initial={"desa": activity.desa})
        if mine and activity.status != ActivityStatus.MISSED
        else None
    )
    return {
        "activity": activity,
        "unit": activity.unit,
        "step": step,
        "peringatan": list(spec.identity.peringatan),
        "peralatan": list(spec.identity.peralatan_perlengkapan),
        "issues": selectors.issues_of(activity),
        "record": record,
        "issue_form": issue,
        "mine": mine,
        "held_at_text": activity.unit.time_text(activity.held_at) if activity.held_at else "",
        "day_text": date_id(activity.day),
    }


@login_required
def activity_detail(request: PersonRequest, activity_id: int) -> HttpResponse:
    activity = selectors.activity_get_for_user(request.user, activity_id)
    return render(request, "community/activity.html", _activity_context(request, activity))


@login_required
@require_POST
def activity_record(request: PersonRequest, activity_id: int) -> HttpResponse:
    activity = selectors.activity_get_for_user(request.user, activity_id)
    spec = case_services.spec_in_force(services.SOP_CODE)
    step, _binding = services.pos_step(spec, activity.pos)
    form = RecordForm(
        request.POST,
        request.FILES,
        kelengkapan=list(step.requirements),
        peralatan=list(spec.identity.peralatan_perlengkapan),
        zone=activity.unit.zone(),
    )
    status = 422
    if form.is_valid():
        try:
            services.activity_record(
                activity=activity,
                actor=request.person,  # type: ignore[arg-type]
                **form.service_kwargs(request.FILES),
            )
        except ServiceError as exc:
            form.add_service_error(exc.field, exc.message)
            status = exc.status
        else:
            messages.success(request, _("Kegiatan dicatat dan tugas POLMAS-nya selesai."))
            return redirect("community:activity", activity_id=activity.pk)
    context = _activity_context(request, activity, record=form)
    return render(request, "community/activity.html", context, status=status)


@login_required
@require_POST
def issue_add(request: PersonRequest, activity_id: int) -> HttpResponse:
    activity = selectors.activity_get_for_user(request.user, activity_id)
    form = IssueForm(request.POST)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        category = form.categories.get(data["category"]) if data["category"] else None
        try:
            issue = services.issue_raise(
                activity=activity,
                actor=request.person,  # type: ignore[arg-type]
                text=data["text"],
                desa=data["desa"],
                place=data["place"],
                resident_name=data["resident_name"],
                resident_contact=data["resident_contact"],
                category=category,
            )
        except ServiceError as exc:
            form.add_service_error(exc.field, exc.message)
            status = exc.status
        else:
            if issue.complaint is not None:
                messages.success(
                    request,
                    _("Pengaduan %(tracking)s dibuat dan diteruskan ke %(unit)s.")
                    % {"tracking": issue.complaint.tracking, "unit": issue.complaint.unit.name},
                )
            else:
                messages.success(request, _("Permasalahan warga dicatat."))
            return redirect("community:activity", activity_id=activity.pk)
    context = _activity_context(request, activity, issue=form)
    return render(request, "community/activity.html", context, status=status)


@login_required
def activity_list(request: PersonRequest) -> HttpResponse:
    """The activities behind a recap number: month, officer, desa, Pos, status."""
    found = activities_filtered(request)
    context = {
        "unit": found.unit,
        "rows": found.rows,
        "month_text": found.month_text,
        "desa": request.GET.get("desa", ""),
        "pos_label": found.pos_label,
        "status_label": found.status_label,
    }
    return render(request, "community/activity_list.html", context)


@dataclass(frozen=True)
class Activities:
    """The activity list's rows and the words of its filters (the page and its XLSX)."""

    unit: OrgUnit
    rows: QuerySet[Activity]
    month_text: str
    officer_id: int | None
    desa: str
    pos_label: str
    status_label: str
    issues_only: bool


def activities_filtered(request: PersonRequest) -> Activities:
    unit, _units = _unit(request)
    year, month = _month(request, unit)
    first, last = selectors.month_bounds(year, month)
    officer_id = _id(request.GET.get("petugas"))
    pos = request.GET.get("pos", "")
    status = request.GET.get("status", "")
    desa = UNSTORABLE.sub("", request.GET.get("desa", ""))[:100]
    rows = selectors.activities_between(
        unit,
        first,
        last,
        officer_id=officer_id,
        desa=desa,
        pos=pos if pos in Pos.values else "",
        status=status if status in ActivityStatus.values else "",
    )
    issues_only = bool(request.GET.get("masalah"))
    if issues_only:
        rows = rows.filter(issues__isnull=False).distinct()
    return Activities(
        unit=unit,
        rows=rows,
        month_text=_month_text(year, month),
        officer_id=officer_id,
        desa=desa,
        pos_label=str(Pos(pos).label) if pos in Pos.values else "",
        status_label=str(ActivityStatus(status).label) if status in ActivityStatus.values else "",
        issues_only=issues_only,
    )


def _recap_links(
    unit: OrgUnit, year: int, month: int, recap: selectors.Recap
) -> list[dict[str, Any]]:
    base = {"unit": unit.code, "bulan": f"{year:04d}-{month:02d}"}
    url = reverse("community:activities")
    out = []
    for row in recap.rows:
        who = {**base, "petugas": row.officer.pk, "desa": row.desa}
        cells = []
        for pos, label in recap.poses:
            cell = row.per_pos[pos]
            link = {**who, "pos": pos}
            cells.append(
                {
                    "label": label,
                    "cell": cell,
                    "planned": f"{url}?{urlencode(link)}",
                    "held": f"{url}?{urlencode({**link, 'status': 'held'})}",
                    "missed": f"{url}?{urlencode({**link, 'status': 'missed'})}",
                }
            )
        out.append(
            {
                "row": row,
                "cells": cells,
                "total": row.total(),
                "all": f"{url}?{urlencode(who)}",
                "held": f"{url}?{urlencode({**who, 'status': 'held'})}",
                "missed": f"{url}?{urlencode({**who, 'status': 'missed'})}",
                "issues": f"{url}?{urlencode({**who, 'masalah': 1})}",
            }
        )
    return out


@login_required
def recap(request: PersonRequest) -> HttpResponse:
    unit, units = _unit(request)
    year, month = _month(request, unit)
    data = selectors.recap_month(unit, year, month)
    context = {
        "unit": unit,
        "units": units,
        "recap": data,
        "rows": _recap_links(unit, year, month, data),
        "month_text": _month_text(year, month),
        "this_month": f"{year:04d}-{month:02d}",
        "prev_month": _shift(year, month, -1),
        "next_month": _shift(year, month, 1),
    }
    return render(request, "community/recap.html", context)


@login_required
def recap_xlsx(request: PersonRequest) -> HttpResponse:
    """The recap through the shared writer (``trantib.core.xlsx``): one sheet of numbers per
    Bhabinkamtibmas and desa, each linked to the activities behind it, one of residents'
    issues (without their names: the recap page shows none)."""
    unit, _units = _unit(request)
    year, month = _month(request, unit)
    data = selectors.recap_month(unit, year, month)
    head = [_("Bhabinkamtibmas"), _("Desa/kelurahan")]
    for _pos, label in data.poses:
        head += [f"{label} {_('rencana')}", f"{label} {_('laksana')}", f"{label} {_('tidak')}"]
    head += [_("Jumlah hadir"), _("Topik"), _("Permasalahan"), _("Pengaduan")]
    rows: list[list[Any]] = []
    links: list[list[str]] = []
    for item in _recap_links(unit, year, month, data):
        row = item["row"]
        values: list[Any] = [row.officer.full_name, row.desa]
        targets: list[str] = ["", ""]
        for c in item["cells"]:
            values += [c["cell"].planned, c["cell"].held, c["cell"].missed]
            targets += [c["planned"], c["held"], c["missed"]]
        values += [row.attendance, "; ".join(row.topics), row.issues, row.complaints]
        targets += [item["held"], "", item["issues"], item["issues"]]
        rows.append(values)
        links.append(targets)
    issues = [
        [
            issue.activity.day,
            issue.activity.get_pos_display(),
            issue.desa,
            issue.text,
            issue.complaint.tracking if issue.complaint else "",
            issue.complaint.unit.code if issue.complaint else "",
        ]
        for issue in data.issues
    ]
    issue_links = [[reverse("community:activity", args=[i.activity_id])] for i in data.issues]
    book = xlsx_book(
        title=_("Rekap kegiatan Polmas"),
        unit=unit.name,
        period=_month_text(year, month),
        sheets=[
            Sheet(name=_("Rekap"), headers=head, rows=rows, links=links),
            Sheet(
                name=_("Permasalahan warga"),
                headers=[
                    _("Tanggal"),
                    _("Kegiatan"),
                    _("Desa/kelurahan"),
                    _("Uraian"),
                    _("Nomor pengaduan"),
                    _("Unit penanganan"),
                ],
                rows=issues,
                links=issue_links,
                widths=[12, 16, 18, 60, 16, 14],
            ),
        ],
        site=request.build_absolute_uri("/")[:-1],
    )
    return xlsx_response(book, f"rekap-polmas-{unit.code}-{year:04d}-{month:02d}.xlsx")
