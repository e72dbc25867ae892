"""Pages of the operations app: the list of the user's units' operations, one operation file
(each section a small form posting to one service), and the unit-wide barang bukti register.
A refusal shows the file again with the message beside the form that failed."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trantib.accounts.middleware import PersonRequest
from trantib.accounts.models import Person
from trantib.cases import services as case_services
from trantib.cases.selectors import case_get_for_user, unit_members
from trantib.core.dateinput import date_parse, datetime_parse
from trantib.core.dates import date_id
from trantib.core.errors import Invalid, NotAllowed, NotFound, ServiceError
from trantib.core.text import UNSTORABLE
from trantib.enforcement.models import Violator

from . import selectors, services
from .models import EscalationLevel, ItemState, Operation, ResultAction, SeizedItem


def _actor(request: PersonRequest) -> Person:
    if request.person is None:
        raise NotAllowed(_("Akun ini tidak terhubung dengan data pegawai."))
    return request.person


def _file(request: PersonRequest, operation_id: int) -> Operation:
    try:
        return selectors.operation_get_for_user(request.user, operation_id)
    except NotFound:
        raise Http404(_("Berkas operasi tidak ditemukan.")) from None


def _time(text: str, field: str) -> dt.time | None:
    text = text.strip().replace(".", ":")
    if not text:
        return None
    try:
        return dt.time.fromisoformat(text if len(text) > 2 else f"{text}:00")
    except ValueError:
        raise Invalid(
            _("Jam “%(t)s” tidak terbaca (tulis misalnya 08.30).") % {"t": text}, field=field
        ) from None


def _date(text: str, field: str) -> dt.date | None:
    if not text.strip():
        return None
    try:
        return date_parse(text)
    except ValueError as exc:
        raise Invalid(str(exc), field=field) from None


def _moment(op: Operation, text: str, field: str) -> dt.datetime:
    try:
        naive = datetime_parse(text)
    except ValueError as exc:
        raise Invalid(str(exc), field=field) from None
    return timezone.make_aware(naive, op.unit.zone())


def _int(text: str, field: str) -> int | None:
    """A whole number as typed (ASCII digits, at most 15: the services bound it further)."""
    text = text.strip()
    if not text:
        return None
    if not services.WHOLE_NUMBER.fullmatch(text):
        shown = UNSTORABLE.sub("", text)[:30]
        raise Invalid(_("“%(t)s” bukan bilangan bulat.") % {"t": shown}, field=field)
    return int(text)


def _person(op: Operation, pk: str, field: str) -> Person | None:
    if not pk.strip():
        return None
    found = unit_members(op.unit).filter(pk=_int(pk, field) or 0).first()
    if found is None:
        raise Invalid(_("Pilih petugas unit ini."), field=field)
    return found


def _violator(op: Operation, pk: str, field: str) -> Violator | None:
    if not pk.strip():
        return None
    found = Violator.objects.filter(unit=op.unit, pk=_int(pk, field) or 0).first()
    if found is None:
        raise Invalid(_("Pilih pelanggar dari register unit ini."), field=field)
    return found


def file_context(request: PersonRequest, op: Operation) -> dict[str, Any]:
    spec = case_services.case_spec(op.case)
    number, dated = selectors.operation_basis(op)
    checks = {c.item: c for c in op.readiness.all()}
    readiness: list[dict[str, Any]] = [
        {"item": item, "source": source, "check": checks.get(item)}
        for item, source in services.readiness_items(spec)
    ]
    items = list(op.items.all())
    points = [
        {"name": p.name, "lat": p.latitude, "lon": p.longitude}
        for p in op.places.all()
        if p.latitude is not None and p.longitude is not None
    ]
    return {
        "places_points": json.dumps(points),
        "map_tiles": getattr(settings, "TRANTIB_MAP_TILE_URL", ""),
        "map_attribution": getattr(settings, "TRANTIB_MAP_ATTRIBUTION", ""),
        "op": op,
        "case": op.case,
        "spec": spec,
        "demonstration": services.is_demonstration(spec),
        "basis_number": number,
        "basis_dated": date_id(dated) if dated else "",
        "basis_from_letter": number and number != op.basis_number,
        "day": date_id(op.day) if op.day else "",
        "readiness": readiness,
        "ready_count": sum(1 for r in readiness if r["check"] and r["check"].ready),
        "items": items,
        "held": [i for i in items if i.state == ItemState.HELD],
        "members": unit_members(op.unit),
        "violators": Violator.objects.filter(unit=op.unit).order_by("name")[:200],
        "actions": ResultAction.choices,
        "levels": EscalationLevel.choices,
        "may_edit": services.may_edit(request.person, op),
        "runs_ladder": services.runs_ladder(op),
        "today": date_id(op.unit.today()),
    }


def _render(
    request: PersonRequest,
    op: Operation,
    *,
    form: str = "",
    error: str = "",
    field: str = "",
    status: int = 200,
    exc: ServiceError | None = None,
) -> HttpResponse:
    context = file_context(request, op)
    post = request.POST if form == "seize" else {}
    context["seize_rows"] = [
        {k: post.get(f"items-{n}-{k}", "") for k in ("description", "quantity", "measure")}
        | {"n": n}
        for n in range(3)
    ]
    context.update(
        {
            "error_form": form,
            "error": error,
            "error_field": field,
            # The violator picker and the article pick show their own field's error.
            "pick_error": exc,
            "article_error": error if field.endswith("-articles") else "",
            "values": request.POST if form else {},
        }
    )
    return render(request, "operations/operation_file.html", context, status=status)


@login_required
def operation_list(request: PersonRequest) -> HttpResponse:
    query = UNSTORABLE.sub("", request.GET.get("q", "")).strip()[:100]
    ops = selectors.operation_list_for_user(request.user, query=query)[:100]
    return render(request, "operations/operation_list.html", {"ops": ops, "query": query})


@login_required
def operation_for_case(request: PersonRequest, case_id: int) -> HttpResponse:
    """The case page's link: the case's file, opened on first visit by an officer."""
    try:
        case = case_get_for_user(request.user, case_id)
    except NotFound:
        raise Http404(_("Kasus tidak ditemukan.")) from None
    found = selectors.operation_for_case(case.pk)
    if found is None:
        may_open = services.may_edit(request.person, Operation(unit=case.unit, case=case))
        if request.method != "POST":
            return render(
                request, "operations/operation_open.html", {"case": case, "may_open": may_open}
            )
        try:
            found = services.operation_open(case=case, actor=_actor(request))
        except ServiceError as exc:
            return render(
                request,
                "operations/operation_open.html",
                {"case": case, "error": exc.message, "may_open": may_open},
                status=exc.status,
            )
    return redirect("operations:file", operation_id=found.pk)


@login_required
def operation_file(request: PersonRequest, operation_id: int) -> HttpResponse:
    return _render(request, _file(request, operation_id))


def _basis(op: Operation, p: Any, actor: Person) -> None:
    changes: dict[str, Any] = {
        "day": _date(p.get("day", ""), "day"),
        "starts_at": _time(p.get("starts_at", ""), "starts_at"),
        "ends_at": _time(p.get("ends_at", ""), "ends_at"),
        "commander": _person(op, p.get("commander", ""), "commander"),
    }
    if "basis_number" in p:
        changes["basis_number"] = p.get("basis_number", "")
        changes["basis_date"] = _date(p.get("basis_date", ""), "basis_date")
    services.operation_update(operation=op, actor=actor, changes=changes)


def _crowd(op: Operation, p: Any, actor: Person) -> None:
    services.operation_update(
        operation=op,
        actor=actor,
        changes={
            "crowd_group": p.get("crowd_group", ""),
            "crowd_estimate": _int(p.get("crowd_estimate", ""), "crowd_estimate"),
            "demands": p.get("demands", ""),
        },
    )


def _place(op: Operation, p: Any, actor: Person) -> None:
    services.place_add(
        operation=op,
        actor=actor,
        name=p.get("name", ""),
        latitude=p.get("latitude", ""),
        longitude=p.get("longitude", ""),
    )


def _team(op: Operation, p: Any, actor: Person) -> None:
    members = [m for pk in p.getlist("members") if (m := _person(op, pk, "members"))]
    services.team_add(
        operation=op,
        actor=actor,
        name=p.get("name", ""),
        leader=_person(op, p.get("leader", ""), "leader"),
        members=members,
        task=p.get("task", ""),
    )


def _partner(op: Operation, p: Any, actor: Person) -> None:
    services.partner_add(
        operation=op,
        actor=actor,
        agency=p.get("agency", ""),
        contact=p.get("contact", ""),
        personnel=_int(p.get("personnel", ""), "personnel"),
    )


def _readiness(op: Operation, p: Any, actor: Person) -> None:
    services.readiness_check(
        operation=op,
        actor=actor,
        item=p.get("item", ""),
        ready=p.get("ready") == "1",
        note=p.get("note", ""),
    )


def _incident(op: Operation, p: Any, actor: Person) -> None:
    corrects = None
    if p.get("corrects", "").strip():
        corrects = op.incidents.filter(pk=_int(p["corrects"], "corrects") or 0).first()
        if corrects is None:
            raise Invalid(_("Catatan yang dikoreksi tidak ditemukan."), field="corrects")
    services.incident_add(
        operation=op,
        actor=actor,
        at=_moment(op, p.get("at", ""), "at"),
        text=p.get("text", ""),
        corrects=corrects,
    )


def _escalation(op: Operation, p: Any, actor: Person) -> None:
    services.escalation_add(
        operation=op,
        actor=actor,
        level=p.get("level", ""),
        at=_moment(op, p.get("at", ""), "at"),
        note=p.get("note", ""),
    )


def _result(op: Operation, p: Any, actor: Person) -> None:
    violator = _violator(op, p.get("pelanggar-violator", ""), "pelanggar-violator")
    if violator is None:
        services.result_add_picked(operation=op, actor=actor, data=p, prefix="pelanggar")
    else:
        services.result_add(
            operation=op,
            actor=actor,
            violator=violator,
            action=p.get("action", ""),
            note=p.get("note", ""),
        )


FORMS = {
    "basis": _basis,
    "crowd": _crowd,
    "place": _place,
    "team": _team,
    "partner": _partner,
    "readiness": _readiness,
    "incident": _incident,
    "escalation": _escalation,
    "result": _result,
}


@login_required
@require_POST
def operation_change(request: PersonRequest, operation_id: int, form: str) -> HttpResponse:
    op = _file(request, operation_id)
    change = FORMS.get(form)
    if change is None:
        raise Http404
    try:
        change(op, request.POST, _actor(request))
    except ServiceError as exc:
        return _render(
            request, op, form=form, error=exc.message, field=exc.field, status=exc.status, exc=exc
        )
    messages.success(request, _("Berkas operasi disimpan."))
    return redirect(f"{request.path.rsplit('/', 2)[0]}/#{form}")


@login_required
@require_POST
def items_seize(request: PersonRequest, operation_id: int) -> HttpResponse:
    op = _file(request, operation_id)
    p = request.POST
    try:
        count = _int(p.get("rows", "") or "3", "rows") or 0
        if count > services.MAX_ITEM_ROWS:
            raise Invalid(
                _("Paling banyak %(n)s baris barang.") % {"n": services.MAX_ITEM_ROWS},
                field="rows",
            )
        rows = []
        photos = {}
        for n in range(count):
            if not any(p.get(f"items-{n}-{k}", "").strip() for k in ("description", "quantity")):
                continue
            rows.append(
                {
                    "row": n,
                    "description": p.get(f"items-{n}-description", ""),
                    "quantity": _int(p.get(f"items-{n}-quantity", ""), f"items-{n}-quantity"),
                    "measure": p.get(f"items-{n}-measure", ""),
                }
            )
            # Keyed by the form's row: a blank row above does not move a photo to another item.
            if photo := request.FILES.get(f"items-{n}-photo"):
                photos[n] = photo
        _items, letter = services.items_seize(
            operation=op,
            actor=_actor(request),
            items=rows,
            storage=p.get("storage", ""),
            perda=p.get("perda", ""),
            owner=_violator(op, p.get("owner", ""), "owner"),
            photos=photos,
        )
    except ServiceError as exc:
        return _render(
            request,
            op,
            form="seize",
            error=exc.message,
            field=exc.field,
            status=exc.status,
            exc=exc,
        )
    messages.success(request, _("Barang bukti dicatat; konsep Berita Acara Penyitaan dibuat."))
    return redirect("letters:letter", letter_id=letter.pk)


@login_required
@require_POST
def items_end(request: PersonRequest, operation_id: int) -> HttpResponse:
    op = _file(request, operation_id)
    p = request.POST
    try:
        ids = [_int(x, "items") for x in p.getlist("items")]
        items = list(op.items.filter(pk__in=[x for x in ids if x is not None]))
        on = _date(p.get("on", ""), "on")
        if on is None:
            raise Invalid(_("Tanggal wajib diisi."), field="on")
        if p.get("end") == "destroy":
            letter = services.items_destroy(
                operation=op, actor=_actor(request), items=items, how=p.get("how", ""), on=on
            )
        else:
            letter = services.items_return(
                operation=op,
                actor=_actor(request),
                items=items,
                returned_to=p.get("returned_to", ""),
                on=on,
            )
    except ServiceError as exc:
        return _render(
            request, op, form="end", error=exc.message, field=exc.field, status=exc.status, exc=exc
        )
    messages.success(request, _("Status barang bukti diubah; konsep Berita Acara dibuat."))
    return redirect("letters:letter", letter_id=letter.pk)


@login_required
def item_photo(request: PersonRequest, item_id: int) -> FileResponse:
    """The item's photo, inline only when its bytes are a JPEG, PNG or WebP image (and with that
    type); anything else (a file kept before uploads were checked) is a download, never a page
    the browser would run."""
    item = selectors.seized_items_for_user(request.user).filter(pk=item_id).first()
    if item is None or not item.photo:
        raise Http404(_("Foto tidak ditemukan."))
    handle = item.photo.open("rb")
    found = services.image_type(handle.read(16))
    handle.seek(0)
    name = item.photo.name.rsplit("/", 1)[-1]
    if found is None:
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=f"barang-bukti-{item.pk}.bin",
            content_type="application/octet-stream",
        )
    else:
        stem = name.rsplit(".", 1)[0] or "foto"
        response = FileResponse(handle, filename=f"{stem}.{found[1]}", content_type=found[0])
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


@login_required
def items_register(request: PersonRequest) -> HttpResponse:
    state = request.GET.get("status", "")
    if state not in ItemState.values:
        state = ""
    operations = _operation_ids(request.GET.get("operasi", ""))
    items: list[SeizedItem] = list(
        selectors.seized_items_for_user(request.user, state=state, operations=operations)[
            :ITEMS_SHOWN
        ]
    )
    return render(
        request,
        "operations/items_register.html",
        {
            "items": items,
            "state": state,
            "states": ItemState.choices,
            "operations": ",".join(str(i) for i in operations) if operations is not None else "",
            "operations_count": len(operations) if operations is not None else 0,
        },
    )


ITEMS_SHOWN = 300
OPERATIONS_MAX = 500  # ``?operasi=`` ids: a month's operations of a city, with room


def _operation_ids(text: str) -> list[int] | None:
    """``?operasi=12,15``: the operations whose items to list (None: every operation). An id
    that is not a whole number 1…2⁶³−1, or too many, lists nothing rather than more."""
    if not text:
        return None
    parts = text.split(",")
    ids = [_whole(p) for p in parts[: OPERATIONS_MAX + 1]]
    if len(parts) > OPERATIONS_MAX or any(i is None for i in ids):
        return []
    return [i for i in ids if i is not None]


def _whole(text: str) -> int | None:
    text = text.strip()
    if not re.fullmatch(r"[0-9]{1,19}", text):
        return None
    number = int(text)
    return number if 1 <= number < 2**63 else None
