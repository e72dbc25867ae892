"""The violators register pages: the list (search, filters, export), a violator's page (identity,
photos, map point, the whole history in the unit), the create and edit forms, and the picker
include's two htmx endpoints (search, look-alikes).

Every read goes through the ``*_for_user`` selectors (another unit's violator is a 404) and
every violator shown through ``violator_display`` (NIK, phone and street address masked for
anyone but the enforcement roles of its unit). Changes are POSTs, one service each.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from trantib.accounts.middleware import PersonRequest
from trantib.accounts.models import OrgUnit, Person
from trantib.accounts.selectors import units_for_user
from trantib.core.audit import audit_events
from trantib.core.dates import date_id
from trantib.core.errors import Invalid, NotAllowed, NotFound, ServiceError

from . import selectors, services
from .models import FindingSource, Violator, ViolatorKind
from .numbers import query_text, whole_or_none
from .selectors.history import violator_history

PAGE_SIZE = 25
# The centre of a map without a point: the office of Satpol PP Kota Tangerang.
TNG_CENTRE = (-6.1783, 106.6319)


def _get_violator(request: PersonRequest, violator_id: int) -> Violator:
    try:
        return selectors.violator_get_for_user(request.user, violator_id)
    except NotFound:
        raise Http404(_("Pelanggar tidak ditemukan.")) from None


def _filters(request: PersonRequest) -> dict[str, Any]:
    return {
        "query": query_text(request.GET.get("q", "")),
        "kind": request.GET.get("jenis", ""),
        "desa": query_text(request.GET.get("desa", "")),
        "repeat": request.GET.get("berulang") == "1",
        "found": _found(request),
    }


FOUND_KEYS = ("unit", "sumber", "dari", "sampai")


def _found(request: PersonRequest) -> selectors.FoundFilter | None:
    """The enforcement filter a report's figure links with: ``?unit=`` (a code: the unit and
    the units below it), ``sumber=`` (a finding source), ``dari=``/``sampai=`` (YYYY-MM-DD). A
    date that cannot be read finds nothing rather than more than was asked."""
    unit = query_text(request.GET.get("unit", ""), 20).strip()
    source = request.GET.get("sumber", "")
    since, until = request.GET.get("dari", ""), request.GET.get("sampai", "")
    if not (unit or source or since or until):
        return None
    days = []
    for text in (since, until):
        day = None
        if text:
            try:
                day = dt.date.fromisoformat(query_text(text, 10))
            except ValueError:
                return selectors.FoundFilter(unreadable=True)
        days.append(day)
    if source and source not in FindingSource.values:
        return selectors.FoundFilter(unreadable=True)
    return selectors.FoundFilter(unit=unit, source=source, since=days[0], until=days[1])


def _found_text(found: selectors.FoundFilter | None) -> str:
    """The enforcement filter in words, above the list (the form has no inputs for it)."""
    if found is None:
        return ""
    if found.unreadable:
        return _("Filter temuan tidak dapat dibaca (tanggal YYYY-MM-DD, sumber yang dikenal).")
    parts = []
    if found.since or found.until:
        since = date_id(found.since) if found.since else "…"
        until = date_id(found.until) if found.until else "…"
        parts.append(_("ditemukan %(a)s s.d. %(b)s") % {"a": since, "b": until})
    if found.source:
        parts.append(_("sumber: %(s)s") % {"s": FindingSource(found.source).label})
    if found.unit:
        parts.append(_("unit %(u)s dan unit di bawahnya") % {"u": found.unit})
    return _("Pelanggar dengan penegakan yang %(what)s.") % {"what": ", ".join(parts)}


def _officer_units(request: PersonRequest) -> list[OrgUnit]:
    ids = selectors.enforcement_unit_ids(request.person)
    return list(OrgUnit.objects.filter(pk__in=ids).order_by("name"))


@login_required
def violator_list(request: PersonRequest) -> HttpResponse:
    filters = _filters(request)
    rows = selectors.violator_list_for_user(request.user, **filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("halaman"))
    officer = selectors.enforcement_unit_ids(request.person)
    views = [
        selectors.violator_display(v, person=request.person, officer_units=officer) for v in page
    ]
    counts = {v.pk: getattr(v, "enforcement_count", 0) for v in page}
    context = {
        "page": page,
        "rows": [(view, counts.get(view.pk, 0)) for view in views],
        "filters": filters,
        "filtered": any(filters.values()),
        "found": _found_text(filters["found"]),
        "found_params": [
            (key, query_text(request.GET[key], 20))
            for key in FOUND_KEYS
            if filters["found"] is not None and request.GET.get(key)
        ],
        "desa_choices": selectors.violator_desa_choices(request.user),
        "kinds": ViolatorKind.choices,
        "may_create": bool(officer),
    }
    template = "enforcement/violator_list.html"
    if getattr(request, "htmx", False) and not request.htmx.boosted:  # type: ignore[attr-defined]
        template += "#results"
    return render(request, template, context)


# A cell that a spreadsheet would read as a formula is written as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START) and not _NUMBER.match(text):
        return "'" + text
    return text


@login_required
def violator_export(request: PersonRequest) -> HttpResponse:
    """The filtered register as CSV (every page), masked exactly as on the page."""
    rows = selectors.violator_list_for_user(request.user, **_filters(request))
    officer = selectors.enforcement_unit_ids(request.person)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="pelanggar-{stamp}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Unit"),
            _("Jenis"),
            _("Nama"),
            _("NIK"),
            _("NIB"),
            _("Jenis usaha"),
            _("Pemilik"),
            _("Telepon"),
            _("Alamat"),
            _("Desa/kelurahan"),
            _("Kecamatan"),
            _("Lintang"),
            _("Bujur"),
            _("Jumlah penegakan"),
        ]
    )
    for v in rows:
        view = selectors.violator_display(v, person=request.person, officer_units=officer)
        writer.writerow(
            [
                _cell(x)
                for x in (
                    v.unit.code,
                    v.get_kind_display(),
                    v.name,
                    view.nik,
                    v.nib,
                    v.business_type,
                    v.owner.name if v.owner else "",
                    view.phone,
                    view.address,
                    v.desa,
                    v.kecamatan,
                    view.latitude,
                    view.longitude,
                    getattr(v, "enforcement_count", 0),
                )
            ]
        )
    return response


def _outline(unit: OrgUnit | None) -> str:
    """The unit's outline as GeoJSON (a data- attribute): all there is when tiles cannot load."""
    if unit is None or not unit.outline:
        return ""
    feature = {"type": "Feature", "properties": {"name": unit.name}, "geometry": unit.outline}
    return json.dumps({"type": "FeatureCollection", "features": [feature]})


