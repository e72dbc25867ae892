"""The background loop: due django-tasks jobs and every app's periodic jobs.

Each app declares its periodic work in its ``AppConfig.ready()`` with
:func:`periodic_job_register` — the cases app its deadline sweep (every
``TRANTIB_SWEEP_SECONDS``), the outbox its delivery (every cycle) — and the loop runs them in
their ``order``, next to the jobs django-tasks-db holds (a deadline job is due at its task's
due time). With the RQ backend (``TRANTIB_TASKS=rq``) ``trantib worker`` gives the loop another
``jobs`` step — moving the jobs whose time has come onto their Redis queue — and runs the RQ
worker beside it (:mod:`trantib.core.jobs_rq`); ``trantib serve``'s thread then runs the
periodic jobs only.

Every periodic job is safe to run in several workers at once (two ``trantib worker``, or one
beside ``serve``'s thread): each takes its rows under a lock or a unique constraint
(docs/decisions/0010-background-jobs-on-redis.md lists how).

``trantib worker`` runs the loop until stopped; ``trantib serve`` runs it in a daemon thread,
so the embedded default needs no second process. ``stop()`` may be called from a signal
handler or another thread: the loop ends after the job it is running, never in the middle.
One failing job is logged and tried again next time; it never ends the loop.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.db import connections
from django.utils.crypto import get_random_string
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.management.commands.db_worker import Worker as DbWorker

logger = logging.getLogger("trantib.worker")


@dataclass(frozen=True)
class JobResult:
    """What one run did: ``count`` (added up in ``Worker.totals``) and one line for people."""

    count: int
    summary: str


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    run: Callable[[threading.Event], JobResult]  # given the stop flag: check it between batches
    every: Callable[[], float] | None  # seconds between runs; None: every cycle
    order: int
    doing: str  # what it does, for the log: "delivering the outbox" (failed)


_JOBS: dict[str, PeriodicJob] = {}


def periodic_job_register(
    name: str,
    run: Callable[[threading.Event], JobResult],
    *,
    every: Callable[[], float] | None = None,
    order: int = 50,
    doing: str = "",
) -> None:
    """Run ``run(stopping)`` from the background loop, every cycle or every ``every()``
    seconds, in
    ``order`` (below 50: before the due django-tasks jobs). ``doing`` names the work in the
    log line of a failure ("delivering the outbox failed")."""
    _JOBS[name] = PeriodicJob(
        name=name, run=run, every=every, order=order, doing=doing or f"running {name}"
    )


def periodic_jobs() -> list[PeriodicJob]:
    return sorted(_JOBS.values(), key=lambda j: (j.order, j.name))


class _QuietBatches(logging.Filter):
    """The loop runs django-tasks-db's worker in batch mode every second; its "starting" and
    "no more tasks" lines would then fill the log. Job lines and warnings still pass."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(("Starting worker ", "No more tasks to run "))


_quiet = _QuietBatches()


JobsStep = Callable[[threading.Event], JobResult]


class Worker:
    """Every ``interval`` seconds: the periodic jobs that are due, in order, then the due
    django-tasks jobs (named ``jobs`` here). ``every`` overrides a job's period by name;
    ``jobs`` replaces the database backend's step (:meth:`drain`) with another backend's."""

    JOBS = "jobs"

    def __init__(
        self,
        *,
        interval: float = 1.0,
        every: Mapping[str, float] | None = None,
        jobs: JobsStep | None = None,
    ):
        self.interval = max(0.05, interval)
        self.every = {name: max(0.05, seconds) for name, seconds in (every or {}).items()}
        self.stopping = threading.Event()
        self.runs: dict[str, int] = {}  # how often each job ran
        self.totals: dict[str, int] = {}  # each job's counts added up since the start
        self.cycles = 0  # loop turns completed
        self.thread: threading.Thread | None = None
        self._db_worker: DbWorker | None = None
        self._worker_id = f"trantib-{os.getpid()}-{get_random_string(8)}"
        self._next: dict[str, float] = {}
        self.jobs: JobsStep = jobs or self.drain
        db_worker_log = logging.getLogger("django_tasks_db")
        if _quiet not in db_worker_log.filters:
            db_worker_log.addFilter(_quiet)

    def period(self, job: PeriodicJob) -> float | None:
        if job.name in self.every:
            return self.every[job.name]
        return max(0.05, job.every()) if job.every is not None else None

    # -- one cycle --------------------------------------------------------------------

    def drain(self, stopping: threading.Event) -> JobResult:
        """Run every django-tasks job that is due (nothing when they live elsewhere)."""
        if not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
            return JobResult(0, "0 job(s) run")
        worker = DbWorker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=False,
            max_tasks=None,
            worker_id=self._worker_id,
            excluded_queue_names=[],
        )
        self._db_worker = worker
        try:
            if not self.stopping.is_set():
                worker.run()
        finally:
            self._db_worker = None
        return JobResult(worker._run_tasks, f"{worker._run_tasks} job(s) run")

    def _run(self, name: str, run: Callable[[threading.Event], JobResult]) -> JobResult:
        result = run(self.stopping)
        self.runs[name] = self.runs.get(name, 0) + 1
        self.totals[name] = self.totals.get(name, 0) + result.count
        return result

    def run_once(self) -> list[JobResult]:
        """Every periodic job once, and the due jobs: one line each, in order."""
        results = [self._run(job.name, job.run) for job in periodic_jobs() if job.order < 50]
        results.append(self._run(self.JOBS, self.jobs))
        results += [self._run(job.name, job.run) for job in periodic_jobs() if job.order >= 50]
        return results

    # -- the loop ---------------------------------------------------------------------

    def _cycle(self) -> None:
        now = time.monotonic()
        jobs = periodic_jobs()
        steps: list[tuple[str, Callable[[threading.Event], JobResult], float | None, str]] = [
            *((j.name, j.run, self.period(j), j.doing) for j in jobs if j.order < 50),
            (self.JOBS, self.jobs, None, "running background jobs"),
            *((j.name, j.run, self.period(j), j.doing) for j in jobs if j.order >= 50),
        ]
        for name, run, period, doing in steps:
            if self.stopping.is_set():
                return
            if period is not None:
                if now < self._next.get(name, 0.0):
                    continue
                self._next[name] = now + period
            try:
                self._run(name, run)
            except Exception:
                logger.exception("%s failed", doing)

    def run(self) -> None:
        while not self.stopping.is_set():
            self._cycle()
            self.cycles += 1
            self.stopping.wait(self.interval)

    def stop(self) -> None:
        self.stopping.set()
        worker = self._db_worker
        if worker is not None:
            worker.running = False  # finish the current job, take no other

    def _run_in_thread(self) -> None:
        try:
            self.run()
        finally:
            connections.close_all()  # this thread's connections only


def worker_thread_start(
    *,
    interval: float = 1.0,
    every: Mapping[str, float] | None = None,
    jobs: JobsStep | None = None,
) -> Worker:
    """Start the loop in a daemon thread (``trantib serve``; ``trantib worker`` on RQ, whose
    main thread runs the RQ worker); returns the running worker."""
    loop = Worker(interval=interval, every=every, jobs=jobs)
    loop.thread = threading.Thread(target=loop._run_in_thread, name="trantib-worker", daemon=True)
    loop.thread.start()
    return loop
