"""``trantib worker`` — run the background loop (:mod:`trantib.core.worker`) until stopped:
the due django-tasks jobs and every app's periodic jobs (the deadline sweep, the outbox…)."""

from __future__ import annotations

import signal
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from trantib.core.worker import Worker, periodic_jobs

DEADLINES = "deadlines"  # the cases app's sweep, whose period --sweep-seconds sets


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

    def handle(
        self, *args: Any, once: bool, interval: float, sweep_seconds: float | None, **opts: Any
    ) -> None:
        if interval <= 0:
            raise CommandError(f"--interval: {interval} is not a positive number", returncode=2)
        if sweep_seconds is not None and sweep_seconds <= 0:
            raise CommandError(
                f"--sweep-seconds: {sweep_seconds} is not a positive number", returncode=2
            )
        every = {DEADLINES: sweep_seconds} if sweep_seconds is not None else {}
        loop = Worker(interval=interval, every=every)
        if once:
            self.stdout.write("; ".join(r.summary for r in loop.run_once()))
            return

        def stop(signum: int, frame: FrameType | None) -> None:
            if loop.stopping.is_set():
                raise SystemExit(1)  # a second Ctrl-C: do not wait for the running job
            self.stdout.write(f"{signal.strsignal(signum)}: stopping after the current job")
            self.stdout.flush()
            loop.stop()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        periods = ", ".join(
            f"{job.name} every {period:g} s"
            for job in periodic_jobs()
            if (period := loop.period(job) or loop.interval)
        )
        self.stdout.write(
            f"Trantib worker: jobs every {loop.interval:g} s, {periods} (Ctrl-C to stop)"
        )
        self.stdout.flush()
        loop.run()
        self.stdout.write("Trantib worker stopped")
