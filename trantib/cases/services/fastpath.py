"""The fast path of a task's completion, on PostgreSQL: the same rows as the ORM path in two
statements instead of a dozen.

A plain completion (no uploads, no step hooks or guards, no ``members`` field filled, an
outcome that only offers tasks: no wait, no linked case, no closing) is by far the commonest
action in the product. Through the ORM it costs about 13 statements; here it costs

1. one read that locks the case and brings back the case, its unit, the task, the SOP
   version's key, whether the actor holds the task's position today, the case's attachments
   free for this task, and ids for the next task and the event;
2. the engine and every row built in Python, by the same functions as the ORM path
   (:func:`~.flow.outcome_tasks`, :func:`~.steps.task_done`, :func:`~.steps.completed_data`,
   :func:`~.notifications.offered_notices`, :func:`~trantib.cases.audit.event_next`);
3. one statement that writes them all, each write a data-modifying CTE: the task done, the
   attachments taken, the next task, its deadline job (database backend), the holders'
   notices, the event, and the case row with its chain head and ``late_from``. Each row
   travels as one JSON parameter that PostgreSQL reads as the table's row
   (``jsonb_populate_record``), so the statement stays small enough for psycopg to cache.

Whenever anything is not plain — a refusal of any kind included — :func:`task_complete_fast`
returns None before writing anything and the ORM path does the work, inside the same
transaction, with the case already locked: it gives the refusal its message. So this module
never refuses anything and never decides anything the ORM path would decide differently. The
SQL written by hand here (the position check, the holders' notices, ``late_from``) mirrors
:func:`trantib.accounts.selectors.person_holds_role`,
:func:`~trantib.accounts.selectors.holders_to_notify` and
:func:`~.lateness.late_from_of_case`; ``tests/test_fastpath.py`` runs the same completions
through both paths and compares the rows they write, row for row.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import json
import uuid
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.db.models import Model
from django.utils import timezone

from trantib.accounts.models import Assignment, OrgUnit, Person, Position
from trantib.core.errors import Invalid
from trantib.core.rows import model_fields as _fields
from trantib.core.rows import model_instance as _instance
from trantib.core.rows import run_prepared
from trantib.engine import runtime
from trantib.engine.spec import FieldType
from trantib.sops.models import SopVersion

from ..audit import event_next
from ..models import (
    Attachment,
    Case,
    Event,
    EventType,
    Notification,
    Task,
    TaskKind,
    TaskStatus,
)
from .flow import (
    deadline_jobs_in_database,
    deadlines_due,
    deadlines_enqueue,
    outcome_tasks,
)
from .hooks import step_guards, step_hooks
from .notifications import offered_notices
from .roles import case_spec

ORM_ONLY: contextvars.ContextVar[bool] = contextvars.ContextVar("orm_only", default=False)
_LIVE = (TaskStatus.OPEN, TaskStatus.CLAIMED)


@contextlib.contextmanager
def orm_only() -> Iterator[None]:
    """Complete through the ORM path only while inside (the tests that compare the paths)."""
    token = ORM_ONLY.set(True)
    try:
        yield
    finally:
        ORM_ONLY.reset(token)


def task_complete_fast(
    *,
    task: Task,
    actor: Person,
    data: Mapping[str, Any],
    decision: str,
    requirements: Sequence[str],
    attachments: Sequence[int],
    now: dt.datetime,
) -> Task | None:
    """Complete ``task`` as :func:`~.steps.task_complete` would, or None: not plain (the ORM
    path must do it). Call inside the completion's transaction."""
    if connection.vendor != "postgresql" or ORM_ONLY.get() or not isinstance(data, Mapping):
        return None
    read = _locked_read(task, actor)
    if read is None:
        return None
    case, task, holds, free, next_id, event_id = read
    if task.status not in _LIVE or task.kind != TaskKind.WORK or not holds:
        return None
    if task.assignee_id is not None and task.assignee_id != actor.pk:
        return None
    spec = case_spec(case)
    step = spec.step(task.step_id)
    if step_hooks(step) or step_guards(step):
        return None
    from .steps import (
        TASK_DONE_FIELDS,
        _check_requirements,
        completed_data,
        completion_apply,
        files_wanted,
        task_done,
    )

    try:
        recorded = runtime.check_data(step, dict(data))
        if any(f.type is FieldType.MEMBERS and recorded.get(f.name) for f in step.records):
            return None
        wanted = files_wanted(step, recorded, list(attachments))
        ticked = _check_requirements(step, requirements)
    except (runtime.ActionRefused, Invalid):
        return None
    if not wanted <= free:
        return None
    state = runtime.CaseState.from_dict(case.state)
    try:
        outcome = completion_apply(spec, state, step, case, task, recorded, decision, now)
    except runtime.ActionRefused:
        return None
    if not all(isinstance(e, runtime.TaskOffered | runtime.TaskDone) for e in outcome.effects):
        return None
    new_tasks, closed, requests = outcome_tasks(spec=spec, case=case, outcome=outcome, now=now)
    if closed or requests:
        return None
    if any((t.step_id, t.occurrence) == (task.step_id, task.occurrence) for t in new_tasks):
        return None  # a step offered again to itself: its row must be done before the new one
    ids = _task_ids(next_id, len(new_tasks))
    for new, pk in zip(new_tasks, ids, strict=True):
        new.pk = pk
    task_done(task, actor=actor, now=now, step=step, outcome=outcome, decision=decision)
    task.requirements_checked = ticked
    task.data = recorded
    case.state = outcome.state.to_dict()
    event = event_next(
        case=case,
        type=EventType.TASK_COMPLETED,
        actor=actor,
        task=task,
        at=now,
        data=completed_data(
            task=task,
            attachments=list(attachments),
            before=list(state.active),
            outcome=outcome,
            offered=new_tasks,
        ),
    )
    event.pk = event_id
    case.event_seq, case.event_hash = event.seq, event.hash
    try:
        batch = Batch()
        batch.update(task, TASK_DONE_FIELDS)
        if attachments:
            batch.add(
                f"UPDATE {_t(Attachment)} SET task_id = %s"
                " WHERE case_id = %s AND id = ANY(%s) AND task_id IS NULL",
                [task.pk, case.pk, list(attachments)],
            )
        for new in new_tasks:
            batch.insert(new)
        due = deadlines_due(new_tasks)
        if due and deadline_jobs_in_database():
            for job in deadline_job_rows(due):
                batch.insert(job)
        today = now.astimezone(case.unit.zone()).date()
        for new, kind, message in offered_notices(
            spec=spec, case=case, outcome=outcome, tasks=new_tasks, now=now
        ):
            made = [case.unit_id, kind, case.pk, new.pk, message, now]
            recipients = [case.unit_id, new.role, today, today, actor.pk]
            batch.add(notices_sql(), [*made, *recipients], returns=True)
        batch.insert(event)
        # late_from: the statement sees the tasks as they were before it, so the task done and
        # the new ones count from here, the case's other tasks from the subquery.
        late = [t.due_at for t in new_tasks if t.kind == TaskKind.WORK and t.due_at is not None]
        if task.due_at is not None and now > task.due_at:
            late.append(task.due_at)
        batch.add(
            f"UPDATE {_t(Case)} SET state = %s, event_seq = %s, event_hash = %s,"
            f" late_from = LEAST(%s::timestamptz, ({_late_from_sql()})) WHERE id = %s",
            [
                db_value(Case, "state", case.state),
                case.event_seq,
                case.event_hash,
                min(late, default=None),
                case.pk,
                task.pk,
                case.pk,
            ],
        )
    except NotPlain:
        return None
    if due and not deadline_jobs_in_database():
        transaction.on_commit(lambda: deadlines_enqueue(due))
    notices_deliver(batch.run(), now)
    task.case = case
    return task


