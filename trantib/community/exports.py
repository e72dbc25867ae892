"""The Polmas activity list as XLSX, through ``trantib.core.xlsx``: the activities the list's
filters select (the unit, the month, the Bhabinkamtibmas, the desa, the Pos, the status, "with
residents' issues"), one row each. Residents' names and contacts stay on the activity page
(the list shows none): the export counts the issues only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from trantib.accounts.middleware import PersonRequest
from trantib.core.dates import time_id
from trantib.core.exports import (
    back_to,
    export_filename,
    export_refused,
    filters_text,
    local_time,
)
from trantib.core.xlsx import Sheet, xlsx_book, xlsx_response

from .templatetags.polmas import hari
from .views import activities_filtered


@login_required
def activity_list_xlsx(request: PersonRequest) -> HttpResponse:
    found = activities_filtered(request)
    unit = found.unit
    back = back_to(reverse("community:activities"), request)
    refused = export_refused(request, count=found.rows.count(), back=back)
    if refused is not None:
        return refused
    zone = unit.zone()
    rows, links = [], []
    officer = ""
    for a in found.rows.annotate(n_issues=Count("issues", distinct=True)):
        officer = a.officer.full_name
        rows.append(
            [
                a.day,
                hari(a.day),
                time_id(a.starts_at),
                a.get_pos_display(),
                a.desa,
                a.place,
                a.officer.full_name,
                a.get_status_display(),
                local_time(a.held_at, zone),
                a.held_place,
                a.attendance if a.held_at else None,
                "; ".join(a.topics or []),
                a.n_issues,  # type: ignore[attr-defined]
                a.case.number if a.case else "",
            ]
        )
        case = reverse("cases:detail", args=[a.case_id]) if a.case_id else ""
        links.append([reverse("community:activity", args=[a.pk]), *[""] * 12, case])
    period = filters_text(
        [
            (_("Bulan"), found.month_text),
            (_("Bhabinkamtibmas"), officer if found.officer_id else ""),
            (_("Desa/kelurahan"), found.desa),
            (_("Kegiatan"), found.pos_label),
            (_("Status"), found.status_label),
            (_("Dengan permasalahan warga"), _("Ya") if found.issues_only else ""),
        ],
        zone=zone,
    )
    sheet = Sheet(
        name=_("Kegiatan Polmas"),
        headers=[
            _("Tanggal"),
            _("Hari"),
            _("Jam"),
            _("Kegiatan"),
            _("Desa/kelurahan"),
            _("Tempat"),
            _("Bhabinkamtibmas"),
            _("Status"),
            _("Dilaksanakan"),
            _("Tempat pelaksanaan"),
            _("Jumlah hadir"),
            _("Topik"),
            _("Permasalahan warga"),
            _("Nomor kasus"),
        ],
        rows=rows,
        links=links,
        widths=[12, 9, 7, 16, 18, 26, 26, 16, 17, 24, 9, 40, 12, 24],
    )
    book = xlsx_book(
        title=_("Kegiatan Polmas"),
        unit=unit.name,
        period=period,
        sheets=[sheet],
        site=request.build_absolute_uri("/")[:-1],
    )
    return xlsx_response(book, export_filename(f"kegiatan-polmas-{unit.code}", zone))
