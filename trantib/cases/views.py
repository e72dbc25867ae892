"""The case pages: Tugas Saya, the case list, the case page with the current task's form, the
start form, and attachment downloads.

Each view follows one path: access selector → form → one service → redirect, or the page again
with the error beside the input the service named (``field``) and the status the error carries
(422 invalid, 403 not allowed, 409 someone got there first). A case, task or attachment outside
the user's units is a 404, like one that does not exist. Changes are POST only, under CSRF.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import IO, Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from trantib.accounts import services as services_accounts
from trantib.accounts.middleware import PersonRequest
from trantib.accounts.models import UNIT_CODE_PATTERN, OrgUnit, Person
from trantib.accounts.selectors import (
    holders_of,
    person_holds_role,
    positions_for_user,
    units_for_user,
)
from trantib.core.dates import datetime_id
from trantib.core.errors import Invalid, NotAllowed, NotFound, ServiceError
from trantib.core.printing import css_string, pdf_from_html
from trantib.core.text import has_control_characters
from trantib.engine import runtime
from trantib.engine.spec import FieldType, SOPSpec, Step, StepKind
from trantib.sops import registry

from . import selectors, services
from .audit import _case_problem
from .casefile import StepRecord, case_file_build
from .forms import INDONESIA, CaseFilterForm, StepForm
from .models import Attachment, Case, Task, TaskKind, TaskStatus
from .panels import CaseClock, case_clocks_for, case_panels_render, task_panels_render

PAGE_SIZE = 25
# Tugas Saya: an officer with hundreds of live tasks gets them a page at a time.
MY_TASKS_PAGE = 50


# -- helpers ------------------------------------------------------------------------------


def _case_or_404(request: PersonRequest, case_id: int) -> Case:
    try:
        return selectors.case_get_for_user(request.user, case_id)
    except NotFound:
        raise Http404(_("Kasus tidak ditemukan.")) from None


def _task_or_404(request: PersonRequest, task_id: int) -> Task:
    try:
        return selectors.task_get_for_user(request.user, task_id)
    except NotFound:
        raise Http404(_("Tugas tidak ditemukan.")) from None


def _actor(request: PersonRequest) -> Person:
    person = request.person
    if person is None:
        raise NotAllowed(_("Akun ini tidak terhubung dengan data pegawai."), field="task")
    return person


def _uploads(
    chosen: Mapping[str, list[Any]], taken: Mapping[str, list[Any]] | None = None
) -> dict[str, list[services.Upload]]:
    """The files chosen in a step form, as the services take them, each with what the
    browser said about when and where it was taken (``StepForm.taken``)."""
    taken = taken or {}
    return {
        name: [
            services.Upload(
                u.name or "berkas",
                cast(IO[bytes], u),
                (taken.get(name) or [])[i] if i < len(taken.get(name) or []) else None,
            )
            for i, u in enumerate(files)
        ]
        for name, files in chosen.items()
    }


def _map_centre(case: Case | None, unit: OrgUnit) -> tuple[float, float, int]:
    """Where a location field's map opens: the last point recorded in this case, else the last
    point recorded in the unit's recent work, else all of Indonesia (units have no centre)."""

    def point_in(values: Any) -> tuple[float, float] | None:
        found = None
        for value in values.values() if isinstance(values, dict) else ():
            if isinstance(value, dict) and {"lat", "lon"} <= value.keys():
                try:
                    found = (float(value["lat"]), float(value["lon"]))
                except (TypeError, ValueError):
                    continue
            elif isinstance(value, dict):
                found = point_in(value) or found  # a repeat's occurrences, one level down
        return found

    if case is not None:
        for recorded in reversed(list((case.state or {}).get("data", {}).values())):
            if (point := point_in(recorded)) is not None:
                return (*point, 15)
    for data in selectors.unit_recent_task_data(unit):
        if (point := point_in(data)) is not None:
            return (*point, 13)
    return INDONESIA


