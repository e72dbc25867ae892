"""The case pages: Tugas Saya, the case list, the case page with the current task's form, the
start form, and attachment downloads.

Each view follows one path: access selector → form → one service → redirect, or the page again
with the error beside the input the service named (``field``) and the status the error carries
(422 invalid, 403 not allowed, 409 someone got there first). A case, task or attachment outside
the user's units is a 404, like one that does not exist. Changes are POST only, under CSRF.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import IO, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trantib.accounts.middleware import PersonRequest
from trantib.accounts.models import OrgUnit, Person
from trantib.accounts.selectors import (
    holders_of,
    person_holds_role,
    positions_for_user,
)
from trantib.core.errors import Invalid, NotAllowed, NotFound, ServiceError
from trantib.engine import runtime
from trantib.engine.spec import FieldType, SOPSpec, Step
from trantib.sops import registry

from . import selectors, services
from .forms import CaseFilterForm, StepForm
from .models import Attachment, Case, Task, TaskKind, TaskStatus
from .panels import case_panels_render

PAGE_SIZE = 25


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


def _uploads(chosen: Mapping[str, list[Any]]) -> dict[str, list[tuple[str, IO[bytes]]]]:
    """The files chosen in a step form, as the services take them."""
    return {
        name: [(u.name or "berkas", cast(IO[bytes], u)) for u in files]
        for name, files in chosen.items()
    }


# -- Tugas Saya ---------------------------------------------------------------------------


@login_required
def my_tasks(request: PersonRequest) -> HttpResponse:
    now = timezone.now()
    tasks = list(selectors.task_list_mine(request.user))
    rows = [(task, selectors.task_is_overdue(task, now)) for task in tasks]
    # The selector orders by due time; a late task always leads, whatever else.
    rows.sort(key=lambda row: not row[1])
    return render(request, "cases/task_mine.html", {"rows": rows, "now": now})


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
        selectors.notifications_for_user(request.user, person=person), PAGE_SIZE
    ).get_page(request.GET.get("halaman"))
    return render(request, "cases/notification_list.html", {"page": notices})


# -- the case list ------------------------------------------------------------------------


def _sop_choices() -> list[tuple[str, str]]:
    return [(spec.code, f"{spec.code} — {spec.name}") for spec in registry.current()]


@login_required
def case_list(request: PersonRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET, sops=_sop_choices())
    cases = selectors.case_list_for_user(request.user, **form.filters())
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("halaman"))
    ids = [case.pk for case in page.object_list]
    late = set(
        selectors.case_list_for_user(request.user, overdue=True)
        .filter(pk__in=ids)
        .values_list("pk", flat=True)
    )
    sop = form.filters()["sop"]
    context = {
        "form": form,
        "page": page,
        "rows": [(case, case.pk in late) for case in page.object_list],
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
    may_claim: bool = False
    holders: list[Person] = field(default_factory=list)  # for a supervisor's reassign form
    reassign_error: str = ""

    @property
    def is_work(self) -> bool:
        return self.task.kind == TaskKind.WORK

    @property
    def is_wait(self) -> bool:
        return self.task.kind == TaskKind.WAIT

    @property
    def is_linked(self) -> bool:
        return self.task.kind == TaskKind.LINKED


def _parties(spec: SOPSpec, tasks: list[Task]) -> list[tuple[str, dict[str, Any]]]:
    """The people recorded in the case (``person`` fields): the violator, the reporter."""
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
    person = request.person
    supervising = person is not None and services.supervises(person, case.unit)
    panels: list[TaskPanel] = []
    for task in tasks:
        step = _step_of(spec, task.step_id)
        if not task.is_live or step is None:
            continue
        panel = TaskPanel(
            task=task,
            step=step,
            role=spec.role(task.role).name if task.role else "",
            reassign_error=reassign_errors.get(task.pk, ""),
        )
        if panel.is_work and person is not None:
            holds = person_holds_role(person, case.unit, task.role)
            if holds and task.assignee_id in (None, person.pk):
                panel.form = forms.get(task.pk) or StepForm(step)
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
    steps = {t.pk: _step_of(spec, t.step_id) for t in tasks}
    context = {
        "case": case,
        "spec": spec,
        "panels": panels,
        "page_errors": page_errors,
        "tasks": [(t, steps[t.pk]) for t in tasks if t.kind == TaskKind.WORK],
        "events": events,
        "parties": _parties(spec, tasks),
        "attachments": list(selectors.case_attachments(case)),
        "children": list(selectors.case_children(case)),
        "now": timezone.now(),
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
    step = _step_of(services.case_spec(case), task.step_id)
    if step is None:
        raise Http404(_("Tugas tidak ditemukan."))
    form = StepForm(step, request.POST, request.FILES)
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
            uploads=_uploads(form.uploads),
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
        context = {"choices": choices, "noun": _common_noun(choices)}
        return render(request, "cases/case_start.html", context, status=status)
    context: dict[str, Any] = {
        "choices": choices,
        "chosen": chosen,
        "subject": "",
        "noun": chosen.noun,
    }
    if request.method != "POST":
        context["form"] = StepForm(chosen.step)
        return render(request, "cases/case_start.html", context)
    form = StepForm(chosen.step, request.POST, request.FILES)
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
            uploads=_uploads(form.uploads),
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