def notices_deliver(ids: Sequence[int], now: dt.datetime) -> None:
    """Send by e-mail or SMS the notices a batch made whose person chose so, as ``notify``
    does (their messages go to the outbox in this transaction)."""
    if not ids:
        return
    from .notifications import _deliver

    for notice in Notification.objects.filter(pk__in=ids).select_related(
        "recipient", "unit", "case"
    ):
        _deliver(notice, now=now)


# -- the read --------------------------------------------------------------------------------


def _locked_read(task: Task, actor: Person) -> tuple[Case, Task, bool, set[int], int, int] | None:
    """(the case locked, the task as it stands, whether the actor holds its position, the
    case's attachments free for it, an id for the next task and one for the event), or None:
    not this case's task."""
    found = run_prepared(_read_sql(), [actor.pk, task.pk, timezone.now(), task.case_id])
    if not found:
        return None
    row = found[0]
    n_case, n_unit, n_task = (len(_fields(m)) for m in (Case, OrgUnit, Task))
    case = _instance(Case, row[:n_case])
    unit = _instance(OrgUnit, row[n_case : n_case + n_unit])
    at = n_case + n_unit
    fresh = _instance(Task, row[at : at + n_task])
    version_id, code, version, sha256, holds, free, next_id, event_id = row[at + n_task :]
    case.unit = unit
    case.sop_version = SopVersion.from_db(
        DEFAULT_DB_ALIAS, ["id", "code", "version", "sha256"], [version_id, code, version, sha256]
    )
    fresh.case = case
    return case, fresh, bool(holds), set(free), next_id, event_id


