"""The ladder's pages: the board (and its map), a compliance visit, "Catat temuan", and the
Perda catalogue (Perda, articles, the ladder's periods).

Every read goes through a ``*_for_user`` selector (another unit's record is a 404); every change
is one service call, whose ``Invalid`` is shown beside the field it names (status 422).
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trantib.accounts.middleware import PersonRequest
from trantib.accounts.models import OrgUnit
from trantib.accounts.selectors import units_for_user
from trantib.core.dateinput import datetime_parse
from trantib.core.errors import Invalid, ServiceError

from . import selectors, services
from .models import (
    Enforcement,
    EnforcementStatus,
    FindingSource,
    LadderRung,
    Perda,
    RegulationKind,
    Rung,
    Sanction,
)
from .numbers import query_text, whole_or_none
from .selectors.board import (
    RUNG_COLOURS,
    RUNG_ORDER,
    TEMUAN,
    BoardFilters,
    board_articles_for_user,
    board_counts,
    board_desa_for_user,
    board_geojson,
    board_rows,
    rung_label,
)

# The centre of a map without a point: the office of Satpol PP Kota Tangerang.
TNG_CENTRE = (-6.1783, 106.6319)


def _map_context(lat: float | None = None, lon: float | None = None) -> dict[str, Any]:
    return {
        "map_tiles": getattr(settings, "TRANTIB_MAP_TILE_URL", ""),
        "map_attribution": getattr(settings, "TRANTIB_MAP_ATTRIBUTION", ""),
        "map_outline": "",
        "map_lat": lat if lat is not None else TNG_CENTRE[0],
        "map_lon": lon if lon is not None else TNG_CENTRE[1],
    }


def _number(value: str) -> float | None:
    """A coordinate from a form; the service refuses what is not a number, naming the field."""
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise Invalid(_("Koordinat harus berupa angka."), field="latitude") from None


def _id(value: str | None) -> int:
    return whole_or_none(value) or 0


def _outlines(units: Any) -> str:
    """The units' outlines as GeoJSON, the map's background when no tiles load."""
    features = [
        {"type": "Feature", "properties": {"name": u.name}, "geometry": u.outline}
        for u in units.exclude(outline__isnull=True)
        if u.outline
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}) if features else ""


# -- the board ------------------------------------------------------------------------------


def _board_unit(request: PersonRequest) -> OrgUnit | None:
    """``?unit=CODE``: that unit and the units below it (the link of a report's figure). A unit
    the reader may not see is a 404, like one that does not exist."""
    code = query_text(request.GET.get("unit", ""))
    if not code:
        return None
    unit = units_for_user(request.user).filter(code=code[:20]).first()
    if unit is None:
        raise Http404(_("Unit tidak ditemukan."))
    return unit


def _board_filters(request: PersonRequest, unit: OrgUnit | None = None) -> BoardFilters:
    rung = request.GET.get("tingkat", "")
    article = whole_or_none(request.GET.get("pasal", "")) or None
    return BoardFilters(
        rung=rung if rung in RUNG_ORDER or rung == TEMUAN else "",
        article=article,
        desa=query_text(request.GET.get("desa", "")),
        overdue=request.GET.get("terlambat") == "1",
        unit=unit.pk if unit is not None else None,
    )


def _board_context(request: PersonRequest) -> dict[str, Any]:
    unit = _board_unit(request)
    filters = _board_filters(request, unit)
    rows = board_rows(request.user, filters)
    everything = board_rows(request.user, BoardFilters(unit=filters.unit)) if filters.any else rows
    return {
        "rows": rows,
        "filters": filters,
        "board_unit": unit,
        # Unit codes are [A-Z0-9-]: safe in an address as they are.
        "unit_query": f"unit={unit.code}" if unit is not None else "",
        "counts": board_counts(everything),
        "shown": board_counts(rows),
        "rungs": [(r, rung_label(r)) for r in RUNG_ORDER],
        "articles": list(board_articles_for_user(request.user)),
        "desa_choices": board_desa_for_user(request.user),
        "colours": [(rung_label(r), RUNG_COLOURS[r]) for r in RUNG_ORDER],
        "may_find": bool(_finding_units(request)),
        "check_units": {
            u.pk for u in units_for_user(request.user) if services.may_check_unit(request.person, u)
        },
        "query": request.GET.urlencode(),
    }


@login_required
def board(request: PersonRequest) -> HttpResponse:
    """Every open enforcement of the user's units, sorted by deadline."""
    context = _board_context(request)
    template = "enforcement/board.html"
    if getattr(request, "htmx", False) and not request.htmx.boosted:  # type: ignore[attr-defined]
        template += "#results"
    return render(request, template, context)


@login_required
def board_map(request: PersonRequest) -> HttpResponse:
    """The board's rows on a map, by rung (a legend), and as a list under it."""
    context = _board_context(request)
    context["geojson"] = board_geojson(context["rows"])
    context.update(_map_context())
    context["map_outline"] = _outlines(units_for_user(request.user))
    return render(request, "enforcement/board_map.html", context)


# -- a compliance visit ---------------------------------------------------------------------


def _enforcement_for_user(request: PersonRequest, enforcement_id: int) -> Enforcement:
    found = (
        Enforcement.objects.filter(pk=enforcement_id, unit__in=units_for_user(request.user))
        .select_related("violator", "case", "unit", "perda")
        .first()
    )
    if found is None:
        raise Http404(_("Penegakan tidak ditemukan."))
    return found


@login_required
def board_check(request: PersonRequest, enforcement_id: int) -> HttpResponse:
    """Record a compliance visit: photo, place, time, note, complied yes/no."""
    enforcement = _enforcement_for_user(request, enforcement_id)
    person = request.person
    if person is None or not services.may_check(person, enforcement):
        raise Http404(_("Penegakan tidak ditemukan."))
    if enforcement.status != EnforcementStatus.OPEN:
        messages.info(request, _("Penegakan ini sudah selesai."))
        return redirect("cases:detail", case_id=enforcement.case_id)
    zone = enforcement.unit.zone()
    values = {
        "visited_at": timezone.localtime(timezone.now(), zone).strftime("%Y-%m-%d %H:%M"),
        "complied": "",
        "note": "",
        "latitude": "",
        "longitude": "",
    }
    error: ServiceError | None = None
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in values}
        try:
            complied = {"ya": True, "tidak": False}.get(values["complied"])
            if complied is None:
                raise Invalid(_("Pilih apakah pelanggar mentaati."), field="complied")
            try:
                visited = datetime_parse(values["visited_at"]).replace(tzinfo=zone)
            except ValueError as e:
                raise Invalid(str(e), field="visited_at") from None
            upload = request.FILES.get("photo")
            check = services.compliance_check_record(
                enforcement=enforcement,
                actor=person,
                complied=complied,
                note=values["note"],
                visited_at=visited,
                latitude=values["latitude"] or None,
                longitude=values["longitude"] or None,
                photo=(upload.name or "foto.jpg", upload) if upload else None,
            )
        except ServiceError as e:
            error = e
        else:
            messages.success(request, _check_message(check.effect))
            return redirect("enforcement:board")
    view = selectors.violator_display(enforcement.violator, person=person)
    context = {
        "enforcement": enforcement,
        "violator": view,
        "values": values,
        "error": error,
        "top_error": _top(error, {"complied", "note", "visited_at", "latitude"}),
        **_map_context(enforcement.latitude, enforcement.longitude),
    }
    return render(request, "enforcement/board_check.html", context, status=422 if error else 200)


