"""Every change to cases and tasks: the engine decides, these functions persist and audit.

Each public service is one transaction: it locks the case row (``select_for_update``; on
SQLite the whole database is locked by the IMMEDIATE transaction), asks the pure runtime
(:mod:`trantib.engine.runtime`) for the outcome, writes the new state, the tasks and the
audit event, and returns. Nothing is half-written: an error anywhere rolls the whole action
back. Pages, the API, the CLI and the worker all call these, never the models directly.

``now`` is a parameter wherever time matters, so tests and the worker can say what time it is
(the clock is the outside world); it defaults to ``timezone.now()``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import mimetypes
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from trantib.accounts.models import OrgUnit, Person, Position
from trantib.accounts.selectors import holders_of, person_holds_role
from trantib.core.errors import Conflict, Invalid, NotAllowed
from trantib.engine import runtime
from trantib.engine.loader import load_text
from trantib.engine.spec import FieldType, SOPSpec, Step, StepKind
from trantib.engine.timing import TimeStandard
from trantib.sops import registry
from trantib.sops.models import SopVersion

from .audit import audit_record
from .models import (
    Attachment,
    Case,
    CaseCounter,
    CaseStatus,
    EventType,
    Notification,
    Task,
    TaskKind,
    TaskStatus,
)

# -- specs --------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _spec_from_row(version_id: int, code: str, version: int, sha256: str) -> SOPSpec:
    try:
        spec = registry.get(code, version)
    except KeyError:
        spec = None
    if spec is not None:
        return spec
    # The file left the library: the pinned content still runs the case.
    row = SopVersion.objects.get(pk=version_id)
    return load_text(row.content, f"{code}.v{version}.yaml")[0]


def case_spec(case: Case) -> SOPSpec:
    """The SOP version the case was started on (never a later one)."""
    v = case.sop_version
    return _spec_from_row(v.pk, v.code, v.version, v.sha256)


def sop_version_for(spec: SOPSpec) -> SopVersion:
    """The database row of a library spec, recorded on first use (idempotent)."""
    row = SopVersion.objects.filter(code=spec.code, version=spec.version).first()
    if row is not None:
        return row
    from trantib.sops.services import sop_library_sync

    sop_library_sync()
    return SopVersion.objects.get(code=spec.code, version=spec.version)


def acting_role(spec: SOPSpec, step: Step, _seen: frozenset[str] = frozenset()) -> str:
    """The position that performs ``step``. A step of a role outside the unit (Pelapor, TNI)
    is recorded on its behalf by the officer of the step it hands over to: the Staf records
    what the Pelapor reported at the counter."""
    role = spec.role(step.role)
    if not role.external:
        return role.id
    for target in step.targets:
        if target not in _seen:
            found = acting_role(spec, spec.step(target), _seen | {step.id})
            if found:
                return found
    return ""


def sop_internal_roles(spec: SOPSpec) -> set[str]:
    return {r.id for r in spec.roles if not r.external}


def assignments_holding_person(person: Person, unit: OrgUnit) -> Any:
    from trantib.accounts.selectors import assignments_active

    return assignments_active(person, on=unit.today()).filter(position__unit=unit)


def person_holds(person: Person, unit: OrgUnit, role: str) -> bool:
    return person_holds_role(person, unit, role)


# -- numbering ----------------------------------------------------------------------------


def _next_serial(unit: OrgUnit, sop_code: str, year: int) -> int:
    """The next case serial; the counter row stays locked until the transaction ends."""
    CaseCounter.objects.bulk_create(
        [CaseCounter(unit=unit, sop_code=sop_code, year=year, last=0)], ignore_conflicts=True
    )
    counter = CaseCounter.objects.select_for_update().get(unit=unit, sop_code=sop_code, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def case_number(unit: OrgUnit, sop_code: str, year: int, serial: int) -> str:
    return f"{unit.code}/{sop_code}/{year}/{serial:04d}"


# -- effects ------------------------------------------------------------------------------


@dataclass
class _Applied:
    offered: list[Task]
    closed: bool
    children: list[Case]


def _day(unit: OrgUnit, now: dt.datetime) -> dt.date:
    """The date in the unit's own zone (WIB/WITA/WIT) at ``now``."""
    return now.astimezone(unit.zone()).date()


def _due(spec: SOPSpec, unit: OrgUnit, start: dt.datetime, standard: TimeStandard) -> Any:
    return spec.calendar.due(start, standard, unit.zone())


