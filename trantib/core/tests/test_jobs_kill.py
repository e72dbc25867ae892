"""A worker killed with SIGKILL in the middle of the work, and a new one started in its place,
loses nothing and does nothing twice (issue 15, item 4), on both backends (TRANTIB_TASKS=db,
and rq when a Redis answers at TRANTIB_REDIS_URL; a Redis database of the test's own).

Two ``trantib worker`` processes share one PostgreSQL (and Redis) while the test commits the
same kind of due work as the two-worker test: late tasks, due waits, tasks within the warning
lead, Polmas rules due today and outbox messages. As soon as worker 0 has taken a deadline job
(or, failing that, a few seconds into the work), it gets SIGKILL; a replacement starts. What the
killed worker held stays where it was (a django-tasks-db row left RUNNING, an RQ job left in the
started registry, the scheduler lock until it lapses, outbox messages left ``sending`` until
their lease lapses): the sweep, the other workers and the outbox's lease do that work. The test
then checks every effect happened exactly once."""

from __future__ import annotations

import datetime as dt
import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from django.utils import timezone

from trantib.accounts.models import Person
from trantib.cases.models import Notification, Task
from trantib.cases.tests.test_views import live, start_pgd
from trantib.community.models import Activity, Pos
from trantib.community.services import rule_save
from trantib.core.audit import chains_verify
from trantib.outbox.models import OutboxMessage
from trantib.outbox.services import outbox_enqueue

from .jobs_support import (
    COUNTING,
    RQ_BACKEND,
    database_url,
    deadline_job_runs,
    gateway_calls,
    redis_database_claim,
)
from .test_jobs import TWO_WEEKS, _Workers, assert_each_effect_once, committed, start_wait

LEASE = 4  # seconds: a message the killed worker was sending is taken again after this


@pytest.fixture
def redis_url() -> Iterator[str]:
    yield from redis_database_claim()


@pytest.fixture(params=["db", "rq"])
def backend(request: pytest.FixtureRequest, settings: Any) -> str:
    if request.param == "rq":
        settings.TASKS = {"default": {"BACKEND": RQ_BACKEND}}
        settings.RQ_QUEUES = {"default": {"URL": request.getfixturevalue("redis_url")}}
    return str(request.param)