def _top(error: ServiceError | None, beside: set[str]) -> ServiceError | None:
    """The error to show above the form: one that names no field shown with its own message."""
    return error if error is not None and error.field not in beside else None


def _check_message(effect: str) -> str:
    return {
        "ended_early": _("Kunjungan dicatat; tenggat diakhiri lebih awal."),
        "decided": _("Kunjungan dicatat; pelanggar mentaati, tangga teguran selesai."),
        "waiting": _("Kunjungan dicatat; pemeriksaan menunggu di Tugas Saya pemegang jabatannya."),
        "escalated": _("Kunjungan dicatat; pelanggar tidak mentaati, naik ke tingkat berikutnya."),
    }.get(effect, _("Kunjungan dicatat."))


# -- Catat temuan ---------------------------------------------------------------------------


def _finding_units(request: PersonRequest) -> list[OrgUnit]:
    """The units where the person holds an enforcement role and that run the SOP a finding
    opens (PPW): a kecamatan without it records no findings here."""
    ids = selectors.enforcement_unit_ids(request.person)
    units = []
    for unit in OrgUnit.objects.filter(pk__in=ids).order_by("name"):
        try:
            services.finding_entry(unit)
        except ServiceError:
            continue
        units.append(unit)
    return units


@login_required
def board_finding(request: PersonRequest) -> HttpResponse:
    """A finding outside a patrol: the violator, the articles, the place, photos."""
    units = _finding_units(request)
    person = request.person
    if not units or person is None:
        raise Http404(_("Anda tidak memegang peran penegakan di unit mana pun."))
    chosen = request.POST.get("unit") or request.GET.get("unit") or ""
    unit = next((u for u in units if str(u.pk) == chosen), units[0])
    zone = unit.zone()
    values = {
        "place": "",
        "description": "",
        "found_at": timezone.localtime(timezone.now(), zone).strftime("%Y-%m-%d %H:%M"),
        "latitude": "",
        "longitude": "",
    }
    error: ServiceError | None = None
    selected: list[str] = []
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in values}
        selected = request.POST.getlist("f-articles")
        try:
            with transaction.atomic():  # a refused finding keeps no new violator either
                violator = services.violator_pick(
                    unit=unit, actor=person, data=request.POST, prefix="v"
                )
                articles = services.articles_pick(unit=unit, data=request.POST, prefix="f")
                try:
                    found_at = datetime_parse(values["found_at"]).replace(tzinfo=zone)
                except ValueError as e:
                    raise Invalid(str(e), field="found_at") from None
                enforcement = services.finding_open(
                    unit=unit,
                    actor=person,
                    violator=violator,
                    articles=articles,
                    place=values["place"],
                    latitude=_number(values["latitude"]),
                    longitude=_number(values["longitude"]),
                    description=values["description"],
                    found_at=found_at,
                    source=FindingSource.MANUAL,
                    photos=[(f.name or "foto.jpg", f) for f in request.FILES.getlist("photos")],
                )
        except ServiceError as e:
            error = e
        else:
            note = _(" Pelanggaran berulang.") if enforcement.repeat else ""
            messages.success(
                request,
                _("Temuan dicatat; kasus %(case)s dibuka.")
                % {"case": enforcement.case.number if enforcement.case else ""}
                + note,
            )
            return redirect("cases:detail", case_id=enforcement.case_id)
    context = {
        "unit": unit,
        "units": units,
        "values": values,
        "selected": selected,
        "error": error,
        "pick_error": error if error and error.field.startswith("v-") else None,
        "articles_error": error.message if error and error.field == "f-articles" else "",
        "top_error": _top(error, {"place", "latitude", "found_at", "description", "f-articles"})
        if not (error and error.field.startswith("v-"))
        else None,
        **_map_context(),
    }
    return render(request, "enforcement/board_finding.html", context, status=422 if error else 200)


