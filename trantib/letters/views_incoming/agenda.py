"""The buku agenda surat masuk: the list with its filters and its CSV/XLSX exports."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from trantib.accounts.middleware import PersonRequest
from trantib.accounts.selectors import units_for_user
from trantib.core.exports import (
    back_to,
    export_filename,
    export_refused,
    filters_text,
    form_parts,
    units_text,
    zone_of,
)
from trantib.core.xlsx import Sheet, xlsx_book, xlsx_response

from .. import selectors
from ..exports import csv_cell
from ..forms_incoming import (
    IncomingFilterForm,
)
from .common import (
    PAGE_SIZE,
    Row,
    recording_units,
    rows_of,
)

# -- the agenda -----------------------------------------------------------------------------


@login_required
def incoming_list(request: PersonRequest) -> HttpResponse:
    """The buku agenda surat masuk of the user's units, newest received first."""
    form = IncomingFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    qs = selectors.incoming_list_for_user(request.user, **filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("halaman"))
    context = {
        "form": form,
        "page": page,
        "rows": rows_of(list(page.object_list)),
        "filtered": any(filters.values()),
        "may_record": bool(recording_units(request)),
    }
    template = "letters/incoming_list.html"
    if getattr(request, "htmx", False) and not request.htmx.boosted:  # type: ignore[attr-defined]
        template += "#results"
    return render(request, template, context)


EXPORT_HEADERS = (
    "No. agenda",
    "Tanggal terima",
    "Asal surat",
    "Nomor surat",
    "Tanggal surat",
    "Perihal",
    "Diteruskan kepada",
    "Disposisi",
    "Keterangan",
    "Unit",
)


@login_required
def incoming_export(request: PersonRequest, fmt: str) -> HttpResponse:
    """The filtered agenda (all pages) as CSV (UTF-8 with BOM) or XLSX (real date cells)."""
    form = IncomingFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    found = selectors.incoming_list_for_user(request.user, **filters)
    if fmt == "xlsx":
        back = back_to(reverse("letters:incoming"), request)
        refused = export_refused(request, count=found.count(), back=back)
        if refused is not None:
            return refused
    rows = rows_of(list(found))
    headers = [_(h) for h in EXPORT_HEADERS]
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="surat-masuk-{stamp}.csv"'
        response.write("\ufeff")  # spreadsheet programs read the BOM as "this is UTF-8"
        writer = csv.writer(response)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([csv_cell(v) for v in _export_values(row, dates_as_text=True)])
        return response
    return _xlsx(request, headers, rows, form)


def _export_values(row: Row, *, dates_as_text: bool) -> list[Any]:
    i = row.incoming
    return [
        i.agenda_number,
        i.received_on.isoformat() if dates_as_text else i.received_on,
        i.sender,
        i.number,
        i.dated.isoformat() if dates_as_text else i.dated,
        i.subject,
        "; ".join(row.to),
        row.status.label,
        i.note,
        i.unit.name,
    ]


def _xlsx(
    request: PersonRequest, headers: list[str], rows: list[Row], form: IncomingFilterForm
) -> HttpResponse:
    units = list(units_for_user(request.user).order_by("path"))
    zone = zone_of(units)
    sheet = Sheet(
        name=_("Surat masuk"),
        headers=headers,
        rows=[_export_values(row, dates_as_text=False) for row in rows],
        links=[[reverse("letters:incoming_detail", args=[row.incoming.pk])] for row in rows],
        widths=[14, 14, 32, 24, 14, 48, 32, 18, 32, 28],
    )
    book = xlsx_book(
        title=_("Buku agenda surat masuk"),
        unit=units_text(units),
        period=filters_text(form_parts(form) if request.GET else [], zone=zone),
        sheets=[sheet],
        site=request.build_absolute_uri("/")[:-1],
    )
    return xlsx_response(book, export_filename("surat-masuk", zone))
