"""The staff's complaint list as XLSX: the rows the list's filters select (every page), the
reporter exactly as the list shows them to this reader (``reporter_for``: a confidential one
masked for all but the handling unit's intake roles, an anonymous one never known), through
``trantib.core.xlsx``. The CSV beside it stays as it was."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
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
    local_time,
    units_text,
    zone_of,
)
from trantib.core.xlsx import Sheet, xlsx_book, xlsx_response

from . import selectors
from .templatetags.complaints import days_left_text
from .views import _filtered, _rows

HEADERS = (
    "Nomor pelacakan",
    "Diterima",
    "Saluran",
    "Jenis",
    "Unit",
    "Kelurahan/desa",
    "Alamat",
    "Lintang",
    "Bujur",
    "Pelapor",
    "Telepon pelapor",
    "E-mail pelapor",
    "Nomor kasus",
    "Status kasus",
    "Pelapor diberi tahu",
    "Batas jawaban",
    "Uraian",
)
WIDTHS = [14, 17, 12, 24, 28, 20, 32, 11, 11, 24, 18, 26, 24, 14, 17, 24, 60]


@login_required
def complaint_export_xlsx(request: PersonRequest) -> HttpResponse:
    form, complaints = _filtered(request)
    back = back_to(reverse("complaints:list"), request)
    refused = export_refused(request, count=complaints.count(), back=back)
    if refused is not None:
        return refused
    intake = selectors.intake_unit_ids(request.person)
    now = timezone.now()
    rows, links = [], []
    for row in _rows(complaints.iterator(chunk_size=500), intake, now):
        c = row.complaint
        zone = c.unit.zone()
        rows.append(
            [
                c.tracking,
                local_time(c.received_at, zone),
                c.get_channel_display(),
                c.category.name,
                c.unit.name,
                c.kelurahan,
                c.address,
                c.latitude,
                c.longitude,
                row.reporter.label,
                row.reporter.phone,
                row.reporter.email,
                c.case.number,
                _("Duplikat") if c.duplicate_of_id else c.case.get_status_display(),
                local_time(c.answered_at, zone),
                days_left_text(row.days_left),
                c.description,
            ]
        )
        detail = reverse("complaints:detail", args=[c.pk])
        case = reverse("cases:detail", args=[c.case_id])
        links.append([detail, *[""] * 11, case])
    units = list(units_for_user(request.user).order_by("path"))
    clock = zone_of(units)
    book = xlsx_book(
        title=_("Daftar pengaduan"),
        unit=units_text(units),
        period=filters_text(form_parts(form), zone=clock, now=now),
        sheets=[
            Sheet(
                name=_("Pengaduan"),
                headers=[_(h) for h in HEADERS],
                rows=rows,
                links=links,
                widths=WIDTHS,
            )
        ],
        site=request.build_absolute_uri("/")[:-1],
    )
    return xlsx_response(book, export_filename("pengaduan", clock, now))