def _step_form(
    spec: SOPSpec,
    step: Step,
    unit: OrgUnit,
    case: Case | None = None,
    post: Any = None,
    files: Any = None,
) -> StepForm:
    """The form of ``step`` for a case of ``unit``: the unit's members for people fields and
    a map that opens where the case's work is."""
    records = {f.type for f in step.records}
    members: list[tuple[int, str]] = []
    if FieldType.MEMBERS in records:
        members = [
            (p.pk, f"{p.full_name} — {p.position_name}" if p.position_name else p.full_name)  # type: ignore[attr-defined]
            for p in selectors.unit_members(unit)
        ]
    centre, outline = INDONESIA, ""
    if FieldType.LOCATION in records:
        centre = _map_centre(case, unit)
        if unit.outline:
            shape = {"type": "Feature", "properties": {"name": unit.name}, "geometry": unit.outline}
            outline = json.dumps({"type": "FeatureCollection", "features": [shape]})
    filled = services.step_filled(step, case=case, start=case is None)
    initial: Mapping[str, Any] = {}
    recorded = (case.state or {}).get("data", {}) if case is not None else {}
    held = bool(services.step_guards(step)) and (step.id == spec.start.id or step.entry)
    if held and step.id not in recorded and isinstance(recorded.get("_start"), dict):
        initial = recorded["_start"]  # what the start form recorded for a step held at start
    return StepForm(
        step,
        post,
        files,
        spec=spec,
        members=members,
        map_centre=centre,
        map_outline=outline,
        filled=filled,
        initial=initial,
    )


# -- Tugas Saya ---------------------------------------------------------------------------


