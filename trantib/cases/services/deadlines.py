"""Time passing: late tasks are marked and notified, waits fire their follow-up."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trantib.accounts.selectors import holders_of
from trantib.core.dates import datetime_id
from trantib.engine import runtime

from ..audit import audit_record
from ..models import (
    EventType,
    Notification,
    Task,
    TaskKind,
    TaskStatus,
)
from .flow import system_step, task_lock, unit_day
from .notifications import notify
from .roles import supervisors_of


@transaction.atomic
def wait_fire(*, task_id: int, now: dt.datetime | None = None) -> bool:
    """A wait step's deadline has passed: the flow goes on to its follow-up (e.g. checking
    compliance). False when the task is not a due, live wait (already fired, not yet due)."""
    now = now or timezone.now()
    task = Task.objects.filter(pk=task_id).first()
    if task is None:
        return False
    case, task = task_lock(task)
    if not task.is_live or task.kind != TaskKind.WAIT or task.due_at is None or task.due_at > now:
        return False
    system_step(
        case=case,
        task=task,
        action=runtime.DeadlinePassed(task.step_id, on=unit_day(case.unit, now)),
        event=EventType.DEADLINE_PASSED,
        details={"step": task.step_id, "due_at": task.due_at},
        now=now,
    )
    return True


@transaction.atomic
def task_mark_overdue(*, task_id: int, now: dt.datetime | None = None) -> bool:
    """Mark a late work task and tell its assignee (or the holders of its position) and the
    supervisor, once. False when the task is done, not yet due, or already marked."""
    now = now or timezone.now()
    task = Task.objects.filter(pk=task_id).first()
    if task is None:
        return False
    case, task = task_lock(task)
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
    if task.assignee is not None:
        performers = [task.assignee]
    else:
        performers = list(holders_of(case.unit, task.role))
    recipients = {p.pk: p for p in [*performers, *supervisors_of(case.unit)]}
    late = datetime_id(task.due_at, case.unit.zone())  # "3 Desember 2026 09.54 WIB"
    message = _("Tugas “%(title)s” pada %(number)s melewati batas waktu %(due)s (%(std)s).") % {
        "title": task.title[:200],
        "number": case.number,
        "due": late,
        "std": task.standard,
    }
    notify(
        kind=Notification.Kind.TASK_OVERDUE,
        recipients=recipients.values(),
        unit=case.unit,
        case=case,
        task=task,
        message=message,
        now=now,
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
