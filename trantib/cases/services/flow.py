"""The machinery every service shares: case numbers, the case lock, and persisting an
engine outcome (tasks, timers, linked cases, closing) with its audit events."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from trantib.accounts.models import OrgUnit, Person
from trantib.core.counters import counter_next
from trantib.core.dates import date_id
from trantib.core.errors import Invalid
from trantib.engine import runtime
from trantib.engine.spec import SOPSpec, Step

from ..audit import audit_record
from ..models import (
    Case,
    CaseStatus,
    EventType,
    Task,
    TaskKind,
    TaskStatus,
)
from .hooks import case_ended, wait_period
from .lateness import case_late_refresh
from .notifications import tasks_offered_notify
from .roles import case_spec, role_map, sop_version_for, spec_in_force, step_position


def case_counter_key(unit_id: int, sop_code: str, year: int) -> str:
    return f"case:{unit_id}:{sop_code}:{year}"


def _next_serial(unit: OrgUnit, sop_code: str, year: int) -> int:
    """The next case serial, gap-free (the counter row stays locked until the transaction
    ends; a rolled-back start gives its number back)."""
    return counter_next(case_counter_key(unit.pk, sop_code, year))


def case_number(unit: OrgUnit, sop_code: str, year: int, serial: int) -> str:
    return f"{unit.code}/{sop_code}/{year}/{serial:04d}"


@dataclass
class _Applied:
    offered: list[Task]
    closed: bool
    children: list[Case]


def unit_day(unit: OrgUnit, now: dt.datetime) -> dt.date:
    """The date in the unit's own zone (WIB/WITA/WIT) at ``now``."""
    return now.astimezone(unit.zone()).date()


def outcome_persist(
    *,
    spec: SOPSpec,
    case: Case,
    outcome: runtime.Outcome,
    actor: Person | None,
    now: dt.datetime,
    offered_to: Person | None = None,
    done_at_once: str = "",
) -> _Applied:
    """Persist an outcome's effects (tasks, timers, linked cases, closing). The caller holds
    the case lock and saves the case row afterwards. ``offered_to``: tell only this holder of
    the new tasks' positions (a scheduled activity opened for its own officer).
    ``done_at_once``: the step a case's start does in the same transaction (its first step):
    nobody is told of it and no deadline is set for it, since it is done before anyone could
    see it."""
    case.state = outcome.state.to_dict()
    new_tasks, closed, requests = outcome_tasks(spec=spec, case=case, outcome=outcome, now=now)
    if new_tasks:
        Task.objects.bulk_create(new_tasks)
        waiting = [t for t in new_tasks if t.step_id != done_at_once]
        _schedule_deadlines(waiting)
        tasks_offered_notify(
            spec=spec,
            case=case,
            outcome=outcome,
            tasks=waiting,
            actor=actor,
            now=now,
            only=offered_to,
        )
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
    case_late_refresh(case.pk)  # a step done (late or not), new steps, or the rest cancelled
    return _Applied(offered=new_tasks, closed=closed, children=children)


def _row_began(case: Case, lead_id: str) -> dt.datetime | None:
    """When the row led by ``lead_id`` was last offered in ``case``: its time counts from
    there. None when the case entered the row after its lead (an entry step)."""
    if case.pk is None:
        return None
    return (
        Task.objects.filter(case=case, step_id=lead_id)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )


def outcome_tasks(
    *, spec: SOPSpec, case: Case, outcome: runtime.Outcome, now: dt.datetime
) -> tuple[list[Task], bool, list[runtime.LinkedCasesRequested]]:
    """The task rows an outcome offers (not saved), whether it closes the case, and the linked
    cases it asks for. Shared by :func:`outcome_persist` and the completion's fast path
    (``fastpath``), so both write the same rows."""
    new_tasks: list[Task] = []
    closed = False
    requests: list[runtime.LinkedCasesRequested] = []
    mapped: dict[str, str] | None = None

    def position(step: Step) -> str:
        # The unit's position that fills the step's role (its adoption of the SOP), read once.
        nonlocal mapped
        if mapped is None:
            mapped = role_map(spec, case.unit_id)
        return step_position(spec, step, mapped)

    for effect in outcome.effects:
        if isinstance(effect, runtime.TaskOffered):
            step = spec.step(effect.step)
            # A patrol planned for the 24th starts (and its duration counts) on the 24th.
            start = _occurrence_start(spec, case.unit, effect.occurrence, now)
            # An operation's field task counts from the operation's recorded hour (starts_at).
            counts_from = runtime.step_start(spec, outcome.state, step, case.unit.zone()) or start
            time = effect.time
            if (lead := spec.row_timed(step.id)) is not None:
                # One Waktu for a row through several roles: due when the row's time is up.
                time = lead.time
                counts_from = _row_began(case, lead.id) or counts_from
            new_tasks.append(
                Task(
                    unit_id=case.unit_id,
                    case=case,
                    step_id=step.id,
                    occurrence=effect.occurrence,
                    kind=TaskKind.WORK,
                    role=position(step),
                    title=_task_title(step, effect.occurrence),
                    created_at=start,
                    due_at=spec.calendar.due(counts_from, time, case.unit.zone()),
                    standard=time.text,
                    standard_minutes=time.upper_minutes or None,
                )
            )
        elif isinstance(effect, runtime.TimerStarted):
            step = spec.step(effect.step)
            counts_from = runtime.step_start(spec, outcome.state, step, case.unit.zone()) or now
            # A wait naming a ladder rung takes the case's Perda's period (see ``hooks``).
            period = (wait_period(spec, case, step) if step.period else None) or effect.deadline
            new_tasks.append(
                Task(
                    unit_id=case.unit_id,
                    case=case,
                    step_id=step.id,
                    kind=TaskKind.WAIT,
                    role=position(step),
                    title=step.display_title,
                    created_at=now,
                    due_at=spec.calendar.due(counts_from, period, case.unit.zone()),
                    standard=period.text,
                    standard_minutes=period.upper_minutes or None,
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
                        role=position(step),
                        title=step.display_title,
                        created_at=now,
                    )
                )
        elif isinstance(effect, runtime.CaseClosed):
            closed = True
    return new_tasks, closed, requests


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
        with contextlib.suppress(ValueError):  # a scheduled day: "3 Desember 2026", not ISO
            occurrence = date_id(dt.date.fromisoformat(occurrence))
        return f"{title} ({occurrence})"
    return title


def deadlines_due(tasks: Sequence[Task]) -> list[tuple[int, dt.datetime]]:
    """(task id, due time) of the tasks the worker must look at when they fall due."""
    return [(t.pk, t.due_at) for t in tasks if t.due_at is not None and t.kind != TaskKind.LINKED]


def deadline_jobs_in_database() -> bool:
    """Whether the deadline jobs go to the database backend (a row in the transaction)."""
    from django_tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend

    from trantib.cases import tasks as jobs

    return isinstance(task_backends[jobs.task_deadline_check.backend], DatabaseBackend)


def deadlines_enqueue(due: Sequence[tuple[int, dt.datetime]]) -> None:
    from trantib.cases import tasks as jobs

    for task_id, at in due:
        jobs.task_deadline_check.using(run_after=at).enqueue(task_id)


def _schedule_deadlines(tasks: Sequence[Task]) -> None:
    """Ask the worker to look at each task when it falls due.

    The database backend's job row is written in this transaction: it exists exactly when the
    task does, and costs no commit of its own. Other backends (RQ) are told after commit.
    """
    due = deadlines_due(tasks)
    if not due:
        return
    if deadline_jobs_in_database():
        deadlines_enqueue(due)
    else:
        transaction.on_commit(lambda: deadlines_enqueue(due))


