"""The first moment a case is late, kept on the case row (``Case.late_from``).

A case is late at a moment when one of its work steps was due before it and was not done by
its due time: still open, or done after it. ``late_from`` is the earliest due time among the
work steps that are open, claimed, or done late — so "late at T" is ``late_from < T`` for any
moment T, past or future, as the tasks stand now (a step cancelled since no longer counts).
The SPM report asks it of every case of a quarter; keeping it on the row spares an ``EXISTS``
per case over millions of tasks.

Every service that adds tasks, completes or cancels them, or moves a due time calls
:func:`case_late_refresh` in its transaction (``outcome_persist``, the due-time recount, the
case's cancellation); :func:`cases_late_backfill` sets it on rows made before it existed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, Subquery

from ..models import Case, Task, TaskKind, TaskStatus

LATE_STATUSES = (TaskStatus.OPEN, TaskStatus.CLAIMED, TaskStatus.DONE)


def late_steps(task_model: Any = Task) -> Any:
    """The work steps that make their case late from their due time."""
    return task_model.objects.filter(
        kind=TaskKind.WORK, status__in=LATE_STATUSES, due_at__isnull=False
    ).filter(Q(completed_at__isnull=True) | Q(completed_at__gt=F("due_at")))


def late_from_of_case(task_model: Any = Task) -> Subquery:
    """The first late moment of the outer case, as its tasks stand (a subquery)."""
    return Subquery(
        late_steps(task_model)
        .filter(case_id=OuterRef("pk"))
        .order_by("due_at")
        .values("due_at")[:1]
    )


# The cases whose refresh waits for the end of a ``case_late_refresh_deferred`` block.
_deferred: ContextVar[set[int] | None] = ContextVar("trantib_late_deferred", default=None)


def case_late_refresh(*case_ids: int) -> None:
    """Set ``late_from`` of these cases from their tasks as they stand (one UPDATE)."""
    pending = _deferred.get()
    if pending is not None:
        pending.update(case_ids)
        return
    Case.objects.filter(pk__in=case_ids).update(late_from=late_from_of_case())


@contextmanager
def case_late_refresh_deferred() -> Iterator[None]:
    """Refresh ``late_from`` once, at the end of the block, for every case the block asked
    to refresh: a case's start opens it (its tasks offered) and does its first step (the
    task done, the next offered), and each would write the row; the value after the last
    change is the one that stands. Only for a block inside one transaction that reads no
    ``late_from`` of its own cases. Nothing is written when the block raises."""
    pending: set[int] = set()
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
    if pending:
        case_late_refresh(*sorted(pending))


def cases_late_backfill(case_model: Any = Case, task_model: Any = Task) -> int:
    """Set ``late_from`` on every case that was ever late (a migration, the benchmark's
    generated history: rows made before it was kept, all empty). Only those rows are written —
    on a large history most cases were never late, and rewriting every row costs minutes."""
    ever_late = Exists(late_steps(task_model).filter(case_id=OuterRef("pk")))
    return int(case_model.objects.filter(ever_late).update(late_from=late_from_of_case(task_model)))
