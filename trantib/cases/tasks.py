"""Background jobs (django-tasks): each takes an id and calls one service.

A job is enqueued for every task with a due time, to run at that time (``run_after``); the
periodic ``deadlines_sweep`` in ``trantib worker`` is the safety net for jobs that were lost.
"""

from __future__ import annotations

import logging
import threading

from django_tasks import task

from trantib.core.worker import JobResult

from . import services
from .models import Task, TaskKind

logger = logging.getLogger("trantib.worker")


@task()
def task_deadline_check(task_id: int) -> str:
    kind = Task.objects.filter(pk=task_id).values_list("kind", flat=True).first()
    if kind == TaskKind.WAIT:
        return "fired" if services.wait_fire(task_id=task_id) else "skipped"
    return "overdue" if services.task_mark_overdue(task_id=task_id) else "skipped"


def deadlines_job(stopping: threading.Event) -> JobResult:
    """The periodic safety net (``trantib worker``): mark any late task whose job was lost."""
    result = services.deadlines_sweep()
    if result.overdue or result.fired:
        logger.info(
            "deadline sweep: %d task(s) marked overdue, %d wait(s) fired",
            result.overdue,
            result.fired,
        )
    return JobResult(
        result.overdue + result.fired,
        f"deadline sweep: {result.overdue} task(s) marked overdue, {result.fired} wait(s) fired",
    )


def deadline_warnings_job(stopping: threading.Event) -> JobResult:
    """Notices for work due within ``TRANTIB_DEADLINE_LEAD_MINUTES`` (once per task)."""
    warned = services.deadlines_warn()
    return JobResult(warned, f"deadline warnings: {warned} task(s) warned")


def digests_job(stopping: threading.Event) -> JobResult:
    """The morning digest, once per person and day from ``TRANTIB_DIGEST_HOUR`` local time."""
    made = services.digests_send()
    return JobResult(made, f"morning digest: {made} person(s) told")
