"""The SPM workbook, for typing into the national e-SPM application (which has no API): the two
e-SPM tables as they are entered, then the breakdowns, the four steps and the recipients.
Every count links to the rows behind it."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from trantib.core.links import path_to
from trantib.core.xlsx import Sheet, xlsx_book

from ..figures import Figure
from . import compute
from .report import SERVICE, Indicator, SpmReport


def _value(figure: Figure | None) -> int | float | None:
    return figure.value if figure is not None else None


def _link(figure: Figure | None) -> str:
    return figure.href if figure is not None else ""


def _table(name: str, indicators: list[Indicator]) -> Sheet:
    rows: list[list[object]] = []
    links: list[list[str]] = []
    for item in indicators:
        rows.append(
            [
                item.number,
                str(SERVICE),
                str(item.name),
                item.target,
                _value(item.achieved),
                _value(item.numerator),
                _value(item.denominator),
                item.verdict,
                str(item.basis),
            ]
        )
        links.append(["", "", "", "", "", _link(item.numerator), _link(item.denominator), "", ""])
    return Sheet(
        name=name,
        headers=[
            pgettext("nomor urut", "No"),
            _("Jenis Pelayanan Dasar"),
            _("Indikator"),
            _("Target (%)"),
            _("Capaian (%)"),
            _("Pembilang"),
            _("Penyebut"),
            _("Simpulan"),
            _("Keterangan"),
        ],
        rows=rows,
        links=links,
        widths=[5, 30, 60, 11, 12, 11, 11, 26, 60],
    )


def spm_workbook(report: SpmReport, *, site: str = "") -> bytes:
    zone = report.scope.zone
    sheets = [
        _table(_("Penerima Layanan Dasar"), report.recipients),
        _table(_("Mutu Minimal Layanan Dasar"), report.quality),
    ]
    kind_rows: list[list[object]] = []
    kind_links: list[list[str]] = []
    for row in report.kinds:
        kind_rows.append(
            [
                str(row.label),
                row.handled.value,
                row.done_ok.value,
                row.late.value,
                row.achieved.value,
                row.running.value,
            ]
        )
        kind_links.append(
            ["", row.handled.href, row.done_ok.href, row.late.href, "", row.running.href]
        )
    sheets.append(
        Sheet(
            name=_("Rincian per jenis"),
            headers=[
                _("Jenis penanganan"),
                _("Ditangani"),
                _("Selesai sesuai standar"),
                _("Terlambat"),
                _("Capaian (%)"),
                _("Masih berjalan (belum dihitung)"),
            ],
            rows=kind_rows,
            links=kind_links,
            widths=[44, 12, 14, 12, 12, 16],
        )
    )
    if report.units:
        unit_rows: list[list[object]] = []
        unit_links: list[list[str]] = []
        for u in report.units:
            cells = [
                u.recipients_ok,
                u.recipients,
                u.recipients_percent,
                u.cases_ok,
                u.cases,
                u.cases_percent,
                u.answers_ok,
                u.answers,
                u.answers_percent,
                u.running,
            ]
            unit_rows.append([u.name, *(c.value for c in cells)])
            unit_links.append(["", *(c.href for c in cells)])
        sheets.append(
            Sheet(
                name=_("Per unit"),
                headers=[
                    _("Unit"),
                    _("Penerima sesuai standar"),
                    _("Penerima terdampak"),
                    _("Penerima (%)"),
                    _("Kasus sesuai standar"),
                    _("Kasus ditangani"),
                    _("Kasus (%)"),
                    _("Pengaduan tepat waktu"),
                    _("Pengaduan jatuh tempo"),
                    _("Pengaduan (%)"),
                    _("Masih berjalan"),
                ],
                rows=unit_rows,
                links=unit_links,
                widths=[34, 12, 12, 10, 12, 12, 10, 12, 12, 10, 12],
            )
        )
    step_rows: list[list[object]] = []
    step_links: list[list[str]] = []
    for step in report.steps:
        if not step.figures:
            step_rows.append([step.number, str(step.name), "", None, str(step.missing)])
            step_links.append(["", "", "", "", ""])
        for figure in step.figures:
            step_rows.append([step.number, str(step.name), figure.label, figure.value, ""])
            step_links.append(["", "", "", figure.href, ""])
        if step.figures and step.missing:
            step_rows.append([step.number, str(step.name), "", None, str(step.missing)])
            step_links.append(["", "", "", "", ""])
    sheets.append(
        Sheet(
            name=_("Langkah penerapan SPM"),
            headers=[
                pgettext("nomor urut", "No"),
                _("Langkah"),
                _("Data dari Trantib"),
                _("Jumlah"),
                _("Tidak tercatat di Trantib — isi langsung di e-SPM"),
            ],
            rows=step_rows,
            links=step_links,
            widths=[5, 50, 48, 10, 50],
        )
    )
    people = compute.recipients(report.scope, report.window, measure=compute.HANDLED)
    sheets.append(
        Sheet(
            name=_("Penerima"),
            headers=[
                pgettext("nomor urut", "No"),
                _("Nama warga / usaha"),
                _("Sumber"),
                _("Tindakan"),
                _("Nomor kasus"),
                _("Unit"),
                _("Dibuka"),
                _("Sesuai standar"),
            ],
            rows=[
                [
                    n,
                    p.name,
                    str(_source(p.source)),
                    p.action,
                    p.case.number,
                    p.case.unit.name,
                    p.case.opened_at,
                    _("Ya") if p.done_ok else _("Tidak"),
                ]
                for n, p in enumerate(people, start=1)
            ],
            links=[
                ["", "", "", "", path_to("cases:detail", p.case.pk), "", "", ""] for p in people
            ],
            widths=[5, 36, 30, 24, 26, 30, 17, 14],
            zone=zone,
        )
    )
    return xlsx_book(
        title=_("Laporan Penerapan SPM Sub-urusan Ketenteraman dan Ketertiban Umum"),
        unit=report.scope.unit.name,
        period=report.period.label,
        sheets=sheets,
        site=site,
    )


def _source(kind: str) -> str:
    from .report import KIND_LABELS

    return str(KIND_LABELS.get(kind, kind))
