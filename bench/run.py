"""``make bench``: durable task completions per second through the services, on SQLite and on
PostgreSQL, with 1 and 2 worker processes, against a raw-SQL floor; step 1 against step 200
of a long case; a profile of one completion; and complaint intake per second through the
REST API and the SMS webhook of a real gunicorn on loopback. Writes docs/PERFORMANCE.md.

    .venv/bin/python bench/run.py                      # the full run, ~4-5 minutes
    .venv/bin/python bench/run.py --quick              # smaller counts, about two minutes
    .venv/bin/python bench/run.py --intakes 0          # without the intake part
    .venv/bin/python bench/run.py --backends sqlite --completions 500 --output /tmp/p.md
    .venv/bin/python bench/run.py --history-only          # only the large-history part
    .venv/bin/python bench/run.py --history-size 20000    # a small history (quick)

With PostgreSQL among the backends, the run also times the reports on a province's five years
(the ``--history`` part, on by default): ``bench/history.py`` makes the database
``trantib_history`` once (about an hour for a million cases; reused while its generator
version, size and seed match) and ``bench/history_measure.py`` times the pages on it.

This process never imports Django: each database is set up, prepared and measured by spawned
processes (:mod:`bench.harness`) that boot Django on the benchmark database, so one run
measures both databases. The benchmark databases are its own: a SQLite file in a temporary
folder and the PostgreSQL database ``trantib_bench`` (created and dropped here). Without a
PostgreSQL server the run goes on with SQLite and says so in the table.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing as mp
import os
import secrets
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import harness, history, history_report, report  # noqa: E402

CTX = mp.get_context("spawn")
PG_URL = "postgres://postgres@127.0.0.1:5432/trantib_bench"
QUICK = {"completions": 600, "long_cases": 1, "profile_completions": 150, "intakes": 80}
FULL = {"completions": 2000, "long_cases": 3, "profile_completions": 400, "intakes": 300}
# The SMS webhook's secret of the benchmark's own server, new each run.
SMS_SECRET = secrets.token_urlsafe(24)


LETTER_COMPLETIONS = 300  # the letter step's run (its PDF costs tens of ms each)


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--completions", type=int, help="completions per measured run (2000)")
    p.add_argument("--quick", action="store_true", help="smaller counts: 600, 1 long case")
    p.add_argument("--backends", default="sqlite,postgres", help="sqlite,postgres")
    p.add_argument("--procs", default="1,2", help="worker process counts (1,2)")
    p.add_argument("--cases-per-worker", type=int, default=20, help="cases each worker cycles")
    p.add_argument("--long-steps", type=int, default=200, help="steps of the long case (200)")
    p.add_argument("--long-cases", type=int, help="long cases run side by side (3)")
    p.add_argument(
        "--profile-completions",
        type=int,
        help="completions timed by part, then under cProfile (400)",
    )
    p.add_argument("--top", type=int, default=18, help="functions listed in the profile")
    p.add_argument(
        "--intakes", type=int, help="complaints per measured intake run (300; 0: no intake part)"
    )
    p.add_argument("--intake-clients", default="1,2", help="intake client process counts (1,2)")
    p.add_argument(
        "--server-workers", type=int, default=2, help="gunicorn workers of the intake server (2)"
    )
    p.add_argument("--pg-url", default=PG_URL, help="the PostgreSQL benchmark database")
    p.add_argument("--output", default=str(REPO / "docs" / "PERFORMANCE.md"))
    p.add_argument("--var-dir", help="folder for the SQLite file (default: a temp folder)")
    p.add_argument("--keep", action="store_true", help="keep the benchmark databases")
    p.add_argument(
        "--history",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="time the reports on a large history (default: on when PostgreSQL is a backend)",
    )
    p.add_argument(
        "--history-only",
        action="store_true",
        help="only the large-history part; its section replaces the one in --output",
    )
    p.add_argument(
        "--history-size", type=int, default=history.FULL_SIZE, help="cases in the history (1M)"
    )
    p.add_argument(
        "--history-url", help="the history database (default: trantib_history on --pg-url's server)"
    )
    p.add_argument("--history-requests", type=int, default=30, help="timed requests per page (30)")
    p.add_argument("--history-pages", default="", help="only these pages (keys, comma-separated)")
    p.add_argument(
        "--history-baseline",
        action="store_true",
        help="first time the pages without the *_report_indexes migrations (taken back, then "
        "applied again) and keep those timings as the 'before' column "
        "(bench/history_baseline.json)",
    )
    args = p.parse_args(argv)
    if args.history_only:
        args.history = True
    elif args.history is None:
        args.history = "postgres" in [b.strip() for b in args.backends.split(",")]
    if not args.history_url:
        args.history_url = urlunsplit(urlsplit(args.pg_url)._replace(path="/trantib_history"))
    for key, value in (QUICK if args.quick else FULL).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    args.backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    unknown = set(args.backends) - set(report.LABEL)
    if unknown:
        p.error(f"unknown backend(s): {', '.join(sorted(unknown))}")
    args.procs = [int(n) for n in args.procs.split(",")]
    args.intake_clients = [int(n) for n in args.intake_clients.split(",")]
    if args.long_steps < 4:
        p.error("--long-steps must be at least 4")
    return args


class Log:
    """Progress on stdout; it also keeps the highest load average seen (other work on the
    machine makes the numbers worse, and the report says so)."""

    def __init__(self) -> None:
        self.t0 = time.perf_counter()
        self.load_max = os.getloadavg()[0]

    def __call__(self, message: str) -> None:
        self.load_max = max(self.load_max, os.getloadavg()[0])
        print(f"[{time.perf_counter() - self.t0:6.1f}s] {message}", flush=True)


# -- PostgreSQL -----------------------------------------------------------------------------


def pg_recreate(url: str) -> str | None:
    """Drop and create the benchmark database; the reason when no server answers."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name or name in ("postgres", "template0", "template1"):
        return f"refusing to use database {name!r} for the benchmark"
    try:
        with psycopg.connect(
            urlunsplit(parts._replace(path="/postgres")), autocommit=True, connect_timeout=3
        ) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"no PostgreSQL server answered at {parts.hostname}:{parts.port or 5432} ({first})"
    return None


