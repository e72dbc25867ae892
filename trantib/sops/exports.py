"""The SOP library as XLSX (a "Daftar SOP", as a unit keeps it for Permenpan RB 35/2012): one
row per SOP in force, its identity items as the document writes them (its dates are words —
"Agustus 2023" — and stay words). Public, as the library is."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from trantib.core.exports import export_filename, filters_text
from trantib.core.xlsx import Sheet, xlsx_book, xlsx_response

from . import registry


def sop_list_xlsx(request: HttpRequest) -> HttpResponse:
    specs = registry.current()
    rows, links = [], []
    for spec in specs:
        who = spec.identity.disahkan_oleh
        rows.append(
            [
                spec.code,
                spec.name,
                spec.identity.nomor,
                spec.version,
                _("Berlaku") if spec.status == "published" else _("Draf"),
                "; ".join(spec.identity.instansi),
                spec.identity.tanggal_pembuatan,
                spec.identity.tanggal_revisi,
                spec.identity.tanggal_efektif,
                ", ".join(p for p in (who.jabatan, who.nama) if p),
                len(spec.rows),
                ", ".join(role.name for role in spec.roles),
                "; ".join(spec.identity.dasar_hukum),
            ]
        )
        links.append(["", reverse("sops:detail", args=[spec.code])])
    zone = timezone.get_current_timezone()
    sheet = Sheet(
        name=_("Daftar SOP"),
        headers=[
            _("Kode"),
            _("Nama SOP"),
            _("Nomor SOP"),
            _("Versi"),
            _("Status"),
            _("Instansi"),
            _("Tanggal pembuatan"),
            _("Tanggal revisi"),
            _("Tanggal efektif"),
            _("Disahkan oleh"),
            _("Baris"),
            _("Pelaksana"),
            _("Dasar hukum"),
        ],
        rows=rows,
        links=links,
        widths=[8, 40, 28, 7, 10, 44, 16, 16, 16, 36, 7, 48, 60],
    )
    book = xlsx_book(
        title=_("Daftar SOP"),
        unit=_("Pustaka SOP Trantib"),
        period=filters_text([], zone=zone, everything=_("SOP yang berlaku")),
        sheets=[sheet],
        site=request.build_absolute_uri("/")[:-1],
    )
    return xlsx_response(book, export_filename("daftar-sop", zone))