def _apply(
    *,
    spec: SOPSpec,
    case: Case,
    outcome: runtime.Outcome,
    actor: Person | None,
    now: dt.datetime,
) -> _Applied:
    """Persist an outcome's effects (tasks, timers, linked cases, closing). The caller holds
    the case lock and saves the case row afterwards."""
    case.state = outcome.state.to_dict()
    new_tasks: list[Task] = []
    closed = False
    requests: list[runtime.LinkedCasesRequested] = []
    for effect in outcome.effects:
        if isinstance(effect, runtime.TaskOffered):
            step = spec.step(effect.step)
            new_tasks.append(
                Task(
                    unit_id=case.unit_id,
                    case=case,
                    step_id=step.id,
                    occurrence=effect.occurrence,
                    kind=TaskKind.WORK,
                    role=acting_role(spec, step),
                    title=_task_title(step, effect.occurrence),
                    created_at=now,
                    due_at=_due(
                        spec,
                        case.unit,
                        _occurrence_start(spec, case.unit, effect.occurrence, now),
                        effect.time,
                    ),
                    standard=effect.time.text,
                    standard_minutes=effect.time.upper_minutes or None,
                )
            )
        elif isinstance(effect, runtime.TimerStarted):
            step = spec.step(effect.step)
            new_tasks.append(
                Task(
                    unit_id=case.unit_id,
                    case=case,
                    step_id=step.id,
                    kind=TaskKind.WAIT,
                    role=acting_role(spec, step),
                    title=step.display_title,
                    created_at=now,
                    due_at=_due(spec, case.unit, now, effect.deadline),
                    standard=effect.deadline.text,
                    standard_minutes=effect.deadline.upper_minutes or None,
                )
            )
        elif isinstance(effect, runtime.LinkedCasesRequested):
            requests.append(effect)
            if effect.wait:
                step = spec.step(effect.step)
                new_tasks.append(
                    Task(
                        unit_id=case.unit_id,
                        case=case,
                        step_id=step.id,
                        kind=TaskKind.LINKED,
                        role=acting_role(spec, step),
                        title=step.display_title,
                        created_at=now,
                    )
                )
        elif isinstance(effect, runtime.CaseClosed):
            closed = True
    if new_tasks:
        Task.objects.bulk_create(new_tasks)
        _schedule_deadlines(new_tasks)
    children: list[Case] = []
    for request in requests:
        children.extend(_open_linked(spec=spec, case=case, request=request, actor=actor, now=now))
    if closed:
        case.status = CaseStatus.CLOSED
        case.closed_at = now
        # Sequential flows leave nothing behind; cancel defensively all the same.
        Task.objects.filter(case=case, status__in=[TaskStatus.OPEN, TaskStatus.CLAIMED]).update(
            status=TaskStatus.CANCELLED
        )
    return _Applied(offered=new_tasks, closed=closed, children=children)


def _occurrence_start(
    spec: SOPSpec, unit: OrgUnit, occurrence: str, now: dt.datetime
) -> dt.datetime:
    """A scheduled occurrence (a patrol on 2026-12-05) is timed from that day's opening
    hour, not from the day it was planned; anything else from ``now``."""
    try:
        day = dt.date.fromisoformat(occurrence[:10])
    except ValueError:
        return now
    start = dt.datetime.combine(day, spec.calendar.opens, tzinfo=unit.zone())
    return max(start, now)


def _task_title(step: Step, occurrence: str) -> str:
    title = step.display_title
    if occurrence and occurrence != "1":
        return f"{title} ({occurrence})"
    return title


def _schedule_deadlines(tasks: Sequence[Task]) -> None:
    """Ask the worker to look at each task when it falls due.

    The database backend's job row is written in this transaction: it exists exactly when the
    task does, and costs no commit of its own. Other backends (RQ) are told after commit.
    """
    due = [(t.pk, t.due_at) for t in tasks if t.due_at is not None and t.kind != TaskKind.LINKED]
    if not due:
        return
    from django_tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend

    from . import tasks as jobs

    def enqueue() -> None:
        for task_id, at in due:
            jobs.task_deadline_check.using(run_after=at).enqueue(task_id)

    if isinstance(task_backends[jobs.task_deadline_check.backend], DatabaseBackend):
        enqueue()
    else:
        transaction.on_commit(enqueue)


def _open_linked(
    *,
    spec: SOPSpec,
    case: Case,
    request: runtime.LinkedCasesRequested,
    actor: Person | None,
    now: dt.datetime,
) -> list[Case]:
    code = request.sop or spec.code
    child_spec = spec if code == spec.code else _spec_in_force(code)
    items = request.items or (None,)
    children = []
    for item in items:
        subject = f"{case.subject} — {item}" if item else case.subject
        children.append(
            _case_create(
                spec=child_spec,
                unit=case.unit,
                actor=actor,
                subject=subject[:300],
                entry=request.entry,
                start_data={"item": item, "parent": case.number}
                if item
                else {"parent": case.number},
                parent=case,
                parent_step=request.step,
                now=now,
            )
        )
    audit_record(
        case=case,
        type=EventType.LINKED_CASES_OPENED,
        actor=actor,
        at=now,
        data={"step": request.step, "cases": [c.number for c in children], "wait": request.wait},
    )
    return children


