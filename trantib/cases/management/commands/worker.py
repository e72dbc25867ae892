"""``trantib worker`` — run the background jobs and, as a safety net, the deadline sweep.

The jobs are django-tasks-db's: the same ``Worker`` as its ``db_worker`` command, in batch mode,
drained every ``--interval`` seconds (a deadline job is due at its task's due time). Every
``TRANTIB_SWEEP_SECONDS`` the loop also runs :func:`services.deadlines_sweep`, which marks any
late task whose job was lost (a restore, a backend switch). Every cycle it also delivers the
notification outbox (:func:`trantib.outbox.services.outbox_deliver`: SMS and e-mail written by
the services, sent here with retries). ``trantib serve`` runs the same loop in a daemon thread,
so the embedded default needs no second process.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from dataclasses import dataclass
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.utils.crypto import get_random_string
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import task_backends
from django_tasks_db.management.commands.db_worker import Worker

from trantib.cases import services
from trantib.cases import tasks as jobs
from trantib.outbox.services import outbox_deliver

logger = logging.getLogger("trantib.worker")


class _QuietBatches(logging.Filter):
    """The loop runs django-tasks-db's worker in batch mode every second; its "starting" and
    "no more tasks" lines would then fill the log. Job lines and warnings still pass."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(("Starting worker ", "No more tasks to run "))


_quiet = _QuietBatches()


@dataclass(frozen=True)
class CycleResult:
    overdue: int
    fired: int
    jobs: int
    sent: int = 0  # outbox messages delivered


class DeadlineWorker:
    """Drain due jobs every ``interval`` seconds; sweep deadlines every ``sweep_seconds``.

    ``stop()`` may be called from a signal handler or another thread: the loop ends after the
    job it is running, never in the middle of one.
    """

    def __init__(self, *, sweep_seconds: float | None = None, interval: float = 1.0) -> None:
        if sweep_seconds is None:
            sweep_seconds = float(getattr(settings, "TRANTIB_SWEEP_SECONDS", 30))
        self.sweep_seconds = max(0.05, sweep_seconds)
        self.interval = max(0.05, interval)
        self.stopping = threading.Event()
        self.swept = threading.Event()  # set after every sweep: lets tests and callers wait
        self.sweeps = 0
        self.cycles = 0  # loop turns completed (a sweep when due, the due jobs, the outbox)
        self.sent = 0  # outbox messages delivered since the start
        self.thread: threading.Thread | None = None
        self._worker: Worker | None = None
        self._worker_id = f"trantib-{os.getpid()}-{get_random_string(8)}"
        db_worker_log = logging.getLogger("django_tasks_db")
        if _quiet not in db_worker_log.filters:
            db_worker_log.addFilter(_quiet)

    # -- one cycle --------------------------------------------------------------------

    def sweep(self) -> services.SweepResult:
        result = services.deadlines_sweep()
        self.sweeps += 1
        self.swept.set()
        if result.overdue or result.fired:
            logger.info(
                "deadline sweep: %d task(s) marked overdue, %d wait(s) fired",
                result.overdue,
                result.fired,
            )
        return result

    def drain(self) -> int:
        """Run every job that is due, then return how many ran. Nothing when the jobs live
        elsewhere (RQ): that backend has its own worker."""
        backend_name = jobs.task_deadline_check.backend
        if not isinstance(task_backends[backend_name], DatabaseBackend):
            return 0
        worker = Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name=backend_name,
            startup_delay=False,
            max_tasks=None,
            worker_id=self._worker_id,
            excluded_queue_names=[],
        )
        self._worker = worker
        try:
            if not self.stopping.is_set():
                worker.run()
        finally:
            self._worker = None
        return worker._run_tasks

    # A full batch means more may be due: take another, but not forever in one cycle (the
    # deadline jobs wait meanwhile).
    OUTBOX_BATCH = 50
    OUTBOX_BATCHES_PER_CYCLE = 10

    def deliver(self) -> int:
        """Send the due outbox messages; return how many were sent."""
        sent = 0
        for _ in range(self.OUTBOX_BATCHES_PER_CYCLE):
            if self.stopping.is_set():
                break
            result = outbox_deliver(limit=self.OUTBOX_BATCH)
            sent += result.sent
            if result.handled < self.OUTBOX_BATCH:
                break
        self.sent += sent
        return sent

    def run_once(self) -> CycleResult:
        swept = self.sweep()
        ran = self.drain()
        sent = self.deliver()
        return CycleResult(overdue=swept.overdue, fired=swept.fired, jobs=ran, sent=sent)

    # -- the loop ---------------------------------------------------------------------

    def run(self) -> None:
        next_sweep = 0.0
        while not self.stopping.is_set():
            # One bad cycle (a locked database, a failing job's bookkeeping) must not end the
            # loop: log it and try again next time.
            if time.monotonic() >= next_sweep:
                next_sweep = time.monotonic() + self.sweep_seconds
                try:
                    self.sweep()
                except Exception:
                    logger.exception("deadline sweep failed")
            try:
                self.drain()
            except Exception:
                logger.exception("running background jobs failed")
            try:
                self.deliver()
            except Exception:
                logger.exception("delivering the outbox failed")
            self.cycles += 1
            self.stopping.wait(self.interval)

    def stop(self) -> None:
        self.stopping.set()
        worker = self._worker
        if worker is not None:
            worker.running = False  # finish the current job, take no other

    def _run_in_thread(self) -> None:
        try:
            self.run()
        finally:
            connections.close_all()  # this thread's connections only


