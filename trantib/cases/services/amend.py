"""Amending a running case: correct a recorded field, cancel the case, end a wait early, hand
the case over to another unit. Each is one transaction with its audit event, and each is
refused with a reason naming the field when it is not allowed.

Who may do what (the SOP format has no "responsible" role, so one is derived):

- **the responsible role** of an SOP is the position that performs its first step (for a step
  of an outside role, such as the Pelapor, the officer who records it on their behalf): the one
  who opens a case answers for it. Together with **the unit head** (a supervising position at
  or above the case's unit, :func:`.roles.supervises`) they may cancel a case and hand it over.
- a **correction** is made by the officer who completed the step, while the flow has not gone
  further: no task of the case created after the corrected one is done. Tasks created after it
  are what its completion (or a later one) offered, so one of them done means someone already
  acted on the recorded value. Other occurrences of the same repeated step (the 20 patrols of a
  month) are siblings, not followers: a patrol report stays correctable while the next patrol
  is reported. A field that planned what followed (a schedule, the items that opened linked
  cases) is not correctable: the plan was made from it. Files are out of scope: a photo is
  added through the attachment service, never replaced. A live task whose time counts from
  the corrected field (its step's ``starts_at``) is re-timed in the same transaction.
- a **wait ends early** at the hand of an officer holding the position that performs the step
  after the wait (the one who checks compliance), or the unit head; the flow moves on as when
  the deadline passes, and the event keeps the evidence and the original due time.
- a **hand-over** moves the case, all its tasks and attachments to a unit in which every
  internal role of the SOP has a holder (otherwise nobody there could do the next step); live
  tasks are offered again to the same position in the new unit. Events are append-only and
  keep the unit they were written in: the selectors read a case's events by case, so the new
  unit reads the whole history and the old one no longer finds the case. The number stays the
  same and no counter moves. Linked child cases stay where they are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trantib.accounts.models import OrgUnit, Person
from trantib.core.errors import Conflict, Invalid, NotAllowed
from trantib.core.text import has_control_characters
from trantib.engine import runtime
from trantib.engine.spec import FieldType, SOPSpec, Step, StepKind

from ..audit import audit_record
from ..models import (
    Attachment,
    Case,
    CaseStatus,
    EventType,
    Notification,
    Task,
    TaskKind,
    TaskStatus,
)
from .attachments import attachment_add, files_kept_on_success
from .cases import case_cancel
from .flow import _schedule_deadlines, case_lock, system_step, task_lock, unit_day
from .hooks import step_filled, wait_period
from .lateness import case_late_refresh
from .notifications import notify, tasks_handed_over_notify
from .roles import (
    acting_role,
    case_spec,
    holds_sop_role,
    role_map,
    roles_unfilled,
    step_position,
    supervises,
    supervisors_of,
)
from .steps import _check_members, _refusal

REASON_MAX = 500
EVIDENCE_MAX = 2000
CHILDREN_CHOICES = ("cancel", "keep")


def _text(value: str, *, field: str, label: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise Invalid(_("%(label)s wajib diisi.") % {"label": label}, field=field)
    if len(value) > limit:
        raise Invalid(
            _("%(label)s paling panjang %(n)s karakter.") % {"label": label, "n": limit},
            field=field,
        )
    # A reason or evidence is typed by a person: no control character (NUL, which PostgreSQL
    # cannot store, nor any other), line breaks and tabs aside.
    if has_control_characters(value):
        raise Invalid(
            _("%(label)s berisi karakter kendali (mis. NUL) yang tidak dapat disimpan.")
            % {"label": label},
            field=field,
        )
    return value


def responsible_role(spec: SOPSpec) -> str:
    """The position that answers for a case of ``spec``: the performer of its first step."""
    return acting_role(spec, spec.start)


def may_direct(person: Person, case: Case) -> bool:
    """The unit head or the holder of the SOP's responsible role in the case's unit."""
    if supervises(person, case.unit):
        return True
    spec = case_spec(case)
    return holds_sop_role(person, case.unit, spec, responsible_role(spec))


def _refuse_unless_directs(person: Person, case: Case, what: str) -> None:
    if not may_direct(person, case):
        spec = case_spec(case)
        role = responsible_role(spec)
        raise NotAllowed(
            _("Hanya pimpinan unit atau %(role)s yang dapat %(what)s kasus ini.")
            % {"role": spec.role(role).name if role else _("penanggung jawab SOP"), "what": what},
            field="case",
        )


def _refuse_unless_open(case: Case) -> None:
    if case.status != CaseStatus.OPEN:
        raise Conflict(
            _("Kasus ini sudah %(status)s.") % {"status": case.get_status_display().lower()},
            field="case",
        )


# -- correcting a field ---------------------------------------------------------------------


def _planning_fields(spec: SOPSpec, step: Step) -> set[str]:
    """The fields of ``step`` that planned what followed: a repeat's schedule, the items of
    linked cases."""
    refs = set()
    for other in spec.steps:
        if other.repeat is not None and other.repeat.schedule_field:
            refs.add(other.repeat.schedule_field)
        if other.subprocedure is not None and other.subprocedure.for_each:
            refs.add(other.subprocedure.for_each)
    return {ref.split(".", 1)[1] for ref in refs if ref.split(".", 1)[0] == step.id}


def correction_refusal(task: Task, actor: Person) -> str | None:
    """Why ``actor`` may not correct ``task`` now (None: they may). For the page: which
    completed steps show a correction form. Reads without locking."""
    try:
        _check_correctable(task, actor, task.case)
    except (Conflict, NotAllowed, Invalid) as exc:
        return exc.message
    return None


def _done_follower(task: Task, done: Iterable[Task]) -> Task | None:
    """The first task among ``done`` (done tasks of the case, by pk) that followed ``task``:
    created after it and not another occurrence of the same repeated step (the other patrols
    of a month are siblings, not what followed)."""
    for other in done:
        if other.pk <= task.pk:
            continue
        if task.occurrence and other.step_id == task.step_id and other.occurrence:
            continue
        return other
    return None


def correctable_tasks(case: Case, actor: Person) -> list[Task]:
    """The completed steps of ``case`` that ``actor`` may correct now, for the case page: the
    rule of :func:`correction_refusal` applied to every one of their tasks in one query."""
    if case.status != CaseStatus.OPEN:
        return []
    done = list(Task.objects.filter(case_id=case.pk, status=TaskStatus.DONE).order_by("pk"))
    mine = [t for t in done if t.kind == TaskKind.WORK and t.completed_by_id == actor.pk]
    out = [t for t in mine if _done_follower(t, done) is None]
    for task in out:
        task.case = case
    return out


def _check_correctable(task: Task, actor: Person, case: Case) -> None:
    _refuse_unless_open(case)
    if task.status != TaskStatus.DONE or task.kind != TaskKind.WORK:
        raise Conflict(
            _("Hanya langkah yang sudah diselesaikan yang dapat dikoreksi."), field="task"
        )
    if task.completed_by_id != actor.pk:
        raise NotAllowed(
            _("Hanya petugas yang menyelesaikan langkah ini yang dapat mengoreksinya."),
            field="task",
        )
    later = Task.objects.filter(case_id=case.pk, pk__gt=task.pk, status=TaskStatus.DONE)
    done = _done_follower(task, later.order_by("pk"))
    if done is not None:
        raise Conflict(
            _("Langkah berikutnya (“%(title)s”) sudah diselesaikan; isian tidak dapat dikoreksi.")
            % {"title": done.title},
            field="task",
        )


@transaction.atomic
def field_correct(
    *,
    task: Task,
    actor: Person,
    field: str,
    value: Any,
    reason: str,
    now: dt.datetime | None = None,
) -> Task:
    """Correct one recorded field of a completed step (see the module docstring for who and
    until when). The value is checked as at completion; ``Task.data`` and the case's recorded
    data change together, and the event keeps the value before and after."""
    now = now or timezone.now()
    reason = _text(reason, field="reason", label=_("Alasan koreksi"), limit=REASON_MAX)
    case, task = task_lock(task)
    _check_correctable(task, actor, case)
    spec = case_spec(case)
    step = spec.step(task.step_id)
    known = {f.name: f for f in step.records}
    f = known.get(field)
    if f is None:
        raise Invalid(
            _("Langkah ini tidak mencatat isian “%(name)s”.") % {"name": field},
            field="field",
        )
    if f.type is FieldType.FILES:
        raise Invalid(
            _(
                "“%(label)s” berisi lampiran; lampiran tidak dikoreksi di sini, tambahkan "
                "berkas baru pada kasus."
            )
            % {"label": f.label},
            field="field",
        )
    filled = step_filled(step, case=case)
    if field in filled:
        # A letter's number: the letter is what is corrected; a violator from the enforcement
        # register: the register is.
        message = _("“%(label)s” diisi dari surat; yang dikoreksi suratnya, bukan isian ini.")
        if filled[field] != _("diisi dari surat"):
            message = _("“%(label)s” %(note)s; yang dikoreksi sumbernya, bukan isian ini.")
        raise Invalid(message % {"label": f.label, "note": filled[field]}, field="field")
    if field in _planning_fields(spec, step):
        raise Conflict(
            _(
                "“%(label)s” sudah dipakai untuk menjadwalkan langkah berikutnya; "
                "tidak dapat dikoreksi."
            )
            % {"label": f.label},
            field="field",
        )
    before_data = dict(task.data or {})
    wanted = {**before_data, field: value}
    try:
        recorded = runtime.check_data(step, wanted)
    except runtime.ActionRefused as exc:
        raise _refusal(exc, step, wanted) from None
    _check_members(step, case, recorded)
    old, new = before_data.get(field), recorded.get(field)
    if old == new:
        raise Invalid(
            _("Nilai baru “%(label)s” sama dengan yang tercatat.") % {"label": f.label},
            field="value",
        )
    task.data = recorded
    task.save(update_fields=["data"])
    state = dict(case.state)
    data = {k: dict(v) for k, v in state.get("data", {}).items()}
    kept = data.get(step.id, {})
    if task.occurrence and step.kind is StepKind.REPEAT:
        extras = {k: v for k, v in kept.get(task.occurrence, {}).items() if k.startswith("_")}
        kept[task.occurrence] = {**recorded, **extras}
    else:
        extras = {k: v for k, v in kept.items() if k.startswith("_")}  # the branch taken
        kept = {**recorded, **extras}
    data[step.id] = kept
    state["data"] = data
    case.state = state
    details: dict[str, Any] = {
        "step": task.step_id,
        "occurrence": task.occurrence,
        "field": field,
        "before": old,
        "after": new,
        "reason": reason,
    }
    retimed = _retime_from(spec, case, f"{step.id}.{field}", now)
    if retimed:
        details["due"] = retimed
    audit_record(
        case=case,
        type=EventType.FIELD_CORRECTED,
        actor=actor,
        task=task,
        at=now,
        data=details,
        save=["state"],
    )
    return task


def _retime_from(spec: SOPSpec, case: Case, source: str, now: dt.datetime) -> list[dict[str, Any]]:
    """Re-time the live tasks of steps whose time counts from ``source`` ("step.field", their
    ``starts_at``), now that the case holds a corrected value there: their due time is worked
    out again as when they were offered; a lateness that the new time undoes is cleared. What
    moved: task, due before and after (for the correction's event)."""
    steps = {s.id: s for s in spec.steps if s.starts_at == source}
    if not steps:
        return []
    state = runtime.CaseState.from_dict(case.state)
    zone = case.unit.zone()
    moved, retimed = [], []
    live = Task.objects.filter(
        case_id=case.pk, step_id__in=steps, status__in=[TaskStatus.OPEN, TaskStatus.CLAIMED]
    )
    for live_task in live.order_by("pk"):
        step = steps[live_task.step_id]
        standard = wait_period(spec, case, step) if live_task.kind == TaskKind.WAIT else step.time
        if standard is None:
            continue
        counts_from = runtime.step_start(spec, state, step, zone) or live_task.created_at
        due = spec.calendar.due(counts_from, standard, zone)
        if due == live_task.due_at:
            continue
        moved.append({"task": live_task.pk, "before": live_task.due_at, "after": due})
        live_task.due_at = due
        if live_task.overdue_at is not None and (due is None or due > now):
            live_task.overdue_at = None
        live_task.save(update_fields=["due_at", "overdue_at"])
        retimed.append(live_task)
    if moved:
        case_late_refresh(case.pk)
        # The worker looks at each task at its new due time (the old job finds it not yet due,
        # or runs late: only the sweep would catch it then).
        _schedule_deadlines(retimed)
    return moved


# -- cancelling -----------------------------------------------------------------------------


def open_children(case: Case, actor: Person | None = None) -> tuple[list[Case], int]:
    """The open linked cases of ``case`` that ``actor`` may direct (all without an actor),
    and how many others run in units the actor does not direct (after a hand-over): those
    are counted, never named."""
    kids = list(
        Case.objects.filter(parent=case, status=CaseStatus.OPEN)
        .select_related("unit")
        .order_by("pk")
    )
    if actor is None:
        return kids, 0
    reached = [k for k in kids if may_direct(actor, k)]
    return reached, len(kids) - len(reached)


@transaction.atomic
def case_cancel_by_officer(
    *,
    case: Case,
    actor: Person,
    reason: str,
    children: str = "",
    now: dt.datetime | None = None,
) -> Case:
    """The unit head or the SOP's responsible role stops an open case with a reason: its live
    tasks close. Open linked cases the actor may direct are asked about: ``children``
    "cancel" stops them too (same reason), "keep" leaves them running; without a choice the
    service refuses, naming them. Linked cases in a unit the actor does not direct (handed
    over) run on, counted but not named."""
    reason = _text(reason, field="reason", label=_("Alasan pembatalan"), limit=REASON_MAX)
    case = case_lock(case.pk)
    _refuse_unless_open(case)
    _refuse_unless_directs(actor, case, _("membatalkan"))
    return case_cancel(
        case=case,
        actor=actor,
        reason=reason,
        children=children,
        reaches=lambda kid: may_direct(actor, kid),
        now=now,
    )


# -- ending a wait early --------------------------------------------------------------------


def wait_follower_role(spec: SOPSpec, task: Task) -> str:
    step = spec.step(task.step_id)
    return acting_role(spec, spec.step(step.next)) if step.next else ""


def may_end_wait(person: Person, task: Task) -> bool:
    case = task.case
    if supervises(person, case.unit):
        return True
    spec = case_spec(case)
    return holds_sop_role(person, case.unit, spec, wait_follower_role(spec, task))


@transaction.atomic
@files_kept_on_success()
def wait_end_early(
    *,
    task: Task,
    actor: Person,
    evidence: str,
    files: Sequence[tuple[str, IO[bytes]]] = (),
    permitted: bool = False,
    now: dt.datetime | None = None,
) -> Task:
    """A wait's condition is met before its deadline (the violator complied on day 2): record
    the evidence (a note, optionally files) and move the flow on now, as the deadline would.
    ``permitted``: a domain service already decided that ``actor`` may end it (an enforcement
    officer's compliance visit found the violator complying); else the follow-up step's holder
    or a unit head only."""
    now = now or timezone.now()
    evidence = _text(evidence, field="evidence", label=_("Bukti"), limit=EVIDENCE_MAX)
    case, task = task_lock(task)
    _refuse_unless_open(case)
    if task.kind != TaskKind.WAIT:
        raise Conflict(_("Langkah ini bukan langkah menunggu tenggat."), field="task")
    if not task.is_live:
        raise Conflict(_("Tenggat langkah ini sudah berakhir."), field="task")
    if not permitted and not may_end_wait(actor, task):
        spec = case_spec(case)
        role = wait_follower_role(spec, task)
        raise NotAllowed(
            _("Hanya %(role)s atau pimpinan unit yang dapat mengakhiri tenggat ini lebih awal.")
            % {"role": spec.role(role).name if role else _("pelaksana langkah berikutnya")},
            field="task",
        )
    ids = [
        attachment_add(case=case, actor=actor, name=name, content=content, now=now).pk
        for name, content in files
    ]
    if ids:
        Attachment.objects.filter(pk__in=ids).update(task=task)
        case, task = task_lock(task)  # the uploads moved the head of the event chain
    system_step(
        case=case,
        task=task,
        action=runtime.DeadlinePassed(task.step_id, on=unit_day(case.unit, now)),
        event=EventType.WAIT_ENDED_EARLY,
        details={
            "step": task.step_id,
            "due_at": task.due_at,
            "evidence": evidence,
            "attachments": ids,
        },
        now=now,
        actor=actor,
    )
    return task


# -- handing over ---------------------------------------------------------------------------

# Apps whose rows follow a case to its new unit (the complaint beside a complaint's case)
# register here in ``ready()``: cases never imports them.
HandoverListener = Callable[[Case, OrgUnit, OrgUnit], None]
_LISTENERS: list[HandoverListener] = []


def case_handover_listener_register(listener: HandoverListener) -> None:
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)


