"""Many processes under load, small (issue 15, item 4): ``bench/load_cluster.py``'s own run —
2 ``trantib serve`` and 2 ``trantib worker`` on one PostgreSQL database and one Redis database
(``TRANTIB_TASKS=rq``) while locust has officers complete complaint steps and citizens file
complaints on both servers — with few users for 20 s, once as it is and once with a worker
killed -9 halfway and replaced. It asserts what the bench checks, not how fast: no failed
request, ``trantib audit verify`` exits 0, every task due during the run marked overdue within
60 s of its due time, every outbox message sent and one file at the gateway (no second call
but for a message the killed worker held), every background effect once, no deadline job run
twice, nothing the clients saw succeed missing from the database.

The run makes a PostgreSQL database of its own on DATABASE_URL's server
(``trantib_cluster_test…``, dropped after) and claims a Redis database as the job tests do;
it skips, saying why, without PostgreSQL, Redis or locust. About 1.5 minutes a run on 2 cores
(most of it migrating and starting the six Django processes)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis

from .jobs_support import REDIS_URL

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import history, load_cluster  # noqa: E402


def _server() -> str:
    """DATABASE_URL's PostgreSQL server (its database is never used)."""
    return urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path="/postgres"))


@pytest.fixture
def cluster_args(tmp_path: Path) -> list[str]:
    problem = history.server_problem(_server())
    if problem:
        pytest.skip(problem)
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"no Redis answers at {REDIS_URL} (TRANTIB_REDIS_URL): {exc}")
    if not Path(sys.executable).with_name("locust").exists():
        pytest.skip("locust is not installed in this venv (pip install -e '.[dev]')")
    name = f"trantib_cluster_test_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    return [
        "--duration=20",
        "--officers=3",
        "--citizens=2",
        "--late=3",
        "--waits=1",
        "--server-workers=1",
        f"--pg-url={_server()}",
        f"--database={name}",
        f"--redis-url={REDIS_URL}",
        f"--output={tmp_path / 'PERFORMANCE.md'}",
    ]


@pytest.mark.postgres
@pytest.mark.parametrize("kill", [False, True], ids=["as_it_is", "a_worker_killed"])
def test_two_servers_and_two_workers_under_load_lose_nothing_and_do_nothing_twice(
    cluster_args, kill
):
    found = load_cluster.run(load_cluster.parse(cluster_args + (["--kill"] if kill else [])))
    v = found["verified"]

    total = next(r for r in found["load"]["rows"] if r["Name"] == "Aggregated")
    assert total["Request Count"] > 0
    assert total["Failure Count"] == 0, found["load"]["failures"]
    assert found["audit"]["exit"] == 0, found["audit"]["tail"]
    assert v["chains"]["problems"] == 0

    # Every task that fell due while live was marked, within 60 s of its due time.
    overdue = v["overdue"]
    assert overdue["tasks"] >= 3 and not overdue["unmarked"], overdue
    assert overdue["max"] <= load_cluster.OVERDUE_LIMIT, overdue
    assert overdue["waits_fired"] == overdue["waits"] == 1

    # Every message sent, one file each; a second gateway call only for a message the killed
    # worker was sending (the same key: still one file).
    box = v["outbox"]
    assert box["messages"] > 0 and box["sent"] == box["messages"], box
    assert box["files_match"] and box["called_keys_match"], box
    assert not box["called_twice_unexplained"], box
    if not kill:
        assert box["calls"] == box["messages"], box

    assert v["each_once"] == ""
    ran = v["jobs"]["ran"]
    assert set(ran) <= {"0", "1"}, ran
    if not kill:
        assert set(ran) == {"1"}, ran
    else:
        assert found["exit_codes"][found["killed"]["name"]] == -9
        assert int(ran.get("0", 0)) <= found["killed"]["running"], (ran, found["killed"])

    # And the bench's own verdict agrees, and its report is written.
    # (When one is not met, the processes' logs are kept in found["var_dir"].)
    assert not any(found["checks"].values()), (found["checks"], found["var_dir"])
    lines = load_cluster.section(found)
    assert lines[0] == load_cluster.TITLE
    assert any(("worker killed -9" if kill else "no kill") in line for line in lines)