def worker_thread_start(
    *, sweep_seconds: float | None = None, interval: float = 1.0
) -> DeadlineWorker:
    """Start the loop in a daemon thread (``trantib serve``); returns the running worker."""
    loop = DeadlineWorker(sweep_seconds=sweep_seconds, interval=interval)
    loop.thread = threading.Thread(target=loop._run_in_thread, name="trantib-worker", daemon=True)
    loop.thread.start()
    return loop


class Command(BaseCommand):
    help = (
        "Run background jobs (deadlines), the periodic deadline sweep and the notification "
        "outbox until stopped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            help="one sweep, run the due jobs, deliver the outbox, then exit",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="seconds between looks for due jobs (default: 1)",
        )
        parser.add_argument(
            "--sweep-seconds",
            type=float,
            default=None,
            help="seconds between deadline sweeps (default: TRANTIB_SWEEP_SECONDS)",
        )

    def handle(
        self, *args: Any, once: bool, interval: float, sweep_seconds: float | None, **opts: Any
    ) -> None:
        if interval <= 0:
            raise CommandError(f"--interval: {interval} is not a positive number", returncode=2)
        if sweep_seconds is not None and sweep_seconds <= 0:
            raise CommandError(
                f"--sweep-seconds: {sweep_seconds} is not a positive number", returncode=2
            )
        loop = DeadlineWorker(sweep_seconds=sweep_seconds, interval=interval)
        if once:
            result = loop.run_once()
            self.stdout.write(
                f"deadline sweep: {result.overdue} task(s) marked overdue, "
                f"{result.fired} wait(s) fired; {result.jobs} job(s) run; "
                f"{result.sent} message(s) sent"
            )
            return

        def stop(signum: int, frame: FrameType | None) -> None:
            if loop.stopping.is_set():
                raise SystemExit(1)  # a second Ctrl-C: do not wait for the running job
            self.stdout.write(f"{signal.strsignal(signum)}: stopping after the current job")
            self.stdout.flush()
            loop.stop()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(
            f"Trantib worker: jobs every {loop.interval:g} s, deadline sweep every "
            f"{loop.sweep_seconds:g} s, outbox every {loop.interval:g} s (Ctrl-C to stop)"
        )
        self.stdout.flush()
        loop.run()
        self.stdout.write("Trantib worker stopped")