@functools.cache
def _read_sql() -> str:
    """Lock the case row only (``OF c``, as :func:`~.flow.case_lock`), and read what a
    completion needs. The position check is :func:`person_holds_role` on today in the unit's
    zone."""
    a, p = _meta(Assignment), _meta(Position)
    cols = ", ".join(
        [f"c.{_q(f.column)}" for f in _fields(Case)]
        + [f"u.{_q(f.column)}" for f in _fields(OrgUnit)]
        + [f"t.{_q(f.column)}" for f in _fields(Task)]
    )
    return (
        f"SELECT {cols}, sv.id, sv.code, sv.version, sv.sha256,"
        f" EXISTS (SELECT 1 FROM {_t(Assignment)} a JOIN {_t(Position)} p"
        f" ON p.{p['id']} = a.{a['position']}"
        f" WHERE a.{a['person']} = %s AND p.{p['unit']} = c.unit_id AND p.{p['code']} = t.role"
        f" AND a.{a['valid_from']} <= d.day"
        f" AND (a.{a['valid_until']} IS NULL OR a.{a['valid_until']} >= d.day)),"
        f" ARRAY(SELECT f.id FROM {_t(Attachment)} f WHERE f.case_id = c.id"
        f" AND (f.task_id IS NULL OR f.task_id = t.id)),"
        f" nextval(pg_get_serial_sequence('{Task._meta.db_table}', 'id')),"
        f" nextval(pg_get_serial_sequence('{Event._meta.db_table}', 'id'))"
        f" FROM {_t(Case)} c JOIN {_t(OrgUnit)} u ON u.id = c.unit_id"
        f" JOIN {_t(SopVersion)} sv ON sv.id = c.sop_version_id"
        f" JOIN {_t(Task)} t ON t.case_id = c.id AND t.id = %s"
        " CROSS JOIN LATERAL (SELECT (%s::timestamptz AT TIME ZONE u.timezone)::date AS day) d"
        " WHERE c.id = %s FOR NO KEY UPDATE OF c"
    )


