"""A province's five years in PostgreSQL, for timing the reports on a real history.

    .venv/bin/python bench/history.py                    # 1 000 000 cases (about 11 M events)
    .venv/bin/python bench/history.py --size 20000       # a quick one
    .venv/bin/python bench/history.py --force            # make it again even if it is there

The database (``trantib_history`` by default) is its own: dropped and created, migrated with
the product's migrations, the SOP library recorded (``sop_library_sync``), the province built
through the ORM (:mod:`bench.history_org`), then five years of cases (2022-01-01 → 2026-11-30)
written with ``COPY … FROM STDIN`` (:mod:`bench.history_cases`, :mod:`bench.history_copy`):
foreign keys and secondary indexes are dropped for the load and built again after it, then
``VACUUM ANALYZE``. A marker table (``bench_history``) records the generator's version, the
size and seed, the time it took and the table sizes; a second run with the same version,
size and seed finds it and only migrates (so ``make bench`` does not generate every time, and
index migrations added since are applied to the existing rows, as they would be in life).

Like ``bench/run.py`` this process never imports Django: the work is done by a spawned
process that boots Django on the history database.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

GENERATOR_VERSION = 2
HISTORY_URL = "postgres://postgres@127.0.0.1:5432/trantib_history"
FULL_SIZE = 1_000_000
SEED = 2026
MARKER = "bench_history"
CTX = mp.get_context("spawn")


def _admin_url(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def _name(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if not name or name in ("postgres", "template0", "template1"):
        raise ValueError(f"refusing to use database {name!r} for the history")
    return name


def server_problem(url: str) -> str | None:
    """None when a PostgreSQL server answers at ``url``'s host, else why not."""
    import psycopg

    parts = urlsplit(url)
    try:
        with psycopg.connect(_admin_url(url), connect_timeout=3):
            return None
    except psycopg.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"no PostgreSQL server answered at {parts.hostname}:{parts.port or 5432} ({first})"


def marker_read(url: str) -> dict[str, Any] | None:
    """The marker of a finished generation in the database, or None."""
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            row = conn.execute(
                f"SELECT version, size, seed, info FROM {MARKER} ORDER BY finished_at DESC LIMIT 1"
            ).fetchone()
    except (psycopg.OperationalError, psycopg.errors.UndefinedTable):
        return None
    if row is None:
        return None
    version, size, seed, info = row
    return {"version": version, "size": size, "seed": seed, **(info or {})}


