"""The operations list and the barang bukti register as XLSX, through ``trantib.core.xlsx``:
the rows the page's filter selects — all of them (the pages show the newest 100 operations and
300 items; the export is the whole filtered list, bounded by ``TRANTIB_EXPORT_MAX_ROWS``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from trantib.accounts.middleware import PersonRequest
from trantib.accounts.selectors import units_for_user
from trantib.core.dates import time_id
from trantib.core.exports import (
    back_to,
    export_filename,
    export_refused,
    filters_text,
    local_time,
    units_text,
    zone_of,
)
from trantib.core.text import UNSTORABLE
from trantib.core.xlsx import Sheet, xlsx_book, xlsx_response

from . import selectors
from .models import ItemState


def _units(request: PersonRequest) -> list[Any]:
    return list(units_for_user(request.user).order_by("path"))


@login_required
def operation_list_xlsx(request: PersonRequest) -> HttpResponse:
    query = UNSTORABLE.sub("", request.GET.get("q", "")).strip()[:100]
    ops = selectors.operation_list_for_user(request.user, query=query)
    back = back_to(reverse("operations:list"), request)
    refused = export_refused(request, count=ops.count(), back=back)
    if refused is not None:
        return refused
    ops = ops.select_related("case__sop_version").prefetch_related("places", "partners")
    ops = ops.annotate(
        n_results=Count("results", distinct=True), n_items=Count("items", distinct=True)
    )
    rows, links = [], []
    for op in ops:
        rows.append(
            [
                op.case.number,
                op.case.sop_code,
                op.case.subject,
                op.unit.name,
                op.day,
                time_id(op.starts_at) if op.starts_at else "",
                time_id(op.ends_at) if op.ends_at else "",
                op.commander.full_name if op.commander else "",
                op.basis_number,
                op.basis_date,
                "; ".join(p.name for p in op.places.all()),
                "; ".join(p.agency for p in op.partners.all()),
                op.n_results,  # type: ignore[attr-defined]
                op.n_items,  # type: ignore[attr-defined]
                op.case.get_status_display(),
            ]
        )
        links.append([reverse("operations:file", args=[op.pk])])
    units = _units(request)
    clock = zone_of(units)
    sheet = Sheet(
        name=_("Operasi"),
        headers=[
            _("Nomor kasus"),
            _("SOP"),
            _("Perihal"),
            _("Unit"),
            _("Tanggal operasi"),
            _("Mulai"),
            _("Selesai"),
            _("Komandan"),
            _("Nomor Surat Perintah"),
            _("Tanggal Surat Perintah"),
            _("Tempat"),
            _("Instansi mitra"),
            _("Pelanggar ditindak"),
            _("Barang bukti"),
            _("Status kasus"),
        ],
        rows=rows,
        links=links,
        widths=[24, 8, 40, 28, 13, 8, 8, 26, 28, 13, 36, 30, 10, 10, 13],
    )
    book = xlsx_book(
        title=_("Daftar operasi"),
        unit=units_text(units),
        period=filters_text([(_("Cari"), f"“{query}”" if query else "")], zone=clock),
        sheets=[sheet],
        site=request.build_absolute_uri("/")[:-1],
    )
    return xlsx_response(book, export_filename("operasi", clock))


def _letter_url(letter: Any) -> str:
    return reverse("letters:letter", args=[letter.pk]) if letter is not None else ""


@login_required
def items_register_xlsx(request: PersonRequest) -> HttpResponse:
    state = request.GET.get("status", "")
    if state not in ItemState.values:
        state = ""
    items = selectors.seized_items_for_user(request.user, state=state)
    refused = export_refused(
        request, count=items.count(), back=back_to(reverse("operations:items"), request)
    )
    if refused is not None:
        return refused
    rows, links = [], []
    for item in items:
        zone = item.unit.zone()
        seizure, end = item.seizure_letter, item.end_letter
        rows.append(
            [
                item.description,
                item.quantity,
                item.measure,
                item.owner.name if item.owner else "",
                item.operation.case.number,
                item.unit.name,
                (seizure.number or _("konsep")) if seizure else "",
                item.storage,
                item.get_state_display(),
                item.ended_on,
                item.returned_to,
                item.end_how,
                (end.number or _("konsep")) if end else "",
                local_time(item.recorded_at, zone),
            ]
        )
        links.append(
            [
                "",
                "",
                "",
                "",
                reverse("operations:file", args=[item.operation_id]),
                "",
                _letter_url(seizure),
                *[""] * 5,
                _letter_url(end),
            ]
        )
    units = _units(request)
    clock = zone_of(units)
    states = dict(ItemState.choices)
    sheet = Sheet(
        name=_("Barang bukti"),
        headers=[
            _("Uraian barang"),
            _("Jumlah"),
            _("Satuan"),
            _("Pemilik"),
            _("Operasi"),
            _("Unit"),
            _("Berita Acara Penyitaan"),
            _("Penyimpanan"),
            _("Status"),
            _("Tanggal pengembalian/pemusnahan"),
            _("Dikembalikan kepada"),
            _("Cara pemusnahan"),
            _("Berita Acara pengembalian/pemusnahan"),
            _("Dicatat"),
        ],
        rows=rows,
        links=links,
        widths=[36, 8, 10, 24, 24, 28, 28, 26, 13, 14, 24, 26, 28, 17],
    )
    book = xlsx_book(
        title=_("Register barang bukti"),
        unit=units_text(units),
        period=filters_text([(_("Status"), states.get(state, ""))], zone=clock),
        sheets=[sheet],
        site=request.build_absolute_uri("/")[:-1],
    )
    return xlsx_response(book, export_filename("barang-bukti", clock))
