"""What officers do with tasks: claim, reassign, complete."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trantib.accounts.models import Person
from trantib.accounts.selectors import person_holds_role
from trantib.core.errors import Conflict, Invalid, NotAllowed
from trantib.engine import runtime
from trantib.engine.spec import FieldType, SOPSpec, Step, StepKind

from ..audit import audit_record
from ..models import (
    Attachment,
    Case,
    EventType,
    Task,
    TaskKind,
    TaskStatus,
)
from ..selectors import unit_members
from .attachments import Uploads, files_kept_on_success, uploads_store
from .fastpath import task_complete_fast
from .flow import (
    case_closed_record,
    changed_fields,
    offered_summary,
    outcome_persist,
    task_lock,
    unit_day,
)
from .hooks import step_guards, step_hooks
from .notifications import task_reassigned_notify
from .roles import case_spec, supervises, task_role_name


def _refuse_if_not_live(task: Task) -> None:
    if task.status == TaskStatus.DONE:
        who = task.completed_by.full_name if task.completed_by else _("sistem")
        # The unit's own clock (a WITA unit reads WITA); the caller locked the case, unit joined.
        zone = task.case.unit.zone()
        when = timezone.localtime(task.completed_at, zone).strftime("%d-%m-%Y %H:%M %Z")  # type: ignore[arg-type]
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
    if not person_holds_role(actor, case.unit, task.role):
        spec = case_spec(case)
        raise NotAllowed(
            _("Tugas ini untuk %(role)s di %(unit)s; Anda tidak memegang jabatan itu.")
            % {"role": task_role_name(spec, task), "unit": case.unit.code},
            field="task",
        )


@transaction.atomic
def task_claim(*, task: Task, actor: Person, now: dt.datetime | None = None) -> Task:
    """Take an offered task: it leaves the others' lists and waits on ``actor``."""
    now = now or timezone.now()
    case, task = task_lock(task)
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
    return task


@transaction.atomic
def task_reassign(
    *, task: Task, actor: Person, assignee: Person, now: dt.datetime | None = None
) -> Task:
    """A supervisor gives a live task to another holder of its position."""
    now = now or timezone.now()
    case, task = task_lock(task)
    _refuse_if_not_live(task)
    _refuse_if_not_work(task)
    if not supervises(actor, case.unit):
        raise NotAllowed(
            _("Hanya pejabat pengawas unit ini yang dapat mengalihkan tugas."), field="task"
        )
    if not person_holds_role(assignee, case.unit, task.role):
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
    task_reassigned_notify(task=task, case=case, actor=actor, assignee=assignee, now=now)
    return task


