"""The patrol pages: the plans, a month's calendar, a day's plan, the daily report form on a
phone, the monthly report (page and PDF) and the wilayah.

Every read goes through a ``*_for_user`` selector (another unit's plan is a 404); every change
is a POST under CSRF through one service, its error shown beside the input it names, with
everything typed kept.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trantib.accounts.middleware import PersonRequest
from trantib.accounts.models import OrgUnit
from trantib.cases import selectors as case_selectors
from trantib.cases.selectors import unit_members
from trantib.cases.services import case_spec
from trantib.core.dates import datetime_id
from trantib.core.errors import NotFound, ServiceError
from trantib.core.jsoninput import json_loads
from trantib.core.printing import pdf_from_html
from trantib.core.text import CONTROL

from . import selectors, services
from .models import Area, Plan, PlanDay

TIME_RE = re.compile(r"^\s*(\d{1,2})[.:](\d{2})\s*$")
WEEKDAYS = list(enumerate(selectors.DAY_NAMES))


def parse_time(text: str | None) -> dt.time | None:
    """ "08.00" or "08:00" (the time input sends the latter); None for anything else."""
    found = TIME_RE.match(text or "")
    if not found:
        return None
    hour, minute = int(found.group(1)), int(found.group(2))
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def _float(text: str | None) -> float | None:
    try:
        value = float((text or "").strip().replace(",", "."))
    except ValueError:
        return None
    return value if value == value else None  # NaN is no point


def _ints(values: list[str]) -> list[int]:
    """The ids among ``values``: digits only, at most 18 of them (a 63-bit database id), so a
    typed 25-digit number is dropped here rather than overflowing the database."""
    return [int(v) for v in values if isinstance(v, str) and re.fullmatch(r"[0-9]{1,18}", v)]


def _map_context(unit: OrgUnit) -> dict[str, Any]:
    outline = ""
    if unit.outline:
        outline = json.dumps(
            {
                "type": "FeatureCollection",
                "features": [{"type": "Feature", "properties": {}, "geometry": unit.outline}],
            }
        )
    lat, lon = -6.1781, 106.6297
    if unit.outline and unit.outline.get("coordinates"):
        ring = unit.outline["coordinates"][0]
        if unit.outline.get("type") == "MultiPolygon":
            ring = ring[0]
        lon = sum(p[0] for p in ring) / len(ring)
        lat = sum(p[1] for p in ring) / len(ring)
    return {
        "map_outline": outline,
        "map_tiles": getattr(settings, "TRANTIB_MAP_TILE_URL", ""),
        "map_attribution": getattr(settings, "TRANTIB_MAP_ATTRIBUTION", ""),
        "map_lat": f"{lat:.6f}",
        "map_lon": f"{lon:.6f}",
    }


def _or_404(fn, *args):  # type: ignore[no-untyped-def]
    try:
        return fn(*args)
    except NotFound:
        raise Http404 from None


# -- the daily reports across plans -------------------------------------------------------------

REPORTS_PAGE = 50


@login_required
def report_list(request: PersonRequest) -> HttpResponse:
    """``/patroli/laporan/?unit=…&dari=…&sampai=…``: the daily reports of a unit (and the units
    below it) between two patrol days, across its plans — where a report's figure of patrols
    leads. A day that cannot be read lists nothing and says so."""
    unit = CONTROL.sub("", request.GET.get("unit", ""))[:20].strip()
    days: list[dt.date | None] = []
    unreadable = False
    for key in ("dari", "sampai"):
        text = request.GET.get(key, "")
        try:
            days.append(dt.date.fromisoformat(text) if text else None)
        except ValueError:
            days.append(None)
            unreadable = True
    reports = selectors.report_list_for_user(
        request.user, unit=unit, since=days[0], until=days[1]
    ).select_related("unit", "day__danru")
    if unreadable:
        reports = reports.none()
    reports = reports.prefetch_related("day__areas", "places").annotate(
        n_findings=Count("findings")
    )
    page = Paginator(reports, REPORTS_PAGE).get_page(request.GET.get("halaman"))
    query = request.GET.copy()
    query.pop("halaman", None)
    return render(
        request,
        "patrols/report_list.html",
        {
            "page": page,
            "unit": unit,
            "since": days[0],
            "until": days[1],
            "unreadable": unreadable,
            "query": query.urlencode(),
        },
    )


# -- the list of plans --------------------------------------------------------------------------


@login_required
def plan_list(request: PersonRequest) -> HttpResponse:
    person = request.person
    plans = list(selectors.plan_list_for_user(request.user).annotate(n_days=Count("days")))
    codes = [s.code for s in services.patrol_specs()]
    cases = list(selectors.cases_without_plan_for_user(request.user, codes))
    planner_of = {u.pk for u in {c.unit for c in cases} if services.may_plan(person, u)}
    waiting = [c for c in cases if c.unit_id in planner_of]
    rows = [
        {"plan": p, "month": selectors.month_text(p.month), "days": p.n_days}  # type: ignore[attr-defined]
        for p in plans
    ]
    return render(
        request,
        "patrols/plan_list.html",
        {"rows": rows, "waiting": waiting},
    )


@login_required
@require_POST
def plan_create(request: PersonRequest, case_id: int) -> HttpResponse:
    case = _or_404(case_selectors.case_get_for_user, request.user, case_id)
    if request.person is None:
        raise Http404
    try:
        plan = services.plan_create(case=case, actor=request.person)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("cases:detail", case.pk)
    return redirect("patrols:plan", plan.pk)


# -- a month's calendar --------------------------------------------------------------------------


@dataclass
class DayForm:
    """The bulk/one-day form as posted, kept on an error."""

    dates: list[str] = field(default_factory=list)
    weekdays: list[int] = field(default_factory=list)
    starts: str = "08:00"
    ends: str = "12:00"
    areas: list[int] = field(default_factory=list)
    route: str = ""
    danru: int | None = None
    members: list[int] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_post(cls, post: QueryDict) -> DayForm:
        danru = _ints([post.get("danru", "")])
        return cls(
            dates=post.getlist("dates"),
            weekdays=_ints(post.getlist("weekdays")),
            starts=post.get("starts", ""),
            ends=post.get("ends", ""),
            areas=_ints(post.getlist("areas")),
            route=post.get("route", ""),
            danru=danru[0] if danru else None,
            members=_ints(post.getlist("members")),
        )

    @classmethod
    def from_day(cls, day: PlanDay) -> DayForm:
        return cls(
            starts=day.starts.strftime("%H:%M"),
            ends=day.ends.strftime("%H:%M"),
            areas=[a.pk for a in day.areas.all()],
            route=day.route,
            danru=day.danru_id,
            members=[m.pk for m in day.members.all()],
        )

    def service_input(self) -> services.DayInput:
        return services.DayInput(
            starts=parse_time(self.starts),
            ends=parse_time(self.ends),
            areas=self.areas,
            route=self.route,
            danru=self.danru,
            members=self.members,
        )

    def picked_days(self, month: dt.date) -> list[dt.date]:
        dates = []
        for text in self.dates:
            try:
                dates.append(dt.date.fromisoformat(text))
            except ValueError:
                continue
        return services.days_pick(month, dates=dates, weekdays=self.weekdays)


def _team_choices(unit: OrgUnit) -> list[Any]:
    return list(unit_members(unit))


def _plan_context(request: PersonRequest, plan: Plan, form: DayForm) -> dict[str, Any]:
    days = selectors.plan_days(plan)
    today = plan.unit.today()
    spec = case_spec(plan.case)
    month_days = [
        plan.month + dt.timedelta(days=i)
        for i in range(31)
        if (plan.month + dt.timedelta(days=i)).month == plan.month.month
    ]
    taken = {d.day for d in days}
    return {
        "plan": plan,
        "month_text": selectors.month_text(plan.month),
        "days": days,
        "weeks": selectors.month_grid(plan, days, today),
        "day_names": selectors.DAY_NAMES,
        "today": today,
        "may_plan": services.may_plan(request.person, plan.unit, spec),
        "fixed": services._schedule_done(plan, spec),
        "form": form,
        "month_days": [(d, d in taken) for d in month_days],
        "weekdays": WEEKDAYS,
        "areas": list(Area.objects.filter(unit=plan.unit, active=True)),
        "people": _team_choices(plan.unit),
        "surat_tugas": selectors.surat_tugas_for(plan, request.user),
        "month": selectors.month_report(plan),
    }


@login_required
def plan_detail(request: PersonRequest, plan_id: int) -> HttpResponse:
    plan = _or_404(selectors.plan_get_for_user, request.user, plan_id)
    form = DayForm()
    status = 200
    if request.method == "POST":
        form = DayForm.from_post(request.POST)
        if request.person is None:
            raise Http404
        try:
            made = services.plan_days_add(
                plan=plan,
                actor=request.person,
                days=form.picked_days(plan.month),
                data=form.service_input(),
            )
        except ServiceError as exc:
            form.errors[exc.field or "days"] = exc.message
            status = 400
        else:
            messages.success(request, _("%(n)s hari patroli ditambahkan.") % {"n": len(made)})
            return redirect("patrols:plan", plan.pk)
    return render(
        request, "patrols/plan_detail.html", _plan_context(request, plan, form), status=status
    )


@login_required
def day_edit(request: PersonRequest, day_id: int) -> HttpResponse:
    day = _or_404(selectors.day_get_for_user, request.user, day_id)
    plan = day.plan
    form = DayForm.from_day(day)
    status = 200
    if request.method == "POST":
        if request.person is None:
            raise Http404
        try:
            if request.POST.get("action") == "remove":
                services.plan_day_remove(day=day, actor=request.person)
                messages.success(request, _("Hari patroli dihapus dari rencana."))
                return redirect("patrols:plan", plan.pk)
            form = DayForm.from_post(request.POST)
            services.plan_day_update(day=day, actor=request.person, data=form.service_input())
        except ServiceError as exc:
            form.errors[exc.field or "day"] = exc.message
            status = 400
        else:
            messages.success(request, _("Hari patroli diubah."))
            return redirect("patrols:plan", plan.pk)
    spec = case_spec(plan.case)
    if _has_report(day):
        selectors.findings_annotate(list(day.report.findings.all()))
    return render(
        request,
        "patrols/day_edit.html",
        {
            "day": day,
            "plan": plan,
            "form": form,
            "may_plan": services.may_plan(request.person, plan.unit, spec),
            "fixed": services._schedule_done(plan, spec),
            "areas": list(Area.objects.filter(unit=plan.unit, active=True)),
            "people": _team_choices(plan.unit),
            "report": day.report if _has_report(day) else None,
        },
        status=status,
    )


def _has_report(day: PlanDay) -> bool:
    return selectors._has_report(day)


# -- the daily report ----------------------------------------------------------------------------


@dataclass
class ReportForm:
    started: str = ""
    ended: str = ""
    result: str = ""
    outcome: str = ""  # "nihil" or "temuan"
    places: list[dict[str, str]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    exc: ServiceError | None = None

    @classmethod
    def blank(cls, day: PlanDay) -> ReportForm:
        return cls(
            started=day.starts.strftime("%H:%M"),
            ended=day.ends.strftime("%H:%M"),
            places=[{"name": "", "lat": "", "lon": ""} for _i in range(2)],
        )

    @classmethod
    def from_post(cls, post: QueryDict) -> ReportForm:
        n_places = min(max(_ints([post.get("place_count", "1")])[:1] or [1]), 20)
        n_findings = min(max(_ints([post.get("finding_count", "0")])[:1] or [0]), 10)
        places = [
            {
                "name": post.get(f"place-{i}-name", ""),
                "lat": post.get(f"place-{i}-lat", ""),
                "lon": post.get(f"place-{i}-lon", ""),
            }
            for i in range(n_places)
        ]
        findings = [
            {
                "prefix": f"f{i}",
                "place": post.get(f"f{i}-place", ""),
                "lat": post.get(f"f{i}-lat", ""),
                "lon": post.get(f"f{i}-lon", ""),
                "description": post.get(f"f{i}-description", ""),
                "articles": post.getlist(f"f{i}-a-articles"),
                "article_field": f"f{i}-a-articles",
            }
            for i in range(n_findings)
        ]
        return cls(
            started=post.get("started", ""),
            ended=post.get("ended", ""),
            result=post.get("result", ""),
            outcome=post.get("outcome", ""),
            places=places,
            findings=findings,
        )


def _picker_ready() -> bool:
    try:
        get_template("enforcement/_violator_pick.html")
        get_template("enforcement/_article_pick.html")
    except TemplateDoesNotExist:
        return False
    return True


@login_required
def day_report(request: PersonRequest, day_id: int) -> HttpResponse:
    day = _or_404(selectors.day_get_for_user, request.user, day_id)
    plan = day.plan
    if _has_report(day):
        selectors.findings_annotate(list(day.report.findings.all()))
        return render(request, "patrols/report_view.html", {"day": day, "plan": plan})
    may = services.may_report(request.person, day)
    form = ReportForm.blank(day)
    status = 200
    if request.method == "POST" and may:
        form = ReportForm.from_post(request.POST)
        action = request.POST.get("action", "save")
        if action == "add_place":
            form.places.append({"name": "", "lat": "", "lon": ""})
        elif action == "add_finding":
            form.outcome = "temuan"
            form.findings.append(
                {
                    "prefix": f"f{len(form.findings)}",
                    "place": "",
                    "lat": "",
                    "lon": "",
                    "description": "",
                    "articles": [],
                    "article_field": f"f{len(form.findings)}-a-articles",
                }
            )
        else:
            try:
                services.report_submit(
                    day=day,
                    actor=request.person,  # type: ignore[arg-type]
                    started=parse_time(form.started),
                    ended=parse_time(form.ended),
                    places=[
                        services.PlaceInput(
                            name=p["name"], latitude=_float(p["lat"]), longitude=_float(p["lon"])
                        )
                        for p in form.places
                    ],
                    result=form.result,
                    nihil=form.outcome == "nihil",
                    findings=[
                        services.FindingInput(
                            prefix=f["prefix"],
                            place=f["place"],
                            latitude=_float(f["lat"]),
                            longitude=_float(f["lon"]),
                            description=f["description"],
                            photos=request.FILES.getlist(f"{f['prefix']}-photos"),
                        )
                        for f in form.findings
                    ]
                    if form.outcome != "nihil"
                    else [],
                    form=request.POST,
                    photos=[(f.name or "foto.jpg", f) for f in request.FILES.getlist("photos")],
                )
            except ServiceError as exc:
                form.errors[exc.field or "report"] = exc.message
                form.exc = exc
                status = 400
            else:
                messages.success(request, _("Laporan patroli disimpan."))
                return redirect("patrols:day_report", day.pk)
    return render(
        request,
        "patrols/report_form.html",
        {
            "day": day,
            "plan": plan,
            "form": form,
            "may_report": may,
            "unit": day.unit,
            "picker_ready": _picker_ready(),
            "not_yet": day.day > day.unit.today(),
            **_map_context(day.unit),
        },
        status=status,
    )


# -- the monthly report --------------------------------------------------------------------------


@login_required
def month_report(request: PersonRequest, plan_id: int) -> HttpResponse:
    plan = _or_404(selectors.plan_get_for_user, request.user, plan_id)
    report = selectors.month_report(plan, user=request.user)
    return render(request, "patrols/month_report.html", {"plan": plan, "month": report})


@login_required
def month_report_pdf(request: PersonRequest, plan_id: int) -> HttpResponse:
    plan = _or_404(selectors.plan_get_for_user, request.user, plan_id)
    report = selectors.month_report(plan, user=request.user)
    html = render_to_string(
        "patrols/month_report_print.html",
        {
            "plan": plan,
            "month": report,
            "printed_text": datetime_id(timezone.now(), plan.unit.zone()),
        },
        request=request,
    )
    pdf = pdf_from_html(html, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", plan.case.number).strip("-")
    response["Content-Disposition"] = f'inline; filename="laporan-patroli-{name}.pdf"'
    return response


# -- wilayah ------------------------------------------------------------------------------------


def _outline_from(text: str) -> Any:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return json_loads(text)
    except ValueError:  # JsonTooDeep too
        return {"invalid": True}


def _planner_units(request: PersonRequest) -> list[OrgUnit]:
    from trantib.accounts.selectors import units_for_user

    return [u for u in units_for_user(request.user) if services.may_plan(request.person, u)]


@login_required
def area_list(request: PersonRequest) -> HttpResponse:
    units = _planner_units(request)
    values = {"name": "", "description": "", "outline": "", "unit": ""}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in values}
        unit = next((u for u in units if str(u.pk) == values["unit"]), None)
        if unit is None and len(units) == 1:
            unit = units[0]
        if unit is None or request.person is None:
            errors["unit"] = _("Pilih unit wilayah ini.")
            status = 400
        else:
            try:
                services.area_create(
                    unit=unit,
                    actor=request.person,
                    name=values["name"],
                    description=values["description"],
                    outline=_outline_from(values["outline"]),
                )
            except ServiceError as exc:
                errors[exc.field or "name"] = exc.message
                status = 400
            else:
                messages.success(request, _("Wilayah disimpan."))
                return redirect("patrols:areas")
    areas = list(selectors.area_list_for_user(request.user))
    return render(
        request,
        "patrols/area_list.html",
        {
            "areas": areas,
            "areas_json": json.dumps(
                {
                    "type": "FeatureCollection",
                    "features": [
                        {"type": "Feature", "properties": {"name": a.name}, "geometry": a.outline}
                        for a in areas
                        if a.outline
                    ],
                }
            ),
            "units": units,
            "values": values,
            "errors": errors,
            **(_map_context(units[0]) if units else {}),
        },
        status=status,
    )


@login_required
def area_edit(request: PersonRequest, area_id: int) -> HttpResponse:
    area = _or_404(selectors.area_get_for_user, request.user, area_id)
    values = {
        "name": area.name,
        "description": area.description,
        "outline": json.dumps(area.outline) if area.outline else "",
        "active": "1" if area.active else "",
    }
    errors: dict[str, str] = {}
    status = 200
    may = services.may_plan(request.person, area.unit)
    if request.method == "POST" and may:
        values = {k: request.POST.get(k, "") for k in values}
        try:
            services.area_update(
                area=area,
                actor=request.person,  # type: ignore[arg-type]
                name=values["name"],
                description=values["description"],
                outline=_outline_from(values["outline"]),
                active=bool(values["active"]),
            )
        except ServiceError as exc:
            errors[exc.field or "name"] = exc.message
            status = 400
        else:
            messages.success(request, _("Wilayah disimpan."))
            return redirect("patrols:areas")
    return render(
        request,
        "patrols/area_edit.html",
        {
            "area": area,
            "values": values,
            "errors": errors,
            "may_plan": may,
            **_map_context(area.unit),
        },
        status=status,
    )


def plan_url(plan: Plan) -> str:
    return reverse("patrols:plan", args=[plan.pk])
