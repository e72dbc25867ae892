"""Background jobs on Redis (``TRANTIB_TASKS=rq``): the backend the services enqueue through, and
the RQ side of ``trantib worker``. docs/decisions/0010-background-jobs-on-redis.md.

- :class:`RQBackend` is django-tasks-rq's backend with one change: when Redis does not answer,
  ``enqueue`` logs one line and returns a FAILED result instead of raising. Trantib enqueues
  after the commit of the change that needs the job (``cases.services.flow``), so the change is
  saved whole whatever Redis does, and every Trantib job has a periodic job that does its work
  when the job is lost (``task_deadline_check`` has the deadline sweep): a request that
  enqueues while Redis is down succeeds, and the late task is marked by the sweep.
- :class:`RQJobs` is what ``trantib worker`` runs on RQ: an RQ ``SimpleWorker`` in the main
  thread (jobs one at a time in this process: no fork, so no database connection shared with a
  child), and :meth:`RQJobs.schedule`, a step of the periodic loop that moves the jobs whose
  ``run_after`` has come onto their queue while this worker holds RQ's scheduler lock for the
  queue (one worker at a time; the lock lapses 61 s after its holder dies and another worker
  takes it). RQ's own scheduler would do this in a forked process, which outlives a worker
  killed with SIGKILL; as a step of the loop it dies with the worker.

A job is taken from its queue by exactly one worker (Redis' ``BLMOVE`` is atomic) and moved
there by exactly one scheduler (the lock); what a job does is idempotent all the same (it locks
its task and looks again), so a job run twice would change nothing twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import socket
import threading
import urllib.parse
from collections.abc import Callable, Sequence
from types import FrameType
from typing import Any

import django_rq
import redis
from django.conf import settings
from django.db import close_old_connections
from django.utils.crypto import get_random_string
from django_tasks import TaskResult, TaskResultStatus
from django_tasks.base import Task, TaskError
from django_tasks.utils import get_module_path, get_random_id
from django_tasks_rq import backend as rq_backend
from rq.queue import Queue
from rq.registry import ScheduledJobRegistry
from rq.scheduler import RQScheduler
from rq.utils import current_timestamp
from rq.worker import SimpleWorker

from .worker import JobResult

logger = logging.getLogger("trantib.worker")


def redis_url_shown(url: str) -> str:
    """The Redis address for a log line: the password, if any, left out."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}:***@" if parts.username else ":***@"
    return urllib.parse.urlunsplit(parts._replace(netloc=user + host))


def _queue_url(queue_name: str = "default") -> str:
    return str(settings.RQ_QUEUES.get(queue_name, {}).get("URL", "?"))


def _no_answer(exc: redis.RedisError, queue_name: str = "default") -> str:
    reason = " ".join(str(exc).split()).rstrip(".") or type(exc).__name__
    return f"Redis at {redis_url_shown(_queue_url(queue_name))} does not answer ({reason})"


class RQBackend(rq_backend.RQBackend):
    """django-tasks-rq's backend; an unreachable Redis is one logged line, not an exception."""

    def enqueue(self, task: Task[Any, Any], args: Any, kwargs: Any) -> TaskResult[Any]:
        if task.run_after is not None and task.run_after.microsecond:
            # RQ schedules in whole seconds, rounded down: a job due at 09:00:00.4 would run at
            # 09:00:00.0, find its task not yet due and do nothing. Rounded up, it never runs
            # before its time.
            later = task.run_after.replace(microsecond=0) + dt.timedelta(seconds=1)
            task = task.using(run_after=later)
        try:
            return super().enqueue(task, args, kwargs)
        except redis.RedisError as exc:
            # Enqueued after the commit: raising here would turn a saved change into an error
            # page (and a person trying again). The job's periodic twin does its work.
            logger.error(
                "job %s%s not queued: %s; the worker's periodic jobs will do its work",
                task.name,
                tuple(args),
                _no_answer(exc, task.queue_name),
            )
            return TaskResult(
                task=task,
                id=get_random_id(),
                status=TaskResultStatus.FAILED,
                enqueued_at=None,
                started_at=None,
                finished_at=None,
                last_attempted_at=None,
                args=list(args),
                kwargs=dict(kwargs),
                backend=self.alias,
                errors=[TaskError(exception_class_path=get_module_path(type(exc)), traceback="")],
                worker_ids=[],
            )


def redis_problem(queue_name: str = "default") -> str:
    """One line naming why the jobs' Redis cannot be used, or empty."""
    try:
        django_rq.get_connection(queue_name).ping()
    except redis.RedisError as exc:
        return (
            f"TRANTIB_TASKS=rq: {_no_answer(exc, queue_name)}. Start Redis, or set "
            "TRANTIB_REDIS_URL to where it runs (TRANTIB_TASKS=db keeps the jobs in the database)."
        )
    return ""


def _log_level() -> int:
    # RQ logs two lines per job at INFO; follow the level set for django-tasks' own job lines.
    return logging.getLogger("django_tasks").getEffectiveLevel()


