"""The worker delivers the outbox every cycle (``trantib worker``, the thread of ``trantib
serve``); a worker killed in the middle of a send loses nothing and sends nothing twice; and
simultaneous workers on PostgreSQL never claim the same message."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, connections

from trantib.core.worker import worker_thread_start
from trantib.outbox.models import OutboxMessage
from trantib.outbox.services import DeliveryResult, outbox_deliver

from .gateways import GW, Counting, files

ROOT = Path(__file__).resolve().parents[3]
Status = OutboxMessage.Status

# The worker commits (claim, then record) on its own connection: these tests commit for real.
committed = pytest.mark.django_db(transaction=True)


@committed
def test_worker_once_delivers_the_outbox_and_says_how_many(sms, outbox_dir):
    message = sms()
    out = StringIO()
    call_command("worker", "--once", stdout=out)
    assert out.getvalue().strip().endswith("0 job(s) run; 1 message(s) sent")
    message.refresh_from_db()
    assert message.status == Status.SENT and len(files(outbox_dir)) == 1


def _run_loop_until(loop, done) -> None:
    try:
        deadline = time.monotonic() + 30
        while not done() and time.monotonic() < deadline:
            time.sleep(0.05)  # no database access here: the thread has the database
    finally:
        loop.stop()
        assert loop.thread is not None
        loop.thread.join(timeout=30)
    assert not loop.thread.is_alive()


@committed
def test_the_worker_thread_of_serve_delivers_the_outbox(sms, outbox_dir, settings):
    settings.TRANTIB_SWEEP_SECONDS = 3600
    message = sms()
    loop = worker_thread_start(interval=0.1)
    _run_loop_until(loop, lambda: loop.totals.get("outbox", 0) >= 1)
    assert loop.totals.get("outbox", 0) == 1
    message.refresh_from_db()
    assert message.status == Status.SENT


@committed
def test_a_failing_outbox_is_logged_and_the_loop_goes_on(sms, settings, caplog):
    settings.TRANTIB_SWEEP_SECONDS = 3600
    settings.TRANTIB_OUTBOX_GATEWAYS = {"sms": "pigeon", "email": "file"}
    sms()
    loop = worker_thread_start(interval=0.05)
    _run_loop_until(loop, lambda: loop.cycles >= 3)
    assert loop.cycles >= 3 and loop.totals.get("outbox", 0) == 0
    assert "delivering the outbox failed" in caplog.text
    assert OutboxMessage.objects.get().status == Status.PENDING  # nothing claimed, nothing lost


# -- SIGKILL in the middle of a send ----------------------------------------------------------


class SharedDatabase:
    """Lets a subprocess work on this test's database.

    PostgreSQL: the test database by name (the test commits for real). SQLite: pytest-django's
    test database lives in memory, which no other process can open, so it is copied to a file
    for the subprocess (SQLite's backup API) and copied back when the subprocess is done.
    """

    def __init__(self, var: Path) -> None:
        self.var = var
        self.file = var / "trantib.sqlite3"

    def env(self) -> dict[str, str]:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
        env["TRANTIB_VAR_DIR"] = str(self.var)
        env.pop("DATABASE_URL", None)
        if connection.vendor == "postgresql":
            s = connection.settings_dict
            auth = urllib.parse.quote(s["USER"] or "")
            if s["PASSWORD"]:
                auth += ":" + urllib.parse.quote(s["PASSWORD"])
            env["DATABASE_URL"] = (
                f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"
            )
        return env

    def hand_over(self) -> None:
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            with sqlite3.connect(self.file) as target:
                connection.connection.backup(target)

    def take_back(self) -> None:
        if connection.vendor == "sqlite":
            source = sqlite3.connect(self.file)
            try:
                source.backup(connection.connection)
            finally:
                source.close()


def _wait_for(path: Path, process: subprocess.Popen[str]) -> bool:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if path.exists():
            return True
        time.sleep(0.05)
    return path.exists()


@committed
def test_a_worker_killed_mid_send_loses_nothing_and_sends_nothing_twice(
    sms, outbox_dir, settings, tmp_path, monkeypatch
):
    messages = [sms(recipient=f"08123456789{i}") for i in range(3)]
    shared = SharedDatabase(tmp_path / "var")
    shared.var.mkdir()
    marker, calls = tmp_path / "started", tmp_path / "calls.log"
    env = {
        **shared.env(),
        "TRANTIB_OUTBOX_DIR": str(outbox_dir),
        "TRANTIB_SMS_GATEWAY": f"{GW}.SendThenHang",
        "TRANTIB_OUTBOX_LEASE_SECONDS": "120",
        "TRANTIB_SWEEP_SECONDS": "3600",
        "TRANTIB_TEST_HANG_MARKER": str(marker),
        "TRANTIB_TEST_CALLS": str(calls),
    }
    shared.hand_over()
    worker = subprocess.Popen(
        [sys.executable, "-m", "trantib.cli", "worker", "--interval", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        inside_send = _wait_for(marker, worker)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    output = worker.stdout.read() if worker.stdout else ""
    assert inside_send, output
    assert worker.returncode == -signal.SIGKILL
    shared.take_back()

    # The first message reached the gateway; the database still says "sending" for the whole
    # claimed batch: no worker may take them before the lease ends.
    first_key = marker.read_text(encoding="utf-8")
    assert first_key == messages[0].idempotency_key
    [written] = files(outbox_dir)
    assert written.name == f"{first_key}.txt"
    first_text, first_stat = written.read_text(encoding="utf-8"), written.stat()
    rows = OutboxMessage.objects.order_by("pk")
    assert [(m.status, m.attempts) for m in rows] == [(Status.SENDING, 1)] * 3
    lease_end = max(m.lease_until for m in rows)
    assert outbox_deliver(now=lease_end - dt.timedelta(seconds=1)) == DeliveryResult()

    # After the lease, the next pass (the same gateway, no hang this time) delivers them all.
    settings.TRANTIB_OUTBOX_GATEWAYS = {"sms": f"{GW}.SendThenHang", "email": "file"}
    monkeypatch.setenv("TRANTIB_TEST_HANG_MARKER", str(marker))
    monkeypatch.setenv("TRANTIB_TEST_CALLS", str(calls))
    assert outbox_deliver(now=lease_end) == DeliveryResult(sent=3)
    assert [m.status for m in OutboxMessage.objects.all()] == [Status.SENT] * 3
    assert sorted(p.name for p in files(outbox_dir)) == sorted(
        f"{m.idempotency_key}.txt" for m in messages
    )
    # At least once to the gateway (the first message twice, same key), exactly once delivered:
    # its file was not written again.
    sent_calls = Counter(calls.read_text(encoding="utf-8").split())
    assert sent_calls == {
        first_key: 2,
        messages[1].idempotency_key: 1,
        messages[2].idempotency_key: 1,
    }
    assert written.read_text(encoding="utf-8") == first_text
    assert (written.stat().st_ino, written.stat().st_mtime_ns) == (
        first_stat.st_ino,
        first_stat.st_mtime_ns,
    )


# -- simultaneous workers (PostgreSQL) -------------------------------------------------------


@pytest.mark.postgres
@committed
def test_simultaneous_deliveries_never_claim_the_same_message(sms, use_gateway, outbox_dir):
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED needs PostgreSQL")
    messages = [sms(recipient=f"0812345678{i:02d}") for i in range(40)]
    use_gateway("Counting")
    Counting.calls.clear()
    barrier = threading.Barrier(4)
    results: list[object] = []

    def deliver() -> None:
        try:
            barrier.wait()
            while True:  # until nothing is left that another worker does not hold
                result = outbox_deliver(limit=7)
                results.append(result)
                if not result.handled:
                    break
        except Exception as exc:
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert all(isinstance(r, DeliveryResult) for r in results), results
    assert sum(r.sent for r in results) == 40  # type: ignore[attr-defined]
    assert sorted(Counting.calls) == sorted(m.idempotency_key for m in messages)
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}
