"""The reports the index page lists (``/laporan/``): one entry per report, in reading order.

Each report module's author keeps their own line(s) here; an entry whose URL name does not
resolve (a report not installed) is left out of the page rather than breaking it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ReportEntry:
    url_name: str  # "reports:spm"
    title: str | Promise
    summary: str | Promise
    group: str | Promise  # the heading it is listed under


DASHBOARD = _("Dasbor pimpinan")
MONTHLY = _("Rekap bulanan")
UPWARD = _("Laporan ke atas")

REPORTS: list[ReportEntry] = [
    # dashboard
    ReportEntry(
        url_name="reports:dashboard",
        title=_("Dasbor pimpinan"),
        summary=_(
            "Hari ini dan bulan ini: pekerjaan berjalan dan terlambat per SOP dan per orang, "
            "kepatuhan Mutu Baku, waktu menjawab pengaduan, tangga teguran, peta temuan dan "
            "pengaduan; unit induk melihat jumlah dan per unit."
        ),
        group=DASHBOARD,
    ),
    # recaps (patrols, enforcement, operations)
    ReportEntry(
        "reports:recap_patrols",
        _("Rekap Patroli"),
        _("Per hari: patroli, wilayah, temuan, pelanggar, surat diterbitkan."),
        MONTHLY,
    ),
    ReportEntry(
        "reports:recap_enforcement",
        _("Rekap Penegakan Perda"),
        _("Per pasal: temuan, surat per tingkat teguran, kepatuhan, penertiban, sanksi."),
        MONTHLY,
    ),
    ReportEntry(
        "reports:recap_operations",
        _("Rekap Operasi"),
        _("Per operasi: tanggal, jenis, tempat, personel, pelanggar, barang bukti, hasil."),
        MONTHLY,
    ),
    # recaps (complaints, Polmas)
    ReportEntry(
        "reports:recap_complaints",
        _("Rekap pengaduan"),
        _(
            "Per saluran, kategori dan desa: pengaduan diterima, dijawab tepat waktu atau "
            "terlambat, belum dijawab, median hari kerja sampai dijawab."
        ),
        MONTHLY,
    ),
    ReportEntry(
        "reports:recap_polmas",
        _("Rekap kegiatan Polmas"),
        _(
            "Per Bhabinkamtibmas dan desa: kegiatan direncanakan, dilaksanakan, tidak "
            "dilaksanakan, jumlah hadir, topik, permasalahan warga dan pengaduan."
        ),
        MONTHLY,
    ),
    # spm
    ReportEntry(
        url_name="reports:spm",
        title=_("SPM Trantibum (triwulan)"),
        summary=_(
            "Penerima dan mutu Pelayanan Ketenteraman dan Ketertiban Umum untuk e-SPM, "
            "paling lambat tanggal 20 bulan berikutnya"
        ),
        group=UPWARD,
    ),
    # monitoring
    ReportEntry(
        "reports:monitoring",
        _("Monitoring pelaksanaan SOP"),
        _("Formulir Tabel 7 Permenpan RB 35/2012 per SOP dan semester, diisi awal dari kasus"),
        UPWARD,
    ),
    ReportEntry(
        "reports:evaluation",
        _("Evaluasi penerapan SOP"),
        _("Tujuh kriteria per SOP dan tahun; revisi membuka draf versi baru"),
        UPWARD,
    ),
]
