"""Background jobs on both backends (TRANTIB_TASKS=db, the database; TRANTIB_TASKS=rq, Redis):
each runs the deadline job (a late task marked overdue at its due time, not before), the wait
job (a wait step fired), the Polmas schedule and the outbox delivery; two workers sharing the
same jobs run each exactly once, counted by their effects (audit events, notices, outbox
messages at the gateway); an unreachable Redis is one line, at the worker's start and when a
request enqueues. The RQ tests use a Redis database of their own at TRANTIB_REDIS_URL (flushed
after) and skip only when no Redis answers there; the two-worker tests need PostgreSQL, whose
row locks they are about."""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from django_tasks import task_backends

from trantib.accounts.models import Person
from trantib.cases import services
from trantib.cases.models import Case, Event, EventType, Notification, Task, TaskKind
from trantib.cases.tasks import task_deadline_check
from trantib.cases.tests.test_views import client_for, live, start_pgd
from trantib.community.models import Activity, Pos, Rule
from trantib.community.services import rule_save
from trantib.core.audit import chains_verify
from trantib.core.jobs_rq import RQBackend, RQJobs
from trantib.core.models import AuditEvent
from trantib.core.worker import Worker
from trantib.demo.letters import case_start_written
from trantib.outbox.models import OutboxMessage
from trantib.outbox.services import outbox_enqueue

from .jobs_support import (
    COUNTING,
    RQ_BACKEND,
    database_url,
    deadline_job_results,
    deadline_job_runs,
    gateway_calls,
    redis_database_claim,
)

ROOT = Path(__file__).resolve().parents[3]
WEDNESDAY = dt.date(2026, 12, 2)  # a working day: the SOP calendar counts office hours
TWO_WEEKS = dt.timedelta(days=14)
# The worker commits on its own connections (and looks at them between jobs): for real.
committed = pytest.mark.django_db(transaction=True)