@transaction.atomic
@files_kept_on_success()
def task_complete(
    *,
    task: Task,
    actor: Person,
    data: Mapping[str, Any] | None = None,
    decision: str = "",
    requirements: Sequence[str] = (),
    attachments: Sequence[int] = (),
    uploads: Uploads | None = None,
    now: dt.datetime | None = None,
) -> Task:
    """Complete a step: record the fields, the requirements ticked, the attachments and the
    decision; the case moves on. Exactly one of two simultaneous completions wins; the other
    gets Conflict ("already completed by …"). ``uploads``: new files for the step's file
    fields (``{field: [(name, file), …]}``, "" for evidence that fills no field), kept in the
    same transaction, so a refused completion keeps none of them."""
    now = now or timezone.now()
    if not uploads:
        done = task_complete_fast(
            task=task,
            actor=actor,
            data=data or {},
            decision=decision,
            requirements=requirements,
            attachments=attachments,
            now=now,
        )
        if done is not None:
            return done
    case, task = task_lock(task)
    _refuse_if_not_live(task)
    _refuse_if_not_work(task)
    if task.assignee_id is not None and task.assignee_id != actor.pk:
        _refuse_if_not_holder(task, actor, case)
        raise Conflict(
            _("Tugas ini sedang dikerjakan oleh %(who)s.") % {"who": task.assignee.full_name},  # type: ignore[union-attr]
            field="task",
        )
    _refuse_if_not_holder(task, actor, case)
    data = dict(data or {})
    attachments = list(attachments)
    spec = case_spec(case)
    if uploads:
        per_field, uploaded = uploads_store(
            case=case,
            step=spec.step(task.step_id),
            task=task,
            actor=actor,
            uploads=uploads,
            now=now,
        )
        for name, ids in per_field.items():
            current = data.get(name) or []
            data[name] = [*(current if isinstance(current, list) else [current]), *ids]
        attachments += uploaded
        case, task = task_lock(task)  # the uploads moved the head of the event chain
    return complete_locked(
        spec=spec,
        case=case,
        task=task,
        actor=actor,
        data=data,
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


_MAX_ID = runtime.MAX_ID


def _check_files(
    step: Step, case: Case, task: Task, data: dict[str, Any], attachments: Sequence[int]
) -> None:
    """FILES fields and the attachment list must name attachments of this case that belong to
    no other task: one officer's upload is never another step's evidence."""
    wanted = files_wanted(step, data, attachments)
    if not wanted:
        return
    found = set(
        Attachment.objects.filter(case=case, pk__in=wanted)
        .filter(Q(task__isnull=True) | Q(task=task))
        .values_list("pk", flat=True)
    )
    files_refuse_missing(wanted, found)


def files_wanted(step: Step, data: dict[str, Any], attachments: Sequence[int]) -> set[int]:
    """The attachment ids a completion names (its FILES fields, made lists of ints in ``data``,
    and its attachment list); Invalid when one is not an attachment number."""
    wanted: set[int] = set()
    for f in step.records:
        if f.type is FieldType.FILES and f.name in data:
            try:
                data[f.name] = [int(v) for v in data[f.name]]
            except (TypeError, ValueError):
                data[f.name] = None
            if data[f.name] is None or not all(0 < v <= _MAX_ID for v in data[f.name]):
                raise Invalid(
                    _("“%(label)s” harus berisi nomor lampiran.") % {"label": f.label},
                    field=f"data.{f.name}",
                )
            wanted.update(data[f.name])
    if not all(isinstance(v, int) and 0 < v <= _MAX_ID for v in attachments):
        raise Invalid(_("Nomor lampiran tidak sah."), field="attachments")
    wanted.update(attachments)
    return wanted


def files_refuse_missing(wanted: set[int], found: set[int]) -> None:
    missing = sorted(wanted - found)
    if missing:
        raise Invalid(
            _("Lampiran %(ids)s tidak ada pada kasus ini atau milik langkah lain.")
            % {"ids": ", ".join(str(i) for i in missing)},
            field="attachments",
        )


def _check_members(step: Step, case: Case, recorded: Mapping[str, Any]) -> None:
    """A ``members`` field names people of the case's unit, no one else."""
    for f in step.records:
        ids = recorded.get(f.name) if f.type is FieldType.MEMBERS else None
        if not ids:
            continue
        known = set(unit_members(case.unit).filter(pk__in=ids).values_list("pk", flat=True))
        strangers = [i for i in ids if i not in known]
        if strangers:
            raise Invalid(
                _("“%(label)s”: nomor %(ids)s bukan anggota %(unit)s.")
                % {
                    "label": f.label,
                    "ids": ", ".join(str(i) for i in strangers),
                    "unit": case.unit.name,
                },
                field=f"data.{f.name}",
            )


_EXPECTED = {
    FieldType.TEXT: gettext_lazy("berupa teks"),
    FieldType.LONGTEXT: gettext_lazy("berupa teks"),
    FieldType.NUMBER: gettext_lazy("berupa angka"),
    FieldType.BOOLEAN: gettext_lazy("ya atau tidak"),
    FieldType.DATE: gettext_lazy("tanggal seperti 2026-11-22"),
    FieldType.DATETIME: gettext_lazy("tanggal dan jam seperti 2026-11-22T09:30"),
    FieldType.LIST: gettext_lazy("daftar, satu isian per baris"),
    FieldType.LOCATION: gettext_lazy("tempat: alamat, atau lintang/bujur yang sah"),
    FieldType.PERSON: gettext_lazy("orang dengan sekurang-kurangnya nama"),
    FieldType.FILES: gettext_lazy("nomor lampiran"),
    FieldType.MEMBERS: gettext_lazy("daftar anggota unit (nomor pegawai)"),
}


def _refusal(
    exc: runtime.ActionRefused,
    step: Step,
    data: Mapping[str, Any],
    decision: str = "",
    occurrence: str = "",
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
        if exc.code == "control_character":
            return Invalid(
                _("“%(label)s” berisi karakter kendali (NUL) yang tidak dapat disimpan.")
                % {"label": f.label},
                field=field,
            )
        if exc.code == "not_a_date":
            return Invalid(
                _(
                    "Setiap baris “%(label)s” harus berupa tanggal, misalnya 3 Desember 2026 "
                    "atau 2026-12-03."
                )
                % {"label": f.label},
                field=field,
            )
        if exc.code == "year_range":
            return Invalid(
                _("“%(label)s” harus jatuh antara tahun %(min)s dan %(max)s.")
                % {"label": f.label, "min": runtime.YEAR_MIN, "max": runtime.YEAR_MAX},
                field=field,
            )
        if exc.code == "too_long":
            return Invalid(
                _("Setiap baris “%(label)s” paling panjang %(n)s karakter.")
                % {"label": f.label, "n": runtime.OCCURRENCE_MAX},
                field=field,
            )
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
    if field == "occurrence" and exc.code == "not_yet":
        return Invalid(
            _("Pelaksanaan %(occurrence)s belum tiba; laporkan pada hari itu atau sesudahnya.")
            % {"occurrence": occurrence},
            field="occurrence",
        )
    if field == "occurrence":
        return Invalid(
            _("Pelaksanaan ini tidak dijadwalkan atau sudah selesai."), field="occurrence"
        )
    return Invalid(_("Langkah ini tidak sedang berjalan pada kasus ini."), field=field)


def _held_start_values(
    spec: SOPSpec, step: Step, state: runtime.CaseState, data: Mapping[str, Any]
) -> dict[str, Any]:
    """A first step a guard held at the case's start (see ``hooks``) takes the values the start
    form recorded for it (kept under ``_start``) wherever the completion leaves a field empty."""
    merged = dict(data)
    start = state.data.get("_start")  # runtime.start keeps a case's start data there
    first = step.id == spec.start.id or step.entry
    if not first or step.id in state.data or not isinstance(start, Mapping):
        return merged
    for f in step.records:
        if runtime.is_blank(merged.get(f.name)) and not runtime.is_blank(start.get(f.name)):
            merged[f.name] = start[f.name]
    return merged


def start_values_check(step: Step, data: Mapping[str, Any]) -> dict[str, Any]:
    """The start form's values for a first step that a guard holds: checked as the step would
    check them, except that nothing is required yet (the guard fills some fields later)."""
    relaxed = dataclasses.replace(
        step, records=tuple(dataclasses.replace(f, required=False) for f in step.records)
    )
    try:
        return runtime.check_data(relaxed, data)
    except runtime.ActionRefused as exc:
        raise _refusal(exc, step, data) from None


def completion_apply(
    spec: SOPSpec,
    state: runtime.CaseState,
    step: Step,
    case: Case,
    task: Task,
    recorded: dict[str, Any],
    decision: str,
    now: dt.datetime,
) -> runtime.Outcome:
    """The engine's outcome of completing ``task`` with ``recorded`` (ActionRefused when the
    engine refuses). Shared with the fast path (``fastpath``)."""
    action = runtime.Complete(
        step=step.id,
        data=recorded,
        branch=decision,
        occurrence=task.occurrence,
        on=unit_day(case.unit, now),
    )
    return runtime.apply(spec, state, action)


TASK_DONE_FIELDS = [
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


def task_done(
    task: Task,
    *,
    actor: Person | None,
    now: dt.datetime,
    step: Step,
    outcome: runtime.Outcome,
    decision: str,
) -> None:
    """Mark ``task`` done by ``actor`` (its fields, not saved; the caller sets what was
    recorded and saves ``TASK_DONE_FIELDS``). Shared with the fast path (``fastpath``)."""
    task.status = TaskStatus.DONE
    if task.assignee_id is None:
        task.assignee = actor
    task.claimed_at = task.claimed_at or now
    task.completed_at, task.completed_by = now, actor
    task.duration_seconds = max(0, int((now - task.created_at).total_seconds()))
    branch = outcome.state.data.get(step.id, {}).get("_branch", "") if decision else ""
    task.decision = str(branch)


def completed_data(
    *,
    task: Task,
    attachments: Sequence[int],
    before: list[str],
    outcome: runtime.Outcome,
    offered: Sequence[Task],
) -> dict[str, Any]:
    """The data of a completion's ``task_completed`` event (``task`` marked done)."""
    return {
        "step": task.step_id,
        "occurrence": task.occurrence,
        "decision": task.decision,
        "data": task.data,
        "requirements": task.requirements_checked,
        "attachments": sorted(attachments),
        "duration_seconds": task.duration_seconds,
        "standard": task.standard,
        "before": {"active": before},
        "after": {"active": list(outcome.state.active)},
        "offered": offered_summary(offered),
    }


def complete_locked(
    *,
    spec: SOPSpec,
    case: Case,
    task: Task,
    actor: Person | None,
    data: Mapping[str, Any],
    decision: str,
    requirements: Sequence[str],
    attachments: Sequence[int],
    now: dt.datetime,
) -> Task:
    """Complete ``task`` of the locked ``case``. ``actor`` None: the first step of a case a
    citizen opened through a public channel (nobody in the unit performed it)."""
    step = spec.step(task.step_id)
    state = runtime.CaseState.from_dict(case.state)
    if not isinstance(data, Mapping):
        raise Invalid(_("Data harus berupa objek."), field="data")
    hooks = step_hooks(step)
    for hook, binding in hooks:
        data = hook.prepare(
            spec=spec,
            case=case,
            task=task,
            step=step,
            binding=binding,
            data=dict(data),
            actor=actor,
            now=now,
        )
    guards = step_guards(step)
    if guards:
        data = _held_start_values(spec, step, state, data)
        for guard in guards:
            data = guard.prepare(
                spec=spec,
                case=case,
                task=task,
                step=step,
                data=dict(data),
                decision=decision,
                actor=actor,
                now=now,
            )
        # A guard may keep a file on the case (a letter's PDF): that moved the chain's head.
        case.refresh_from_db(fields=["event_seq", "event_hash"])
    try:
        recorded = runtime.check_data(step, data)
    except runtime.ActionRefused as exc:
        raise _refusal(exc, step, data) from None
    _check_files(step, case, task, recorded, attachments)
    _check_members(step, case, recorded)
    ticked = _check_requirements(step, requirements)
    try:
        outcome = completion_apply(spec, state, step, case, task, recorded, decision, now)
    except runtime.ActionRefused as exc:
        raise _refusal(exc, step, data, decision, task.occurrence) from None
    before_active = list(state.active)
    task_done(task, actor=actor, now=now, step=step, outcome=outcome, decision=decision)
    task.requirements_checked = ticked
    task.data = recorded
    task.save(update_fields=TASK_DONE_FIELDS)
    if attachments:
        Attachment.objects.filter(case=case, pk__in=attachments, task__isnull=True).update(
            task=task
        )
    applied = outcome_persist(spec=spec, case=case, outcome=outcome, actor=actor, now=now)
    audit_record(
        case=case,
        type=EventType.TASK_COMPLETED,
        actor=actor,
        task=task,
        at=now,
        data=completed_data(
            task=task,
            attachments=attachments,
            before=before_active,
            outcome=outcome,
            offered=applied.offered,
        ),
        save=changed_fields(applied),
    )
    case_closed_record(case=case, applied=applied, actor=actor, now=now)
    for hook, binding in hooks:
        hook.completed(
            spec=spec,
            case=case,
            task=task,
            step=step,
            binding=binding,
            recorded=recorded,
            actor=actor,
            now=now,
        )
    return task
