"""For the background-job tests: a Redis database of the test's own, a gateway that counts its
calls across processes, what the jobs did, and the environment of a worker subprocess."""

from __future__ import annotations

import os
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.db import connection
from django.utils.crypto import get_random_string

from trantib.outbox.gateways import FileGateway
from trantib.outbox.models import OutboxMessage

REDIS_URL = os.environ.get("TRANTIB_REDIS_URL", "redis://127.0.0.1:6379/0")
CLAIM = "trantib:test-claim"  # the test holding the database (expires on its own)
MARK = "trantib:test-database"  # a database these tests used: theirs to flush and take again
RQ_BACKEND = "trantib.core.jobs_rq.RQBackend"
COUNTING = "trantib.core.tests.jobs_support.CountingGateway"


def _with_db(url: str, number: int) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{number}", query=""))


def redis_database_claim() -> Iterator[str]:
    """The URL of a Redis database no one else uses (15 down to 1, never the one of
    TRANTIB_REDIS_URL), flushed before and after; skips when no Redis answers."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"no Redis answers at {REDIS_URL} (TRANTIB_REDIS_URL): {exc}")
    own = int(urllib.parse.urlsplit(REDIS_URL).path.strip("/") or 0)
    token = get_random_string(12)
    for number in range(15, 0, -1):
        if number == own:
            continue
        url = _with_db(REDIS_URL, number)
        client = redis.Redis.from_url(url)
        if not client.set(CLAIM, token, nx=True, ex=900):
            continue  # another test has it
        if client.dbsize() > 1 and not client.exists(MARK):
            client.delete(CLAIM)
            continue  # someone else's data: never touched
        with client.pipeline(transaction=True) as pipe:
            pipe.flushdb().set(CLAIM, token, ex=900).set(MARK, 1).execute()
        try:
            yield url
        finally:
            client.flushdb()
            client.close()
        return
    pytest.skip(f"no free Redis database (1-15) at {REDIS_URL}")


class CountingGateway(FileGateway):
    """The file gateway, plus one line per call in ``TRANTIB_TEST_CALLS``: a message sent twice
    is two lines there, though the file gateway keeps one file per key."""

    def send(self, message: OutboxMessage) -> str:
        reference = super().send(message)
        with open(os.environ["TRANTIB_TEST_CALLS"], "a", encoding="utf-8") as log:
            log.write(message.idempotency_key + "\n")
        return reference


def gateway_calls(path: Path) -> Counter[str]:
    """How often the gateway was called for each idempotency key."""
    if not path.exists():
        return Counter()
    return Counter(path.read_text(encoding="utf-8").split())


def deadline_job_runs(backend: str) -> dict[str, list[str]]:
    """Each deadline job that ran (or began to): the workers that ran it, one per run."""
    if backend == "db":
        from django_tasks_db.models import DBTaskResult

        rows = DBTaskResult.objects.filter(task_path__endswith="task_deadline_check")
        return {str(r.id): list(r.worker_ids) for r in rows if r.worker_ids}
    import django_rq
    from rq.registry import FailedJobRegistry, FinishedJobRegistry, StartedJobRegistry

    from trantib.core.jobs_rq import rq_backend

    queue = django_rq.get_queue("default", job_class=rq_backend.Job)
    ids = set()
    for registry in (FinishedJobRegistry, FailedJobRegistry, StartedJobRegistry):
        ids.update(registry(queue=queue).get_job_ids())
    return {
        job.id: [result.worker_name for result in job.results()]
        for job in rq_backend.Job.fetch_many(sorted(ids), connection=queue.connection)
        if job is not None
    }


def deadline_job_results(backend: str) -> Counter[str]:
    """What the deadline jobs that finished returned ("overdue", "fired", "skipped")."""
    if backend == "db":
        from django_tasks_db.models import DBTaskResult

        rows = DBTaskResult.objects.filter(
            task_path__endswith="task_deadline_check", status="SUCCESSFUL"
        )
        return Counter(str(value) for value in rows.values_list("return_value", flat=True))
    import django_rq
    from rq.registry import FinishedJobRegistry

    from trantib.core.jobs_rq import rq_backend

    queue = django_rq.get_queue("default", job_class=rq_backend.Job)
    jobs = rq_backend.Job.fetch_many(
        FinishedJobRegistry(queue=queue).get_job_ids(), connection=queue.connection
    )
    return Counter(str(job.return_value()) for job in jobs if job is not None)


def database_url() -> str:
    """This test's PostgreSQL database, for a subprocess (the test commits for real)."""
    s = connection.settings_dict
    auth = urllib.parse.quote(s["USER"] or "")
    if s["PASSWORD"]:
        auth += ":" + urllib.parse.quote(s["PASSWORD"])
    return f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"