def handover_refusal(spec: SOPSpec, unit: OrgUnit) -> str | None:
    """Why ``unit`` cannot take a case of ``spec``: the roles nobody holds there (through the
    unit's adoption of the SOP)."""
    missing = roles_unfilled(spec, unit)
    if not missing:
        return None
    return _("%(unit)s tidak menjalankan SOP %(code)s: tidak ada pemegang jabatan %(roles)s.") % {
        "unit": unit.name,
        "code": spec.code,
        "roles": ", ".join(name for name, _code in missing),
    }


@transaction.atomic
def case_handover(
    *,
    case: Case,
    actor: Person,
    to_unit: OrgUnit,
    reason: str,
    now: dt.datetime | None = None,
) -> Case:
    """Move an open case to ``to_unit`` (see the module docstring): both units' heads are
    told, the event records from, to and why."""
    now = now or timezone.now()
    reason = _text(reason, field="reason", label=_("Alasan penyerahan"), limit=REASON_MAX)
    case = case_lock(case.pk)
    _refuse_unless_open(case)
    _refuse_unless_directs(actor, case, _("menyerahkan"))
    from_unit = case.unit
    if to_unit.pk == from_unit.pk:
        raise Invalid(
            _("Pilih unit lain; kasus ini sudah di %(unit)s.") % {"unit": to_unit.name},
            field="to_unit",
        )
    spec = case_spec(case)
    refusal = handover_refusal(spec, to_unit)
    if refusal:
        raise Invalid(refusal, field="to_unit")
    live = list(Task.objects.filter(case=case, status__in=[TaskStatus.OPEN, TaskStatus.CLAIMED]))
    Task.objects.filter(case=case).update(unit=to_unit)
    # Offered again to the position of the new unit that fills the step's role (its adoption
    # of the SOP): the old assignee works elsewhere.
    positions = role_map(spec, to_unit)
    for task in live:
        task.role = step_position(spec, spec.step(task.step_id), positions) or task.role
        task.status, task.assignee, task.claimed_at = TaskStatus.OPEN, None, None
    Task.objects.bulk_update(live, ["role", "status", "assignee", "claimed_at"])
    Attachment.objects.filter(case=case).update(unit=to_unit)
    case.unit = to_unit
    audit_record(
        case=case,
        type=EventType.CASE_HANDED_OVER,
        actor=actor,
        at=now,
        data={
            "from": from_unit.code,
            "to": to_unit.code,
            "reason": reason,
            "tasks": [t.pk for t in live],
            "before": {"unit": from_unit.code},
            "after": {"unit": to_unit.code},
        },
        save=["unit"],
    )
    for listener in _LISTENERS:
        listener(case, from_unit, to_unit)
    message = _("Kasus %(number)s diserahkan dari %(from)s ke %(to)s oleh %(who)s: %(reason)s") % {
        "number": case.number,
        "from": from_unit.name,
        "to": to_unit.name,
        "who": actor.full_name,
        "reason": reason,
    }
    told: set[int] = set()  # a person heading both units is told once
    for unit in (from_unit, to_unit):
        heads = [head for head in supervisors_of(unit) if head.pk not in told]
        told.update(head.pk for head in heads)
        notify(
            kind=Notification.Kind.CASE_HANDED_OVER,
            recipients=heads,
            unit=unit,
            case=case,
            message=message,
            now=now,
        )
    moved = list(Task.objects.filter(pk__in=[t.pk for t in live]).order_by("pk"))
    tasks_handed_over_notify(case=case, tasks=moved, actor=actor, now=now)
    return case


__all__ = [
    "CHILDREN_CHOICES",
    "case_cancel_by_officer",
    "case_handover",
    "case_handover_listener_register",
    "correctable_tasks",
    "correction_refusal",
    "field_correct",
    "handover_refusal",
    "may_direct",
    "may_end_wait",
    "open_children",
    "responsible_role",
    "wait_end_early",
]
