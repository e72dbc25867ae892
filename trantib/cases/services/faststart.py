"""The fast path of a case's start, on PostgreSQL: a case opened and its first step done —
a complaint's intake, an officer's own start — in two statements instead of about fifteen.

A plain start (the first step without hooks, guards, uploads or a ``members`` field filled, no
parent case, an engine outcome that only offers tasks) is what every complaint's intake does.
Through the ORM (:func:`~.flow.case_create`, then the first step's completion) it reads the
SOP version, inserts the case, its first task, the ``case_opened`` event, updates the case,
reads the task back, completes it and writes ``late_from``. Here it costs

1. the engine run and every row decided in Python, before anything is written: the start's
   outcome, the first task, its completion's outcome and the tasks it offers, by the ORM
   path's own functions (:func:`~.flow.outcome_tasks`, :func:`~.steps.completion_apply`,
   :func:`~.steps.task_done`, :func:`~.steps.completed_data`);
2. one statement that takes the case's number from its counter (``counter_next``'s upsert:
   the counter row stays locked until the transaction ends, so numbers stay gap-free) and ids
   for the case, its tasks and its two events, and finds the SOP version's row;
3. one statement of data-modifying CTEs (:class:`~.fastpath.Batch`): the case row as it
   stands after the first step (state, chain head, ``late_from``), the first task done, the
   tasks it offers with their deadline jobs and their holders' notices, and the two events.

Anything not plain returns None before the first statement, and the ORM path does the start
in the same transaction (and gives any refusal its message). As in the ORM path
(``done_at_once``), the first step, done before anyone could see it, gets neither a notice nor
a deadline job. ``tests/test_faststart.py`` starts the same cases through both paths and
compares every row they write.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, transaction

from trantib.accounts.models import OrgUnit, Person
from trantib.core.counters import counter_upsert_sql
from trantib.core.errors import Invalid
from trantib.core.rows import run_prepared
from trantib.engine import runtime
from trantib.engine.spec import FieldType, SOPSpec, Step
from trantib.sops import registry
from trantib.sops.models import SopVersion

from ..audit import event_next
from ..models import Case, Event, EventType, Task, TaskKind
from .fastpath import (
    ORM_ONLY,
    Batch,
    NotPlain,
    deadline_job_rows,
    json_row,
    notices_deliver,
    notices_sql,
)
from .flow import (
    case_counter_key,
    case_number,
    deadline_jobs_in_database,
    deadlines_due,
    deadlines_enqueue,
    offered_summary,
    outcome_tasks,
    unit_day,
)
from .hooks import step_guards, step_hooks
from .notifications import offered_notices
from .roles import sop_version_for


def case_start_fast(
    *,
    spec: SOPSpec,
    unit: OrgUnit,
    first_step: Step,
    entry: str,
    actor: Person | None,
    subject: str,
    data: Mapping[str, Any],
    requirements: Sequence[str],
    now: dt.datetime,
) -> Case | None:
    """Open a case of ``spec`` in ``unit`` with ``first_step`` done by ``actor`` (None: a
    citizen through a public channel) as ``cases._start`` would, or None: not plain (the ORM
    path must do it). The caller has checked the subject, the start guard and the actor's
    position; call inside the start's transaction."""
    if connection.vendor != "postgresql" or ORM_ONLY.get() or not isinstance(data, Mapping):
        return None
    if step_hooks(first_step) or step_guards(first_step):
        return None
    plan = _plan(spec, unit, first_step, entry, actor, subject, data, requirements, now)
    if plan is None:
        return None
    case, first, offered, start_outcome, outcome, before = plan

    serial, case_id, task_ids, event_ids, version = _numbers(spec, unit, case, len(offered))
    case.pk, case.serial = case_id, serial
    case.number = case_number(unit, spec.code, case.year, serial)
    # The row's key and hash are all a case needs of it (``case_spec``), not the SOP's text;
    # a row that does not hold the text the spec was loaded from is recorded again, as the
    # ORM path's ``sop_version_for`` does.
    digest = registry.sha256_of(spec)
    if version is None or (digest and version.sha256 != digest):
        version = sop_version_for(spec)
    case.sop_version = version
    for task, pk in zip([first, *offered], task_ids, strict=True):
        task.pk, task.case = pk, case

    case.state = start_outcome.state.to_dict()
    opened = event_next(
        case=case,
        type=EventType.CASE_OPENED,
        actor=actor,
        at=now,
        data={
            "number": case.number,
            "sop": spec.key,
            "subject": subject,
            "entry": entry or spec.start.id,
            "parent": None,
            "start_data": {},
            "after": {"active": list(start_outcome.state.active)},
            "offered": offered_summary([first]),
        },
    )
    opened.pk = event_ids[0]
    case.event_seq, case.event_hash = opened.seq, opened.hash
    from .steps import completed_data

    done = event_next(
        case=case,
        type=EventType.TASK_COMPLETED,
        actor=actor,
        task=first,
        at=now,
        data=completed_data(
            task=first, attachments=[], before=before, outcome=outcome, offered=offered
        ),
    )
    done.pk = event_ids[1]
    case.event_seq, case.event_hash = done.seq, done.hash
    case.state = outcome.state.to_dict()
    case.late_from = _late_from([first, *offered], now)

    batch = Batch()
    try:
        batch.insert(case)
        batch.insert(first)
        for task in offered:
            batch.insert(task)
        due = deadlines_due(offered)
        if due and deadline_jobs_in_database():
            for job in deadline_job_rows(due):
                batch.insert(job)
        today = now.astimezone(unit.zone()).date()
        for task, kind, message in offered_notices(
            spec=spec, case=case, outcome=outcome, tasks=offered, now=now
        ):
            made = [unit.pk, kind, case.pk, task.pk, message, now]
            recipients = [unit.pk, task.role, today, today, actor.pk if actor else 0]
            batch.add(notices_sql(), [*made, *recipients], returns=True)
        batch.insert(opened)
        batch.insert(done)
    except NotPlain as exc:  # the number is taken: no second way round any more
        raise RuntimeError(f"faststart: a row of case {case.number} is not JSON") from exc
    if due and not deadline_jobs_in_database():
        transaction.on_commit(lambda: deadlines_enqueue(due))
    notices_deliver(batch.run(), now)
    return case