def _spec_in_force(code: str) -> SOPSpec:
    try:
        spec = registry.get(code)
    except KeyError:
        raise Invalid(
            _("SOP %(code)s tidak ada di pustaka.") % {"code": code}, field="sop"
        ) from None
    if spec.status != "published":
        raise Invalid(_("SOP %(code)s belum berlaku (masih draf).") % {"code": code}, field="sop")
    return spec


def _offered_summary(tasks: Iterable[Task]) -> list[dict[str, Any]]:
    return [
        {
            "task": t.pk,
            "step": t.step_id,
            "kind": t.kind,
            "role": t.role,
            "occurrence": t.occurrence,
            "due_at": t.due_at,
        }
        for t in tasks
    ]


# -- cases --------------------------------------------------------------------------------


def _case_create(
    *,
    spec: SOPSpec,
    unit: OrgUnit,
    actor: Person | None,
    subject: str,
    entry: str = "",
    start_data: Mapping[str, Any] | None = None,
    parent: Case | None = None,
    parent_step: str = "",
    now: dt.datetime,
) -> Case:
    try:
        outcome = runtime.start(spec, entry=entry, data=start_data, on=_day(unit, now))
    except runtime.ActionRefused as exc:
        raise Invalid(exc.message, field=exc.field) from None
    year = now.astimezone(unit.zone()).year
    serial = _next_serial(unit, spec.code, year)
    case = Case.objects.create(
        unit=unit,
        sop_version=sop_version_for(spec),
        sop_code=spec.code,
        number=case_number(unit, spec.code, year, serial),
        year=year,
        serial=serial,
        subject=subject,
        state=outcome.state.to_dict(),
        opened_by=actor,
        opened_at=now,
        parent=parent,
        parent_step=parent_step,
    )
    applied = _apply(spec=spec, case=case, outcome=outcome, actor=actor, now=now)
    audit_record(
        case=case,
        type=EventType.CASE_OPENED,
        actor=actor,
        at=now,
        data={
            "number": case.number,
            "sop": spec.key,
            "subject": subject,
            "entry": entry or spec.start.id,
            "parent": parent.number if parent else None,
            "start_data": dict(start_data or {}),
            "after": {"active": list(outcome.state.active)},
            "offered": _offered_summary(applied.offered),
        },
    )
    case.save(update_fields=["state", "event_seq", "event_hash"])
    return case