def _map_context(
    view: selectors.ViolatorView | None = None, unit: OrgUnit | None = None
) -> dict[str, Any]:
    point = (view.latitude, view.longitude) if view and view.latitude is not None else None
    lat, lon = point or TNG_CENTRE
    return {
        "map_tiles": getattr(settings, "TRANTIB_MAP_TILE_URL", ""),
        "map_attribution": getattr(settings, "TRANTIB_MAP_ATTRIBUTION", ""),
        "map_outline": _outline(
            unit if unit is not None else (view.violator.unit if view else None)
        ),
        "map_lat": f"{lat:.6f}",
        "map_lon": f"{lon:.6f}",
        "has_point": point is not None,
    }


@login_required
def violator_detail(request: PersonRequest, violator_id: int) -> HttpResponse:
    violator = _get_violator(request, violator_id)
    return _render_detail(request, violator)


EVENT_LABELS = {
    "violator.created": _lazy("Dicatat"),
    "violator.changed": _lazy("Diubah"),
    "violator.photo_added": _lazy("Foto ditambahkan"),
}


def _trail(violator: Violator) -> list[dict[str, Any]]:
    """The violator's audit events as the page lists them: when, what, who, which fields."""
    events = list(audit_events(violator))
    names = dict(
        Person.objects.filter(pk__in={e.actor_id for e in events if e.actor_id}).values_list(
            "pk", "full_name"
        )
    )
    return [
        {
            "at": e.at,
            "label": EVENT_LABELS.get(e.type, e.type),
            "actor": names.get(e.actor_id, "") if e.actor_id else "",
            "fields": sorted((e.data or {}).get("changed", {})) if isinstance(e.data, dict) else [],
        }
        for e in events
    ]


def _render_detail(
    request: PersonRequest,
    violator: Violator,
    *,
    error: ServiceError | None = None,
    form: str = "",
    status: int = 200,
) -> HttpResponse:
    view = selectors.violator_display(violator, person=request.person)
    history = violator_history(violator, user=request.user)
    officer = not view.masked
    events = _trail(violator) if officer else []
    context = {
        "v": view,
        "violator": violator,
        "history": history,
        "photos": list(violator.photos.all()),
        "businesses": [
            selectors.violator_display(b, person=request.person) for b in violator.businesses.all()
        ],
        "may_manage": services.may_manage(request.person, violator.unit),
        "events": events,
        "error": error,
        "error_form": form,
        "post": request.POST if request.method == "POST" else {},
        "sanction_choices": history.sanction_choices,
        **_map_context(view),
    }
    return render(request, "enforcement/violator_detail.html", context, status=status)


