"""``trantib worker`` — run the background loop (:mod:`trantib.core.worker`) until stopped:
the due django-tasks jobs and every app's periodic jobs (the deadline sweep, the outbox…).

With ``TRANTIB_TASKS=rq`` the jobs live in Redis: the main thread runs an RQ worker for them
and the periodic loop runs in a thread beside it, also moving the jobs whose time has come onto
their queue (:mod:`trantib.core.jobs_rq`). A Redis that does not answer at the start is one line
and exit status 1; run as many workers as you like, on as many machines.
"""

from __future__ import annotations

import signal
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS, task_backends

from trantib.core.worker import Worker, periodic_jobs, worker_thread_start

DEADLINES = "deadlines"  # the cases app's sweep, whose period --sweep-seconds sets


def _every(text: str) -> tuple[str, float]:
    name, sep, seconds = text.partition("=")
    known = {job.name for job in periodic_jobs()}
    if not sep or name not in known:
        raise CommandError(
            f"--every: {text!r} is not NAME=SECONDS with NAME one of {', '.join(sorted(known))}",
            returncode=2,
        )
    try:
        value = float(seconds)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise CommandError(f"--every: {seconds!r} is not a positive number", returncode=2)
    return name, value


class Command(BaseCommand):
    help = (
        "Run background jobs (deadlines), the periodic deadline sweep and the notification "
        "outbox until stopped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            help="every periodic job once and the due jobs, then exit",
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
        parser.add_argument(
            "--every",
            action="append",
            default=[],
            metavar="NAME=SECONDS",
            help="run the periodic job NAME every SECONDS (e.g. polmas=60); repeatable",
        )

    def handle(
        self,
        *args: Any,
        once: bool,
        interval: float,
        sweep_seconds: float | None,
        every: list[str],
        **opts: Any,
    ) -> None:
        if interval <= 0:
            raise CommandError(f"--interval: {interval} is not a positive number", returncode=2)
        if sweep_seconds is not None and sweep_seconds <= 0:
            raise CommandError(
                f"--sweep-seconds: {sweep_seconds} is not a positive number", returncode=2
            )
        periods = dict(_every(text) for text in every)
        if sweep_seconds is not None:
            periods[DEADLINES] = sweep_seconds
        from django_tasks_rq.backend import RQBackend

        backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
        if isinstance(backend, RQBackend):
            self._handle_rq(sorted(backend.queues), once=once, interval=interval, every=periods)
            return
        loop = Worker(interval=interval, every=periods)
        if once:
            self.stdout.write("; ".join(r.summary for r in loop.run_once()))
            return

        def stop(signum: int, frame: FrameType | None) -> None:
            if loop.stopping.is_set():
                raise SystemExit(1)  # a second Ctrl-C: do not wait for the running job
            self._stopping(signum)
            loop.stop()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self._started(loop, f"jobs every {loop.interval:g} s")
        loop.run()
        self.stdout.write("Trantib worker stopped")

    def _started(self, loop: Worker, jobs: str) -> None:
        periods = ", ".join(
            f"{job.name} every {period:g} s"
            for job in periodic_jobs()
            if (period := loop.period(job) or loop.interval)
        )
        self.stdout.write(f"Trantib worker: {jobs}, {periods} (Ctrl-C to stop)")
        self.stdout.flush()

    def _stopping(self, signum: int) -> None:
        self.stdout.write(f"{signal.strsignal(signum)}: stopping after the current job")
        self.stdout.flush()

    def _handle_rq(
        self, queues: list[str], *, once: bool, interval: float, every: dict[str, float]
    ) -> None:
        from trantib.core.jobs_rq import RQJobs, redis_problem, redis_url_shown

        problem = redis_problem(queues[0])
        if problem:
            raise CommandError(problem, returncode=1)
        rq = RQJobs(queues)
        try:
            if once:
                loop = Worker(interval=interval, every=every, jobs=rq.drain)
                self.stdout.write("; ".join(r.summary for r in loop.run_once()))
                return
            loop = worker_thread_start(interval=interval, every=every, jobs=rq.schedule)
            stopped: list[int] = []

            def on_stop(signum: int) -> None:
                if not stopped:
                    self._stopping(signum)
                stopped.append(signum)
                loop.stop()

            from django.conf import settings

            url = redis_url_shown(str(settings.RQ_QUEUES[queues[0]].get("URL", "?")))
            self._started(loop, f"jobs from Redis at {url} (queue {', '.join(queues)})")
            try:
                rq.work(on_stop=on_stop)
            finally:
                loop.stop()
                if loop.thread is not None:
                    loop.thread.join(timeout=60)
        finally:
            rq.close()
        if not stopped:  # RQ gave up by itself (it logged why): let the supervisor restart us
            raise CommandError("the RQ worker stopped; see the log above", returncode=1)
        self.stdout.write("Trantib worker stopped")
