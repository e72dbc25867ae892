"""The case list and Tugas Saya as XLSX: the rows the page's filters select, every page of them,
through ``trantib.core.xlsx`` (title rows, real date-time cells on each unit's clock, text that
stays text). Read through the same selectors as the pages, so nobody exports what they cannot
see; refused above ``TRANTIB_EXPORT_MAX_ROWS`` (``trantib.core.exports``)."""

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
from .forms import CaseFilterForm
from .panels import case_clocks_for
from .views import _sop_choices, task_sections


def _units(request: PersonRequest) -> list:  # type: ignore[type-arg]
    return list(units_for_user(request.user).order_by("path"))


@login_required
def case_list_xlsx(request: PersonRequest) -> HttpResponse:
    """Daftar kasus: every case the filters of /kasus/ select."""
    form = CaseFilterForm(request.GET, sops=_sop_choices())
    filters = form.filters()
    cases = selectors.case_list_for_user(request.user, **filters)
    refused = export_refused(
        request, count=cases.count(), back=back_to(reverse("cases:list"), request)
    )
    if refused is not None:
        return refused
    late = set(
        selectors.case_list_for_user(request.user, overdue=True).values_list("pk", flat=True)
    )
    rows, links = [], []
    for case in cases.iterator(chunk_size=2000):
        zone = case.unit.zone()
        rows.append(
            [
                case.number,
                case.subject,
                case.sop_code,
                case.sop_version.name,
                case.unit.name,
                local_time(case.opened_at, zone),
                local_time(case.closed_at, zone),
                case.get_status_display(),
                _("Ya") if case.pk in late else "",
            ]
        )
        links.append([reverse("cases:detail", args=[case.pk])])
    units = _units(request)
    clock = zone_of(units)
    period = filters_text(form_parts(form), zone=clock)
    sheet = Sheet(
        name=_("Kasus"),
        headers=[
            _("Nomor"),
            _("Perihal"),
            _("Kode SOP"),
            _("SOP"),
            _("Unit"),
            _("Dibuka"),
            _("Selesai"),
            _("Status"),
            _("Terlambat"),
        ],
        rows=rows,
        links=links,
        widths=[24, 48, 10, 36, 32, 17, 17, 14, 11],
    )
    book = xlsx_book(
        title=_("Daftar kasus"),
        unit=units_text(units),
        period=period,
        sheets=[sheet],
        site=request.build_absolute_uri("/")[:-1],
    )
    return xlsx_response(book, export_filename("kasus", clock))


@login_required
def task_mine_xlsx(request: PersonRequest) -> HttpResponse:
    """Tugas Saya as the page groups it: late, due today, the rest (a person's own list: it
    is never long, bounded all the same)."""
    now = timezone.now()
    tasks = selectors.task_list_mine(request.user)
    refused = export_refused(request, count=tasks.count(), back=reverse("cases:my_tasks"))
    if refused is not None:
        return refused
    tasks_list = list(tasks)
    clocks = case_clocks_for([task.case for task in tasks_list], now)
    rows, links = [], []
    for _key, title, group in task_sections(tasks_list, clocks, now):
        for task, late in group:
            zone = task.case.unit.zone()
            case_clocks = clocks.get(task.case_id, [])
            case_due = min((c.due_at for c in case_clocks if c.due_at), default=None)
            if task.assignee is not None:
                state = _("Dikerjakan oleh %(who)s") % {"who": task.assignee.full_name}
            else:
                state = _("Menunggu diambil")
            rows.append(
                [
                    title,
                    _("Ya") if late else "",
                    task.case.number,
                    task.case.sop_version.code,
                    task.case.subject,
                    task.title,
                    task.case.unit.name,
                    task.standard,
                    local_time(task.created_at, zone),
                    local_time(task.due_at, zone),
                    local_time(case_due, zone),
                    "; ".join(f"{c.label}: {c.text}" for c in case_clocks),
                    state,
                ]
            )
            case_url = reverse("cases:detail", args=[task.case_id])
            links.append(["", "", case_url, "", "", f"{case_url}#tugas-{task.pk}"])
    units = _units(request)
    clock = zone_of(units)
    person = request.person
    sheet = Sheet(
        name=_("Tugas Saya"),
        headers=[
            _("Kelompok"),
            _("Terlambat"),
            _("Nomor kasus"),
            _("SOP"),
            _("Perihal"),
            _("Tugas"),
            _("Unit"),
            _("Mutu baku waktu"),
            _("Mulai"),
            _("Batas waktu langkah"),
            _("Tenggat kasus"),
            _("Keterangan tenggat"),
            _("Status"),
        ],
        rows=rows,
        links=links,
        widths=[20, 11, 24, 8, 40, 40, 30, 16, 17, 17, 17, 36, 30],
    )
    who = person.full_name if person is not None else request.user.get_username()
    book = xlsx_book(
        title=_("Tugas Saya — %(who)s") % {"who": who},
        unit=units_text(units),
        period=filters_text(
            [], zone=clock, now=now, everything=_("Tugas yang menunggu Anda atau jabatan Anda")
        ),
        sheets=[sheet],
        site=request.build_absolute_uri("/")[:-1],
    )
    return xlsx_response(book, export_filename("tugas-saya", clock, now))