def _unit_for_new(request: PersonRequest) -> tuple[OrgUnit | None, list[OrgUnit]]:
    units = _officer_units(request)
    wanted = request.POST.get("unit") or request.GET.get("unit") or ""
    chosen = next((u for u in units if str(u.pk) == wanted), units[0] if units else None)
    return chosen, units


@login_required
def violator_new(request: PersonRequest) -> HttpResponse:
    unit, units = _unit_for_new(request)
    actor = request.person
    if unit is None or actor is None:
        raise Http404(_("Anda tidak memegang peran penegakan di unit mana pun."))
    error: ServiceError | None = None
    if request.method == "POST":
        existing = request.POST.get("v-violator", "").strip()
        try:
            violator = services.violator_pick(
                unit=unit, actor=request.person, data=request.POST, prefix="v"
            )
            note = request.POST.get("note", "").strip()
            photos = request.FILES.getlist("photos")
            if not existing and note:
                violator = services.violator_update(
                    violator=violator, actor=actor, data={"note": note}
                )
            for upload in photos:
                services.violator_photo_add(
                    violator=violator, actor=actor, name=upload.name or "foto", content=upload
                )
        except ServiceError as e:
            error = e
        else:
            if existing:
                messages.info(request, _("Pelanggar ini sudah terdaftar; halamannya dibuka."))
            else:
                messages.success(
                    request, _("Pelanggar %(name)s dicatat.") % {"name": violator.name}
                )
            return redirect("enforcement:violator_detail", violator_id=violator.pk)
    context = {
        "unit": unit,
        "units": units,
        "prefix": "v",
        "pick_error": error,
        "form_error": error if error and not error.field.startswith("v-") else None,
        "note": request.POST.get("note", ""),
        **_map_context(unit=unit),
    }
    return render(request, "enforcement/violator_form.html", context, status=422 if error else 200)


EDIT_FIELDS = (
    "name",
    "nik",
    "phone",
    "address",
    "desa",
    "kecamatan",
    "nib",
    "business_type",
    "owner",
    "latitude",
    "longitude",
    "note",
)


@login_required
def violator_edit(request: PersonRequest, violator_id: int) -> HttpResponse:
    violator = _get_violator(request, violator_id)
    actor = request.person
    if actor is None or not services.may_manage(actor, violator.unit):
        raise Http404(_("Pelanggar tidak ditemukan."))
    error: ServiceError | None = None
    values: dict[str, Any] = {n: getattr(violator, n) for n in EDIT_FIELDS if n != "owner"}
    values["owner"] = violator.owner_id or ""
    for n in ("latitude", "longitude"):  # plain decimals: the map reads them as numbers
        values[n] = f"{values[n]:.6f}" if isinstance(values[n], float) else ""
    if request.method == "POST":
        fields = [n for n in EDIT_FIELDS if n != "owner" or violator.kind == ViolatorKind.BUSINESS]
        values = {n: request.POST.get(n, "") for n in fields}
        try:
            services.violator_update(violator=violator, actor=actor, data=values)
        except ServiceError as e:
            error = e
        else:
            messages.success(request, _("Data pelanggar disimpan."))
            return redirect("enforcement:violator_detail", violator_id=violator.pk)
    owners = Violator.objects.filter(unit=violator.unit, kind=ViolatorKind.PERSON).exclude(
        pk=violator.pk
    )
    view = selectors.violator_display(violator, person=request.person)
    context = {
        "violator": violator,
        "values": values,
        "error": error,
        "owners": owners,
        **_map_context(view),
    }
    return render(request, "enforcement/violator_edit.html", context, status=422 if error else 200)


@login_required
@require_POST
def violator_photo_upload(request: PersonRequest, violator_id: int) -> HttpResponse:
    violator = _get_violator(request, violator_id)
    uploads = request.FILES.getlist("photos")
    actor = request.person
    try:
        if actor is None or not services.may_manage(actor, violator.unit):
            raise NotAllowed(_("Hanya petugas penegakan unit ini yang dapat menambah foto."))
        if not uploads:
            raise Invalid(_("Pilih foto yang akan diunggah."), field="photo")
        for upload in uploads:
            services.violator_photo_add(
                violator=violator, actor=actor, name=upload.name or "foto", content=upload
            )
    except ServiceError as e:
        return _render_detail(request, violator, error=e, form="photo", status=e.status)
    messages.success(request, _("Foto disimpan."))
    return redirect("enforcement:violator_detail", violator_id=violator.pk)