@pytest.fixture
def outbox(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    settings.TRANTIB_OUTBOX_DIR = tmp_path / "outbox"
    settings.TRANTIB_OUTBOX_GATEWAYS = {"sms": COUNTING, "email": COUNTING}
    calls = tmp_path / "calls.log"
    monkeypatch.setenv("TRANTIB_TEST_CALLS", str(calls))
    return calls


def _mine(worker_id: str | None, pid: int) -> bool:
    """Whether a worker id (django-tasks-db: trantib-PID-…; RQ: trantib-HOST-PID-…) is the
    process ``pid``'s."""
    return bool(worker_id) and str(worker_id).startswith("trantib-") and f"-{pid}-" in worker_id


def _held(backend: str, pid: int) -> dict[str, int]:
    """What the process ``pid`` has begun and not finished: deadline jobs, and (for RQ) whether
    it holds the scheduler lock."""
    if backend == "db":
        from django_tasks_db.models import DBTaskResult

        running = DBTaskResult.objects.filter(status="RUNNING").values_list("worker_ids", flat=True)
        return {"running": sum(1 for ids in running if ids and _mine(ids[-1], pid))}
    import django_rq
    from rq.registry import StartedJobRegistry

    from trantib.core.jobs_rq import rq_backend

    queue = django_rq.get_queue("default", job_class=rq_backend.Job)
    ids = StartedJobRegistry(queue=queue).get_job_ids()
    jobs = rq_backend.Job.fetch_many(ids, connection=queue.connection)
    lock = queue.connection.get("rq:scheduler-lock:default")
    return {
        "running": sum(1 for j in jobs if j is not None and _mine(j.worker_name, pid)),
        "scheduler_lock": int(bool(lock) and _mine(lock.decode(), pid)),
    }


def _started_by(backend: str, pid: int) -> int:
    """Deadline jobs the process ``pid`` has taken (running or done)."""
    if backend == "db":
        from django_tasks_db.models import DBTaskResult

        rows = DBTaskResult.objects.exclude(status="READY").values_list("worker_ids", flat=True)
        return sum(1 for ids in rows if any(_mine(i, pid) for i in ids or []))
    runs = deadline_job_runs(backend)
    return (
        sum(1 for ran in runs.values() if any(_mine(w, pid) for w in ran))
        + _held(backend, pid)["running"]
    )


def _jobs_pending(backend: str, dead: int) -> int:
    """Deadline jobs due and not finished, but for those the dead process ``dead`` held (a row
    it left RUNNING, an RQ job it had started, the due jobs behind its scheduler lock): the
    sweep does their work."""
    now = timezone.now()
    if backend == "db":
        from django_tasks_db.models import DBTaskResult

        ready = DBTaskResult.objects.filter(run_after__lte=now, status="READY").count()
        running = DBTaskResult.objects.filter(status="RUNNING").values_list("worker_ids", flat=True)
        return ready + sum(1 for ids in running if not (ids and _mine(ids[-1], dead)))
    import django_rq
    from rq.registry import ScheduledJobRegistry, StartedJobRegistry

    from trantib.core.jobs_rq import rq_backend

    queue = django_rq.get_queue("default", job_class=rq_backend.Job)
    started = rq_backend.Job.fetch_many(
        StartedJobRegistry(queue=queue).get_job_ids(), connection=queue.connection
    )
    pending = queue.count + sum(
        1 for j in started if j is not None and not _mine(j.worker_name, dead)
    )
    if not _held(backend, dead)["scheduler_lock"]:
        scheduled = ScheduledJobRegistry(queue=queue)
        pending += len(scheduled.get_jobs_to_schedule(int(now.timestamp())))
    return pending


class _Killer(threading.Thread):
    """Sends SIGKILL to ``process`` once it has taken a deadline job (``armed`` set, then at
    most ``fallback`` seconds later in any case), noting what it held at that moment."""

    def __init__(self, process: Any, backend: str, fallback: float = 6.0) -> None:
        super().__init__(name="killer", daemon=True)
        self.process, self.backend, self.fallback = process, backend, fallback
        self.armed = threading.Event()
        self.killed = threading.Event()
        self.when = ""
        self.held: dict[str, int] = {}
        self.sending = 0

    def run(self) -> None:
        try:
            self.armed.wait(timeout=120)
            give_up = time.monotonic() + self.fallback
            while time.monotonic() < give_up:
                if _started_by(self.backend, self.process.pid):
                    self.when = "after it took a deadline job"
                    break
                time.sleep(0.02)
            else:
                self.when = f"{self.fallback} s into the work (no deadline job taken yet)"
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
            self.held = _held(self.backend, self.process.pid)
            self.sending = OutboxMessage.objects.filter(status=OutboxMessage.Status.SENDING).count()
            self.killed.set()
        finally:
            connections.close_all()


@pytest.mark.postgres
@committed
def test_a_worker_killed_mid_run_and_replaced_loses_and_doubles_nothing(
    backend, demo_org, outbox, tmp_path, settings
):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url(),
        "TRANTIB_VAR_DIR": str(tmp_path / "var"),
        "TRANTIB_OUTBOX_DIR": str(settings.TRANTIB_OUTBOX_DIR),
        "TRANTIB_OUTBOX_LEASE_SECONDS": str(LEASE),
        "TRANTIB_SMS_GATEWAY": COUNTING,
        "TRANTIB_EMAIL_GATEWAY": COUNTING,
        "TRANTIB_TEST_CALLS": str(outbox),
        "TRANTIB_TASKS": backend,
        "TRANTIB_DIGEST_HOUR": "0",
    }
    if backend == "rq":
        env["TRANTIB_REDIS_URL"] = settings.RQ_QUEUES["default"]["URL"]
    for folder in ("var", "first", "replacement"):
        (tmp_path / folder).mkdir()
    Person.objects.update(notify_sms=True, phone="0812-3456-7890")
    began = time.monotonic()
    first = _Workers(env, tmp_path / "first")
    replacement: _Workers | None = None
    killer = _Killer(first.processes[0], backend)
    killer.start()
    try:
        assert first.started(), [first.output(i) for i in range(2)]
        killer.armed.set()  # the work arrives while both run; worker 0 dies in the middle of it
        late = []
        for i in range(6):
            late.append(
                live(start_pgd(demo_org, subject=f"Terlambat {i}", now=timezone.now() - TWO_WEEKS))
            )
            for j in range(4):
                outbox_enqueue(
                    unit=demo_org.unit("KRJ"),
                    channel="sms",
                    recipient=f"0812-3456-7{i}{j:02d}",
                    body=f"Pengaduan Anda diterima dengan nomor PGD/{i}/{j}.",
                )
        waits = [
            live(start_wait(demo_org, now=timezone.now() - dt.timedelta(days=16))).pk
            for _ in range(3)
        ]
        soon = [live(start_pgd(demo_org, subject=f"Hampir {i}")) for i in range(3)]
        Task.objects.filter(pk__in=[t.pk for t in soon]).update(
            due_at=timezone.now() + dt.timedelta(minutes=30),
            created_at=timezone.now() - dt.timedelta(days=1),
        )
        rules = [
            rule_save(
                unit=demo_org.unit("BINMAS"),
                actor=demo_org.person("binpolmas.binmas"),
                officer=demo_org.person(officer),
                desa="Biawao",
                pos=pos,
                days="",
                starts_at=dt.time(8, 0),
                place="Pos Kamling Biawao",
            )
            for officer, pos in [
                ("banit1.binmas", Pos.SAPTA),
                ("banit2.binmas", Pos.SATRIA),
                ("banit1.binmas", Pos.KHIDMAT),
            ]
        ]
        assert killer.killed.wait(timeout=30), first.output(0)
        replacement = _Workers(env, tmp_path / "replacement", count=1)
        assert replacement.started(), replacement.output(0)
        dead = first.processes[0].pid

        def done() -> bool:
            return (
                not Task.objects.filter(pk__in=[t.pk for t in late], overdue_at__isnull=True)
                .exclude(status="done")
                .exists()
                and not Task.objects.filter(pk__in=waits, status__in=["open", "claimed"]).exists()
                and Activity.objects.filter(rule__in=rules).count() == len(rules)
                and Notification.objects.filter(
                    kind=Notification.Kind.TASK_DUE_SOON, task__in=soon
                ).count()
                >= len(soon)
                and _jobs_pending(backend, dead) == 0
                and not OutboxMessage.objects.exclude(status=OutboxMessage.Status.SENT).exists()
            )

        deadline = time.monotonic() + 60
        while not done() and time.monotonic() < deadline:
            time.sleep(0.3)
        assert done(), [first.output(1), replacement.output(0)]
        time.sleep(1.5)  # a few more cycles: anything done twice would show now
    finally:
        killer.armed.set()
        killer.join(timeout=30)
        codes = first.stop() + (replacement.stop() if replacement else [])
    outputs = [first.output(1)] + ([replacement.output(0)] if replacement else [])
    assert codes == [-signal.SIGKILL, 0, 0], outputs
    for out in outputs:
        assert "Trantib worker stopped" in out
        assert "Traceback" not in out and " failed" not in out, out

    # Nothing lost, nothing twice.
    assert_each_effect_once(late, waits, rules)

    # Every message sent, one delivery each at the file gateway (one file per key). A message
    # the killed worker had claimed is sent again with the same key after its lease: a second
    # call at the gateway, which the key makes no second delivery; no other message is called
    # twice.
    messages = dict(OutboxMessage.objects.values_list("idempotency_key", "attempts"))
    assert len(messages) > 24  # the 24 messages and the notices by SMS
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}
    assert sorted(p.stem for p in (tmp_path / "outbox").glob("*.txt")) == sorted(messages)
    calls = gateway_calls(outbox)
    assert set(calls) == set(messages)
    again = {key: n for key, n in calls.items() if n > 1}
    assert all(messages[key] >= n for key, n in again.items()), (again, messages)
    assert len(again) <= killer.sending, (again, killer.sending)

    # No deadline job ran twice (the one the killed worker held, if any, is not run again:
    # the sweep did its work, counted above); and chains intact.
    runs = deadline_job_runs(backend)
    if not killer.held.get("scheduler_lock"):  # else the due jobs wait 61 s for the lock
        assert len(runs) >= len(late) + len(waits)
    ran = Counter(len(ran) for ran in runs.values())
    assert set(ran) <= {0, 1}, runs  # never twice
    assert ran[0] <= killer.held["running"], (runs, killer.held)  # begun by the killed one
    assert all(not report.problems for report in chains_verify())
    print(
        f"\n{backend}: worker 0 killed {killer.when}, holding {killer.held}, "
        f"{killer.sending} message(s) left sending; {len(again)} message(s) called twice at "
        f"the gateway (one file each); {len(runs)} deadline jobs, none run twice, "
        f"{ran[0]} begun and left; "
        f"{time.monotonic() - began:.1f} s"
    )
