"""The complaint pages: the public report form and status page, and the staff's list, export,
counter/phone form, complaint page and map.

The public pages need no login and show only what ``complaint_public_status`` carries (no
name, contact, officer or note; the place as the kelurahan/desa). Each status page counts
against the client's limit of lookups by tracking number (``services.lookup_rate_take``).

Staff pages read through the ``*_for_user`` selectors, so a complaint of another unit is a
404; every reporter shown — list, CSV, page — goes through ``reporter_for``, which masks a
confidential one for all but the unit's intake roles. Changes are POST under CSRF, through one
service each, errors beside the input the service named.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trantib.accounts.middleware import PersonRequest
from trantib.accounts.models import OrgUnit
from trantib.accounts.selectors import units_for_user
from trantib.cases import selectors as case_selectors
from trantib.core.errors import Invalid, NotAllowed, NotFound, ServiceError, TooMany
from trantib.core.ratelimit import client_address
from trantib.core.text import has_control_characters

from . import selectors, services
from .forms import ComplaintFilterForm, ComplaintForm, StaffComplaintForm, TrackForm
from .models import Channel, Complaint
from .selectors import Reporter
from .templatetags.complaints import days_left_text

PAGE_SIZE = 25
# The centre of a map without a point: the office of Kecamatan Kerjo, which runs PGD in the demo.
KRJ_CENTRE = (-7.5862, 111.0496)
# A filter value holding one of these is no filter anyone typed (PostgreSQL refuses NUL in a
# query outright): it is ignored, as an unknown status or category is.
# The session key that carries the tracking number from the public form to its thank-you page.
FILED_KEY = "complaint_filed"


# -- helpers ------------------------------------------------------------------------------


def _map_outline(units: Iterable[OrgUnit] | None) -> str:
    """The units' outlines as a GeoJSON FeatureCollection (text for a data- attribute): drawn
    on the map, and all there is to see when tiles cannot load. ``None``: every unit's."""
    if units is None:
        units = selectors.units_with_outline()
    features = [
        {"type": "Feature", "properties": {"name": u.name}, "geometry": u.outline}
        for u in units
        if u.outline
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}) if features else ""


def _map_context(
    point: tuple[float, float] | None = None, units: Iterable[OrgUnit] | None = None
) -> dict[str, Any]:
    """What a map needs: the tile layer (none when the setting is empty: a blank map), a
    centre — the complaint's point, else Kerjo's office — and the units' outlines."""
    centre = point or KRJ_CENTRE
    return {
        "map_outline": _map_outline(units),
        "map_tiles": getattr(settings, "TRANTIB_MAP_TILE_URL", ""),
        "map_attribution": getattr(settings, "TRANTIB_MAP_ATTRIBUTION", ""),
        "map_lat": f"{centre[0]:.6f}",
        "map_lon": f"{centre[1]:.6f}",
    }


def _complaint_or_404(request: PersonRequest, complaint_id: int) -> Complaint:
    try:
        return selectors.complaint_get_for_user(request.user, complaint_id)
    except NotFound:
        raise Http404(_("Pengaduan tidak ditemukan.")) from None


def _filter_params(request: PersonRequest) -> QueryDict:
    """The query string without the values that hold a control character."""
    clean = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        if not has_control_characters(key):
            clean.setlist(key, [v for v in values if not has_control_characters(v)])
    return clean


def _unit_param(request: PersonRequest) -> str:
    return _filter_params(request).get("unit", "")[:30]


# -- the public report form ---------------------------------------------------------------


def _render_report(
    request: PersonRequest, form: ComplaintForm, *, error: str = "", status: int = 200
) -> HttpResponse:
    context = {"form": form, "staff": False, "error": error, **_map_context(_point_of(form))}
    return render(request, "complaints/complaint_form.html", context, status=status)


def _point_of(form: ComplaintForm) -> tuple[float, float] | None:
    """The point the reporter already picked (a form sent back with an error keeps it)."""
    if not form.is_bound:
        return None
    try:
        return float(form.data.get("latitude", "")), float(form.data.get("longitude", ""))
    except ValueError:
        return None


