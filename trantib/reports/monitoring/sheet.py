"""One monitoring form as the page, the PDF and the XLSX show it, whatever its state: the
pre-filled form before it is saved, a draft (its figures live), a final form (its figures as
they were frozen).

What the printed form says in "Catatan hasil penilaian" is what the assessor finalised: Trantib's
factual note only when the assessor kept it (marked, with a legend: it came from the cases),
then the assessor's own words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from trantib.core.dates import date_id
from trantib.core.xlsx import Sheet, xlsx_book

from ..figures import Figure
from ..models_monitoring import MonitoringForm
from ..periods import Period, period_parse
from ..printing import report_pdf
from ..scope import Scope
from .drills import figure_href
from .prefill import Prefill, RowFigures, assessment_label


@dataclass
class ShownRow:
    position: int
    no: str
    procedure: str
    standard: str
    prefill: RowFigures
    assessment: str
    keep_prefill: bool = True
    note: str = ""
    action: str = ""
    paraf_initials: str = ""
    paraf_name: str = ""
    paraf_at: dt.datetime | None = None
    figures: list[Figure] = field(default_factory=list)

    @property
    def assessment_label(self) -> str:
        return assessment_label(self.assessment)

    @property
    def changed(self) -> bool:
        """The assessor's judgement differs from Trantib's pre-fill."""
        return self.assessment != self.prefill.assessment

    @property
    def shown_figures(self) -> list[Figure]:
        """The figures worth a link: "dijalankan" always, the others when not zero."""
        return [f for i, f in enumerate(self.figures) if i == 0 or f.value]


@dataclass
class FormSheet:
    """Everything a form's page, PDF and XLSX print."""

    scope: Scope
    period: Period
    code: str
    name: str
    nomor: str
    version: int | None
    versions: list[int]
    unmatched: int
    threshold: int
    rows: list[ShownRow]
    status: str  # "new", "draft", "final"
    form: MonitoringForm | None = None
    assessor_name: str = ""
    assessor_jabatan: str = ""
    assessor_number: str = ""
    dated: dt.date | None = None
    digest: str = ""

    @property
    def is_final(self) -> bool:
        return self.status == "final"

    @property
    def versions_text(self) -> str:
        if not self.versions:
            return _("Tidak ada kasus SOP ini di unit ini dalam periode ini.")
        numbers = ", ".join(str(v) for v in self.versions)
        text = _("Angka dihitung dari kasus versi %(versions)s; baris mengikuti versi %(shown)s.")
        return text % {"versions": numbers, "shown": self.version}


def _figures(row: RowFigures, scope: Scope, period: Period, code: str) -> list[Figure]:
    labels = (
        ("ran", _("Dijalankan")),
        ("within", _("Dalam Mutu Baku")),
        ("corrected", _("Dikoreksi")),
        ("returned", _("Diulang")),
        ("cancelled", _("Dibatalkan")),
        ("overdue", _("Terlambat")),
        ("live", _("Masih berjalan")),
    )
    return [
        Figure(
            label=str(label),
            value=row.cases.get(name, 0),
            href=figure_href(name, scope, period, code, row.no),
            unit=_("kasus"),
        )
        for name, label in labels
    ]


def sheet_from_prefill(prefill: Prefill, scope: Scope) -> FormSheet:
    """The pre-filled form, before anyone saved it."""
    rows = [
        ShownRow(
            position=i,
            no=r.no,
            procedure=r.procedure,
            standard=r.standard,
            prefill=r,
            assessment=r.assessment,
            figures=_figures(r, scope, prefill.period, prefill.code),
        )
        for i, r in enumerate(prefill.rows, start=1)
    ]
    return FormSheet(
        scope=scope,
        period=prefill.period,
        code=prefill.code,
        name=prefill.name,
        nomor=prefill.nomor,
        version=prefill.version_number,
        versions=prefill.versions,
        unmatched=prefill.unmatched,
        threshold=prefill.threshold,
        rows=rows,
        status="new",
        digest=prefill.digest,
    )


def sheet_from_form(form: MonitoringForm, scope: Scope, prefill: Prefill | None) -> FormSheet:
    """A saved form: a draft with its live ``prefill``, a final one with its frozen figures."""
    period = period_parse(form.period)
    live = {r.no: r for r in prefill.rows} if prefill is not None else {}
    rows = []
    for row in form.rows.select_related("paraf_by"):
        if form.is_final:
            figures = RowFigures.from_json(row.figures) if row.figures else None
        else:
            figures = live.get(row.no)
        figures = figures or RowFigures(no=row.no, procedure=row.procedure, standard=row.standard)
        rows.append(
            ShownRow(
                position=row.position,
                no=row.no,
                procedure=row.procedure,
                standard=row.standard,
                prefill=figures,
                assessment=row.assessment,
                keep_prefill=row.keep_prefill,
                note=row.note,
                action=row.action,
                paraf_initials=row.paraf_initials,
                paraf_name=row.paraf_by.full_name if row.paraf_by else "",
                paraf_at=row.paraf_at,
                figures=_figures(figures, scope, period, form.sop_code),
            )
        )
    final = form.is_final
    return FormSheet(
        scope=scope,
        period=period,
        code=form.sop_code,
        name=form.sop_name,
        nomor=form.sop_nomor,
        version=form.sop_version.version,
        versions=list(form.versions) if final else (prefill.versions if prefill else []),
        unmatched=form.unmatched if final else (prefill.unmatched if prefill else 0),
        threshold=form.threshold,
        rows=rows,
        status="final" if final else "draft",
        form=form,
        assessor_name=form.assessor_name,
        assessor_jabatan=form.assessor_jabatan,
        assessor_number=form.assessor_number,
        dated=timezone.localtime(form.finalised_at, scope.zone).date()
        if form.finalised_at
        else None,
        digest=prefill.digest if prefill is not None else "",
    )