@transaction.atomic
def case_start(
    *,
    sop_code: str,
    unit: OrgUnit,
    actor: Person,
    subject: str,
    data: Mapping[str, Any] | None = None,
    requirements: Sequence[str] = (),
    attachments: Sequence[int] = (),
    entry: str = "",
    uploads: Mapping[str, Sequence[tuple[str, IO[bytes]]]] | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """Start a case of the SOP in force and do its first step with ``data``: the start form
    is the first step's form (what the Pelapor reported, the month of a patrol programme).
    ``entry`` starts at another entry step (POLMAS Pos Mantap, a PPW warning without a patrol).
    ``uploads``: files for the first step's file fields, ``{field: [(name, file), …]}`` — they
    can only be kept once the case exists, so they are stored here, in the same transaction."""
    now = now or timezone.now()
    subject = (subject or "").strip()
    if not subject:
        raise Invalid(_("Perihal kasus wajib diisi."), field="subject")
    if len(subject) > 300:
        raise Invalid(_("Perihal kasus paling panjang 300 karakter."), field="subject")
    spec = _spec_in_force(sop_code)
    first_step = _entry_step(spec, entry)
    role = acting_role(spec, first_step)
    if not person_holds(actor, unit, role):
        raise NotAllowed(
            _("Anda tidak memegang jabatan %(role)s di %(unit)s, yang memulai SOP %(code)s.")
            % {"role": spec.role(role).name, "unit": unit.code, "code": spec.code},
            field="sop",
        )
    case = _case_create(spec=spec, unit=unit, actor=actor, subject=subject, entry=entry, now=now)
    first = Task.objects.get(case=case, step_id=first_step.id)
    data = dict(data or {})
    if uploads:
        file_fields = {f.name for f in first_step.records if f.type is FieldType.FILES}
        for name, files in uploads.items():
            if name not in file_fields:
                raise Invalid(
                    _("Langkah ini tidak mencatat berkas “%(name)s”.") % {"name": name},
                    field=f"data.{name}",
                )
            ids = [
                attachment_add(case=case, actor=actor, name=n, content=f, task=first, now=now).pk
                for n, f in files
            ]
            data[name] = [*(data.get(name) or []), *ids]
        case = _lock_case(case.pk)  # the uploads moved the head of the event chain
    _complete_locked(
        spec=spec,
        case=case,
        task=first,
        actor=actor,
        data=data,
        decision="",
        requirements=requirements,
        attachments=attachments,
        now=now,
    )
    return case


def _entry_step(spec: SOPSpec, entry: str) -> Step:
    if not entry:
        return spec.start
    allowed = {s.id: s for s in runtime.entries(spec)}
    if entry not in allowed:
        raise Invalid(
            _("“%(entry)s” bukan langkah awal SOP %(code)s; pilih salah satu: %(ids)s.")
            % {"entry": entry, "code": spec.code, "ids": ", ".join(allowed)},
            field="entry",
        )
    return allowed[entry]


def entries_startable(person: Person, unit: OrgUnit) -> list[tuple[SOPSpec, Step]]:
    """Every (SOP, entry step) ``person`` may start in ``unit``: the unit has a position for
    every role of the SOP and the person holds the position that performs the entry step."""
    codes = set(Position.objects.filter(unit=unit).values_list("code", flat=True))
    held = set(assignments_holding_person(person, unit).values_list("position__code", flat=True))
    return [
        (spec, step)
        for spec in registry.current()
        if spec.status == "published" and sop_internal_roles(spec) <= codes
        for step in runtime.entries(spec)
        if acting_role(spec, step) in held
    ]


def _lock_case(case_id: int) -> Case:
    """Lock the case row only (``OF self``): the joined unit and SOP version stay free, or
    every action in the unit would queue behind this one. ``no_key``: rows that refer to the
    case (tasks, events) may still be inserted by this transaction's peers' foreign-key checks.
    The SOP file's text is not needed here (``case_spec`` reads the library)."""
    return (
        Case.objects.select_for_update(of=("self",), no_key=True)
        .select_related("unit", "sop_version")
        .defer("sop_version__content")
        .get(pk=case_id)
    )


def _lock_task(task: Task) -> tuple[Case, Task]:
    """Lock the case, then re-read the task under the lock (always in this order)."""
    case = _lock_case(task.case_id)
    # People are loaded only for the messages of a refusal.
    fresh = Task.objects.get(pk=task.pk)
    fresh.case = case
    return case, fresh


# -- tasks --------------------------------------------------------------------------------


def _refuse_if_not_live(task: Task) -> None:
    if task.status == TaskStatus.DONE:
        who = task.completed_by.full_name if task.completed_by else _("sistem")
        when = timezone.localtime(task.completed_at).strftime("%d-%m-%Y %H:%M")  # type: ignore[arg-type]
        raise Conflict(
            _("Tugas ini sudah diselesaikan oleh %(who)s pada %(when)s.")
            % {"who": who, "when": when},
            field="task",
        )
    if task.status == TaskStatus.CANCELLED:
        raise Conflict(_("Tugas ini sudah dibatalkan."), field="task")


def _refuse_if_not_work(task: Task) -> None:
    if task.kind == TaskKind.WAIT:
        raise Conflict(
            _("Langkah ini menunggu tenggat waktu; tidak ada yang menyelesaikannya."),
            field="task",
        )
    if task.kind == TaskKind.LINKED:
        raise Conflict(_("Langkah ini menunggu kasus terkait selesai."), field="task")


def _refuse_if_not_holder(task: Task, actor: Person, case: Case) -> None:
    if not person_holds(actor, case.unit, task.role):
        spec = case_spec(case)
        raise NotAllowed(
            _("Tugas ini untuk %(role)s di %(unit)s; Anda tidak memegang jabatan itu.")
            % {"role": spec.role(task.role).name, "unit": case.unit.code},
            field="task",
        )


@transaction.atomic
def task_claim(*, task: Task, actor: Person, now: dt.datetime | None = None) -> Task:
    """Take an offered task: it leaves the others' lists and waits on ``actor``."""
    now = now or timezone.now()
    case, task = _lock_task(task)
    _refuse_if_not_live(task)
    _refuse_if_not_work(task)
    _refuse_if_not_holder(task, actor, case)
    if task.assignee_id == actor.pk:
        return task
    if task.assignee_id is not None:
        raise Conflict(
            _("Tugas ini sudah diambil oleh %(who)s.") % {"who": task.assignee.full_name},  # type: ignore[union-attr]
            field="task",
        )
    task.assignee, task.status, task.claimed_at = actor, TaskStatus.CLAIMED, now
    task.save(update_fields=["assignee", "status", "claimed_at"])
    audit_record(
        case=case,
        type=EventType.TASK_CLAIMED,
        actor=actor,
        task=task,
        at=now,
        data={"step": task.step_id, "after": {"assignee": actor.pk}},
    )
    case.save(update_fields=["event_seq", "event_hash"])
    return task


def supervises(person: Person, unit: OrgUnit) -> bool:
    """The person holds a supervising position in ``unit`` or in a unit above it."""
    from trantib.accounts.selectors import assignments_active

    ids = [*unit.ancestor_ids(), unit.pk]
    return (
        assignments_active(person)
        .filter(position__supervises=True, position__unit_id__in=ids)
        .exists()
    )


@transaction.atomic
def task_reassign(
    *, task: Task, actor: Person, assignee: Person, now: dt.datetime | None = None
) -> Task:
    """A supervisor gives a live task to another holder of its position."""
    now = now or timezone.now()
    case, task = _lock_task(task)
    _refuse_if_not_live(task)
    _refuse_if_not_work(task)
    if not supervises(actor, case.unit):
        raise NotAllowed(
            _("Hanya pejabat pengawas unit ini yang dapat mengalihkan tugas."), field="task"
        )
    if not person_holds(assignee, case.unit, task.role):
        raise Invalid(
            _("%(who)s tidak memegang jabatan untuk tugas ini.") % {"who": assignee.full_name},
            field="assignee",
        )
    before = task.assignee_id
    task.assignee, task.status, task.claimed_at = assignee, TaskStatus.CLAIMED, now
    task.save(update_fields=["assignee", "status", "claimed_at"])
    audit_record(
        case=case,
        type=EventType.TASK_REASSIGNED,
        actor=actor,
        task=task,
        at=now,
        data={
            "step": task.step_id,
            "before": {"assignee": before},
            "after": {"assignee": assignee.pk},
        },
    )
    case.save(update_fields=["event_seq", "event_hash"])
    if assignee.pk != actor.pk:
        Notification.objects.get_or_create(
            recipient=assignee,
            task=task,
            kind=Notification.Kind.TASK_ASSIGNED,
            defaults={
                "unit_id": case.unit_id,
                "case": case,
                "message": _("%(who)s mengalihkan tugas “%(title)s” (%(number)s) kepada Anda.")
                % {"who": actor.full_name, "title": task.title, "number": case.number},
                "created_at": now,
            },
        )
    return task


@transaction.atomic
def task_complete(
    *,
    task: Task,
    actor: Person,
    data: Mapping[str, Any] | None = None,
    decision: str = "",
    requirements: Sequence[str] = (),
    attachments: Sequence[int] = (),
    now: dt.datetime | None = None,
) -> Task:
    """Complete a step: record the fields, the requirements ticked, the attachments and the
    decision; the case moves on. Exactly one of two simultaneous completions wins; the other
    gets Conflict ("already completed by …")."""
    now = now or timezone.now()
    case, task = _lock_task(task)
    _refuse_if_not_live(task)
    _refuse_if_not_work(task)
    if task.assignee_id is not None and task.assignee_id != actor.pk:
        _refuse_if_not_holder(task, actor, case)
        raise Conflict(
            _("Tugas ini sedang dikerjakan oleh %(who)s.") % {"who": task.assignee.full_name},  # type: ignore[union-attr]
            field="task",
        )
    _refuse_if_not_holder(task, actor, case)
    return _complete_locked(
        spec=case_spec(case),
        case=case,
        task=task,
        actor=actor,
        data=data or {},
        decision=decision,
        requirements=requirements,
        attachments=attachments,
        now=now,
    )


def _check_requirements(step: Step, ticked: Sequence[str]) -> list[str]:
    unknown = [r for r in ticked if r not in step.requirements]
    if unknown:
        raise Invalid(
            _("“%(req)s” bukan kelengkapan langkah ini.") % {"req": unknown[0]},
            field="requirements",
        )
    return [r for r in step.requirements if r in ticked]


def _check_files(step: Step, case: Case, data: dict[str, Any], attachments: Sequence[int]) -> None:
    """FILES fields and the attachment list must name attachments of this case."""
    wanted: set[int] = set()
    for f in step.records:
        if f.type is FieldType.FILES and f.name in data:
            try:
                data[f.name] = [int(v) for v in data[f.name]]
            except (TypeError, ValueError):
                raise Invalid(
                    _("“%(label)s” harus berisi nomor lampiran.") % {"label": f.label},
                    field=f"data.{f.name}",
                ) from None
            wanted.update(data[f.name])
    wanted.update(attachments)
    if not wanted:
        return
    found = set(Attachment.objects.filter(case=case, pk__in=wanted).values_list("pk", flat=True))
    missing = sorted(wanted - found)
    if missing:
        raise Invalid(
            _("Lampiran %(ids)s tidak ada pada kasus ini.")
            % {"ids": ", ".join(str(i) for i in missing)},
            field="attachments",
        )


_EXPECTED = {
    FieldType.TEXT: _lazy("berupa teks"),
    FieldType.LONGTEXT: _lazy("berupa teks"),
    FieldType.NUMBER: _lazy("berupa angka"),
    FieldType.BOOLEAN: _lazy("ya atau tidak"),
    FieldType.DATE: _lazy("tanggal seperti 2026-11-22"),
    FieldType.DATETIME: _lazy("tanggal dan jam seperti 2026-11-22T09:30"),
    FieldType.LIST: _lazy("daftar, satu isian per baris"),
    FieldType.LOCATION: _lazy("tempat: alamat, atau lintang/bujur yang sah"),
    FieldType.PERSON: _lazy("orang dengan sekurang-kurangnya nama"),
    FieldType.FILES: _lazy("nomor lampiran"),
}


def _refusal(
    exc: runtime.ActionRefused, step: Step, data: Mapping[str, Any], decision: str = ""
) -> Invalid:
    """The engine's refusal (English, for logs and tests) told to the officer in Indonesian,
    with the same field."""
    field = exc.field
    if field.startswith("data."):
        name = field[5:]
        known = {f.name: f for f in step.records}
        f = known.get(name)
        if f is None:
            return Invalid(
                _("Langkah ini tidak mencatat isian “%(name)s”.") % {"name": name}, field=field
            )
        if runtime.is_blank(data.get(name)):
            return Invalid(_("“%(label)s” wajib diisi.") % {"label": f.label}, field=field)
        if f.type is FieldType.CHOICE:
            expected = _("salah satu dari: %(choices)s") % {"choices": ", ".join(f.choices)}
        else:
            expected = str(_EXPECTED[f.type])
        return Invalid(
            _("“%(label)s” harus %(expected)s.") % {"label": f.label, "expected": expected},
            field=field,
        )
    if field == "branch":
        labels = ", ".join(b.label for b in step.branches)
        if step.kind is not StepKind.DECISION:
            return Invalid(_("Langkah ini bukan keputusan."), field="decision")
        if not decision.strip():
            return Invalid(
                _("Pilih salah satu keputusan: %(labels)s.") % {"labels": labels},
                field="decision",
            )
        return Invalid(
            _("“%(label)s” bukan pilihan keputusan langkah ini; pilih salah satu: %(labels)s.")
            % {"label": decision, "labels": labels},
            field="decision",
        )
    if field == "occurrence":
        return Invalid(
            _("Pelaksanaan ini tidak dijadwalkan atau sudah selesai."), field="occurrence"
        )
    return Invalid(_("Langkah ini tidak sedang berjalan pada kasus ini."), field=field)


def _complete_locked(
    *,
    spec: SOPSpec,
    case: Case,
    task: Task,
    actor: Person,
    data: Mapping[str, Any],
    decision: str,
    requirements: Sequence[str],
    attachments: Sequence[int],
    now: dt.datetime,
) -> Task:
    step = spec.step(task.step_id)
    state = runtime.CaseState.from_dict(case.state)
    if not isinstance(data, Mapping):
        raise Invalid(_("Data harus berupa objek."), field="data")
    try:
        recorded = runtime.check_data(step, data)
    except runtime.ActionRefused as exc:
        raise _refusal(exc, step, data) from None
    _check_files(step, case, recorded, attachments)
    ticked = _check_requirements(step, requirements)
    action = runtime.Complete(
        step=step.id,
        data=recorded,
        branch=decision,
        occurrence=task.occurrence,
        on=_day(case.unit, now),
    )
    try:
        outcome = runtime.apply(spec, state, action)
    except runtime.ActionRefused as exc:
        raise _refusal(exc, step, data, decision) from None
    before_active = list(state.active)
    task.status = TaskStatus.DONE
    if task.assignee_id is None:
        task.assignee = actor
    task.claimed_at = task.claimed_at or now
    task.completed_at, task.completed_by = now, actor
    task.duration_seconds = max(0, int((now - task.created_at).total_seconds()))
    branch = outcome.state.data.get(step.id, {}).get("_branch", "") if decision else ""
    task.decision = str(branch)
    task.requirements_checked = ticked
    task.data = recorded
    task.save(
        update_fields=[
            "status",
            "assignee",
            "claimed_at",
            "completed_at",
            "completed_by",
            "duration_seconds",
            "decision",
            "requirements_checked",
            "data",
        ]
    )
    if attachments:
        Attachment.objects.filter(case=case, pk__in=attachments, task__isnull=True).update(
            task=task
        )
    applied = _apply(spec=spec, case=case, outcome=outcome, actor=actor, now=now)
    audit_record(
        case=case,
        type=EventType.TASK_COMPLETED,
        actor=actor,
        task=task,
        at=now,
        data={
            "step": step.id,
            "occurrence": task.occurrence,
            "decision": task.decision,
            "data": recorded,
            "requirements": ticked,
            "attachments": sorted(attachments),
            "duration_seconds": task.duration_seconds,
            "standard": task.standard,
            "before": {"active": before_active},
            "after": {"active": list(outcome.state.active)},
            "offered": _offered_summary(applied.offered),
        },
    )
    _after_close(spec=spec, case=case, applied=applied, actor=actor, now=now)
    return task


def _after_close(
    *, spec: SOPSpec, case: Case, applied: _Applied, actor: Person | None, now: dt.datetime
) -> None:
    """Save the case row; when it closed, record it and tell a waiting parent."""
    fields = ["state", "event_seq", "event_hash"]
    if applied.closed:
        audit_record(
            case=case,
            type=EventType.CASE_CLOSED,
            actor=actor,
            at=now,
            data={"before": {"status": "open"}, "after": {"status": "closed"}},
        )
        fields += ["status", "closed_at"]
    case.save(update_fields=fields)
    if applied.closed and case.parent_id:
        _parent_check(parent_id=case.parent_id, step_id=case.parent_step, now=now)


def _parent_check(*, parent_id: int, step_id: str, now: dt.datetime) -> None:
    """When every linked case a waiting step opened has closed, the parent moves on."""
    parent = _lock_case(parent_id)
    waiting = Task.objects.filter(
        case=parent,
        step_id=step_id,
        kind=TaskKind.LINKED,
        status__in=[TaskStatus.OPEN, TaskStatus.CLAIMED],
    ).first()
    if waiting is None:
        return
    if Case.objects.filter(parent=parent, parent_step=step_id, status=CaseStatus.OPEN).exists():
        return
    _system_step(
        case=parent,
        task=waiting,
        action=runtime.LinkedCasesClosed(step_id, on=_day(parent.unit, now)),
        event=EventType.LINKED_CASES_CLOSED,
        details={"step": step_id},
        now=now,
    )


def _system_step(
    *,
    case: Case,
    task: Task,
    action: runtime.DeadlinePassed | runtime.LinkedCasesClosed,
    event: EventType,
    details: dict[str, Any],
    now: dt.datetime,
) -> None:
    """A step nobody performs is done (a wait's deadline passed, the linked cases closed):
    close its task, move the case on, record it. The caller holds the case lock."""
    spec = case_spec(case)
    state = runtime.CaseState.from_dict(case.state)
    outcome = runtime.apply(spec, state, action)
    task.status, task.completed_at = TaskStatus.DONE, now
    task.duration_seconds = max(0, int((now - task.created_at).total_seconds()))
    task.save(update_fields=["status", "completed_at", "duration_seconds"])
    applied = _apply(spec=spec, case=case, outcome=outcome, actor=None, now=now)
    audit_record(
        case=case,
        type=event,
        actor=None,
        task=task,
        at=now,
        data={
            **details,
            "before": {"active": list(state.active)},
            "after": {"active": list(outcome.state.active)},
            "offered": _offered_summary(applied.offered),
        },
    )
    _after_close(spec=spec, case=case, applied=applied, actor=None, now=now)


# -- deadlines ----------------------------------------------------------------------------


@transaction.atomic
def wait_fire(*, task_id: int, now: dt.datetime | None = None) -> bool:
    """A wait step's deadline has passed: the flow goes on to its follow-up (e.g. checking
    compliance). False when the task is not a due, live wait (already fired, not yet due)."""
    now = now or timezone.now()
    task = Task.objects.filter(pk=task_id).first()
    if task is None:
        return False
    case, task = _lock_task(task)
    if not task.is_live or task.kind != TaskKind.WAIT or task.due_at is None or task.due_at > now:
        return False
    _system_step(
        case=case,
        task=task,
        action=runtime.DeadlinePassed(task.step_id, on=_day(case.unit, now)),
        event=EventType.DEADLINE_PASSED,
        details={"step": task.step_id, "due_at": task.due_at},
        now=now,
    )
    return True


def supervisors_of(unit: OrgUnit) -> list[Person]:
    """The holders of the nearest supervising position at or above ``unit``."""
    ids = [unit.pk, *reversed(unit.ancestor_ids())]
    positions = {p.unit_id: p for p in Position.objects.filter(unit_id__in=ids, supervises=True)}
    for unit_id in ids:
        position = positions.get(unit_id)
        if position is not None:
            people = list(holders_of(position.unit, position.code))
            if people:
                return people
    return []


@transaction.atomic
def task_mark_overdue(*, task_id: int, now: dt.datetime | None = None) -> bool:
    """Mark a late work task and tell its assignee (or the holders of its position) and the
    supervisor, once. False when the task is done, not yet due, or already marked."""
    now = now or timezone.now()
    task = Task.objects.filter(pk=task_id).first()
    if task is None:
        return False
    case, task = _lock_task(task)
    if (
        not task.is_live
        or task.kind != TaskKind.WORK
        or task.due_at is None
        or task.due_at > now
        or task.overdue_at is not None
    ):
        return False
    task.overdue_at = now
    task.save(update_fields=["overdue_at"])
    audit_record(
        case=case,
        type=EventType.TASK_OVERDUE,
        actor=None,
        task=task,
        at=now,
        data={"step": task.step_id, "due_at": task.due_at, "standard": task.standard},
    )
    case.save(update_fields=["event_seq", "event_hash"])
    if task.assignee is not None:
        performers = [task.assignee]
    else:
        performers = list(holders_of(case.unit, task.role))
    recipients = {p.pk: p for p in [*performers, *supervisors_of(case.unit)]}
    late = timezone.localtime(task.due_at, case.unit.zone()).strftime("%d-%m-%Y %H:%M")
    message = _("Tugas “%(title)s” pada %(number)s melewati batas waktu %(due)s (%(std)s).") % {
        "title": task.title[:200],
        "number": case.number,
        "due": late,
        "std": task.standard,
    }
    Notification.objects.bulk_create(
        [
            Notification(
                unit_id=case.unit_id,
                recipient=p,
                kind=Notification.Kind.TASK_OVERDUE,
                case=case,
                task=task,
                message=message[:500],
                created_at=now,
            )
            for p in recipients.values()
        ],
        ignore_conflicts=True,
    )
    return True


@dataclass(frozen=True)
class SweepResult:
    overdue: int
    fired: int


def deadlines_sweep(*, now: dt.datetime | None = None, limit: int = 500) -> SweepResult:
    """The safety net behind the per-task jobs: mark every late task and fire every due wait.
    Each task is its own transaction, so one failure never holds back the others."""
    now = now or timezone.now()
    live = [TaskStatus.OPEN, TaskStatus.CLAIMED]
    late = list(
        Task.objects.filter(
            status__in=live, kind=TaskKind.WORK, due_at__lte=now, overdue_at__isnull=True
        ).values_list("pk", flat=True)[:limit]
    )
    waits = list(
        Task.objects.filter(status__in=live, kind=TaskKind.WAIT, due_at__lte=now)
        .order_by("due_at")
        .values_list("pk", flat=True)[:limit]
    )
    overdue = sum(task_mark_overdue(task_id=pk, now=now) for pk in late)
    fired = sum(wait_fire(task_id=pk, now=now) for pk in waits)
    return SweepResult(overdue=overdue, fired=fired)


# -- attachments --------------------------------------------------------------------------

_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"GIF87a", "image/gif", ".gif"),
    (b"GIF89a", "image/gif", ".gif"),
)