def complaint_report(request: PersonRequest) -> HttpResponse:
    if request.method != "POST":
        return _render_report(request, ComplaintForm())
    form = ComplaintForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_report(request, form, status=422)
    try:
        complaint = services.complaint_file(
            channel=Channel.WEB, client=client_address(request), **form.service_kwargs()
        )
    except TooMany as exc:
        return _render_report(request, form, error=exc.message, status=exc.status)
    except ServiceError as exc:
        form.add_service_error(exc.field, exc.message)
        return _render_report(request, form, status=exc.status)
    request.session[FILED_KEY] = {"tracking": complaint.tracking, "contact": complaint.has_contact}
    return redirect("complaints:filed")


def complaint_filed(request: PersonRequest) -> HttpResponse:
    """The thank-you page after a redirect: a reload shows it again, never files twice."""
    filed = request.session.get(FILED_KEY)
    if not isinstance(filed, dict) or "tracking" not in filed:
        return redirect("complaints:report")
    return render(request, "complaints/complaint_filed.html", {"filed": filed})


# -- the public status page ---------------------------------------------------------------


def complaint_track(request: PersonRequest) -> HttpResponse:
    form = TrackForm(request.GET or None)
    if form.is_bound and form.is_valid():
        normal = services.tracking_normalise(form.cleaned_data["tracking"])
        if normal is not None:
            return redirect("complaints:status", tracking=normal)
        form.add_error(
            "tracking",
            _("“%(t)s” bukan nomor pelacakan: nomor terdiri dari 8 huruf/angka, mis. K7QM-4RTZ.")
            % {"t": form.cleaned_data["tracking"][:20]},
        )
    status = 422 if form.is_bound else 200
    return render(request, "complaints/complaint_track.html", {"form": form}, status=status)


def complaint_status(request: PersonRequest, tracking: str) -> HttpResponse:
    normal = services.tracking_normalise(tracking)
    if normal is not None and normal != tracking:
        return redirect("complaints:status", tracking=normal)
    try:
        services.lookup_rate_take(client=client_address(request))
    except TooMany as exc:
        context = {"form": TrackForm(), "error": exc.message}
        response = render(request, "complaints/complaint_track.html", context, status=exc.status)
        response["Retry-After"] = str(services.lookup_rate_window())
        return response
    try:
        public = selectors.complaint_public_status(tracking)
    except NotFound as exc:
        form = TrackForm({"tracking": tracking[:20]})
        form.is_valid()
        form.add_error("tracking", exc.message)
        return render(request, "complaints/complaint_track.html", {"form": form}, status=404)
    return render(request, "complaints/complaint_status.html", {"public": public})


# -- staff: the list and the export -------------------------------------------------------


@dataclass(frozen=True)
class Row:
    complaint: Complaint
    reporter: Reporter
    days_left: int | None


def _filtered(request: PersonRequest) -> tuple[ComplaintFilterForm, Any]:
    categories = [(c.code, c.name) for c in selectors.categories_active()]
    form = ComplaintFilterForm(_filter_params(request), categories=categories)
    # The working days need the case's SOP version: fetched with the row, not once per row.
    complaints = (
        selectors.complaint_list_for_user(request.user, **form.filters())
        .select_related("case__sop_version")
        .defer("case__sop_version__content")  # the SOP file: its key and hash are enough
    )
    return form, complaints


def _rows(complaints: Any, intake: frozenset[int], now: dt.datetime) -> list[Row]:
    return [
        Row(
            complaint=c,
            reporter=selectors.reporter_for(c, intake),
            days_left=selectors.working_days_left(c, now),
        )
        for c in complaints
    ]


@login_required
def complaint_list(request: PersonRequest) -> HttpResponse:
    form, complaints = _filtered(request)
    page = Paginator(complaints, PAGE_SIZE).get_page(request.GET.get("halaman"))
    intake = selectors.intake_unit_ids(request.person)
    context = {
        "form": form,
        "page": page,
        "rows": _rows(page.object_list, intake, timezone.now()),
        "filtered": any(form.filters().values()),
        "may_file": bool(intake),
    }
    template = "complaints/complaint_list.html"
    if getattr(request, "htmx", False) and not request.htmx.boosted:  # type: ignore[attr-defined]
        template += "#results"
    return render(request, template, context)


# A cell that a spreadsheet would read as a formula is written as text; a plain number (a
# latitude, a +62 phone number) is harmless and stays as it is.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START) and not _NUMBER.match(text):
        return "'" + text
    return text


