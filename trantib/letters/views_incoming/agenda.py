"""The buku agenda surat masuk: the list with its filters and its CSV/XLSX exports."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from trantib.accounts.middleware import PersonRequest

from .. import selectors
from ..exports import csv_cell, xlsx_append
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
    rows = rows_of(list(selectors.incoming_list_for_user(request.user, **filters)))
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
    return _xlsx(headers, rows, stamp)


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


def _xlsx(headers: list[str], rows: list[Row], stamp: str) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = _("Surat masuk")
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        xlsx_append(sheet, _export_values(row, dates_as_text=False))
    for column in ("B", "E"):
        for cell in sheet[column][1:]:
            cell.number_format = "DD/MM/YYYY"
    widths = (14, 14, 32, 24, 14, 48, 32, 18, 32, 28)
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="surat-masuk-{stamp}.xlsx"'
    return response