def _sniff(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, ext in _SIGNATURES:
        if head.startswith(magic):
            return content_type, ext
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", ".webp"
    return None


@transaction.atomic
def attachment_add(
    *,
    case: Case,
    actor: Person,
    name: str,
    content: IO[bytes],
    task: Task | None = None,
    now: dt.datetime | None = None,
) -> Attachment:
    """Keep a photo (JPEG, PNG, WebP, GIF) or a PDF scan on a live case. The type is read
    from the file's first bytes, never from its name; the size is capped by
    ``TRANTIB_ATTACHMENT_MAX_BYTES``."""
    now = now or timezone.now()
    limit = int(getattr(settings, "TRANTIB_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))
    body = content.read(limit + 1)
    if not body:
        raise Invalid(_("Berkas kosong."), field="file")
    if len(body) > limit:
        raise Invalid(
            _("Berkas lebih besar dari %(mb)s MB.") % {"mb": limit // (1024 * 1024)},
            field="file",
        )
    sniffed = _sniff(body[:16])
    if sniffed is None:
        guessed = mimetypes.guess_type(name)[0] or _("tidak dikenal")
        raise Invalid(
            _("Jenis berkas %(type)s tidak diterima: unggah foto (JPEG, PNG, WebP) atau PDF.")
            % {"type": guessed},
            field="file",
        )
    case = _lock_case(case.pk)
    if case.status != CaseStatus.OPEN:
        raise Conflict(_("Kasus sudah selesai; lampiran tidak dapat ditambahkan."), field="case")
    if task is not None and (task.case_id != case.pk or not task.is_live):
        raise Invalid(_("Tugas itu bukan tugas berjalan pada kasus ini."), field="task")
    if not _may_work_on(actor, case):
        raise NotAllowed(_("Anda tidak bertugas pada kasus ini."), field="case")
    content_type, ext = sniffed
    digest = hashlib.sha256(body).hexdigest()
    clean_name = (name or "berkas").replace("/", "_").replace("\\", "_").strip()[:255] or "berkas"
    attachment = Attachment(
        unit_id=case.unit_id,
        case=case,
        task=task,
        name=clean_name,
        content_type=content_type,
        size=len(body),
        sha256=digest,
        extension=ext,
        uploaded_by=actor,
        uploaded_at=now,
    )
    attachment.file.save(clean_name, ContentFile(body), save=False)
    attachment.save()
    audit_record(
        case=case,
        type=EventType.ATTACHMENT_ADDED,
        actor=actor,
        task=task,
        at=now,
        data={
            "attachment": attachment.pk,
            "name": clean_name,
            "content_type": content_type,
            "size": len(body),
            "sha256": digest,
        },
    )
    case.save(update_fields=["event_seq", "event_hash"])
    return attachment


def _may_work_on(person: Person, case: Case) -> bool:
    """Anyone holding a position of the case's SOP in its unit (or supervising it)."""
    roles = sop_internal_roles(case_spec(case))
    held = assignments_holding_person(person, case.unit).filter(position__code__in=roles)
    return held.exists() or supervises(person, case.unit)