@login_required
def complaint_export(request: PersonRequest) -> HttpResponse:
    """The filtered list as CSV (all pages), the reporter masked exactly as on the page."""
    _form, complaints = _filtered(request)
    intake = selectors.intake_unit_ids(request.person)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="pengaduan-{stamp}.csv"'
    response.write("\ufeff")  # spreadsheet programs read the BOM as "this is UTF-8"
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Nomor pelacakan"),
            _("Diterima"),
            _("Saluran"),
            _("Jenis"),
            _("Unit"),
            _("Kelurahan/desa"),
            _("Alamat"),
            _("Lintang"),
            _("Bujur"),
            _("Pelapor"),
            _("Telepon pelapor"),
            _("E-mail pelapor"),
            _("Nomor kasus"),
            _("Status kasus"),
            _("Batas jawaban"),
            _("Uraian"),
        ]
    )
    for row in _rows(complaints.iterator(chunk_size=500), intake, timezone.now()):
        c = row.complaint
        writer.writerow(
            [
                _cell(v)
                for v in (
                    c.tracking,
                    c.unit.time_text(c.received_at),
                    c.get_channel_display(),
                    c.category.name,
                    c.unit.name,
                    c.kelurahan,
                    c.address,
                    c.latitude if c.latitude is not None else "",
                    c.longitude if c.longitude is not None else "",
                    row.reporter.label,
                    row.reporter.phone,
                    row.reporter.email,
                    c.case.number,
                    c.case.get_status_display(),
                    days_left_text(row.days_left),
                    c.description,
                )
            ]
        )
    return response


# -- staff: the counter and phone form ----------------------------------------------------


def _render_new(
    request: PersonRequest, form: StaffComplaintForm, *, allowed: bool, status: int = 200
) -> HttpResponse:
    context = {"form": form, "staff": True, "allowed": allowed, **_map_context(_point_of(form))}
    return render(request, "complaints/complaint_form.html", context, status=status)


@login_required
def complaint_new(request: PersonRequest) -> HttpResponse:
    person = request.person
    # Only the intake roles take complaints at the counter (the service says so too).
    allowed = bool(selectors.intake_unit_ids(person))
    if request.method != "POST":
        return _render_new(
            request, StaffComplaintForm(), allowed=allowed, status=200 if allowed else 403
        )
    form = StaffComplaintForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_new(request, form, allowed=allowed, status=422)
    try:
        complaint = services.complaint_file(
            channel=form.cleaned_data["channel"], actor=person, **form.service_kwargs()
        )
    except ServiceError as exc:
        form.add_service_error(exc.field, exc.message)
        return _render_new(request, form, allowed=allowed, status=exc.status)
    messages.success(
        request,
        _("Pengaduan %(tracking)s dicatat dan diteruskan ke %(unit)s (kasus %(number)s).")
        % {
            "tracking": complaint.tracking,
            "unit": complaint.unit.name,
            "number": complaint.case.number,
        },
    )
    if selectors.complaint_list_for_user(request.user).filter(pk=complaint.pk).exists():
        return redirect("complaints:detail", complaint_id=complaint.pk)
    # Routed to a unit this officer does not see: the number is all they need to hand over.
    request.session[FILED_KEY] = {"tracking": complaint.tracking, "contact": complaint.has_contact}
    return redirect("complaints:filed")


# -- staff: the complaint page ------------------------------------------------------------


def _render_detail(
    request: PersonRequest, complaint_id: int, *, error: str = "", status: int = 200
) -> HttpResponse:
    complaint = _complaint_or_404(request, complaint_id)
    intake = selectors.intake_unit_ids(request.person)
    point = (
        (float(complaint.latitude), float(complaint.longitude))  # type: ignore[arg-type]
        if complaint.has_point
        else None
    )
    context = {
        "complaint": complaint,
        "case": complaint.case,
        "reporter": selectors.reporter_for(complaint, intake),
        "days_left": selectors.working_days_left(complaint),
        "answer_due": selectors.answer_due(complaint),
        "attachments": list(case_selectors.case_attachments(complaint.case)),
        "candidates": selectors.complaint_duplicate_candidates(complaint),
        "duplicates": list(complaint.duplicates.select_related("case")),
        "may_mark": complaint.unit_id in intake,
        "public_view": selectors.complaint_public_view(complaint),
        "status_url": services.status_url(complaint.tracking, request=request),
        "error": error,
        **_map_context(point, units=[complaint.unit]),
    }
    return render(request, "complaints/complaint_detail.html", context, status=status)


