"""A month's patrol plan as XLSX, through ``trantib.core.xlsx``: the monthly report's facts as
the page and its PDF show them — the totals, one row per patrol day (its plan and its report),
one row per finding — for the unit that keeps its patrols in a spreadsheet too. A plan's month
has a few dozen days at most: no bound is needed."""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from trantib.accounts.middleware import PersonRequest
from trantib.core.errors import NotFound
from trantib.core.exports import filters_text, local_time
from trantib.core.xlsx import Sheet, xlsx_book, xlsx_response

from . import selectors
from .models import PlanDay
from .templatetags.patrols import hari, jam


def _report(day: PlanDay) -> object | None:
    try:
        return day.report
    except PlanDay.report.RelatedObjectDoesNotExist:  # type: ignore[attr-defined]
        return None


@login_required
def month_xlsx(request: PersonRequest, plan_id: int) -> HttpResponse:
    try:
        plan = selectors.plan_get_for_user(request.user, plan_id)
    except NotFound:
        raise Http404(_("Rencana patroli tidak ditemukan.")) from None
    month = selectors.month_report(plan, user=request.user)
    selectors.findings_annotate(month.findings)
    zone = plan.unit.zone()
    days, day_links, findings, finding_links = [], [], [], []
    for d in month.days:
        report = _report(d)
        areas = ", ".join(a.name for a in d.areas.all())
        members = ", ".join(m.full_name for m in d.members.all())
        if report is None:
            state = _("Belum dilaporkan") if d.task_id else _("Rencana")
            found = None
        elif report.nihil:  # type: ignore[attr-defined]
            state, found = _("Nihil"), 0
        else:
            found = len(report.findings.all())  # type: ignore[attr-defined]
            state = ngettext("%(n)s temuan", "%(n)s temuan", found) % {"n": found}
        days.append(
            [
                d.day,
                hari(d.day),
                jam(d.starts),
                jam(d.ends),
                areas,
                d.route,
                d.danru.full_name if d.danru else "",
                members,
                state,
                jam(report.started) if report else "",  # type: ignore[attr-defined]
                jam(report.ended) if report else "",  # type: ignore[attr-defined]
                "; ".join(p.name for p in report.places.all()) if report else "",  # type: ignore[attr-defined]
                report.result if report else "",  # type: ignore[attr-defined]
                found,
                report.submitted_by.full_name if report else "",  # type: ignore[attr-defined]
                local_time(report.submitted_at, zone) if report else None,  # type: ignore[attr-defined]
            ]
        )
        day_links.append([reverse("patrols:day_report", args=[d.pk]) if report else ""])
        for f in report.findings.all() if report else ():  # type: ignore[attr-defined]
            e = f.enforcement
            findings.append(
                [
                    d.day,
                    e.violator.name,
                    _("Ya") if e.repeat else "",
                    "; ".join(str(a) for a in e.articles.all()),
                    e.place,
                    e.case.number if e.case else "",
                    getattr(f, "current_text", ""),
                ]
            )
            case = reverse("cases:detail", args=[e.case_id]) if e.case_id else ""
            finding_links.append(["", "", "", "", "", case])
    totals = [
        [_("Hari patroli direncanakan"), month.planned],
        [_("Hari dilaporkan"), month.reported],
        [_("Laporan nihil"), month.nihil],
        [_("Temuan"), len(month.findings)],
        [_("Pelanggar"), month.violators],
        [_("Pelanggar berulang"), month.repeats],
    ]
    surat = month.surat_tugas
    unit_line = plan.unit.name + f" · {_('Kasus')} {plan.case.number}"
    if surat is not None and surat.number:
        unit_line += f" · {_('Surat Tugas')} {surat.number}"
    book = xlsx_book(
        title=_("Laporan hasil pelaksanaan tugas patroli bulan %(m)s") % {"m": month.month_text},
        unit=unit_line,
        period=filters_text([(_("Bulan"), month.month_text)], zone=zone),
        sheets=[
            Sheet(
                name=_("Ringkasan"),
                headers=[_("Uraian"), _("Jumlah")],
                rows=totals,
                widths=[30, 10],
            ),
            Sheet(
                name=_("Hari patroli"),
                headers=[
                    _("Tanggal"),
                    _("Hari"),
                    _("Rencana mulai"),
                    _("Rencana selesai"),
                    _("Wilayah"),
                    _("Rute"),
                    _("Danru"),
                    _("Regu"),
                    pgettext("laporan harian patroli", "Laporan"),
                    _("Jam mulai"),
                    _("Jam selesai"),
                    _("Tempat"),
                    _("Hasil patroli"),
                    _("Temuan"),
                    _("Dilaporkan oleh"),
                    _("Dilaporkan"),
                ],
                rows=days,
                links=day_links,
                widths=[12, 9, 9, 9, 28, 28, 24, 40, 16, 9, 9, 32, 48, 9, 24, 17],
            ),
            Sheet(
                name=_("Temuan"),
                headers=[
                    _("Tanggal"),
                    _("Pelanggar"),
                    _("Berulang"),
                    _("Pasal"),
                    _("Tempat"),
                    _("Nomor kasus"),
                    _("Keadaan sekarang"),
                ],
                rows=findings,
                links=finding_links,
                widths=[12, 28, 9, 36, 32, 24, 40],
            ),
        ],
        site=request.build_absolute_uri("/")[:-1],
    )
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", plan.case.number).strip("-")
    return xlsx_response(book, f"laporan-patroli-{name}.xlsx")