class _Worker(SimpleWorker):
    """RQ's in-process worker: the database connection looked at around each job (as
    django-tasks-db's worker does), jobs counted, and the stop signal passed on to ``on_stop``."""

    on_stop: Callable[[int], None] | None = None
    listen = True  # to RQ's commands (``rq`` CLI: shutdown, stop-job); not in a burst run
    ran = 0

    def subscribe(self) -> None:
        """RQ's, with the listening thread waking every second rather than every minute: RQ
        stops it at the end, and redis 8.2 waits for it to wake (a stop took up to 60 s)."""
        if not self.listen:
            return
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(  # type: ignore[assignment]
            sleep_time=1, daemon=True, exception_handler=self._pubsub_exception_handler
        )

    def execute_job(self, job: Any, queue: Queue) -> None:
        close_old_connections()
        try:
            super().execute_job(job, queue)
        finally:
            self.ran += 1
            close_old_connections()

    def _install_signal_handlers(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return  # only the main thread may; a burst run elsewhere is stopped by its caller

        def stop(signum: int, frame: FrameType | None) -> None:
            if self.on_stop is not None:
                self.on_stop(signum)
            # A second signal: RQ's cold shutdown.
            self.request_stop(signum, frame)  # type: ignore[no-untyped-call]

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)


class RQJobs:
    """The jobs of ``queue_names`` on Redis, as ``trantib worker`` runs them."""

    def __init__(self, queue_names: Sequence[str] = ("default",)) -> None:
        self.queue_names = list(queue_names)
        self.name = f"trantib-{socket.gethostname()}-{os.getpid()}-{get_random_string(6)}"
        self.scheduler = RQScheduler(
            self.queue_names,
            connection=django_rq.get_connection(self.queue_names[0]),
            logging_level=_log_level(),
            name=self.name,
        )
        self._redis_down = False

    def _queues(self) -> list[Queue]:
        return [django_rq.get_queue(n, job_class=rq_backend.Job) for n in self.queue_names]

    # -- the loop's step: jobs whose time has come onto their queue ----------------------

    def schedule(self, stopping: threading.Event) -> JobResult:
        """Move the jobs whose ``run_after`` has passed onto their queue, if this worker holds
        the scheduler lock of the queue (taken or kept for 61 s at each call)."""
        try:
            owned = self.scheduler.acquire_locks()  # type: ignore[no-untyped-call]
            due = 0
            if owned:
                now = current_timestamp()
                for name in owned:
                    registry = ScheduledJobRegistry(  # type: ignore[no-untyped-call]
                        name, connection=self.scheduler.connection
                    )
                    due += len(registry.get_jobs_to_schedule(now))
                self.scheduler.enqueue_scheduled_jobs()  # type: ignore[no-untyped-call]
        except redis.RedisError as exc:
            if not self._redis_down:  # one line when it goes, one when it comes back
                logger.error("%s; the due jobs wait for it", _no_answer(exc, self.queue_names[0]))
                self._redis_down = True
            return JobResult(0, "0 job(s) due: Redis does not answer")
        if self._redis_down:
            logger.warning("Redis answers again: due jobs are queued")
            self._redis_down = False
        return JobResult(due, f"{due} job(s) due")

    # -- the RQ worker ------------------------------------------------------------------

    def work(self, *, burst: bool = False, on_stop: Callable[[int], None] | None = None) -> int:
        """Run the queued jobs in this thread — the main one: RQ times a job out with SIGALRM —
        until SIGTERM/SIGINT (after the current job), or, with ``burst``, until the queues are
        empty. The number of jobs run. The signal handlers in place before are put back."""
        worker = _Worker(
            self._queues(),
            name=f"{self.name}-{get_random_string(4)}" if burst else self.name,
            connection=django_rq.get_connection(self.queue_names[0]),
            job_class=rq_backend.Job,
            log_job_description=False,
        )
        worker.on_stop = on_stop
        worker.listen = not burst
        main = threading.current_thread() is threading.main_thread()
        before = (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM))
        try:
            worker.work(burst=burst, logging_level=logging.getLevelName(_log_level()))
        finally:
            if main:
                signal.signal(signal.SIGINT, before[0])
                signal.signal(signal.SIGTERM, before[1])
        return worker.ran

    def drain(self, stopping: threading.Event) -> JobResult:
        """The due jobs, now: moved onto their queue, then run in this thread, which must be
        the main one (RQ times a job out with SIGALRM). ``trantib worker --once``, tests."""
        self.schedule(stopping)
        ran = 0 if stopping.is_set() else self.work(burst=True)
        return JobResult(ran, f"{ran} job(s) run")

    def close(self) -> None:
        """Give the scheduler lock back, so another worker schedules at once."""
        try:
            self.scheduler.release_locks()  # type: ignore[no-untyped-call]
        except redis.RedisError as exc:
            logger.warning("scheduler lock not released (it lapses by itself): %s", exc)