def printed_note(row: ShownRow) -> tuple[str, str]:
    """(Trantib's note if the assessor kept it, the assessor's own note)."""
    return (row.prefill.note if row.keep_prefill else "", row.note)


def paraf_text(row: ShownRow, zone: Any) -> str:
    if not row.paraf_initials or row.paraf_at is None:
        return ""
    local = timezone.localtime(row.paraf_at, zone)
    return f"{row.paraf_initials} {local:%d/%m/%Y}"


# -- PDF and XLSX -----------------------------------------------------------------------------


def form_pdf(sheet: FormSheet) -> bytes:
    rows = [
        {
            "row": row,
            "note": printed_note(row),
            "paraf": paraf_text(row, sheet.scope.zone),
            "assessment": row.assessment_label,  # blank when the assessor left it blank
        }
        for row in sheet.rows
    ]
    return report_pdf(
        "reports/monitoring_pdf.html",
        {
            "sheet": sheet,
            "rows": rows,
            "dated": date_id(sheet.dated) if sheet.dated else "",
            "marked": any(r.keep_prefill and r.prefill.note for r in sheet.rows),
        },
        scope=sheet.scope,
        period=sheet.period,
    )


def form_xlsx(sheet: FormSheet, *, site: str) -> bytes:
    title = _("Formulir Monitoring Pelaksanaan SOP %(code)s — %(name)s") % {
        "code": sheet.code,
        "name": sheet.name,
    }
    state = {
        "new": _("belum disimpan"),
        "draft": _("draf"),
        "final": _("final"),
    }[sheet.status]
    period_line = _("%(period)s · penilai: %(who)s · %(state)s") % {
        "period": sheet.period.label,
        "who": sheet.assessor_name or "—",
        "state": state,
    }
    form_rows, form_links = [], []
    for row in sheet.rows:
        kept, own = printed_note(row)
        note = "\n".join(t for t in (f"{kept} *" if kept else "", own) if t)
        form_rows.append(
            [
                row.no,
                row.procedure,
                row.assessment_label,
                note,
                row.action,
                paraf_text(row, sheet.scope.zone),
            ]
        )
        form_links.append(["", "", "", row.figures[0].href if row.figures else "", "", ""])
    figures_rows, figures_links = [], []
    for row in sheet.rows:
        p = row.prefill
        figures_rows.append(
            [
                row.no,
                row.procedure,
                row.standard,
                p.ran,
                p.cases.get("ran", 0),
                p.within,
                p.timed,
                p.share_percent,
                round(p.median_seconds / 60) if p.median_seconds is not None else None,
                p.corrected,
                p.returned,
                p.cancelled,
                p.overdue,
                p.live,
                p.assessment_label,
            ]
        )
        h = [f.href for f in row.figures]  # ran, within, corrected, returned, cancelled, …
        figures_links.append(
            ["", "", "", h[0], h[0], h[1], "", "", "", h[2], h[3], h[4], h[5], h[6], ""]
        )
    headers = [
        pgettext("nomor urut", "No"),
        _("Prosedur"),
        _("Penilaian terhadap penerapan (Berjalan dengan baik / Tidak berjalan dengan baik)"),
        _("Catatan hasil penilaian"),
        _("Tindakan yang harus diambil"),
        _("Paraf penilai"),
    ]
    return xlsx_book(
        title=title,
        unit=sheet.scope.unit.name,
        period=period_line,
        sheets=[
            Sheet(
                name=_("Formulir monitoring"),
                headers=[str(h) for h in headers],
                rows=form_rows,
                links=form_links,
                widths=[6, 60, 26, 60, 40, 16],
                total=["", _("* Catatan dari data kasus Trantib, dipertahankan penilai.")]
                if any(r.keep_prefill and r.prefill.note for r in sheet.rows)
                else None,
                zone=sheet.scope.zone,
            ),
            Sheet(
                name=_("Angka dari kasus"),
                headers=[
                    pgettext("nomor urut", "No"),
                    _("Prosedur"),
                    _("Mutu Baku waktu"),
                    _("Dijalankan (langkah)"),
                    _("Dijalankan (kasus)"),
                    _("Dalam Mutu Baku"),
                    _("Selesai dengan batas waktu"),
                    _("Dalam Mutu Baku (%)"),
                    _("Median waktu (menit)"),
                    _("Dikoreksi"),
                    _("Diulang"),
                    _("Dibatalkan"),
                    _("Terlambat"),
                    _("Masih berjalan"),
                    _("Penilaian dari data kasus"),
                ],
                rows=figures_rows,
                links=figures_links,
                widths=[6, 50, 14, 12, 12, 12, 12, 12, 12, 10, 10, 10, 10, 10, 26],
                zone=sheet.scope.zone,
            ),
        ],
        site=site,
    )