# -- the Perda catalogue --------------------------------------------------------------------


def _perda_for_user(request: PersonRequest, perda_id: int) -> Perda:
    found = (
        Perda.objects.filter(pk=perda_id, unit__in=units_for_user(request.user))
        .select_related("unit")
        .first()
    )
    if found is None:
        raise Http404(_("Peraturan tidak ditemukan."))
    return found


def _editable_units(request: PersonRequest) -> list[OrgUnit]:
    person = request.person
    units = list(units_for_user(request.user).order_by("name"))
    return [u for u in units if services.may_edit_catalogue(person, u)]


@login_required
def perda_list(request: PersonRequest) -> HttpResponse:
    units = list(units_for_user(request.user).order_by("name"))
    perda = (
        Perda.objects.filter(unit__in=units)
        .select_related("unit")
        .prefetch_related("articles", "rungs")
        .order_by("unit__name", "-active", "-year", "number")
    )
    editable = _editable_units(request)
    error: ServiceError | None = None
    values = {"kind": RegulationKind.PERDA.value, "number": "", "year": "", "title": "", "unit": ""}
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in values}
        unit = next((u for u in editable if str(u.pk) == values["unit"]), None)
        try:
            if unit is None or request.person is None:
                raise Invalid(_("Pilih unit yang katalognya Anda kelola."), field="unit")
            created = services.perda_create(
                unit=unit,
                actor=request.person,
                kind=values["kind"],
                number=values["number"],
                year=values["year"],
                title=values["title"],
            )
        except ServiceError as e:
            error = e
        else:
            messages.success(request, _("%(perda)s ditambahkan.") % {"perda": created})
            return redirect("enforcement:perda_detail", perda_id=created.pk)
    context = {
        "perda_list": list(perda),
        "editable": editable,
        "kinds": RegulationKind.choices,
        "values": values,
        "error": error,
    }
    return render(request, "enforcement/perda_list.html", context, status=422 if error else 200)