@login_required
def my_tasks(request: PersonRequest) -> HttpResponse:
    """Tugas Saya in three groups: late, due before the end of the unit's today, the rest;
    each by due time (the selector's order), empty groups left out. The groups are worked out
    and counted in the database (``task_list_mine_grouped``); only the page's rows are loaded."""
    now = timezone.now()
    grouped = selectors.task_list_mine_grouped(request.user, now=now, person=request.person)
    # What a card does not show: the SOP file, the case's recorded data, the task's own.
    grouped = grouped.defer("data", "case__state", "case__sop_version__content")
    raw = request.GET.get("halaman")
    try:
        number = int(raw) if raw is not None else 1
    except ValueError:
        number = 1  # as Paginator.get_page: not a number, the first page
    tasks = _my_tasks_page(grouped, number) if number >= 1 else []
    total = tasks[0].total if tasks else 0  # type: ignore[attr-defined]
    if not tasks and number != 1:
        # Past either end: the last page, as Paginator.get_page does.
        total = selectors.task_list_mine(request.user, person=request.person).count()
        number = max(1, -(-total // MY_TASKS_PAGE))
        tasks = _my_tasks_page(grouped, number)
    page = Paginator(range(total), MY_TASKS_PAGE).get_page(number)
    # A case's own deadline (a complaint's answer), where it has one, decides "late"; the
    # step's Mutu Baku is shown beside it, labelled (cases/task_clocks.html).
    clocks = case_clocks_for([task.case for task in tasks], now)
    shown = []
    for group, (key, title) in GROUPS.items():
        rows = [(task, group == selectors.GROUP_LATE) for task in tasks if task.group == group]  # type: ignore[attr-defined]
        if rows:
            first = rows[0][0]
            # Each group's heading counts all of it; its rows are numbered on across pages.
            shown.append((key, title, rows, first.group_count, first.group_row))  # type: ignore[attr-defined]
    context = {
        "sections": shown,
        "total": total,
        "page": page,
        "now": now,
        "case_clocks": clocks,  # the task_clocks tag reads them instead of asking again
    }
    return render(request, "cases/task_mine.html", context)


def _my_tasks_page(grouped: QuerySet[Task], number: int) -> list[Task]:
    return list(grouped[(number - 1) * MY_TASKS_PAGE : number * MY_TASKS_PAGE])


GROUPS = {
    selectors.GROUP_LATE: ("late", gettext_lazy("Terlambat")),
    selectors.GROUP_TODAY: ("today", gettext_lazy("Jatuh tempo hari ini")),
    selectors.GROUP_LATER: ("later", gettext_lazy("Lainnya")),
}


def task_sections(
    tasks: list[Task], clocks: dict[int, list[CaseClock]], now: dt.datetime
) -> list[tuple[str, str, list[tuple[Task, bool]]]]:
    """Tugas Saya's groups ``(key, title, [(task, late), …])``: late, due before the end of the
    unit's today, the rest; empty groups left out (the XLSX; the page works the same rule out
    in SQL, ``selectors.task_list_mine_grouped``)."""
    groups: dict[str, list[tuple[Task, bool]]] = {"late": [], "today": [], "later": []}
    for task in tasks:
        due = task.due_at
        if task.case_id in clocks:
            # The case's own clock decides both "late" and "due today" (a complaint whose
            # intake step passed its 15 minutes yesterday is not due today: its answer is).
            late = any(c.late for c in clocks[task.case_id])
            due = min((c.due_at for c in clocks[task.case_id] if c.due_at), default=due)
        else:
            late = selectors.task_is_overdue(task, now)
        if late:
            groups["late"].append((task, True))
        elif due is not None and due < _day_end(task.case.unit, now):
            groups["today"].append((task, False))
        else:
            groups["later"].append((task, False))
    titles = {key: str(title) for key, title in GROUPS.values()}
    return [(key, titles[key], rows) for key, rows in groups.items() if rows]


def _day_end(unit: OrgUnit, now: dt.datetime) -> dt.datetime:
    """Midnight at the end of ``now``'s day on the unit's clock."""
    return selectors.day_end(unit.zone(), now)


# -- notifications ------------------------------------------------------------------------


@login_required
def notification_list(request: PersonRequest) -> HttpResponse:
    """The person's notices, newest first; POST marks them read (all, or the one named)."""
    person = request.person
    if request.method == "POST" and person is not None:
        raw = request.POST.get("id", "")
        valid = raw.isascii() and raw.isdigit() and len(raw) <= 18
        # No id: all of them; an id that is not one of ours: none.
        ids = None if not raw else [int(raw)] if valid else []
        services.notifications_mark_read(person=person, ids=ids)
        return redirect(reverse("cases:notifications"))
    notices = Paginator(
        selectors.notifications_for_user(request.user, person=person).select_related("unit"),
        PAGE_SIZE,
    ).get_page(request.GET.get("halaman"))
    return render(request, "cases/notification_list.html", {"page": notices})


@login_required
def notification_open(request: PersonRequest, notice_id: int) -> HttpResponse:
    """Open a notice: it is read, and the person lands on its task, its case, or (a digest)
    Tugas Saya. A GET, so that the link in an e-mail or SMS works; only one's own notices."""
    person = request.person
    notice = (
        selectors.notifications_for_user(request.user, person=person).filter(pk=notice_id).first()
    )
    if notice is None or person is None:
        raise Http404(_("Pemberitahuan tidak ditemukan."))
    services.notifications_mark_read(person=person, ids=[notice.pk])
    if notice.case_id is None:
        return redirect(reverse("cases:my_tasks"))
    target = reverse("cases:detail", args=[notice.case_id])
    return redirect(f"{target}#tugas-{notice.task_id}" if notice.task_id else target)


class NotifyChannelsForm(forms.Form):
    email = forms.BooleanField(label=gettext_lazy("Juga kirim lewat e-mail"), required=False)
    sms = forms.BooleanField(label=gettext_lazy("Juga kirim lewat SMS"), required=False)


@login_required
def notification_settings(request: PersonRequest) -> HttpResponse:
    """Pengaturan pemberitahuan: notices are always in the app; the person may also have them
    sent by e-mail and/or SMS to the address on file."""
    person = request.person
    if person is None:
        raise Http404(_("Akun ini tidak terhubung dengan data pegawai."))
    initial = {"email": person.notify_email, "sms": person.notify_sms}
    form = NotifyChannelsForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services_accounts.person_notify_channels_set(
                person=person,
                email=form.cleaned_data["email"],
                sms=form.cleaned_data["sms"],
                actor=person,
            )
        except ServiceError as exc:
            form.add_error(exc.field or None, exc.message)
            status = exc.status
        else:
            messages.success(request, _("Pengaturan pemberitahuan disimpan."))
            return redirect(reverse("cases:notification_settings"))
    return render(
        request,
        "cases/notification_settings.html",
        {"form": form, "person": person},
        status=status,
    )


# -- the case list ------------------------------------------------------------------------


def _sop_choices() -> list[tuple[str, str]]:
    return [(spec.code, f"{spec.code} — {spec.name}") for spec in registry.current()]


@login_required
def case_list(request: PersonRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET, sops=_sop_choices())
    # The user's units read once: the count and the page then name them as values.
    units = list(units_for_user(request.user).values_list("pk", flat=True))
    cases = selectors.case_list_for_user(request.user, units=units, **form.filters())
    # Each row's "Terlambat" comes with the row (the count leaves it out).
    cases = cases.annotate(late=selectors.case_is_late())
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("halaman"))
    sop = form.filters()["sop"]
    context = {
        "form": form,
        "page": page,
        "rows": [(case, case.late) for case in page.object_list],  # type: ignore[attr-defined]
        "filtered": any(v not in ("", None) for v in form.filters().values()),
        # One SOP filtered: its cases by their own word ("12 kegiatan").
        "noun": next((s.noun() for s in registry.current() if s.code == sop), "") if sop else "",
    }
    template = "cases/case_list.html"
    if getattr(request, "htmx", False) and not request.htmx.boosted:  # type: ignore[attr-defined]
        template += "#results"
    return render(request, template, context)


# -- the case page ------------------------------------------------------------------------


@dataclass
class TaskPanel:
    """A live task on the case page and what the visitor may do with it."""

    task: Task
    step: Step
    role: str
    form: StepForm | None = None  # shown to a holder of the task's position
    occurrences: list[Occurrence] = field(default_factory=list)  # a repeat's other dates
    not_yet: dt.date | None = None  # a repeat's occurrence that is not due yet: no form
    may_claim: bool = False
    holders: list[Person] = field(default_factory=list)  # for a supervisor's reassign form
    reassign_error: str = ""
    earlier: list[StepRecord] = field(default_factory=list)  # the case file above the form
    open_keys: set[str] = field(default_factory=set)
    domain: list[Any] = field(default_factory=list)  # what domain apps show for it (a letter)

    @property
    def is_work(self) -> bool:
        return self.task.kind == TaskKind.WORK

    @property
    def is_wait(self) -> bool:
        return self.task.kind == TaskKind.WAIT

    @property
    def is_linked(self) -> bool:
        return self.task.kind == TaskKind.LINKED


@dataclass(frozen=True)
class Occurrence:
    """One dated occurrence of a repeated step, in the compact list beside the one shown."""

    task: Task
    day: dt.date | None
    current: bool
    late: bool

    @property
    def is_live(self) -> bool:
        return self.task.is_live


def _occurrence_day(task: Task) -> dt.date | None:
    try:
        return dt.date.fromisoformat(task.occurrence[:10])
    except ValueError:
        return None


def _one_occurrence_each(
    tasks: list[Task], chosen: str, submitted: Mapping[int, Any]
) -> tuple[set[int], dict[int, list[Task]]]:
    """Of the live occurrences of each repeated step, the one to show (a submitted form's,
    else ``?tugas=``'s, else the earliest due); returns the tasks to hide and, for each shown
    task, every occurrence of its step (done ones too), in date order."""
    groups: dict[str, list[Task]] = {}
    for task in tasks:
        if task.occurrence and task.kind == TaskKind.WORK:
            groups.setdefault(task.step_id, []).append(task)
    hidden: set[int] = set()
    lists: dict[int, list[Task]] = {}
    for group in groups.values():
        live = [t for t in group if t.is_live]
        if len(group) < 2 or not live:
            continue
        far = dt.datetime.max.replace(tzinfo=dt.UTC)
        live.sort(key=lambda t: (t.due_at or far, t.occurrence, t.pk))
        shown = next((t for t in live if t.pk in submitted), None)
        shown = shown or next((t for t in live if str(t.pk) == chosen), None) or live[0]
        hidden.update(t.pk for t in live if t is not shown)
        lists[shown.pk] = sorted(group, key=lambda t: (t.occurrence, t.pk))
    return hidden, lists


def _parties(
    spec: SOPSpec, tasks: list[Task], mask: services.PersonMask | None = None
) -> list[tuple[str, dict[str, Any]]]:
    """The people recorded in the case (``person`` fields): the violator, the reporter, masked
    as ``mask`` says for the reader (a violator's NIK and address)."""
    found: list[tuple[str, dict[str, Any]]] = []
    for task in tasks:
        if task.status != TaskStatus.DONE or not task.data:
            continue
        try:
            step = spec.step(task.step_id)
        except KeyError:
            continue
        for f in step.records:
            value = task.data.get(f.name)
            is_party = f.type is FieldType.PERSON and isinstance(value, dict) and value.get("nama")
            if is_party:
                value = services.records_masked(value, mask)
            if is_party and (f.label, value) not in found:
                found.append((f.label, value))
    return found


def _step_of(spec: SOPSpec, step_id: str) -> Step | None:
    try:
        return spec.step(step_id)
    except KeyError:
        return None


def _render_case(
    request: PersonRequest,
    case_id: int,
    *,
    forms: Mapping[int, StepForm] | None = None,
    reassign_errors: Mapping[int, str] | None = None,
    error: ServiceError | None = None,
    status: int = 200,
) -> HttpResponse:
    """The case page; ``forms`` keeps a submitted form (values and errors) for its task."""
    case = _case_or_404(request, case_id)
    forms = forms or {}
    reassign_errors = reassign_errors or {}
    spec = services.case_spec(case)
    tasks = list(selectors.case_tasks(case))
    for task in tasks:
        task.case = case  # read once: the panels and clocks of each task ask for it
    person = request.person
    supervising = person is not None and services.supervises(person, case.unit)
    panels: list[TaskPanel] = []
    # A repeated step (twenty patrols) shows one occurrence's form, and a list of the others.
    hidden, occurrence_lists = _one_occurrence_each(tasks, request.GET.get("tugas", ""), forms)
    now, today = timezone.now(), case.unit.today()
    for task in tasks:
        step = _step_of(spec, task.step_id)
        if not task.is_live or step is None or task.pk in hidden:
            continue
        panel = TaskPanel(
            task=task,
            step=step,
            role=services.task_role_name(spec, task) if task.role else "",
            reassign_error=reassign_errors.get(task.pk, ""),
        )
        panel.occurrences = [
            Occurrence(
                task=t,
                day=_occurrence_day(t),
                current=t.pk == task.pk,
                late=t.is_live and t.due_at is not None and t.due_at < now,
            )
            for t in occurrence_lists.get(task.pk, [])
        ]
        day = _occurrence_day(task) if task.occurrence else None
        panel.not_yet = day if day is not None and day > today else None
        panel.domain = task_panels_render(request, task, step, person)
        if panel.is_work and person is not None:
            holds = person_holds_role(person, case.unit, task.role)
            if holds and task.assignee_id in (None, person.pk) and panel.not_yet is None:
                panel.form = forms.get(task.pk) or _step_form(spec, step, case.unit, case)
                panel.may_claim = task.assignee_id is None
            if supervising:
                panel.holders = list(holders_of(case.unit, task.role))
        panels.append(panel)
    shown = {p.task.pk for p in panels if p.form is not None}
    # Errors of a form that is no longer shown (the task was completed meanwhile) lead the page.
    page_errors = [error.message] if error is not None else []
    for task_id, form in forms.items():
        if task_id not in shown:
            page_errors.extend(m for m in form.errors.values() if m not in page_errors)
    events = list(selectors.case_events(case))
    attachments = list(selectors.case_attachments(case))
    casefile = case_file_build(
        case, user=request.user, tasks=tasks, events=events, attachments=attachments
    )
    for panel in panels:
        if panel.form is not None:
            panel.earlier = casefile.before(panel.task)
            panel.open_keys = casefile.open_keys(panel.task, panel.step)
    context = {
        "case": case,
        "spec": spec,
        "panels": panels,
        "page_errors": page_errors,
        "events": events,
        "parties": _parties(spec, tasks, services.record_mask_for(case.unit_id, request.user)),
        "casefile": casefile,
        "now": now,
        # What the domain apps show of this case (its complaint…), above the steps.
        "domain_panels": case_panels_render(request, case, person),
    }
    return render(request, "cases/case_detail.html", context, status=status)


@login_required
def case_detail(request: PersonRequest, case_id: int) -> HttpResponse:
    return _render_case(request, case_id)


@login_required
@require_POST
def task_complete(request: PersonRequest, task_id: int) -> HttpResponse:
    task = _task_or_404(request, task_id)
    case = task.case
    spec = services.case_spec(case)
    step = _step_of(spec, task.step_id)
    if step is None:
        raise Http404(_("Tugas tidak ditemukan."))
    form = _step_form(spec, step, case.unit, case, request.POST, request.FILES)
    try:
        actor = _actor(request)
        if not form.is_valid():
            return _render_case(request, case.pk, forms={task.pk: form}, status=422)
        # The files and the completion stand or fall together (one service, one transaction).
        services.task_complete(
            task=task,
            actor=actor,
            data=form.data,
            decision=form.decision,
            requirements=form.requirements,
            uploads=_uploads(form.uploads, form.taken),
        )
    except ServiceError as exc:
        form.add_error(exc.field or "task", exc.message)
        return _render_case(request, case.pk, forms={task.pk: form}, status=exc.status)
    if form.decision:
        done = _("Tugas “%(title)s” selesai: %(decision)s.") % {
            "title": task.title,
            "decision": form.decision,
        }
    else:
        done = _("Tugas “%(title)s” selesai.") % {"title": task.title}
    messages.success(request, done)
    return redirect("cases:detail", case_id=case.pk)


@login_required
@require_POST
def task_claim(request: PersonRequest, task_id: int) -> HttpResponse:
    task = _task_or_404(request, task_id)
    try:
        services.task_claim(task=task, actor=_actor(request))
    except ServiceError as exc:
        return _render_case(request, task.case_id, error=exc, status=exc.status)
    messages.success(request, _("Anda mengambil tugas “%(title)s”.") % {"title": task.title})
    return redirect("cases:detail", case_id=task.case_id)


@login_required
@require_POST
def task_reassign(request: PersonRequest, task_id: int) -> HttpResponse:
    task = _task_or_404(request, task_id)
    case = task.case
    try:
        raw = request.POST.get("assignee", "")
        assignee = next(
            (p for p in holders_of(case.unit, task.role) if str(p.pk) == raw.strip()), None
        )
        if assignee is None:
            raise Invalid(_("Pilih petugas yang memegang jabatan tugas ini."), field="assignee")
        services.task_reassign(task=task, actor=_actor(request), assignee=assignee)
    except ServiceError as exc:
        if exc.field == "assignee":
            return _render_case(
                request, case.pk, reassign_errors={task.pk: exc.message}, status=exc.status
            )
        return _render_case(request, case.pk, error=exc, status=exc.status)
    messages.success(
        request,
        _("Tugas “%(title)s” dialihkan kepada %(who)s.")
        % {"title": task.title, "who": assignee.full_name},
    )
    return redirect("cases:detail", case_id=case.pk)


@login_required
def attachment_download(request: PersonRequest, attachment_id: int) -> FileResponse:
    try:
        attachment: Attachment = selectors.attachment_get_for_user(request.user, attachment_id)
    except NotFound:
        raise Http404(_("Lampiran tidak ditemukan.")) from None
    try:
        content = attachment.file.open("rb")
    except FileNotFoundError:
        # The row is evidence, the file is gone from storage: say so, never a 500.
        raise Http404(_("Berkas lampiran tidak ada lagi di penyimpanan.")) from None
    return FileResponse(
        content,
        content_type=attachment.content_type,
        filename=attachment.name,
        as_attachment=request.GET.get("unduh") == "1",
    )


# -- starting a case ----------------------------------------------------------------------


@dataclass(frozen=True)
class StartChoice:
    """One SOP (at one entry step) the person may start in one unit."""

    unit: OrgUnit
    spec: SOPSpec
    step: Step

    @property
    def is_main(self) -> bool:
        return self.step.id == self.spec.start.id

    @property
    def noun(self) -> str:
        """What the case it opens is called: "kegiatan", "pengaduan", "kasus"."""
        return self.spec.noun("" if self.is_main else self.step.id)

    @property
    def title(self) -> str:
        """The card's title: the SOP's name, or, for an SOP with several entries (the four Pos
        of POLMAS, a patrol programme and its enforcement), the entry step's own words."""
        if len(runtime.entries(self.spec)) == 1:
            return self.spec.name
        return self.step.public or self.step.display_title

    @property
    def query(self) -> str:
        entry = "" if self.is_main else f"&entry={self.step.id}"
        return f"?sop={self.spec.code}&unit={self.unit.code}{entry}"


def _start_choices(person: Person | None, request: PersonRequest) -> list[StartChoice]:
    if person is None:
        return []
    units = {p.unit.pk: p.unit for p in positions_for_user(request.user)}
    return [
        StartChoice(unit=unit, spec=spec, step=step)
        for unit in sorted(units.values(), key=lambda u: u.code)
        for spec, step in services.entries_startable(person, unit)
    ]


def _common_noun(choices: list[StartChoice]) -> str:
    """The word for what the person starts: one SOP's own word when every card shares it."""
    nouns = {choice.noun for choice in choices}
    return nouns.pop() if len(nouns) == 1 else _("kasus")


def _chosen(choices: list[StartChoice], params: Mapping[str, Any]) -> StartChoice | None:
    sop, unit, entry = params.get("sop", ""), params.get("unit", ""), params.get("entry", "")
    for choice in choices:
        step = "" if choice.is_main else choice.step.id
        if (choice.spec.code, choice.unit.code, step) == (sop, unit, entry):
            return choice
    return None


@login_required
def case_start(request: PersonRequest) -> HttpResponse:
    person = request.person
    choices = _start_choices(person, request)
    params = request.POST if request.method == "POST" else request.GET
    chosen = _chosen(choices, params)
    if chosen is None:
        status = 404 if params.get("sop") else 200
        listing: dict[str, Any] = {"choices": choices, "noun": _common_noun(choices)}
        return render(request, "cases/case_start.html", listing, status=status)
    context: dict[str, Any] = {
        "choices": choices,
        "chosen": chosen,
        "subject": "",
        "noun": chosen.noun,
    }
    if request.method != "POST":
        context["form"] = _step_form(chosen.spec, chosen.step, chosen.unit)
        return render(request, "cases/case_start.html", context)
    form = _step_form(chosen.spec, chosen.step, chosen.unit, None, request.POST, request.FILES)
    subject = request.POST.get("subject", "").strip()
    context.update(form=form, subject=subject)
    if not subject:
        form.add_error("subject", _("Perihal %(noun)s wajib diisi.") % {"noun": chosen.noun})
    if not form.is_valid():
        return render(request, "cases/case_start.html", context, status=422)
    try:
        actor = _actor(request)
        case = services.case_start(
            sop_code=chosen.spec.code,
            unit=chosen.unit,
            actor=actor,
            subject=subject,
            data=form.data,
            requirements=form.requirements,
            entry="" if chosen.is_main else chosen.step.id,
            uploads=_uploads(form.uploads, form.taken),
        )
    except ServiceError as exc:
        form.add_error(exc.field or "sop", exc.message)
        return render(request, "cases/case_start.html", context, status=exc.status)
    messages.success(
        request,
        _("%(noun)s %(number)s dibuka: %(subject)s.")
        % {"noun": capfirst(chosen.noun), "number": case.number, "subject": subject},
    )
    return redirect(reverse("cases:detail", kwargs={"case_id": case.pk}))


# -- amending a case (cases/services/amend.py; the forms are cases/case_actions.html) -------


@login_required
@require_POST
def case_cancel(request: PersonRequest, case_id: int) -> HttpResponse:
    case = _case_or_404(request, case_id)
    try:
        services.case_cancel_by_officer(
            case=case,
            actor=_actor(request),
            reason=request.POST.get("reason", ""),
            children=request.POST.get("children", ""),
        )
    except ServiceError as exc:
        return _render_case(request, case.pk, error=exc, status=exc.status)
    messages.success(request, _("Kasus %(number)s dibatalkan.") % {"number": case.number})
    return redirect("cases:detail", case_id=case.pk)


@login_required
@require_POST
def case_handover(request: PersonRequest, case_id: int) -> HttpResponse:
    case = _case_or_404(request, case_id)
    try:
        code = request.POST.get("to_unit", "").strip()
        if has_control_characters(code) or (code and not re.fullmatch(UNIT_CODE_PATTERN, code)):
            raise Invalid(_("Unit tujuan tidak dikenal; pilih dari daftar."), field="to_unit")
        to_unit = OrgUnit.objects.filter(code=code).first() if code else None
        if to_unit is None:
            raise Invalid(_("Pilih unit tujuan."), field="to_unit")
        services.case_handover(
            case=case, actor=_actor(request), to_unit=to_unit, reason=request.POST.get("reason", "")
        )
    except ServiceError as exc:
        return _render_case(request, case.pk, error=exc, status=exc.status)
    messages.success(
        request,
        _("Kasus %(number)s diserahkan ke %(unit)s.")
        % {"number": case.number, "unit": to_unit.name},
    )
    try:
        selectors.case_get_for_user(request.user, case.pk)
    except NotFound:
        return redirect("cases:list")  # the case is no longer this unit's
    return redirect("cases:detail", case_id=case.pk)


@login_required
@require_POST
def task_end_wait(request: PersonRequest, task_id: int) -> HttpResponse:
    task = _task_or_404(request, task_id)
    files = [
        (u.name or "bukti", cast(IO[bytes], u)) for u in request.FILES.getlist("files") if u.size
    ]
    try:
        services.wait_end_early(
            task=task, actor=_actor(request), evidence=request.POST.get("evidence", ""), files=files
        )
    except ServiceError as exc:
        return _render_case(request, task.case_id, error=exc, status=exc.status)
    messages.success(request, _("Tenggat “%(title)s” diakhiri lebih awal.") % {"title": task.title})
    return redirect("cases:detail", case_id=task.case_id)


def _correction_form(task: Task, step: Step, name: str, post: Any = None) -> StepForm | None:
    """A form of the one field ``name`` of ``step`` (None: the step records no such field),
    built as the step's own form (the unit's members for a people field)."""
    filled = services.step_filled(step, case=task.case)  # a letter's number: its letter
    chosen = [
        f
        for f in step.records
        if f.name == name and f.type is not FieldType.FILES and f.name not in filled
    ]
    if not chosen:
        return None
    single = dataclasses.replace(
        step, records=tuple(chosen), requirements=(), branches=(), kind=StepKind.PROCESS
    )
    case = task.case
    return _step_form(services.case_spec(case), single, case.unit, case, post)


def _as_text(value: Any) -> Any:
    """A recorded value as the form's inputs show it."""
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    if isinstance(value, dict):
        return {k: str(v) for k, v in value.items()}
    return "" if value is None else value


@login_required
def task_correct(request: PersonRequest, task_id: int) -> HttpResponse:
    """The form to correct one recorded field of a completed step (GET ?isian=name)."""
    task = _task_or_404(request, task_id)
    step = _step_of(services.case_spec(task.case), task.step_id)
    name = (request.POST if request.method == "POST" else request.GET).get("isian", "")
    form = (
        _correction_form(task, step, name, request.POST if request.method == "POST" else None)
        if step
        else None
    )
    if step is None or form is None:
        raise Http404(_("Isian tidak ditemukan."))
    context: dict[str, Any] = {"task": task, "case": task.case, "step": step, "form": form}
    context["reason"] = request.POST.get("reason", "")
    if request.method != "POST":
        for bound in form.fields:
            bound.value = _as_text((task.data or {}).get(bound.spec.name))
        refusal = services.correction_refusal(task, request.person) if request.person else ""
        context["refusal"] = refusal if request.person else _("Akun ini tidak terhubung.")
        return render(request, "cases/task_correct.html", context)
    status = 422
    if form.is_valid():
        try:
            services.field_correct(
                task=task,
                actor=_actor(request),
                field=name,
                value=form.data.get(name),
                reason=request.POST.get("reason", ""),
            )
        except ServiceError as exc:
            key = f"data.{name}" if exc.field in ("value", "field") else exc.field
            form.add_error(key or "task", exc.message)
            status = exc.status
        else:
            messages.success(
                request,
                _("Isian “%(label)s” pada “%(title)s” dikoreksi.")
                % {"label": form.fields[0].spec.label, "title": task.title},
            )
            return redirect("cases:detail", case_id=task.case_id)
    return render(request, "cases/task_correct.html", context, status=status)


# -- Hari ini: the field officer's day ----------------------------------------------------------

# SOP domains whose tasks are operations in the field (a raid, a demonstration, a clearance).
OPERATION_DOMAINS = frozenset({"penegakan", "unjuk-rasa", "ketertiban"})


@login_required
def today(request: PersonRequest) -> HttpResponse:
    """Today's patrols, operations and other tasks of the logged-in officer, phone first."""
    now = timezone.now()
    domains = {spec.code: spec.domain for spec in registry.current()}
    groups: dict[str, list[Task]] = {"patroli": [], "operasi": [], "lainnya": []}
    for task in selectors.tasks_today_for_user(request.user, person=request.person, now=now):
        if task.occurrence:
            groups["patroli"].append(task)
        elif domains.get(task.case.sop_code) in OPERATION_DOMAINS:
            groups["operasi"].append(task)
        else:
            groups["lainnya"].append(task)
    sections = [
        (key, title, groups[key])
        for key, title in (
            ("patroli", _("Patroli hari ini")),
            ("operasi", _("Operasi hari ini")),
            ("lainnya", _("Tugas lain yang jatuh tempo hari ini")),
        )
    ]
    context = {
        "sections": sections,
        "count": sum(len(g) for g in groups.values()),
        "now": now,
        "day": timezone.localdate(now),
    }
    return render(request, "cases/today.html", context)


# -- the printable case file --------------------------------------------------------------

INLINE_IMAGE_MAX_BYTES = 8 * 1024 * 1024


def _inline_images(records: list[StepRecord]) -> dict[int, str]:
    """The photos of the case file as data URIs, for the PDF (a missing file is left out)."""
    inline: dict[int, str] = {}
    for record in records:
        for a in record.attachments:
            if not a.is_image or a.attachment.size > INLINE_IMAGE_MAX_BYTES:
                continue
            try:
                with a.attachment.file.open("rb") as content:
                    raw = content.read()
            except (FileNotFoundError, OSError):
                continue
            inline[a.id] = f"data:{a.content_type};base64,{base64.b64encode(raw).decode()}"
    return inline


@login_required
def case_file_pdf(request: PersonRequest, case_id: int) -> HttpResponse:
    """ "Cetak berkas": the case file as an A4 PDF, with the audit timeline and its check."""
    case = _case_or_404(request, case_id)
    events = list(selectors.case_events(case))
    casefile = case_file_build(case, user=request.user, events=events)
    problem = _case_problem(case, events)
    html = render_to_string(
        "cases/case_file_print.html",
        {
            "case": case,
            "casefile": casefile,
            "events": events,
            "problem": problem,
            "inline": _inline_images(casefile.records),
            "print": True,
            "printed_text": datetime_id(timezone.now(), case.unit.zone()),
            "number_css": css_string(case.number),
        },
        request=request,
    )
    pdf = pdf_from_html(html, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", case.number).strip("-")
    response["Content-Disposition"] = f'inline; filename="berkas-{name}.pdf"'
    return response