Plan = tuple[Case, Task, list[Task], runtime.Outcome, runtime.Outcome, list[str]]


def _plan(
    spec: SOPSpec,
    unit: OrgUnit,
    first_step: Step,
    entry: str,
    actor: Person | None,
    subject: str,
    data: Mapping[str, Any],
    requirements: Sequence[str],
    now: dt.datetime,
) -> Plan | None:
    """The engine's two outcomes and the rows they make (no ids yet), or None: not plain.
    (the case, its first task done, the tasks that offers, the start's outcome, the first
    step's outcome, the steps active before it)."""
    from .steps import _check_requirements, completion_apply, files_wanted, task_done

    try:
        start = runtime.start(spec, entry=entry, data=None, on=unit_day(unit, now))
    except runtime.ActionRefused:
        return None
    if not all(isinstance(e, runtime.TaskOffered) for e in start.effects):
        return None
    case = Case(
        unit=unit,
        sop_code=spec.code,
        year=now.astimezone(unit.zone()).year,
        subject=subject,
        state=start.state.to_dict(),
        opened_by=actor,
        opened_at=now,
        parent=None,
        parent_step="",
    )
    firsts, closed, requests = outcome_tasks(spec=spec, case=case, outcome=start, now=now)
    if closed or requests or [t.step_id for t in firsts] != [first_step.id]:
        return None
    first = firsts[0]
    try:
        recorded = runtime.check_data(first_step, dict(data))
        if any(f.type is FieldType.MEMBERS and recorded.get(f.name) for f in first_step.records):
            return None
        if files_wanted(first_step, recorded, []):
            return None
        ticked = _check_requirements(first_step, requirements)
        json_row({"data": recorded})
    except (runtime.ActionRefused, Invalid, NotPlain):
        return None
    state = runtime.CaseState.from_dict(case.state)
    try:
        outcome = completion_apply(spec, state, first_step, case, first, recorded, "", now)
    except runtime.ActionRefused:
        return None
    if not all(isinstance(e, runtime.TaskOffered | runtime.TaskDone) for e in outcome.effects):
        return None
    offered, closed, requests = outcome_tasks(spec=spec, case=case, outcome=outcome, now=now)
    if closed or requests:
        return None
    if any((t.step_id, t.occurrence) == (first.step_id, first.occurrence) for t in offered):
        return None  # the first step offered again to itself: the ORM path orders the rows
    task_done(first, actor=actor, now=now, step=first_step, outcome=outcome, decision="")
    first.requirements_checked = ticked
    first.data = recorded
    return case, first, offered, start, outcome, list(state.active)


def _numbers(
    spec: SOPSpec, unit: OrgUnit, case: Case, offered: int
) -> tuple[int, int, list[int], list[int], SopVersion | None]:
    """(the case's serial, its id, ids for its tasks, ids for its two events, the SOP
    version's row without its text, or None when the library was never synced)."""
    key = case_counter_key(unit.pk, spec.code, case.year)
    row = run_prepared(_numbers_sql(), [key, 1 + offered, spec.code, spec.version])[0]
    serial, case_id, task_ids, event_ids, version_id, sha256 = row
    version = None
    if version_id is not None:
        version = SopVersion.from_db(
            DEFAULT_DB_ALIAS,
            ["id", "code", "version", "sha256"],
            [version_id, spec.code, spec.version, sha256],
        )
    return int(serial), case_id, list(task_ids), list(event_ids), version


@functools.cache
def _numbers_sql() -> str:
    def seq(model: type[Any]) -> str:
        return f"nextval(pg_get_serial_sequence('{model._meta.db_table}', 'id'))"

    q = connection.ops.quote_name
    return (
        f"WITH n AS ({counter_upsert_sql()})"
        f" SELECT n.{q('last')}, {seq(Case)},"
        f" ARRAY(SELECT {seq(Task)} FROM generate_series(1, %s)),"
        f" ARRAY(SELECT {seq(Event)} FROM generate_series(1, 2)),"
        f" v.id, v.{q('sha256')}"
        f" FROM n LEFT JOIN {q(SopVersion._meta.db_table)} v"
        f" ON v.{q('code')} = %s AND v.{q('version')} = %s"
    )


def _late_from(tasks: Sequence[Task], now: dt.datetime) -> dt.datetime | None:
    """``late_from_of_case`` of a case whose tasks are all ``tasks``: the earliest due time of
    a work step still live, or done after it was due."""
    late = [
        t.due_at
        for t in tasks
        if t.kind == TaskKind.WORK
        and t.due_at is not None
        and (t.completed_at is None or t.completed_at > t.due_at)
    ]
    return min(late, default=None)