def _task_ids(first: int, count: int) -> list[int]:
    """Ids for ``count`` new tasks: the one the read took, and more if an outcome offers
    several (parallel branches)."""
    if count <= 1:
        return [first][:count]
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT nextval(pg_get_serial_sequence('{Task._meta.db_table}', 'id'))"
            " FROM generate_series(1, %s)",
            [count - 1],
        )
        return [first, *(r[0] for r in cur.fetchall())]


# -- the writes ------------------------------------------------------------------------------


class Batch:
    """The writes as one statement: each a data-modifying CTE, then a SELECT of the notices
    to deliver by e-mail or SMS. One round trip, and one statement for the server to run
    (every part sees the rows as they were before it: the caller counts ``late_from``
    accordingly). Foreign keys are checked at the statement's end, so a notice may refer to
    the task inserted beside it."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, Sequence[Any], bool]] = []

    def add(self, sql: str, params: Sequence[Any], returns: bool = False) -> None:
        self.statements.append((sql, params, returns))

    def insert(self, obj: Model) -> None:
        """Insert ``obj`` (its id set) from one JSON parameter: PostgreSQL reads each column
        from it as the column's type (``jsonb_populate_record``)."""
        row = {f.column: _json_value(f, f.pre_save(obj, True)) for f in _fields(type(obj))}
        self.add(_insert_sql(type(obj)), [json_row(row)])

    def update(self, obj: Model, names: Sequence[str]) -> None:
        fields: list[Any] = [type(obj)._meta.get_field(n) for n in names]
        row = {f.column: _json_value(f, f.pre_save(obj, False)) for f in fields}
        columns = tuple(f.column for f in fields)
        self.add(_update_sql(type(obj), columns), [json_row(row), obj.pk])

    def run(self) -> list[int]:
        parts: list[str] = []
        params: list[Any] = []
        made: list[str] = []
        for i, (sql, values, returns) in enumerate(self.statements):
            parts.append(f"w{i} AS ({sql})")
            params.extend(values)
            if returns:
                made.append(f"SELECT id, recipient_id FROM w{i}")
        final = (
            _delivered_sql().replace("{made}", " UNION ALL ".join(made))
            if made
            else " SELECT NULL WHERE false"
        )
        return [r[0] for r in run_prepared("WITH " + ", ".join(parts) + final, params)]


@functools.cache
def _insert_sql(model: type[Model]) -> str:
    t = _t(model)
    return f"INSERT INTO {t} SELECT * FROM jsonb_populate_record(NULL::{t}, %s::jsonb)"


@functools.cache
def _update_sql(model: type[Model], columns: tuple[str, ...]) -> str:
    t, cols = _t(model), ", ".join(_q(c) for c in columns)
    picked = ", ".join(f"r.{_q(c)}" for c in columns)
    return (
        f"UPDATE {t} SET ({cols}) = (SELECT {picked}"
        f" FROM jsonb_populate_record(NULL::{t}, %s::jsonb) r) WHERE id = %s"
    )


def _json_value(field: Any, value: Any) -> Any:
    """A model value as JSON that PostgreSQL reads back as the same column value: times and
    days in ISO form (the offset kept), uuids as text, JSON columns as they are."""
    if value is None:
        return None
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if field.is_relation and isinstance(value, Model):
        return value.pk
    return value