def _open_linked(
    *,
    spec: SOPSpec,
    case: Case,
    request: runtime.LinkedCasesRequested,
    actor: Person | None,
    now: dt.datetime,
) -> list[Case]:
    code = request.sop or spec.code
    child_spec = spec if code == spec.code else spec_in_force(code)
    # A finding line naming a case already linked to this one (a patrol finding whose
    # enforcement opened on the day it was found) is that line's case: it opens no second one.
    # When the step waits, such a case counts for it only while open (it is adopted: its
    # closing moves the step on); a line naming a closed one opens a case as any other line,
    # so the waiting step always has a case to wait for.
    linked = dict(Case.objects.filter(parent=case).values_list("number", "pk").order_by("pk"))
    if request.wait:
        adoptable = Case.objects.filter(
            parent=case, status=CaseStatus.OPEN, parent_step__in=("", request.step)
        )
        linked = dict(adoptable.values_list("number", "pk"))
    named = [_named_case(i, linked) for i in request.items]
    adopted = [pk for pk in named if pk is not None]
    if adopted and request.wait:
        Case.objects.filter(pk__in=adopted).update(parent_step=request.step)
    items = tuple(i for i, pk in zip(request.items, named, strict=True) if pk is None)
    if request.items and not items:
        return []
    items = items or (None,)
    children = []
    for item in items:
        subject = f"{case.subject} — {item}" if item else case.subject
        children.append(
            case_create(
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


FINDING_SEPARATOR = " — "


def _named_case(item: Any, numbers: Mapping[str, int]) -> int | None:
    """The id of the linked case a finding line names, or None. A finding line ends with its
    case's number as its own segment ("4 Agustus 2026: Sutarman — Pasal 12 — Pasar —
    PPTNG/PPW/2026/0012", as the patrol report writes it) or is that number alone; a number
    merely mentioned in typed text, or one that only begins another (…/1000 in …/10001), names
    nothing."""
    text = str(item or "").strip()
    last = text.rsplit(FINDING_SEPARATOR, 1)[-1].strip()
    return numbers.get(last)


def offered_summary(tasks: Iterable[Task]) -> list[dict[str, Any]]:
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


def case_create(
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
    offered_to: Person | None = None,
    done_at_once: str = "",
) -> Case:
    """Open a case of ``spec`` in ``unit``: its number, its row, the tasks its start offers
    and the ``case_opened`` event. ``done_at_once``: see :func:`outcome_persist`."""
    try:
        outcome = runtime.start(spec, entry=entry, data=start_data, on=unit_day(unit, now))
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
    applied = outcome_persist(
        spec=spec,
        case=case,
        outcome=outcome,
        actor=actor,
        now=now,
        offered_to=offered_to,
        done_at_once=done_at_once,
    )
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
            "offered": offered_summary(applied.offered),
        },
        save=["state"],
    )
    return case


def case_lock(case_id: int) -> Case:
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


def task_lock(task: Task) -> tuple[Case, Task]:
    """Lock the case, then re-read the task under the lock (always in this order)."""
    case = case_lock(task.case_id)
    # People are loaded only for the messages of a refusal.
    fresh = Task.objects.get(pk=task.pk)
    fresh.case = case
    return case, fresh


def changed_fields(applied: _Applied) -> list[str]:
    """The case fields an engine outcome changed: what the step's audit event saves."""
    return ["state", "status", "closed_at"] if applied.closed else ["state"]


def case_closed_record(
    *, case: Case, applied: _Applied, actor: Person | None, now: dt.datetime
) -> None:
    """When the outcome closed the case, record it and tell a waiting parent."""
    if not applied.closed:
        return
    audit_record(
        case=case,
        type=EventType.CASE_CLOSED,
        actor=actor,
        at=now,
        data={"before": {"status": "open"}, "after": {"status": "closed"}},
    )
    case_ended(case, actor, now)
    if case.parent_id:
        _parent_check(parent_id=case.parent_id, step_id=case.parent_step, now=now)


def _parent_check(*, parent_id: int, step_id: str, now: dt.datetime) -> None:
    """When every linked case a waiting step opened has closed, the parent moves on."""
    parent = case_lock(parent_id)
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
    system_step(
        case=parent,
        task=waiting,
        action=runtime.LinkedCasesClosed(step_id, on=unit_day(parent.unit, now)),
        event=EventType.LINKED_CASES_CLOSED,
        details={"step": step_id},
        now=now,
    )


def system_step(
    *,
    case: Case,
    task: Task,
    action: runtime.DeadlinePassed | runtime.LinkedCasesClosed,
    event: EventType,
    details: dict[str, Any],
    now: dt.datetime,
    actor: Person | None = None,
) -> None:
    """A step nobody performs is done (a wait's deadline passed, the linked cases closed):
    close its task, move the case on, record it. The caller holds the case lock. ``actor``:
    the officer who ended a wait early (its condition met before the deadline)."""
    spec = case_spec(case)
    state = runtime.CaseState.from_dict(case.state)
    outcome = runtime.apply(spec, state, action)
    task.status, task.completed_at, task.completed_by = TaskStatus.DONE, now, actor
    task.duration_seconds = max(0, int((now - task.created_at).total_seconds()))
    task.save(update_fields=["status", "completed_at", "completed_by", "duration_seconds"])
    applied = outcome_persist(spec=spec, case=case, outcome=outcome, actor=actor, now=now)
    audit_record(
        case=case,
        type=event,
        actor=actor,
        task=task,
        at=now,
        data={
            **details,
            "before": {"active": list(state.active)},
            "after": {"active": list(outcome.state.active)},
            "offered": offered_summary(applied.offered),
        },
        save=changed_fields(applied),
    )
    case_closed_record(case=case, applied=applied, actor=actor, now=now)