@login_required
def complaint_detail(request: PersonRequest, complaint_id: int) -> HttpResponse:
    return _render_detail(request, complaint_id)


@login_required
@require_POST
def complaint_duplicate(request: PersonRequest, complaint_id: int) -> HttpResponse:
    complaint = _complaint_or_404(request, complaint_id)
    raw = request.POST.get("original", "")
    try:
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
            raise NotFound(_("Pengaduan asli tidak ditemukan."), field="original")
        original = selectors.complaint_get_for_user(request.user, int(raw))
        person = request.person
        if person is None:
            raise NotAllowed(_("Akun ini tidak terhubung dengan data pegawai."), field="complaint")
        services.complaint_mark_duplicate(complaint=complaint, original=original, actor=person)
    except ServiceError as exc:
        return _render_detail(request, complaint.pk, error=exc.message, status=exc.status)
    messages.success(
        request,
        _(
            "Pengaduan %(tracking)s ditandai sebagai duplikat dari %(original)s; "
            "kasusnya dihentikan."
        )
        % {"tracking": complaint.tracking, "original": original.tracking},
    )
    return redirect("complaints:detail", complaint_id=complaint.pk)


@login_required
@require_POST
def complaint_not_authority(request: PersonRequest, complaint_id: int) -> HttpResponse:
    complaint = _complaint_or_404(request, complaint_id)
    try:
        person = request.person
        if person is None:
            raise NotAllowed(_("Akun ini tidak terhubung dengan data pegawai."), field="complaint")
        services.complaint_not_authority(
            complaint=complaint, actor=person, reason=request.POST.get("reason", "")
        )
    except ServiceError as exc:
        return _render_detail(request, complaint.pk, error=exc.message, status=exc.status)
    messages.success(
        request,
        _("Pengaduan %(tracking)s ditutup: bukan kewenangan unit ini; pelapor diberi tahu.")
        % {"tracking": complaint.tracking},
    )
    return redirect("complaints:detail", complaint_id=complaint.pk)


@login_required
@require_POST
def complaint_public(request: PersonRequest, complaint_id: int) -> HttpResponse:
    """Let the complaint into the public feed (``public=1``) or take it out (``public=0``);
    back to the case page when the form was there (``back=case``)."""
    complaint = _complaint_or_404(request, complaint_id)
    raw = request.POST.get("public", "")
    try:
        if raw not in ("0", "1"):
            raise Invalid(_("Pilih: tampilkan untuk umum, atau tarik."), field="public")
        person = request.person
        if person is None:
            raise NotAllowed(_("Akun ini tidak terhubung dengan data pegawai."), field="complaint")
        complaint = services.complaint_public_set(
            complaint=complaint, actor=person, public=raw == "1"
        )
    except ServiceError as exc:
        return _render_detail(request, complaint.pk, error=exc.message, status=exc.status)
    if complaint.public:
        text = _("Pengaduan %(tracking)s kini tampil untuk umum (tanpa identitas pelapor).")
    else:
        text = _("Pengaduan %(tracking)s tidak tampil untuk umum.")
    messages.success(request, text % {"tracking": complaint.tracking})
    if request.POST.get("back") == "case":
        return redirect("cases:detail", complaint.case_id)
    return redirect("complaints:detail", complaint_id=complaint.pk)


# -- staff: the map -----------------------------------------------------------------------


@login_required
def complaint_map(request: PersonRequest) -> HttpResponse:
    units = list(units_for_user(request.user).order_by("code"))
    chosen = _unit_param(request)
    if chosen not in {u.code for u in units}:
        chosen = ""
    geojson = reverse("complaints:map_geojson") + (f"?unit={chosen}" if chosen else "")
    shown = [u for u in units if u.code == chosen] if chosen else units
    context = {
        "units": units,
        "chosen": chosen,
        "geojson_url": geojson,
        **_map_context(units=shown),
    }
    return render(request, "complaints/complaint_map.html", context)


@login_required
def complaint_map_geojson(request: PersonRequest) -> JsonResponse:
    features = selectors.complaint_map_points_for_user(request.user, unit=_unit_param(request))
    for feature in features:
        props: dict[str, Any] = feature["properties"]  # type: ignore[assignment]
        props["url"] = reverse("complaints:detail", kwargs={"complaint_id": props["id"]})
    return JsonResponse({"type": "FeatureCollection", "features": features})