def _ladder_rows(perda: Perda) -> list[dict[str, Any]]:
    rungs = {r.rung: r for r in LadderRung.objects.filter(perda=perda)}
    return [{"rung": r.value, "label": r.label, "period": rungs.get(r.value)} for r in Rung]


@login_required
def perda_detail(request: PersonRequest, perda_id: int) -> HttpResponse:
    perda = _perda_for_user(request, perda_id)
    may_edit = services.may_edit_catalogue(request.person, perda.unit)
    error: ServiceError | None = None
    form = request.POST.get("form", "") if request.method == "POST" else ""
    if request.method == "POST":
        if not may_edit or request.person is None:
            raise Http404(_("Peraturan tidak ditemukan."))
        try:
            _perda_post(request, perda, form)
        except ServiceError as e:
            error = e
        else:
            messages.success(request, _("Perubahan disimpan dan dicatat."))
            return redirect("enforcement:perda_detail", perda_id=perda.pk)
    context = {
        "perda": perda,
        "articles": list(perda.articles.order_by("pk")),
        "ladder": _ladder_rows(perda),
        "may_edit": may_edit,
        "sanctions": Sanction.choices,
        "kinds": RegulationKind.choices,
        "error": error,
        "form": form,
        "posted": request.POST if error else {},
        "in_use": perda.enforcements.exists(),
    }
    return render(request, "enforcement/perda_detail.html", context, status=422 if error else 200)


def _perda_post(request: PersonRequest, perda: Perda, form: str) -> None:
    actor = request.person
    assert actor is not None  # noqa: S101 — checked by the caller
    post = request.POST
    if form == "perda":
        services.perda_update(
            perda=perda,
            actor=actor,
            kind=post.get("kind", ""),
            number=post.get("number", ""),
            year=post.get("year", ""),
            title=post.get("title", ""),
            active=post.get("active") == "1",
        )
    elif form == "article":
        article = None
        if post.get("article"):
            article = perda.articles.filter(pk=_id(post.get("article"))).first()
            if article is None:
                raise Invalid(_("Pasal tidak ditemukan."), field="article")
        services.article_save(
            perda=perda,
            actor=actor,
            article=article,
            label=post.get("label", ""),
            text=post.get("text", ""),
            sanctions=post.getlist("sanctions"),
            fine_max=post.get("fine_max", ""),
        )
    elif form == "article_remove":
        article = perda.articles.filter(pk=_id(post.get("article"))).first()
        if article is None:
            raise Invalid(_("Pasal tidak ditemukan."), field="article")
        services.article_remove(article=article, actor=actor)
    elif form == "ladder":
        services.ladder_set(
            perda=perda,
            actor=actor,
            rungs={
                r.value: (post.get(f"{r.value}-days", ""), post.get(f"{r.value}-working") == "1")
                for r in Rung
            },
        )
    else:
        raise Invalid(_("Formulir tidak dikenal."), field="form")


@require_POST
@login_required
def perda_ladder_default(request: PersonRequest, perda_id: int) -> HttpResponse:
    """Put the national ladder (15 / 7 / 3 / 3 calendar days) back."""
    perda = _perda_for_user(request, perda_id)
    if not services.may_edit_catalogue(request.person, perda.unit) or request.person is None:
        raise Http404(_("Peraturan tidak ditemukan."))
    from .models import DEFAULT_LADDER

    services.ladder_set(
        perda=perda,
        actor=request.person,
        rungs={rung: (days, False) for rung, days in DEFAULT_LADDER},
    )
    messages.success(request, _("Tangga teguran dikembalikan ke pola nasional."))
    return redirect("enforcement:perda_detail", perda_id=perda.pk)
