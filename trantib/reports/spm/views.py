"""``/laporan/spm/``: the SPM Trantibum report of a quarter — the page, its PDF and its workbook
(``?format=pdf`` / ``?format=xlsx``) — and ``/laporan/spm/penerima/``, the recipients behind the
recipient figures (people, not cases: a case list could not show them one by one).

A quarter that cannot be read is never exported as another quarter: the page shows the
message instead of the file.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from config.dbrouter import report_page
from trantib.accounts.middleware import PersonRequest
from trantib.core.dates import date_id, datetime_id
from trantib.core.errors import Invalid
from trantib.core.xlsx import xlsx_response

from ..periods import period_parse
from ..printing import report_pdf
from ..views import Frame, report_frame
from . import compute
from .exports import spm_workbook
from .report import KIND_LABELS, KIND_SOURCES, SERVICE, SpmReport, build

KINDS = ("quarter",)
RECIPIENTS_PAGE = 50
FORMATS = ("", "pdf", "xlsx")


def _frame(request: HttpRequest) -> tuple[Frame, bool]:
    """The unit and quarter; ``readable``: the address's quarter was read as typed."""
    frame = report_frame(request, kinds=KINDS)
    raw = request.GET.get("periode", "")
    readable = True
    if raw:
        try:
            period_parse(raw, kinds=KINDS)
        except Invalid:
            readable = False
    return frame, readable


def _notes(report: SpmReport) -> list[str]:
    """How the figures are counted, printed under the tables as Trantib's own note."""
    cut = datetime_id(report.window.cut, report.scope.zone)
    notes = [
        _(
            "Angka dihitung dari kasus yang tercatat di Trantib sampai %(cut)s, pada jam unit. "
            "Kasus yang dibatalkan tidak dihitung."
        )
        % {"cut": cut},
        _(
            "Ditangani: kasus yang berjalan pada triwulan ini dan sudah selesai, atau yang "
            "langkah kerjanya melewati batas Mutu Baku waktu. Selesai sesuai standar: selesai "
            "sebelum akhir triwulan tanpa satu pun langkah kerja yang melewati batas waktunya. "
            "Kasus yang masih berjalan tanpa keterlambatan dihitung pada triwulan selesainya."
        ),
        _(
            "Pengaduan: batas jawab %(days)s hari kerja sejak diterima, menurut kalender SOP "
            "pengaduan dan hari libur nasional."
        )
        % {"days": report.answer_days},
    ]
    notes.append(
        "; ".join(f"{KIND_LABELS[kind]}: {KIND_SOURCES[kind]}" for kind in compute.KINDS) + "."
    )
    return notes


def _tables(report: SpmReport) -> dict[str, object]:
    return {
        "service": SERVICE,
        "tables": [
            {"title": _("I. Penerima Layanan Dasar"), "rows": report.recipients},
            {"title": _("II. Mutu Minimal Layanan Dasar"), "rows": report.quality},
        ],
    }


@report_page
@login_required
def spm(request: PersonRequest) -> HttpResponse:
    frame, readable = _frame(request)
    wanted = request.GET.get("format", "")
    if wanted not in FORMATS:
        wanted = ""
    report = build(frame.scope, frame.period)
    report.notes = _notes(report)
    base = frame.query()
    if wanted and readable:
        name = f"spm-trantibum-{frame.scope.unit.code}-{frame.period.code}"
        if wanted == "xlsx":
            content = spm_workbook(report, site=request.build_absolute_uri("/")[:-1])
            return xlsx_response(content, name)
        pdf = report_pdf(
            "reports/spm_pdf.html",
            {"report": report, "due_text": date_id(report.due), **_tables(report)},
            scope=frame.scope,
            period=frame.period,
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
        return response
    context = {
        **frame.context(),
        "report": report,
        **_tables(report),
        "due_text": date_id(report.due),
        "cut_text": datetime_id(report.window.cut, frame.scope.zone),
        "pdf_href": f"?{base}&format=pdf" if readable else "",
        "xlsx_href": f"?{base}&format=xlsx" if readable else "",
    }
    return render(request, "reports/spm.html", context)


@report_page
@login_required
def recipients(request: PersonRequest) -> HttpResponse:
    """The citizens behind a recipient figure: each ladder case's violator and each person or
    business dealt with in an operation, with the case it belongs to."""
    frame, readable = _frame(request)
    measure = request.GET.get("ukuran", compute.HANDLED)
    part = request.GET.get("bagian", "")[:40]
    known = measure in (compute.HANDLED, compute.DONE_OK) and readable
    win = compute.window(frame.scope, frame.period)
    rows = compute.recipients(frame.scope, win, measure=measure, part=part) if known else []
    if not known and readable:
        messages.error(request, _("Ukuran penerima tidak dikenal."))
    page = Paginator(rows, RECIPIENTS_PAGE).get_page(request.GET.get("halaman"))
    query = {"unit": frame.scope.unit.code, "periode": frame.period.code, "ukuran": measure}
    if part:
        query["bagian"] = part
    title = (
        _("Warga yang memperoleh layanan sesuai standar")
        if measure == compute.DONE_OK
        else _("Warga terdampak penegakan Perda/Perkada")
    )
    context = {
        **frame.context(),
        "title": title,
        "page": page,
        "query": urlencode(query),
        "keep_query": urlencode({"ukuran": measure, **({"bagian": part} if part else {})}),
        "sources": KIND_LABELS,
        "known": known,
    }
    return render(request, "reports/spm_recipients.html", context)
