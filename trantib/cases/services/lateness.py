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


def case_late_refresh(*case_ids: int) -> None:
    """Set ``late_from`` of these cases from their tasks as they stand (one UPDATE)."""
    Case.objects.filter(pk__in=case_ids).update(late_from=late_from_of_case())


def cases_late_backfill(case_model: Any = Case, task_model: Any = Task) -> int:
    """Set ``late_from`` on every case that was ever late (a migration, the benchmark's
    generated history: rows made before it was kept, all empty). Only those rows are written —
    on a large history most cases were never late, and rewriting every row costs minutes."""
    ever_late = Exists(late_steps(task_model).filter(case_id=OuterRef("pk")))
    return int(case_model.objects.filter(ever_late).update(late_from=late_from_of_case(task_model)))