def database_recreate(url: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(_admin_url(url), autocommit=True) as conn:
        name = sql.Identifier(_name(url))
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


def database_drop(url: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(_admin_url(url), autocommit=True) as conn:
        name = sql.Identifier(_name(url))
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


def ensure(
    *,
    url: str = HISTORY_URL,
    size: int = FULL_SIZE,
    seed: int = SEED,
    first_day: str = "2022-01-01",
    force: bool = False,
    var_dir: str = "/tmp/trantib-history",  # noqa: S108 — media of the history process only
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """The history database of ``size`` cases: reused when its marker matches, else made.
    Returns the marker's information (sizes, timings, personas, ``reused``)."""
    found = None if force else marker_read(url)
    if found and (
        found["version"],
        found["size"],
        found["seed"],
        found.get("first_day", "2022-01-01"),
    ) == (
        GENERATOR_VERSION,
        size,
        seed,
        first_day,
    ):
        log(f"history: reusing {_name(url)} ({size:,} cases, generated {found.get('finished')})")
        migrated = _spawn(_migrate_only, url, var_dir)
        return {**found, "reused": True, "migrated": migrated}
    if found:
        log(
            f"history: {_name(url)} holds version {found['version']}, size {found['size']:,}, "
            f"seed {found['seed']}: making it again"
        )
    database_recreate(url)
    info = _spawn(_generate, url, var_dir, size, seed, first_day)
    return {**info, "reused": False}


def _spawn(
    target: Callable[..., dict[str, Any]], url: str, var_dir: str, *args: Any
) -> dict[str, Any]:
    results = CTX.Queue()
    proc = CTX.Process(target=_child, args=(target, url, var_dir, args, results))
    proc.start()
    out = results.get()
    proc.join()
    if "error" in out:
        raise RuntimeError("the history process failed:\n" + out["error"])
    return out


def _child(
    target: Callable[..., dict[str, Any]], url: str, var_dir: str, args: Sequence[Any], results: Any
) -> None:
    import traceback

    try:
        _boot(url, var_dir)
        results.put(target(url, *args))
    except BaseException:
        results.put({"error": traceback.format_exc()})


def _boot(url: str, var_dir: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DATABASE_URL"] = url
    os.environ["TRANTIB_VAR_DIR"] = var_dir
    os.environ["TRANTIB_LOG_LEVEL"] = "WARNING"
    Path(var_dir).mkdir(parents=True, exist_ok=True)
    import django

    django.setup()


def _say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] history: {message}", flush=True)


def _migrate_only(url: str) -> list[str]:
    """Apply the migrations the database does not have yet (new report indexes)."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    names = [f"{m.app_label}.{m.name}" for m, _ in plan]
    if names:
        _say(f"migrating: {', '.join(names)}")
        t0 = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        _say(f"migrated in {time.perf_counter() - t0:.0f} s")
        # VACUUM, not only ANALYZE: a migration that rewrites rows (a new column filled from
        # the old ones) leaves dead rows and clears the visibility map, so index-only scans
        # visit the table until autovacuum comes by — as a live server would not measure.
        t0 = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
        _say(f"VACUUM ANALYZE in {time.perf_counter() - t0:.0f} s")
    return names


def indexes_unapply(*, url: str, var_dir: str = "/tmp/trantib-history") -> list[str]:  # noqa: S108
    """Take the ``*_report_indexes`` migrations back (their indexes dropped), for timing the
    pages as they were before them; the next ``ensure`` applies them again."""
    return _spawn(_unapply, url, var_dir)


def _unapply(url: str) -> list[str]:
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection)
    undone: list[str] = []
    for app, name in sorted(loader.applied_migrations):
        if not name.endswith("report_indexes"):
            continue
        parents = [p for p in loader.graph.node_map[(app, name)].parents if p.key[0] == app]
        target = parents[0].key[1] if parents else "zero"
        _say(f"unapplying {app}.{name} (back to {target})")
        call_command("migrate", app, target, verbosity=0, interactive=False)
        undone.append(f"{app}.{name}")
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return undone


def _generate(url: str, size: int, seed: int, first_day: str) -> dict[str, Any]:
    import datetime as dt

    from django.core.management import call_command
    from django.db import connection

    from bench import history_cases, history_copy, history_org
    from trantib.cases.audit import event_hash
    from trantib.cases.services import acting_role
    from trantib.core.audit import canonical
    from trantib.core.dates import date_id
    from trantib.core.models import Counter
    from trantib.engine.timing import TimeStandard
    from trantib.sops import registry
    from trantib.sops.services import sop_library_sync

    t_start = time.perf_counter()
    timings: dict[str, float] = {}
    _say(f"migrating {_name(url)}")
    call_command("migrate", verbosity=0, interactive=False)
    sop_library_sync()
    timings["migrate"] = time.perf_counter() - t_start
    banit = max(2, round(70 * size / FULL_SIZE))
    t0 = time.perf_counter()
    org = history_org.org_build(seed=seed, banit=banit)
    timings["organisation"] = time.perf_counter() - t0
    _say(f"{len(org.units)} units, {len(org.people)} people, {len(org.polmas_rules)} Polmas rules")
    specs = {code: registry.get(code) for code in ("PGD", "PPW", "PPL", "PUR", "POLMAS")}
    connection.close()

    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        restore = history_copy.keys_drop(conn, history_copy_tables())
    sink = history_copy.Sink(url, history_cases.COLUMNS, log=_say)
    t0 = time.perf_counter()
    last = [t0]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] < 20 and done < total:
            return
        last[0] = now
        events = sink.counts["cases_event"] + len(sink.buffers["cases_event"])
        rate = done / (now - t0) if now > t0 else 0
        _say(
            f"{done:,}/{total:,} starts ({gen.cases:,} cases, {events:,} events) "
            f"{rate:,.0f} starts/s, COPY busy {sink.copy_seconds:.0f} s"
        )

    gen = history_cases.Gen(
        org=org,
        specs=specs,
        sink=sink,
        seed=seed,
        size=size,
        event_hash=event_hash,
        canonical=canonical,
        date_text=date_id,
        acting_role=acting_role,
        period=TimeStandard.parse,
        log=_say,
        first_day=dt.date.fromisoformat(first_day),
    )
    result = gen.run(progress)
    counts = sink.close()
    timings["rows"] = time.perf_counter() - t0
    _say(f"rows written in {timings['rows']:.0f} s: {sum(counts.values()):,} rows")
    Counter.objects.bulk_create([Counter(key=k, last=n) for k, n in result["counters"]])
    connection.close()
    with psycopg.connect(url, autocommit=True) as conn:
        _say(f"building {len(restore)} indexes and keys")
        timings["keys"] = history_copy.keys_restore(conn, restore, _say)
        for table in history_copy_tables():
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"coalesce((SELECT max(id) FROM {table}), 1))"
            )
        # The planner's statistics first: without them the stamps below pick plans fit for
        # an empty table (a per-case lookup that walks millions of index entries).
        conn.execute("ANALYZE")
    # What the services keep on the rows as they write them (the rows came by COPY): each
    # complaint's answer clock and each case's first late moment, by the product's own code.
    t0 = time.perf_counter()
    _say("stamping the complaints' answer clocks and the cases' first late moments")
    from trantib.cases.services import cases_late_backfill
    from trantib.complaints.clock import complaints_clock_backfill, sop_version_calendar
    from trantib.complaints.models import Complaint

    complaints_clock_backfill(Complaint, sop_version_calendar)
    cases_late_backfill()
    connection.close()
    timings["stamps"] = time.perf_counter() - t0
    with psycopg.connect(url, autocommit=True) as conn:
        t0 = time.perf_counter()
        _say("VACUUM ANALYZE")
        conn.execute("VACUUM ANALYZE")
        timings["vacuum"] = time.perf_counter() - t0
        timings["total"] = time.perf_counter() - t_start
        sizes = table_sizes(conn)
        info = {
            "first_day": first_day,
            "finished": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "timings": timings,
            "rows": counts,
            "sizes": sizes,
            "personas": org.personas,
            "units": {
                "camat": next(u.code for u in org.units.values() if u.name == "Kecamatan Serang"),
                "kasat": "PP-SRG",
                "province": "PPBTN",
            },
            "people": len(org.people),
            "late_share": gen.stats.late_tasks / max(1, gen.stats.done_tasks),
            "corrections": gen.stats.corrections,
        }
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER} (version int, size int, seed int, "
            "info jsonb, finished_at timestamptz DEFAULT now())"
        )
        conn.execute(
            f"INSERT INTO {MARKER} (version, size, seed, info) VALUES (%s, %s, %s, %s)",
            [GENERATOR_VERSION, size, seed, json.dumps(info)],
        )
    _say(f"done in {timings['total']:.0f} s")
    return {"version": GENERATOR_VERSION, "size": size, "seed": seed, **info}


def measure(
    *,
    url: str,
    info: dict[str, Any],
    requests: int = 30,
    only: Sequence[str] = (),
    var_dir: str = "/tmp/trantib-history",  # noqa: S108
) -> dict[str, Any]:
    """Time the pages for each persona (a spawned process on the history database)."""
    return _spawn(_measure, url, var_dir, info["personas"], info["units"], requests, tuple(only))


def _measure(
    url: str, personas: dict[str, str], units: dict[str, str], requests: int, only: tuple[str, ...]
) -> dict[str, Any]:
    from bench import history_measure

    out = history_measure.measure(
        personas=personas, units=units, requests=requests, only=only, log=_say
    )
    # The pages that miss the target, again with PostgreSQL's JIT compiler off for the
    # database (then back to the server's default): how much of their time it costs.
    missed = {
        (r["persona"], r["page"])
        for r in out["rows"]
        if r.get("p95") is not None and r["p95"] >= history_measure.TARGET_MS
    }
    if missed:
        _say(f"again with jit=off: {len(missed)} page(s)")
        jit_off = _jit_off_measure(url, personas, units, missed)
        for r in out["rows"]:
            again = jit_off.get((r["persona"], r["page"]))
            if again is not None:
                r["p95_jit_off"], r["sql_ms_jit_off"] = again["p95"], again["sql_ms"]
    out["database"] = history_measure.database_info()
    out["indexes"], out["migrations_absent"] = report_indexes()
    out["cores"] = os.cpu_count()
    return out


# Rows that break a rule the services keep; each query counts them (0 when consistent).
CONSISTENCY = {
    "complaints public against the intake's rule": (
        "SELECT count(*) FROM complaints_complaint WHERE public <> "
        "(channel IN ('web', 'sms', 'open311') AND NOT confidential)"
    ),
    "tasks whose case is in another unit": (
        "SELECT count(*) FROM cases_task t JOIN cases_case c ON c.id = t.case_id "
        "WHERE t.unit_id <> c.unit_id"
    ),
    "events whose case is in another unit": (
        "SELECT count(*) FROM cases_event e JOIN cases_case c ON c.id = e.case_id "
        "WHERE e.unit_id <> c.unit_id"
    ),
    "events of a task of another case": (
        "SELECT count(*) FROM cases_event e JOIN cases_task t ON t.id = e.task_id "
        "WHERE t.case_id <> e.case_id"
    ),
    "cases whose chain head is not their last event": (
        "SELECT count(*) FROM cases_case c WHERE c.event_seq <> "
        "(SELECT count(*) FROM cases_event e WHERE e.case_id = c.id)"
    ),
    "cases not opened by a case_opened event": (
        "SELECT count(*) FROM cases_case c WHERE NOT EXISTS (SELECT 1 FROM cases_event e "
        "WHERE e.case_id = c.id AND e.seq = 1 AND e.type = 'case_opened')"
    ),
    "closed cases without a case_closed event": (
        "SELECT count(*) FROM cases_case c WHERE c.status = 'closed' AND NOT EXISTS "
        "(SELECT 1 FROM cases_event e WHERE e.case_id = c.id AND e.type = 'case_closed')"
    ),
    "ended cases with a live task": (
        "SELECT count(*) FROM cases_task t JOIN cases_case c ON c.id = t.case_id "
        "WHERE c.status <> 'open' AND t.status IN ('open', 'claimed')"
    ),
    "open cases without a live task": (
        "SELECT count(*) FROM cases_case c WHERE c.status = 'open' AND NOT EXISTS "
        "(SELECT 1 FROM cases_task t WHERE t.case_id = c.id AND t.status IN ('open', 'claimed'))"
    ),
    "done tasks without a completion time": (
        "SELECT count(*) FROM cases_task WHERE status = 'done' AND completed_at IS NULL"
    ),
    "tasks completed before they were created": (
        "SELECT count(*) FROM cases_task WHERE completed_at < created_at"
    ),
    "PGD cases without their complaint": (
        "SELECT count(*) FROM cases_case c WHERE c.sop_code = 'PGD' AND NOT EXISTS "
        "(SELECT 1 FROM complaints_complaint p WHERE p.case_id = c.id)"
    ),
    "cases whose first late moment is not kept": (
        "SELECT count(*) FROM cases_case c WHERE c.late_from IS DISTINCT FROM "
        "(SELECT min(t.due_at) FROM cases_task t WHERE t.case_id = c.id AND t.kind = 'work' "
        "AND t.status IN ('open', 'claimed', 'done') AND t.due_at IS NOT NULL "
        "AND (t.completed_at IS NULL OR t.completed_at > t.due_at))"
    ),
    "complaints without their answer clock": (
        "SELECT count(*) FROM complaints_complaint WHERE answer_late_from IS NULL "
        "OR (answered_at IS NOT NULL AND answer_days IS NULL)"
    ),
    "events at or after the end of the history": (
        "SELECT count(*) FROM cases_event WHERE at >= '2026-12-01T00:00:00+07:00'"
    ),
}


def verify(*, url: str, var_dir: str = "/tmp/trantib-history") -> dict[str, Any]:  # noqa: S108
    """The product's chain check over every case, and the consistency counts above."""
    return _spawn(_verify, url, var_dir)


def _verify(url: str) -> dict[str, Any]:
    from django.db import connection

    from trantib.cases.audit import chain_verify

    result = chain_verify()
    counts: dict[str, int] = {}
    with connection.cursor() as cur:
        for name, sql in CONSISTENCY.items():
            cur.execute(sql)
            counts[name] = int(cur.fetchone()[0])
        totals = {}
        for table in ("cases_case", "cases_task", "cases_event", "complaints_complaint"):
            cur.execute(f"SELECT count(*) FROM {table}")
            totals[table] = int(cur.fetchone()[0])
        cur.execute("SELECT sop_code, count(*) FROM cases_case GROUP BY 1 ORDER BY 1")
        by_sop = dict(cur.fetchall())
        cur.execute("SELECT count(*) FROM accounts_orgunit")
        units = int(cur.fetchone()[0])
    return {
        "chain_cases": result.cases,
        "chain_events": result.events,
        "chain_problems": [str(p) for p in result.problems[:5]],
        "problems_total": len(result.problems),
        "inconsistent": counts,
        "totals": totals,
        "by_sop": by_sop,
        "units": units,
    }


def _jit_off_measure(
    url: str, personas: dict[str, str], units: dict[str, str], pairs: set[tuple[str, str]]
) -> dict[tuple[str, str], dict[str, Any]]:
    import psycopg
    from psycopg import sql

    from bench import history_measure

    name = sql.Identifier(_name(url))
    with psycopg.connect(_admin_url(url), autocommit=True) as conn:
        conn.execute(sql.SQL("ALTER DATABASE {} SET jit = off").format(name))
    try:
        again = history_measure.measure(
            personas=personas, units=units, requests=10, pairs=pairs, log=_say
        )
    finally:
        with psycopg.connect(_admin_url(url), autocommit=True) as conn:
            conn.execute(sql.SQL("ALTER DATABASE {} RESET jit").format(name))
    return {(r["persona"], r["page"]): r for r in again["rows"] if "p95" in r}


def report_indexes() -> tuple[list[dict[str, Any]], list[str]]:
    """The indexes the ``*_report_indexes`` migrations add, and those not applied here."""
    from django.db import connection, migrations
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection)
    added: list[dict[str, Any]] = []
    absent: list[str] = []
    for (app, name), migration in sorted(loader.disk_migrations.items()):
        if not name.endswith("report_indexes"):
            continue
        if (app, name) not in loader.applied_migrations:
            absent.append(f"{app}.{name}")
        for op in migration.operations:
            if isinstance(op, migrations.AddIndex):
                model = loader.project_state().apps.get_model(app, op.model_name)
                added.append(
                    {
                        "migration": f"{app}.{name}",
                        "table": model._meta.db_table,
                        "name": op.index.name,
                        "fields": list(op.index.fields),
                        "condition": str(op.index.condition or ""),
                    }
                )
    return added, absent


def history_copy_tables() -> tuple[str, ...]:
    from bench.history_cases import BULK_TABLES

    return BULK_TABLES


def table_sizes(conn: Any) -> dict[str, dict[str, int]]:
    """Rows (estimated after ANALYZE) and bytes (with indexes and TOAST) of the big tables."""
    out: dict[str, dict[str, int]] = {}
    for table in history_copy_tables():
        rows, total, heap = conn.execute(
            "SELECT c.reltuples::bigint, pg_total_relation_size(c.oid), pg_relation_size(c.oid) "
            "FROM pg_class c WHERE c.oid = %s::regclass",
            [table],
        ).fetchone()
        out[table] = {"rows": int(rows), "bytes": int(total), "heap": int(heap)}
    db = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    out["_database"] = {"rows": 0, "bytes": int(db), "heap": 0}
    return out


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--size", type=int, default=FULL_SIZE, help="cases (1 000 000)")
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument("--url", default=HISTORY_URL, help="the history database")
    p.add_argument("--force", action="store_true", help="make it again even if it is there")
    args = p.parse_args(argv)
    problem = server_problem(args.url)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    info = ensure(url=args.url, size=args.size, seed=args.seed, force=args.force, log=_say)
    print(json.dumps({k: v for k, v in info.items() if k != "sizes"}, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