def _wib(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(
        day, dt.time(hour, minute), tzinfo=dt.timezone(dt.timedelta(hours=7))
    )


@pytest.fixture
def redis_url() -> Iterator[str]:
    yield from redis_database_claim()


@pytest.fixture(params=["db", "rq"])
def backend(request: pytest.FixtureRequest, settings: Any) -> str:
    """Each test once with the jobs in the database and once in Redis."""
    if request.param == "rq":
        settings.TASKS = {"default": {"BACKEND": RQ_BACKEND}}
        settings.RQ_QUEUES = {"default": {"URL": request.getfixturevalue("redis_url")}}
    return str(request.param)


@pytest.fixture
def outbox(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The file gateway in a folder of the test's own, counting its calls: the calls log."""
    settings.TRANTIB_OUTBOX_DIR = tmp_path / "outbox"
    settings.TRANTIB_OUTBOX_GATEWAYS = {"sms": COUNTING, "email": COUNTING}
    calls = tmp_path / "calls.log"
    monkeypatch.setenv("TRANTIB_TEST_CALLS", str(calls))
    return calls


def run_due_jobs() -> int:
    """The due jobs only (no periodic job), as the configured backend's worker runs them."""
    backend = task_backends["default"]
    stopping = threading.Event()
    if isinstance(backend, RQBackend):
        rq = RQJobs(sorted(backend.queues))
        try:
            return rq.drain(stopping).count
        finally:
            rq.close()
    return Worker().drain(stopping).count


def start_wait(demo_org: Any, *, now: dt.datetime) -> Case:
    """A PPW case whose reprimand was given at ``now``: it waits 15 days for the statement."""
    return case_start_written(
        sop_code="PPW",
        unit=demo_org.unit("PPTNG"),
        actor=demo_org.person("kasat.pptng"),
        subject="Teguran PKL",
        entry="beri_teguran",
        data={
            "pelanggar": {"nama": "Hendra"},
            "lokasi": {"address": "Jl. Daan Mogot"},
            "perda": "Perda Ketertiban Umum",
            "nomor_surat_pernyataan": "300.1/SP-1/2026",
        },
        now=now,
    )


def events(kind: str, tasks: list[int]) -> Counter[int]:
    return Counter(
        Task.objects.get(pk=pk).events.filter(type=kind).count()  # type: ignore[misc]
        for pk in tasks
    )


def assert_each_effect_once(late: list[Task], waits: list[int], rules: list[Any]) -> None:
    """Each late task marked once, each wait fired once (and no task anything twice: a first
    step still live and late for a moment, between the start and its completion, may be
    marked too), each activity opened once, every notice once per person."""
    assert events(EventType.TASK_OVERDUE, [t.pk for t in late]) == {1: len(late)}
    assert events(EventType.DEADLINE_PASSED, waits) == {1: len(waits)}
    for kind in (EventType.TASK_OVERDUE, EventType.DEADLINE_PASSED):
        marked = Counter(Event.objects.filter(type=kind).values_list("task_id", flat=True))
        assert set(marked.values()) == {1}, marked
    activities = Activity.objects.filter(rule__in=rules)
    assert Counter(activities.values_list("rule_id", flat=True)) == {r.pk: 1 for r in rules}
    assert AuditEvent.objects.filter(
        type="polmas.activity_opened", subject_id__in=activities.values("pk")
    ).count() == len(rules)
    for kind in (Notification.Kind.TASK_OVERDUE, Notification.Kind.TASK_DUE_SOON):
        made = Counter(
            Notification.objects.filter(kind=kind).values_list("task_id", "recipient_id")
        )
        assert made and set(made.values()) == {1}
    digests = Counter(
        Notification.objects.filter(kind=Notification.Kind.DIGEST).values_list(
            "recipient_id", flat=True
        )
    )
    assert digests and set(digests.values()) == {1}


# -- each backend runs each kind of job -------------------------------------------------------


@committed
def test_each_backend_runs_the_deadline_and_wait_jobs_when_due_and_not_before(backend, demo_org):
    late = live(start_pgd(demo_org, subject="Terlambat", now=timezone.now() - TWO_WEEKS))
    waiting = start_wait(demo_org, now=timezone.now() - dt.timedelta(days=16))
    soon = live(start_pgd(demo_org, subject="Sebentar lagi"))
    due = timezone.now() + dt.timedelta(seconds=1.5)
    Task.objects.filter(pk=soon.pk).update(due_at=due)
    task_deadline_check.using(run_after=due).enqueue(soon.pk)  # as flow.py does for a due time

    # Due now: the late task, the wait, and the warning's first step, which its letter held
    # open at the start and which was done since (nothing to do). A first step done at the
    # start itself (the complaints') has no job: nothing could be late with it.
    assert run_due_jobs() == 3
    late.refresh_from_db()
    assert late.overdue_at is not None
    assert live(waiting).step_id == "cek_pernyataan"
    assert deadline_job_results(backend) == {"overdue": 1, "fired": 1, "skipped": 1}
    soon.refresh_from_db()
    assert soon.overdue_at is None  # its time has not come

    deadline = time.monotonic() + 15
    while soon.overdue_at is None and time.monotonic() < deadline:
        time.sleep(0.2)
        run_due_jobs()
        soon.refresh_from_db()
    assert soon.overdue_at is not None and soon.overdue_at >= due
    # It ran once, at its time: not early (a run before the due time would be a "skipped").
    assert deadline_job_results(backend) == {"overdue": 2, "fired": 1, "skipped": 1}
    assert events(EventType.TASK_OVERDUE, [late.pk, soon.pk]) == {1: 2}
    assert all(len(ran) == 1 for ran in deadline_job_runs(backend).values())


@committed
def test_trantib_worker_once_on_each_backend_opens_the_days_polmas_activity_and_sends_the_outbox(
    backend, demo_org, outbox
):
    rule = rule_save(
        unit=demo_org.unit("BINMAS"),
        actor=demo_org.person("binpolmas.binmas"),
        officer=demo_org.person("banit2.binmas"),
        desa="Biawao",
        pos=Pos.SATRIA,
        days="",  # every day
        starts_at=dt.time(8, 0),
        place="Pos Kamling Biawao",
    )
    message = outbox_enqueue(
        unit=demo_org.unit("KRJ"),
        channel="sms",
        recipient="0812-3456-7890",
        body="Pengaduan Anda diterima dengan nomor PGD/12.",
    )
    out = StringIO()
    call_command("worker", "--once", stdout=out)
    assert "1 polmas activity(ies) opened" in out.getvalue()
    activity = Activity.objects.get(rule=rule)
    assert activity.case is not None and live(activity.case).step_id == "pos_satria"
    opened = AuditEvent.objects.filter(type="polmas.activity_opened", subject_id=activity.pk)
    assert opened.count() == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    sent = OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT)
    assert gateway_calls(outbox) == dict.fromkeys(sent.values_list("idempotency_key", flat=True), 1)
    assert f"{len(gateway_calls(outbox))} message(s) sent" in out.getvalue()


# -- Redis not there ----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@committed
def test_a_request_that_enqueues_while_redis_is_down_saves_the_case_and_logs_one_line(
    demo_org, settings, caplog
):
    settings.TASKS = {"default": {"BACKEND": RQ_BACKEND}}
    down = f"redis://127.0.0.1:{_free_port()}/0"
    settings.RQ_QUEUES = {"default": {"URL": down}}
    client = client_for(demo_org, "kasat.pptng")
    with caplog.at_level(logging.WARNING):
        response = client.post(
            reverse("cases:start"),
            {
                "sop": "PPW",
                "unit": "PPTNG",
                "entry": "beri_teguran",
                "subject": "PKL di trotoar",
                "data.pelanggar.nama": "Siti Aminah",
                "data.lokasi.address": "Jl. Daan Mogot",
                "data.perda": "Perda 8/2018",
            },
        )
    assert response.status_code == 302
    task = live(Case.objects.get(subject="PKL di trotoar"))  # the case is whole
    assert task.step_id == "beri_teguran" and task.due_at is not None
    [line] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert line.exc_info is None  # one line, no traceback
    text = line.getMessage()
    assert text.startswith(
        f"job task_deadline_check({task.pk},) not queued: Redis at {down} does not answer ("
    )
    assert text.endswith("); the worker's periodic jobs will do its work")
    # And so it is: the deadline sweep marks the task when it is late.
    assert services.deadlines_sweep(now=task.due_at + dt.timedelta(minutes=1)).overdue == 1


def test_the_worker_on_rq_says_in_one_line_that_redis_does_not_answer():
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "TRANTIB_TASKS": "rq",
        "TRANTIB_REDIS_URL": f"redis://:secret@127.0.0.1:{port}/0",
    }
    done = subprocess.run(
        [sys.executable, "-m", "trantib.cli", "worker"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    [line] = done.stderr.splitlines()  # one line, no traceback
    assert line.startswith(
        f"CommandError: TRANTIB_TASKS=rq: Redis at redis://:***@127.0.0.1:{port}/0 does not "
        "answer ("
    )
    assert line.endswith(
        "). Start Redis, or set TRANTIB_REDIS_URL to where it runs (TRANTIB_TASKS=db keeps the "
        "jobs in the database)."
    )
    assert "secret" not in line


# -- two workers at once ------------------------------------------------------------------


def _at_once(work: Callable[[], Any], threads: int = 2) -> list[Any]:
    """Run ``work`` in ``threads`` threads released together (each with its own database
    connection, as two workers have); their results, or the exceptions they raised."""
    barrier = threading.Barrier(threads)
    out: list[Any] = [None] * threads

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            out[i] = work()
        except Exception as exc:
            out[i] = exc
        finally:
            connections.close_all()

    pool = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in pool)
    return out


@pytest.mark.postgres
@committed
def test_two_workers_warning_at_once_warn_each_task_once_without_an_error(demo_org, settings):
    settings.TRANTIB_DEADLINE_LEAD_MINUTES = 10
    cases = [start_pgd(demo_org, subject=f"Warung {i}", now=_wib(WEDNESDAY, 9)) for i in range(8)]
    results = _at_once(lambda: services.deadlines_warn(now=_wib(WEDNESDAY, 9, 10)))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(results) == len(cases)
    warned = Counter(
        Notification.objects.filter(kind=Notification.Kind.TASK_DUE_SOON).values_list(
            "task_id", "recipient_id"
        )
    )
    assert {task for task, _who in warned} == {live(c).pk for c in cases}
    assert set(warned.values()) == {1}


@pytest.mark.postgres
@committed
def test_two_workers_making_the_digest_at_once_make_one_each_without_an_error(demo_org):
    thursday = WEDNESDAY + dt.timedelta(days=1)
    for i in range(3):
        start_pgd(demo_org, subject=f"Parkir liar {i}", now=_wib(WEDNESDAY, 10))
    results = _at_once(lambda: services.digests_send(now=_wib(thursday, 6, 5)))
    assert not [r for r in results if isinstance(r, Exception)], results
    digests = Counter(
        Notification.objects.filter(kind=Notification.Kind.DIGEST).values_list(
            "recipient_id", flat=True
        )
    )
    assert sum(results) == len(digests) >= 1
    assert set(digests.values()) == {1}


class _Workers:
    """``trantib worker`` processes on this test's database (and Redis), output to files."""

    def __init__(self, env: dict[str, str], logs: Path, count: int = 2) -> None:
        self.logs = [logs / f"worker-{i}.log" for i in range(count)]
        self.processes = []
        for log in self.logs:
            with open(log, "w", encoding="utf-8") as out:
                self.processes.append(
                    subprocess.Popen(
                        [
                            sys.executable,
                            "-m",
                            "trantib.cli",
                            "worker",
                            "--interval=0.2",
                            "--sweep-seconds=1",
                            "--every=deadline_warnings=0.5",
                            "--every=digests=0.5",
                            "--every=polmas=0.5",
                        ],
                        cwd=ROOT,
                        env=env,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                    )
                )

    def output(self, i: int) -> str:
        return self.logs[i].read_text(encoding="utf-8")

    def started(self, timeout: float = 90) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(p.poll() is not None for p in self.processes):
                return False
            if all("Trantib worker:" in self.output(i) for i in range(len(self.logs))):
                return True
            time.sleep(0.1)
        return False

    def stop(self) -> list[int | None]:
        for p in self.processes:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        codes = []
        for p in self.processes:
            try:
                codes.append(p.wait(timeout=60))
            except subprocess.TimeoutExpired:
                p.kill()
                codes.append(None)
        return codes


def _jobs_pending(backend: str) -> int:
    """Deadline jobs that are due and not finished."""
    now = timezone.now()
    if backend == "db":
        from django_tasks_db.models import DBTaskResult

        return DBTaskResult.objects.filter(
            run_after__lte=now, status__in=["READY", "RUNNING"]
        ).count()
    import django_rq
    from rq.registry import ScheduledJobRegistry, StartedJobRegistry

    queue = django_rq.get_queue("default")
    scheduled = ScheduledJobRegistry(queue=queue)
    return (
        len(scheduled.get_jobs_to_schedule(int(now.timestamp())))
        + queue.count
        + StartedJobRegistry(queue=queue).count
    )


@pytest.mark.postgres
@committed
def test_two_workers_sharing_the_jobs_run_each_exactly_once(
    backend, demo_org, outbox, tmp_path, settings
):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url(),
        "TRANTIB_VAR_DIR": str(tmp_path / "var"),
        "TRANTIB_OUTBOX_DIR": str(settings.TRANTIB_OUTBOX_DIR),
        "TRANTIB_SMS_GATEWAY": COUNTING,
        "TRANTIB_EMAIL_GATEWAY": COUNTING,
        "TRANTIB_TEST_CALLS": str(outbox),
        "TRANTIB_TASKS": backend,
        "TRANTIB_DIGEST_HOUR": "0",  # the morning digest at once, in every zone
    }
    if backend == "rq":
        env["TRANTIB_REDIS_URL"] = settings.RQ_QUEUES["default"]["URL"]
    (tmp_path / "var").mkdir()
    # Every officer also gets their notices by SMS: the notices reach the gateway too.
    Person.objects.update(notify_sms=True, phone="0812-3456-7890")
    workers = _Workers(env, tmp_path)
    try:
        assert workers.started(), [workers.output(i) for i in range(2)]
        # The work arrives while both run, committed as requests commit it.
        late = [
            live(start_pgd(demo_org, subject=f"Terlambat {i}", now=timezone.now() - TWO_WEEKS))
            for i in range(6)
        ]
        waits = [
            live(start_wait(demo_org, now=timezone.now() - dt.timedelta(days=16))).pk
            for _ in range(3)
        ]
        soon = [live(start_pgd(demo_org, subject=f"Hampir {i}")) for i in range(3)]
        Task.objects.filter(pk__in=[t.pk for t in soon]).update(  # warned, not yet late
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
        for i in range(10):
            outbox_enqueue(
                unit=demo_org.unit("KRJ"),
                channel="sms",
                recipient=f"0812-3456-78{i:02d}",
                body=f"Pengaduan Anda diterima dengan nomor PGD/{i}.",
            )

        def done() -> bool:
            return (
                Task.objects.filter(pk__in=[t.pk for t in late], overdue_at__isnull=True)
                .exclude(status="done")
                .count()
                == 0
                and not Task.objects.filter(pk__in=waits, status__in=["open", "claimed"]).exists()
                and Activity.objects.filter(rule__in=rules).count() == len(rules)
                and Notification.objects.filter(
                    kind=Notification.Kind.TASK_DUE_SOON, task__in=soon
                ).count()
                >= len(soon)
                and _jobs_pending(backend) == 0
                and not OutboxMessage.objects.exclude(status=OutboxMessage.Status.SENT).exists()
            )

        deadline = time.monotonic() + 120
        while not done() and time.monotonic() < deadline:
            time.sleep(0.3)
        assert done(), [workers.output(i) for i in range(2)]
        time.sleep(1.5)  # a few more cycles of both: anything done twice would show now
    finally:
        codes = workers.stop()
    outputs = [workers.output(i) for i in range(2)]
    assert codes == [0, 0], outputs
    for out in outputs:
        assert "Trantib worker stopped" in out
        assert "Traceback" not in out and " failed" not in out, out

    assert_each_effect_once(late, waits, rules)
    # Every message sent once: one call at the gateway each.
    keys = list(OutboxMessage.objects.values_list("idempotency_key", flat=True))
    assert len(keys) > 10  # the ten messages and the notices by SMS
    assert gateway_calls(outbox) == dict.fromkeys(keys, 1)
    assert len(list((tmp_path / "outbox").glob("*.txt"))) == len(keys)
    # Each deadline job ran exactly once, and both workers ran some.
    runs = deadline_job_runs(backend)
    # A late complaint's job; a warning's two (its first step, held open by its letter, and
    # the wait). A complaint's first step, done at the start, has none.
    assert len(runs) >= len(late) + 2 * len(waits)
    assert Counter(len(ran) for ran in runs.values()) == {1: len(runs)}
    assert len({worker for ran in runs.values() for worker in ran}) == 2, runs
    assert all(not report.problems for report in chains_verify())
    assert Rule.objects.filter(pk__in=[r.pk for r in rules]).count() == len(rules)
    assert all(t.kind == TaskKind.WORK for t in late)