def json_row(row: dict[str, Any]) -> str:
    """A row as JSON; values JSON cannot hold (which the ORM path would store through its own
    encoder) refuse the fast path (``NotPlain``)."""
    try:
        return json.dumps(row, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise NotPlain from exc


class NotPlain(Exception):
    """A value the fast path does not write: the ORM path does the completion."""


def deadline_job_rows(due: Sequence[tuple[int, dt.datetime]]) -> list[Model]:
    """The database backend's job rows for the deadline checks, as ``enqueue`` makes them."""
    from django_tasks import task_backends
    from django_tasks.utils import normalize_json
    from django_tasks_db.models import DBTaskResult

    from trantib.cases import tasks as jobs

    backend = task_backends[jobs.task_deadline_check.backend]
    rows: list[Model] = []
    for task_id, at in due:
        job = jobs.task_deadline_check.using(run_after=at)
        backend.validate_task(job)
        rows.append(
            DBTaskResult(
                id=backend._get_id(),  # type: ignore[attr-defined]  # the backend's own ids
                args_kwargs=normalize_json({"args": [task_id], "kwargs": {}}),
                priority=job.priority,
                task_path=job.module_path,
                queue_name=job.queue_name,
                run_after=job.run_after,  # type: ignore[misc]  # as the backend passes it
                backend_name=backend.alias,
            )
        )
    return rows


@functools.cache
def notices_sql() -> str:
    """One notice per holder of the new task's position on the day (``holders_to_notify``),
    the actor excepted, as ``notify`` makes them; returns their ids and recipients."""
    n, a, p = _meta(Notification), _meta(Assignment), _meta(Position)
    cols = ["unit", "recipient", "kind", "case", "task", "message", "created_at"]
    missing = {f.name for f in _fields(Notification) if not f.primary_key} - {
        *cols,
        "read_at",
        "day",
    }
    if missing:  # a new column must be written here too
        raise RuntimeError(f"fastpath: notification column(s) not written: {sorted(missing)}")
    return (
        f"INSERT INTO {_t(Notification)}"
        f" ({', '.join(n[c] for c in cols)}, {n['read_at']}, {n['day']})"
        f" SELECT %s, person.id, %s, %s, %s, %s, %s, NULL, NULL FROM {_t(Person)} person"
        f" WHERE person.id IN (SELECT a.{a['person']} FROM {_t(Assignment)} a"
        f" JOIN {_t(Position)} p ON p.{p['id']} = a.{a['position']}"
        f" WHERE p.{p['unit']} = %s AND p.{p['code']} = %s AND a.{a['valid_from']} <= %s"
        f" AND (a.{a['valid_until']} IS NULL OR a.{a['valid_until']} >= %s))"
        f" AND person.id <> %s RETURNING id, {n['recipient']} AS recipient_id"
    )


@functools.cache
def _delivered_sql() -> str:
    """Of the notices made (the CTEs ``{names}``), those whose person also chose e-mail or SMS
    (``notice_channels``): they are then delivered through the ORM."""
    person = _meta(Person)
    return (
        f" SELECT made.id FROM ({{made}}) made JOIN {_t(Person)} person"
        " ON person.id = made.recipient_id"
        f" WHERE (person.{person['notify_email']} AND person.{person['email']} <> '')"
        f" OR (person.{person['notify_sms']} AND person.{person['phone']} <> '')"
    )


@functools.cache
def _late_from_sql() -> str:
    """``late_from_of_case`` for the case ``%s`` without the task ``%s`` (the one being done,
    counted by the caller): the earliest due time of its work steps that are open, claimed, or
    were done after their due time."""
    live = ", ".join(f"'{s}'" for s in (TaskStatus.OPEN, TaskStatus.CLAIMED, TaskStatus.DONE))
    return (
        f"SELECT t.due_at FROM {_t(Task)} t WHERE t.case_id = %s AND t.id <> %s"
        f" AND t.kind = '{TaskKind.WORK}'"
        f" AND t.status IN ({live}) AND t.due_at IS NOT NULL"
        " AND (t.completed_at IS NULL OR t.completed_at > t.due_at)"
        " ORDER BY t.due_at LIMIT 1"
    )


# -- model plumbing --------------------------------------------------------------------------


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _t(model: type[Model]) -> str:
    return _q(model._meta.db_table)


def _meta(model: type[Model]) -> dict[str, str]:
    """Field name → quoted column."""
    return {f.name: _q(f.column) for f in _fields(model)}


def db_value(model: type[Model], name: str, value: Any) -> Any:
    return model._meta.get_field(name).get_db_prep_save(value, connection)  # type: ignore[union-attr]