@login_required
def violator_photo(request: PersonRequest, violator_id: int, photo_id: int) -> FileResponse:
    violator = _get_violator(request, violator_id)
    try:
        photo = services.violator_photo_get(violator, photo_id)
        content = photo.file.open("rb")
    except (NotFound, ServiceError, FileNotFoundError):
        raise Http404(_("Foto tidak ditemukan.")) from None
    return FileResponse(content, content_type=photo.content_type, filename=photo.name)


# -- the picker include's endpoints -------------------------------------------------------------


def _pick_unit(request: PersonRequest) -> OrgUnit:
    unit_id = whole_or_none(request.GET.get("unit", ""))
    unit = units_for_user(request.user).filter(pk=unit_id).first() if unit_id is not None else None
    if unit is None:
        raise Http404(_("Unit tidak ditemukan."))
    return unit


def _prefix(request: PersonRequest) -> str:
    prefix = request.GET.get("prefix", "")
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,30}", prefix):
        raise Http404(_("Formulir tidak dikenal."))
    return prefix


@login_required
def violator_pick_search(request: PersonRequest) -> HttpResponse:
    unit, prefix = _pick_unit(request), _prefix(request)
    query = query_text(request.GET.get(f"{prefix}-q", request.GET.get("q", "")))
    views = selectors.violators_for_pick(unit, query, person=request.person)
    return render(
        request,
        "enforcement/_violator_pick_results.html",
        {"views": views, "prefix": prefix, "query": query.strip()},
    )


@login_required
def violator_pick_duplicates(request: PersonRequest) -> HttpResponse:
    unit, prefix = _pick_unit(request), _prefix(request)

    def value(n: str) -> str:
        return query_text(request.GET.get(f"{prefix}-{n}", ""), 300)

    from .identity import digits_only

    suggestions = selectors.violator_duplicates(
        unit=unit,
        kind=value("kind"),
        name=value("name"),
        nik=digits_only(value("nik")),
        nib=digits_only(value("nib")),
        address=value("address"),
        desa=value("desa"),
    )
    return render(
        request,
        "enforcement/_violator_duplicates.html",
        {"suggestions": suggestions, "prefix": prefix, "different": bool(value("different"))},
    )


@login_required
@require_POST
def violator_sanction(request: PersonRequest, violator_id: int) -> HttpResponse:
    violator = _get_violator(request, violator_id)
    actor = request.person
    post = request.POST
    try:
        if actor is None:
            raise NotAllowed(_("Hanya petugas penegakan unit ini yang dapat mencatat sanksi."))
        enforcement = services.enforcement_of_violator(violator, post.get("enforcement"))
        services.sanction_record(
            enforcement=enforcement,
            actor=actor,
            sanction=post.get("sanction", ""),
            applied_on=post.get("applied_on", ""),
            reference=post.get("reference", ""),
            note=post.get("note", ""),
        )
    except ServiceError as e:
        return _render_detail(request, violator, error=e, form="sanction", status=e.status)
    messages.success(request, _("Sanksi dicatat."))
    return redirect("enforcement:violator_detail", violator_id=violator.pk)


@login_required
@require_POST
def violator_court(request: PersonRequest, violator_id: int) -> HttpResponse:
    violator = _get_violator(request, violator_id)
    actor = request.person
    post = request.POST
    try:
        if actor is None:
            raise NotAllowed(_("Hanya petugas penegakan unit ini yang dapat mencatat sidang."))
        enforcement = services.enforcement_of_violator(violator, post.get("enforcement"))
        services.court_record(
            enforcement=enforcement,
            actor=actor,
            hearing_on=post.get("hearing_on", ""),
            court=post.get("court", ""),
            attendance=post.get("attendance", ""),
            verdict=post.get("verdict", ""),
            fine=post.get("fine", ""),
            paid_on=post.get("paid_on", ""),
        )
    except ServiceError as e:
        return _render_detail(request, violator, error=e, form="court", status=e.status)
    messages.success(request, _("Sidang tipiring dicatat."))
    return redirect("enforcement:violator_detail", violator_id=violator.pk)
