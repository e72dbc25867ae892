"""The SPM report as the page, the PDF and the workbook show it: the e-SPM tables, the breakdown
by kind and by child unit, the four steps of applying SPM, and the due date.

Every number is a :class:`~trantib.reports.figures.Figure` whose link opens the rows behind it:
the case lists of :mod:`.drills`, or, for recipients (people, not cases), the recipient list of
this report (``reports:spm_recipients``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trantib.core.links import path_to

from ..figures import Figure, drill_href
from ..periods import Period
from ..scope import Scope
from . import compute
from .drills import ANSWERS, CASES, RECIPIENT_CASES, REPORT

SERVICE = gettext_lazy("Pelayanan Ketenteraman dan Ketertiban Umum")
NOT_RECORDED = gettext_lazy("Tidak tercatat di Trantib — isi langsung di e-SPM")

KIND_LABELS = {
    compute.ENFORCEMENT: gettext_lazy("Pelanggaran Perda/Perkada (tangga teguran)"),
    compute.OPERATION: gettext_lazy("Operasi dan penertiban"),
    compute.COMPLAINT: gettext_lazy("Pengaduan gangguan trantibum"),
}
# What each kind is, for the notes.
KIND_SOURCES = {
    compute.ENFORCEMENT: gettext_lazy(
        "kasus SOP yang mengikat kontrak temuan pelanggaran (violation_finding) dan menjalankan "
        "langkah itu: satu kasus per pelanggar"
    ),
    compute.OPERATION: gettext_lazy(
        "kasus SOP yang mengikat kontrak laporan operasi (operation_report)"
    ),
    compute.COMPLAINT: gettext_lazy(
        "kasus SOP yang mengikat kontrak penerimaan pengaduan atau jawaban kepada pelapor"
    ),
}


@dataclass(frozen=True)
class Indicator:
    """One row of an e-SPM table."""

    number: str  # "1", "2" … within its table
    name: str | Promise
    target: int | None  # percent; None: not recorded
    achieved: Figure | None  # the percentage
    numerator: Figure | None
    denominator: Figure | None
    met: bool | None  # None: no data, or not recorded
    recorded: bool = True
    basis: str | Promise = ""  # what the numbers count, in one line
    extra: tuple[Figure, ...] = ()  # further figures shown beside (the cases behind people)

    @property
    def verdict(self) -> str:
        if not self.recorded:
            return str(NOT_RECORDED)
        if self.met is None:
            return _("Tidak ada data pada triwulan ini")
        return _("Memenuhi") if self.met else _("Tidak Memenuhi")


@dataclass(frozen=True)
class KindRow:
    kind: str
    label: str | Promise
    handled: Figure
    done_ok: Figure
    late: Figure
    achieved: Figure
    running: Figure


@dataclass(frozen=True)
class UnitRow:
    code: str
    name: str
    recipients_ok: Figure
    recipients: Figure
    recipients_percent: Figure
    cases_ok: Figure
    cases: Figure
    cases_percent: Figure
    answers_ok: Figure
    answers: Figure
    answers_percent: Figure
    running: Figure


@dataclass(frozen=True)
class Step:
    """One of the four steps of applying SPM (Permendagri 59/2021, Pasal 11)."""

    number: int
    name: str | Promise
    figures: tuple[Figure, ...]  # what Trantib holds for it
    missing: str | Promise  # what it does not hold ("" when it holds all it can)


@dataclass
class SpmReport:
    scope: Scope
    period: Period
    window: compute.Window
    due: dt.date
    overdue: bool  # the due date has passed
    recipients: list[Indicator]
    quality: list[Indicator]
    kinds: list[KindRow]
    units: list[UnitRow]
    steps: list[Step]
    answer_days: int
    notes: list[str] = field(default_factory=list)

    @property
    def provisional(self) -> bool:
        return self.window.provisional


def recipients_href(scope: Scope, period: Period, measure: str, part: str = "") -> str:
    query = {"unit": scope.unit.code, "periode": period.code, "ukuran": measure}
    if part:
        query["bagian"] = part
    return f"{path_to('reports:spm_recipients')}?{urlencode(query)}"


def _percent_figure(label: str, value: float | None) -> Figure:
    return Figure(label=label, value=value, unit="%")


def build(scope: Scope, period: Period, now: dt.datetime | None = None) -> SpmReport:
    now = now or timezone.now()
    figs = compute.figures(scope, period, now)
    total = figs.total

    def case_fig(label: str, measure: str, value: int, *, kind: str = "", part: str = "") -> Figure:
        href = drill_href(REPORT, CASES[measure], scope, period, jenis=kind, bagian=part)
        return Figure(label=label, value=value, href=href)

    def people_fig(label: str, measure: str, value: int, part: str = "") -> Figure:
        return Figure(
            label=label,
            value=value,
            href=recipients_href(scope, period, measure, part),
        )

    def answer_fig(label: str, measure: str, value: int, part: str = "") -> Figure:
        href = drill_href(REPORT, ANSWERS[measure], scope, period, bagian=part)
        return Figure(label=label, value=value, href=href)

    days = compute.answer_days()
    rec = total.recipients
    recipient_cases = total.recipient_cases
    recipients = [
        Indicator(
            number="1",
            name=_(
                "Persentase warga negara yang terkena dampak penegakan Perda dan Perkada yang "
                "memperoleh layanan sesuai standar"
            ),
            target=compute.TARGET_PERCENT,
            achieved=_percent_figure(_("Capaian"), rec.percent),
            numerator=people_fig(
                _("Warga yang memperoleh layanan sesuai standar"), compute.DONE_OK, rec.done_ok
            ),
            denominator=people_fig(
                _("Warga terdampak penegakan Perda/Perkada"), compute.HANDLED, rec.handled
            ),
            met=compute.meets(rec.percent),
            basis=_(
                "Satu penerima per kasus tangga teguran (satu pelanggar) dan per orang/usaha yang "
                "ditangani dalam operasi tanpa kasus teguran sendiri; sesuai standar = kasusnya "
                "selesai tanpa langkah yang melewati Mutu Baku waktu."
            ),
            extra=(
                Figure(
                    label=_("Kasus di balik warga terdampak"),
                    value=recipient_cases.handled,
                    href=drill_href(REPORT, RECIPIENT_CASES[compute.HANDLED], scope, period),
                ),
                Figure(
                    label=_("Kasus di balik warga yang memperoleh layanan sesuai standar"),
                    value=recipient_cases.done_ok,
                    href=drill_href(REPORT, RECIPIENT_CASES[compute.DONE_OK], scope, period),
                ),
            ),
        )
    ]
    cases = total.cases
    answers = total.answers
    quality = [
        Indicator(
            number="1",
            name=_(
                "Penerapan SOP Satpol PP: persentase gangguan trantibum dan pelanggaran "
                "Perda/Perkada yang ditangani sampai selesai sesuai standar"
            ),
            target=compute.TARGET_PERCENT,
            achieved=_percent_figure(_("Capaian"), cases.percent),
            numerator=case_fig(_("Selesai sesuai standar"), compute.DONE_OK, cases.done_ok),
            denominator=case_fig(_("Ditangani"), compute.HANDLED, cases.handled),
            met=compute.meets(cases.percent),
            basis=_(
                "Kasus penegakan, operasi dan pengaduan yang selesai, atau yang langkahnya "
                "melewati Mutu Baku waktu, sampai akhir triwulan."
            ),
        ),
        Indicator(
            number="2",
            name=_(
                "Persentase pengaduan gangguan trantibum yang dijawab kepada pelapor paling "
                "lambat %(days)s hari kerja"
            )
            % {"days": days},
            target=compute.TARGET_PERCENT,
            achieved=_percent_figure(_("Capaian"), answers.percent),
            numerator=answer_fig(_("Dijawab tepat waktu"), compute.ANSWER_OK, answers.ok),
            denominator=answer_fig(_("Dijawab atau jatuh tempo"), compute.ANSWER_DUE, answers.due),
            met=compute.meets(answers.percent),
            basis=_(
                "Pengaduan yang dijawab, atau yang batas jawabnya lewat, sampai akhir triwulan."
            ),
        ),
        Indicator(
            number="3",
            name=_("Sarana dan prasarana Satpol PP sesuai standar"),
            target=None,
            achieved=None,
            numerator=None,
            denominator=None,
            met=None,
            recorded=False,
        ),
        Indicator(
            number="4",
            name=_("Kapasitas (jumlah dan kompetensi) anggota Satpol PP, PPNS dan Satlinmas"),
            target=None,
            achieved=None,
            numerator=None,
            denominator=None,
            met=None,
            recorded=False,
        ),
    ]
    kinds = [
        KindRow(
            kind=kind,
            label=KIND_LABELS[kind],
            handled=case_fig(_("Ditangani"), compute.HANDLED, t.handled, kind=kind),
            done_ok=case_fig(_("Selesai sesuai standar"), compute.DONE_OK, t.done_ok, kind=kind),
            late=case_fig(_("Terlambat"), compute.LATE, t.late, kind=kind),
            achieved=_percent_figure(_("Capaian"), t.percent),
            running=case_fig(_("Masih berjalan"), compute.RUNNING, t.running, kind=kind),
        )
        for kind, t in total.by_kind.items()
    ]
    units = [
        UnitRow(
            code=code,
            name=name,
            recipients_ok=people_fig(
                _("Sesuai standar"), compute.DONE_OK, s.recipients.done_ok, code
            ),
            recipients=people_fig(_("Terdampak"), compute.HANDLED, s.recipients.handled, code),
            recipients_percent=_percent_figure(_("Capaian"), s.recipients.percent),
            cases_ok=case_fig(_("Sesuai standar"), compute.DONE_OK, s.cases.done_ok, part=code),
            cases=case_fig(_("Ditangani"), compute.HANDLED, s.cases.handled, part=code),
            cases_percent=_percent_figure(_("Capaian"), s.cases.percent),
            answers_ok=answer_fig(_("Tepat waktu"), compute.ANSWER_OK, s.answers.ok, code),
            answers=answer_fig(_("Jatuh tempo"), compute.ANSWER_DUE, s.answers.due, code),
            answers_percent=_percent_figure(_("Capaian"), s.answers.percent),
            running=case_fig(_("Masih berjalan"), compute.RUNNING, s.cases.running, part=code),
        )
        for code, name, s in figs.parts
    ]
    steps = [
        Step(
            number=1,
            name=_("Pengumpulan data: jumlah dan identitas warga penerima"),
            figures=(
                people_fig(
                    _("Warga terdampak penegakan Perda/Perkada"), compute.HANDLED, rec.handled
                ),
                case_fig(
                    _("Gangguan dan pelanggaran yang ditangani"), compute.HANDLED, cases.handled
                ),
                answer_fig(
                    _("Pengaduan yang dijawab atau jatuh tempo"), compute.ANSWER_DUE, answers.due
                ),
            ),
            missing=_("Barang/jasa yang tersedia (sarana, prasarana, personel)"),
        ),
        Step(
            number=2,
            name=_("Penghitungan kebutuhan pemenuhan pelayanan dasar"),
            figures=(
                case_fig(
                    _("Penanganan yang masih berjalan di akhir triwulan"),
                    compute.RUNNING,
                    cases.running,
                ),
                case_fig(_("Penanganan yang terlambat"), compute.LATE, cases.late),
            ),
            missing=_("Kebutuhan barang, jasa, personel dan anggaran"),
        ),
        Step(
            number=3,
            name=_("Penyusunan rencana pemenuhan pelayanan dasar"),
            figures=(),
            missing=_("Rencana pemenuhan dan anggarannya"),
        ),
        Step(
            number=4,
            name=_("Pelaksanaan pemenuhan pelayanan dasar"),
            figures=(
                people_fig(
                    _("Warga yang memperoleh layanan sesuai standar"), compute.DONE_OK, rec.done_ok
                ),
                case_fig(
                    _("Ditangani sampai selesai sesuai standar"), compute.DONE_OK, cases.done_ok
                ),
                answer_fig(_("Pengaduan dijawab tepat waktu"), compute.ANSWER_OK, answers.ok),
            ),
            missing=_("Anggaran yang direalisasikan, permasalahan dan solusi, rencana aksi"),
        ),
    ]
    due = compute.due_date(period)
    today = now.astimezone(scope.zone).date()
    return SpmReport(
        scope=scope,
        period=period,
        window=figs.window,
        due=due,
        overdue=today > due,
        recipients=recipients,
        quality=quality,
        kinds=kinds,
        units=units,
        steps=steps,
        answer_days=days,
    )
