"""The worker: deadline jobs run by django-tasks-db, the safety-net sweep, ``trantib worker``,
and the in-process worker of ``trantib serve``."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from trantib.cases.models import Case, Notification, Task
from trantib.core.worker import worker_thread_start
from trantib.demo.letters import case_start_written

ROOT = Path(__file__).resolve().parents[3]
TWO_WEEKS_AGO = dt.timedelta(days=14)


def start_pgd(demo_org, *, now: dt.datetime | None = None) -> Case:
    return case_start_written(
        sop_code="PGD",
        unit=demo_org.unit("KRJ"),
        actor=demo_org.person("staf.krj"),
        subject="Warung buka melewati jam malam",
        data={"saluran": "SMS", "uraian": "Warung karaoke buka sampai pukul 02.00"},
        now=now,
    )


def live(case: Case) -> Task:
    return Task.objects.get(case=case, status__in=["open", "claimed"])


# django-tasks-db's worker checks its connection between jobs (close_old_connections), which
# a test wrapped in a transaction cannot survive on PostgreSQL: these tests commit for real.
worker_db = pytest.mark.django_db(transaction=True)


def deadline_jobs():
    return DBTaskResult.objects.filter(task_path__endswith="task_deadline_check")


# -- the deadline job ---------------------------------------------------------------------


@worker_db
def test_db_worker_runs_the_deadline_job_and_marks_the_late_task_overdue(demo_org):
    # Started two weeks ago: the job's run_after (the due time) has passed. The database
    # backend writes the job row in the service's own transaction.
    case = start_pgd(demo_org, now=timezone.now() - TWO_WEEKS_AGO)
    task = live(case)
    job = deadline_jobs().get(args_kwargs__args=[task.pk])
    assert job.run_after == task.due_at < timezone.now()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    task.refresh_from_db()
    assert task.overdue_at is not None
    job.refresh_from_db()
    assert job.status == "SUCCESSFUL" and job.return_value == "overdue"
    assert Notification.objects.filter(task=task, recipient__user__username="camat.krj").exists()


@worker_db
def test_a_job_not_yet_due_is_left_alone_until_its_time(demo_org):
    case = start_pgd(demo_org)
    task = live(case)
    assert deadline_jobs().get(args_kwargs__args=[task.pk]).run_after > timezone.now()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    task.refresh_from_db()
    assert task.overdue_at is None
    assert deadline_jobs().get(args_kwargs__args=[task.pk]).status == "READY"


# -- trantib worker -----------------------------------------------------------------------


@worker_db
def test_worker_once_sweeps_and_runs_the_due_jobs(demo_org, settings):
    settings.TRANTIB_DIGEST_HOUR = 24  # no digest today, whatever the clock says
    case = start_pgd(demo_org, now=timezone.now() - TWO_WEEKS_AGO)
    out = StringIO()
    call_command("worker", "--once", stdout=out)
    task = live(case)
    assert task.overdue_at is not None
    # The sweep marked it; its job then had nothing left to do (the first step, done at the
    # start, has none).
    assert out.getvalue().strip() == (
        "database connected; deadline sweep: 1 task(s) marked overdue, 0 wait(s) fired; "
        "deadline warnings: 0 task(s) warned; morning digest: 0 person(s) told; "
        "0 polmas activity(ies) opened, 0 missed; 1 job(s) run; 0 message(s) sent"
    )
    assert set(deadline_jobs().values_list("return_value", flat=True)) == {"skipped"}


@worker_db
def test_the_sweep_marks_a_late_task_whose_job_was_lost(demo_org):
    case = start_pgd(demo_org, now=timezone.now() - TWO_WEEKS_AGO)
    deadline_jobs().delete()  # a restore from backup, a switch of backend
    out = StringIO()
    call_command("worker", "--once", stdout=out)
    assert live(case).overdue_at is not None
    assert "1 task(s) marked overdue" in out.getvalue() and "0 job(s) run" in out.getvalue()


@worker_db
def test_the_worker_fires_a_due_wait_step(demo_org):
    case = case_start_written(
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
        now=timezone.now() - dt.timedelta(days=16),  # the 15-day wait is over
    )
    assert live(case).step_id == "tunggu_pernyataan"
    call_command("worker", "--once", stdout=StringIO())
    assert live(case).step_id == "cek_pernyataan"


def test_worker_refuses_a_non_positive_interval():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as err:
        call_command("worker", "--once", "--interval", "0")
    assert err.value.returncode == 2 and str(err.value).startswith("--interval:")


# -- the in-process worker (trantib serve) ------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_worker_thread_marks_an_overdue_task_on_its_periodic_sweep(demo_org, settings):
    settings.TRANTIB_SWEEP_SECONDS = 0.2
    case = start_pgd(demo_org, now=timezone.now() - TWO_WEEKS_AGO)
    task = live(case)
    deadline_jobs().delete()  # only the sweep can mark it now
    loop = worker_thread_start(interval=0.1)
    try:
        deadline = time.monotonic() + 30
        while loop.runs.get("deadlines", 0) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)  # no database access here: the thread has the database
    finally:
        loop.stop()
        assert loop.thread is not None
        loop.thread.join(timeout=30)
    assert not loop.thread.is_alive()
    assert loop.runs.get("deadlines", 0) >= 2  # it swept again after TRANTIB_SWEEP_SECONDS
    task.refresh_from_db()
    assert task.overdue_at is not None


@pytest.mark.django_db(transaction=True)
def test_the_worker_thread_runs_the_due_jobs_and_stops_when_asked(demo_org, settings):
    settings.TRANTIB_SWEEP_SECONDS = 3600  # one sweep at the start, then jobs only
    start_pgd(demo_org, now=timezone.now() - TWO_WEEKS_AGO)
    loop = worker_thread_start(interval=0.1)
    try:
        deadline = time.monotonic() + 30
        while loop.cycles < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        loop.stop()
        assert loop.thread is not None
        loop.thread.join(timeout=30)
    assert not loop.thread.is_alive()
    assert loop.runs.get("deadlines", 0) == 1
    assert list(deadline_jobs().values_list("status", flat=True)) == ["SUCCESSFUL"]


# -- processes: SIGTERM, and serve with its worker ----------------------------------------


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """A migrated SQLite database in a var folder, made once for the tests below."""
    var = tmp_path_factory.mktemp("var")
    env = _env(var)
    subprocess.run(
        [sys.executable, "-m", "trantib.cli", "migrate", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    return var


def _env(var: Path) -> dict[str, str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "TRANTIB_VAR_DIR": str(var)}
    env.pop("DATABASE_URL", None)
    return env


@pytest.fixture
def var(migrated, tmp_path):
    copy = tmp_path / "var"
    shutil.copytree(migrated, copy)
    return copy


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "trantib.cli", *args]


def test_trantib_worker_stops_cleanly_on_sigterm(var):
    worker = subprocess.Popen(  # noqa: S603
        _cli("worker"),
        cwd=ROOT,
        env=_env(var),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert worker.stdout is not None
        assert worker.stdout.readline().startswith("Trantib worker: jobs every 1 s")
        worker.send_signal(signal.SIGTERM)
        code = worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    out = worker.stdout.read()
    assert code == 0
    assert "stopping after the current job" in out and "Trantib worker stopped" in out
    assert "Traceback" not in out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(url: str) -> bool:
    for _ in range(60):
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                return response.status == 200
        except OSError:
            time.sleep(0.5)
    return False


def _overdue_at(db: Path, task_id: int) -> str | None:
    with sqlite3.connect(db, timeout=10) as conn:
        row = conn.execute("SELECT overdue_at FROM cases_task WHERE id = ?", (task_id,)).fetchone()
    return row[0] if row else None


def test_serve_marks_overdue_tasks_with_its_in_process_worker(var):
    env = {**_env(var), "TRANTIB_SWEEP_SECONDS": "1"}
    script = (
        "import datetime as dt\n"
        "from django.utils import timezone\n"
        "from trantib.demo import demo_org_load\n"
        "from trantib.accounts.models import OrgUnit, Person\n"
        "from trantib.cases import services\n"
        "from trantib.cases.models import Task\n"
        "demo_org_load()\n"
        "case = services.case_start(sop_code='PGD', unit=OrgUnit.objects.get(code='KRJ'),\n"
        "    actor=Person.objects.get(user__username='staf.krj'), subject='Terlambat',\n"
        "    data={'saluran': 'SMS', 'uraian': 'x'},\n"
        "    now=timezone.now() - dt.timedelta(days=14))\n"
        "print(Task.objects.get(case=case, status='open').pk)\n"
    )
    made = subprocess.run(  # noqa: S603
        _cli("shell", "-c", script),
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    task_id = int(made.stdout.strip().splitlines()[-1])
    db = var / "trantib.sqlite3"
    assert _overdue_at(db, task_id) is None
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        _cli("serve", "--port", str(port), "--workers", "1"),
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        marked = None
        deadline = time.monotonic() + 60
        while marked is None and time.monotonic() < deadline and server.poll() is None:
            time.sleep(0.5)
            marked = _overdue_at(db, task_id)
        assert marked is not None
        assert _answers(f"http://127.0.0.1:{port}/login/")  # and the site is up beside it
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            code = server.wait(timeout=30)
        finally:
            if server.poll() is None:
                server.kill()
    out = server.stdout.read() if server.stdout else ""
    assert code == 0, out
    assert "background worker in this process" in out
    assert "Traceback" not in out