def pg_drop(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    with psycopg.connect(
        urlunsplit(parts._replace(path="/postgres")), autocommit=True, connect_timeout=3
    ) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(parts.path.lstrip("/"))
            )
        )


# -- measuring ------------------------------------------------------------------------------


def throughput(
    *, url: str, var_dir: str, path: str, case_lists: list[list[int]], completions: int
) -> dict[str, Any]:
    """Run one worker process per case list, started together; collect their timings."""
    procs = len(case_lists)
    shares = [completions // procs + (1 if i < completions % procs else 0) for i in range(procs)]
    barrier = CTX.Barrier(procs)
    results = CTX.Queue()
    workers = [
        CTX.Process(target=harness.worker, args=(url, var_dir, path, ids, n, barrier, results))
        for ids, n in zip(case_lists, shares, strict=True)
    ]
    for w in workers:
        w.start()
    got = [results.get(timeout=900) for _ in workers]
    for w in workers:
        w.join(timeout=60)
    errors = [g["error"] for g in got if "error" in g]
    if errors:
        raise RuntimeError("a benchmark worker failed:\n" + errors[0])
    latencies = [x * 1000 for g in got for x in g["latencies"]]
    seconds = max(g["end"] for g in got) - min(g["start"] for g in got)
    return {
        "path": path,
        "procs": procs,
        "completions": len(latencies),
        "seconds": seconds,
        "rate": len(latencies) / seconds if seconds else math.nan,
        "p50": statistics.median(latencies) if latencies else math.nan,
        "p95": report.percentile(latencies, 95),
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """gunicorn serving the product's WSGI application (production settings) on loopback,
    on the benchmark database, with the SMS webhook switched on. No background worker: the
    receipts stay queued in the outbox, as they are until the worker's next round."""

    def __init__(self, url: str, var_dir: str, workers: int, extra: Sequence[str] = ()) -> None:
        self.port = _free_port()
        self.log_path = Path(var_dir) / "gunicorn.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": url,
            "TRANTIB_VAR_DIR": var_dir,
            "TRANTIB_LOG_LEVEL": "WARNING",
            "TRANTIB_SMS_WEBHOOK_SECRET": SMS_SECRET,
        }
        gunicorn = Path(sys.executable).with_name("gunicorn")
        argv = [
            str(gunicorn),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            *extra,
        ]
        self.log_file = self.log_path.open("wb")
        self.proc = subprocess.Popen(  # noqa: S603 — our own venv's gunicorn, fixed arguments
            argv, cwd=REPO, env=env, stdout=self.log_file, stderr=subprocess.STDOUT
        )
        self._wait_ready()

    def _wait_ready(self) -> None:
        import http.client

        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start:\n{self.log_tail()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/api/v1/openapi.json")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
                conn.close()
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within 90 s:\n{self.log_tail()}")

    def door_missing(self, path: str) -> bool:
        """True when the server has no such URL (a door not built in this checkout)."""
        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("POST", path, body=b"", headers={"Content-Length": "0"})
            return conn.getresponse().status == 404
        finally:
            conn.close()

    def log_tail(self) -> str:
        self.log_file.flush()
        return self.log_path.read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()  # gunicorn's arbiter stops its workers on SIGTERM
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.log_file.close()


def intake_throughput(
    *, server: Server, door: str, credentials: list[str], intakes: int, label: str
) -> dict[str, Any]:
    """One client process per credential, started together at a barrier; their timings."""
    procs = len(credentials)
    shares = [intakes // procs + (1 if i < intakes % procs else 0) for i in range(procs)]
    barrier = CTX.Barrier(procs)
    results = CTX.Queue()
    clients = [
        CTX.Process(
            target=harness.intake_client,
            args=("127.0.0.1", server.port, door, cred, n, f"{label}c{i}", barrier, results),
        )
        for i, (cred, n) in enumerate(zip(credentials, shares, strict=True))
    ]
    for c in clients:
        c.start()
    got = [results.get(timeout=900) for _ in clients]
    for c in clients:
        c.join(timeout=60)
    errors = [g["error"] for g in got if "error" in g]
    if errors:
        raise RuntimeError(f"an intake client failed:\n{errors[0]}\n{server.log_tail()}")
    latencies = [x * 1000 for g in got for x in g["latencies"]]
    seconds = max(g["end"] for g in got) - min(g["start"] for g in got)
    failures = [f for g in got for f in g["failures"]]
    return {
        "door": door,
        "procs": procs,
        "intakes": len(latencies),
        "failures": len(failures),
        "failure_sample": failures[:3],
        "seconds": seconds,
        "rate": (len(latencies) - len(failures)) / seconds if seconds else math.nan,
        "p50": statistics.median(latencies) if latencies else math.nan,
        "p95": report.percentile(latencies, 95),
    }


def intake_measure(
    label: str, url: str, var_dir: str, args: argparse.Namespace, log: Log, helper: Any
) -> dict[str, Any]:
    most = max(args.intake_clients)
    tokens = helper.submit(harness.intake_setup, most).result()["tokens"]
    out: dict[str, Any] = {"runs": [], "server_workers": args.server_workers}
    log(f"{label}: starting gunicorn ({args.server_workers} workers) on loopback")
    server = Server(url, var_dir, args.server_workers)
    try:
        for door in harness.INTAKE_DOORS:
            path = "/api/v1/complaints" if door == "api" else "/sms/masuk/"
            if door == "sms" and server.door_missing(path):
                out.setdefault("missing", []).append(door)
                log(f"{label}: no SMS webhook at {path} in this checkout: skipped")
                continue
            for procs in args.intake_clients:
                creds = tokens[:procs] if door == "api" else [SMS_SECRET] * procs
                mark = helper.submit(harness.intake_mark).result()
                log(
                    f"{label}: intake through {report.DOOR[door]}, {procs} client "
                    f"process(es): {args.intakes} complaints"
                )
                r = intake_throughput(
                    server=server,
                    door=door,
                    credentials=creds,
                    intakes=args.intakes,
                    label=f"{door}{procs}p",
                )
                r["verified"] = helper.submit(harness.intake_verify, mark).result()
                r["expected"] = r["intakes"] - r["failures"] + procs * harness.INTAKE_WARM_UP
                out["runs"].append(r)
                v = r["verified"]
                log(
                    f"{label}:   {r['rate']:.1f} complaints/s (p50 {r['p50']:.1f} ms, "
                    f"p95 {r['p95']:.1f} ms, {r['failures']} failed); {v['complaints']} "
                    f"complaints, {v['first_step_done']} first steps done, "
                    f"{v['receipts']} receipts queued"
                )
    finally:
        server.stop()
    return out


def backend_measure(name: str, url: str, var_dir: str, args: argparse.Namespace, log: Log) -> Any:
    label = report.LABEL[name]
    out: dict[str, Any] = {"runs": []}
    with ProcessPoolExecutor(
        max_workers=1, mp_context=CTX, initializer=harness.boot, initargs=(url, var_dir)
    ) as helper:
        log(f"{label}: migrating and loading the demo organisation")
        out["info"] = helper.submit(harness.database_setup).result()
        runs = [(procs, path) for procs in args.procs for path in ("service", "raw")]
        runs.append((max(args.procs), "letter"))  # what the draft step's letter adds
        for procs, path in runs:
            # A letter step renders a PDF (tens of ms): a few hundred show its cost.
            completions = (
                min(args.completions, LETTER_COMPLETIONS) if path == "letter" else args.completions
            )
            cases = max(1, min(args.cases_per_worker, completions // procs))
            letter = path == "letter"
            case_lists = [
                helper.submit(
                    harness.cases_prepare, cases, f"{path} {procs}p w{i}", letter
                ).result()
                for i in range(procs)
            ]
            log(
                f"{label}: {procs} process(es), {report.PATH[path]}: "
                f"{completions} completions over {cases * procs} cases"
            )
            r = throughput(
                url=url,
                var_dir=var_dir,
                path=path,
                case_lists=case_lists,
                completions=completions,
            )
            out["runs"].append(r)
            log(
                f"{label}:   {r['rate']:.0f} completions/s "
                f"(p50 {r['p50']:.2f} ms, p95 {r['p95']:.2f} ms, {r['seconds']:.1f} s)"
            )
        log(f"{label}: {args.long_cases} long case(s) to step {args.long_steps}")
        width = len(report.windows(args.long_steps)[0])
        out["long"] = helper.submit(
            harness.long_cases, args.long_cases, args.long_steps, width
        ).result()
        s = report.step_summary(out["long"])
        log(
            f"{label}:   loop steps near the start {s['early']:.2f} ms, "
            f"near {args.long_steps} {s['late']:.2f} ms"
        )
        log(f"{label}: timing the parts of {args.profile_completions} completions")
        out["parts"] = helper.submit(harness.parts, args.profile_completions, 10).result()
        log(f"{label}: profiling {args.profile_completions} completions")
        out["profile"] = helper.submit(
            harness.profile, args.profile_completions, 10, args.top
        ).result()
        out["profile"].pop("queries_full", None)
        if args.intakes > 0:
            out["intake"] = intake_measure(label, url, var_dir, args, log, helper)
        log(f"{label}: verifying the event chains")
        out["chains"] = helper.submit(harness.chain_check).result()
    return out


def history_part(args: argparse.Namespace, log: Log) -> dict[str, Any]:
    """Make (or reuse) the large history and time the pages on it."""
    import datetime as dt

    problem = history.server_problem(args.history_url)
    if problem:
        log(f"history skipped: {problem}")
        return {"skipped": problem}
    log(f"history: {args.history_size:,} cases in {urlsplit(args.history_url).path[1:]}")
    pages = tuple(p.strip() for p in args.history_pages.split(",") if p.strip())
    if args.history_baseline:
        # "Before": the same pages with the report indexes taken back.
        info = history.ensure(url=args.history_url, size=args.history_size, log=log)
        undone = history.indexes_unapply(url=args.history_url)
        log(f"history: timing the pages without {', '.join(undone) or 'any report index'}")
        before = history.measure(
            url=args.history_url, info=info, requests=args.history_requests, only=pages
        )
        history_report.baseline_save(
            {"measure": before, "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")}
        )
        log(f"history: baseline saved to {history_report.BASELINE}")
    info = history.ensure(url=args.history_url, size=args.history_size, log=log)
    log(f"history: timing the pages ({args.history_requests} requests each)")
    measured = history.measure(
        url=args.history_url, info=info, requests=args.history_requests, only=pages
    )
    out = {
        "info": info,
        "measure": measured,
        "migrated": info.get("migrated", []),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }
    return out


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    log = Log()
    if args.history_only:
        found = history_part(args, log)
        output = Path(args.output)
        document = output.read_text() if output.exists() else ""
        lines = history_report.section(found, history_report.baseline_load())
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(history_report.splice(document, lines))
        log(f"wrote the history section of {output}")
        return 0
    info = report.machine()
    info["load_start"] = f"{os.getloadavg()[0]:.2f}"
    own_var = args.var_dir is None
    var_dir = args.var_dir or tempfile.mkdtemp(prefix="trantib-bench-")
    backends: dict[str, Any] = {}
    try:
        for name in args.backends:
            if name == "sqlite":
                sqlite_dir = Path(var_dir) / "sqlite"
                shutil.rmtree(sqlite_dir, ignore_errors=True)
                sqlite_dir.mkdir(parents=True)
                url = f"sqlite:///{sqlite_dir / 'bench.sqlite3'}"
                backends[name] = backend_measure(name, url, str(sqlite_dir), args, log)
            else:
                problem = pg_recreate(args.pg_url)
                if problem:
                    log(f"PostgreSQL skipped: {problem}")
                    backends[name] = {"skipped": problem}
                    continue
                pg_dir = Path(var_dir) / "postgres"
                pg_dir.mkdir(parents=True, exist_ok=True)
                try:
                    backends[name] = backend_measure(name, args.pg_url, str(pg_dir), args, log)
                finally:
                    if not args.keep:
                        pg_drop(args.pg_url)
    finally:
        if own_var and not args.keep:
            shutil.rmtree(var_dir, ignore_errors=True)
        elif args.keep:
            log(f"kept the benchmark data in {var_dir}")
    found = history_part(args, log) if args.history else None
    info["load_end"] = f"{os.getloadavg()[0]:.2f}"
    info["load_max"] = f"{max(log.load_max, os.getloadavg()[0]):.2f}"
    command = ".venv/bin/python bench/run.py" + "".join(
        f" {shlex.quote(a)}" for a in (sys.argv[1:] if argv is None else argv)
    )
    text = report.render(
        command=command,
        machine_info=info,
        backends=backends,
        steps=args.long_steps,
        long_cases=args.long_cases,
    )
    if found is not None:
        text = history_report.splice(
            text, history_report.section(found, history_report.baseline_load())
        )
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text)
    log(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
