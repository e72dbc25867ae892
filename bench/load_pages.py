"""Pages under load: officers of the province history (``bench/history.py``) reading Tugas Saya,
the case list (plain and filtered), a case page and the complaint list, as ``--users``
simultaneous users driven by locust (headless, loopback only, bounded by ``--run-time`` and,
with ``--each N``, by count: it stops once every page was asked N times) against the product
served by gunicorn. Target (issue 15): p95 < 150 ms for each page at 20 users. Its section of
``docs/PERFORMANCE.md`` is replaced, the rest kept::

    .venv/bin/python bench/load_pages.py                        # 20 users, 60 s
    .venv/bin/python bench/load_pages.py --users 5 --run-time 10 --output /tmp/p.md
    .venv/bin/python bench/load_pages.py --users 2 --each 5 --output /tmp/p.md  # a smoke
    .venv/bin/python bench/load_pages.py --worker-class gthread --threads 4

The history must exist (``bench/history.py`` makes it; ``make bench`` does too).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import history, history_report  # noqa: E402
from bench.history_org import PASSWORD  # noqa: E402
from bench.run import PG_URL, Server  # noqa: E402

TARGET_MS = 150.0
TITLE = "## Pages under load: 20 officers at once on the province history"
PAGES = (
    "Tugas Saya",
    "Daftar kasus",
    "Daftar kasus, disaring",
    "Halaman kasus",
    "Daftar pengaduan",
)
LOCUSTFILE = REPO / "bench" / "load" / "pages.py"


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_url = urlunsplit(urlsplit(PG_URL)._replace(path="/trantib_history"))
    p.add_argument("--url", default=default_url, help="the history database")
    p.add_argument("--size", type=int, default=history.FULL_SIZE, help="cases in the history (1M)")
    p.add_argument("--first-day", default="2022-01-01", help="the history's first day")
    p.add_argument("--users", type=int, default=20, help="simultaneous officers (20)")
    p.add_argument("--spawn-rate", type=float, default=5.0, help="users started per second (5)")
    p.add_argument("--run-time", type=int, default=60, help="seconds of load after start (60)")
    p.add_argument(
        "--each",
        type=int,
        default=0,
        help="stop once every page was asked this many times (0: run for --run-time)",
    )
    p.add_argument(
        "--pause", default="1,2", help="seconds an officer waits between pages: min,max (1,2)"
    )
    p.add_argument("--server-workers", type=int, default=2, help="gunicorn workers (2)")
    p.add_argument("--worker-class", default="sync", help="gunicorn worker class (sync)")
    p.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker (1)")
    p.add_argument("--output", default=str(REPO / "docs" / "PERFORMANCE.md"))
    args = p.parse_args(argv)
    try:
        low, high = (float(v) for v in args.pause.split(","))
    except ValueError:
        p.error(f"--pause: {args.pause!r} is not two numbers, min,max")
    if not 0 <= low <= high:
        p.error(f"--pause: {args.pause!r}: min must be at most max, both 0 or more")
    args.pause = (low, high)
    for name in ("users", "run_time", "server_workers", "threads"):
        if getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')}: must be 1 or more")
    if args.each < 0:
        p.error("--each: must be 0 or more")
    return args


# -- who reads what (a process booted on the history database) ------------------------------


def _plan(url: str, users: int) -> dict[str, Any]:
    """``users`` officers, one per unit in order of the unit's cases, each the holder of the
    position with the most live tasks of the unit, with 60 cases of the unit to open and the
    unit's most used SOP for the filtered list."""
    from django.db.models import Count

    from trantib.cases.models import Case

    units = [
        row["unit_id"]
        for row in Case.objects.values("unit_id").annotate(n=Count("id")).order_by("-n")
    ]
    officers: list[dict[str, Any]] = []
    # The busiest units first; round again (a second officer of a unit) while some are found.
    while len(officers) < users:
        found_before = len(officers)
        for unit_id in units:
            if len(officers) >= users:
                break
            holder = _holder(unit_id, {o["username"] for o in officers})
            if holder is not None:
                officers.append(_officer(unit_id, holder))
        if len(officers) == found_before:
            break
    return {"officers": officers}


def _holder(unit_id: int, taken: set[str]) -> Any:
    """A person of the unit not yet taken: the holder of the position with the most live
    tasks, or else of any position."""
    from django.db.models import Count

    from trantib.accounts.models import Assignment
    from trantib.cases.models import Task

    roles = [
        r["role"]
        for r in Task.objects.filter(unit_id=unit_id, status__in=("open", "claimed"))
        .values("role")
        .annotate(n=Count("id"))
        .order_by("-n")
    ]
    people = (
        Assignment.objects.filter(position__unit_id=unit_id)
        .exclude(person__user__username__in=taken)
        .select_related("person__user", "position__unit")
        .order_by("pk")
    )
    for role in roles:
        holder = people.filter(position__code=role).first()
        if holder is not None:
            return holder
    return people.first()


def _officer(unit_id: int, holder: Any) -> dict[str, Any]:
    from django.db.models import Count

    from trantib.cases.models import Case

    cases = list(
        Case.objects.filter(unit_id=unit_id).order_by("?").values_list("pk", flat=True)[:60]
    )
    sop = (
        Case.objects.filter(unit_id=unit_id)
        .values("sop_code")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("sop_code", flat=True)
        .first()
    )
    return {
        "username": holder.person.user.username,
        "role": holder.position.code,
        "unit": holder.position.unit.code,
        "cases": cases,
        "sop": sop,
    }


# -- the run ----------------------------------------------------------------------------------


def _locust(args: argparse.Namespace, port: int, plan_path: Path, out: Path) -> dict[str, Any]:
    locust = Path(sys.executable).with_name("locust")
    argv = [
        str(locust),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.spawn_rate),
        "--run-time",
        f"{args.run_time}s",
        "--stop-timeout",
        "10",
        "--host",
        f"http://127.0.0.1:{port}",
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    env = {**os.environ, "TRANTIB_LOAD_PLAN": str(plan_path)}
    started = time.monotonic()
    loads = [os.getloadavg()[0]]
    proc = subprocess.Popen(  # noqa: S603 — our own venv's locust, fixed arguments
        argv, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    deadline = started + args.run_time + args.users / args.spawn_rate + 120
    while proc.poll() is None:
        if time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError("locust did not stop in time")
        loads.append(os.getloadavg()[0])
        time.sleep(1)
    output = proc.stdout.read() if proc.stdout else ""
    stats = out / "statistics.json"
    if not stats.exists():
        raise RuntimeError(f"locust wrote no statistics (exit {proc.returncode}):\n{output}")
    found = json.loads(stats.read_text())
    rows, failures = found["rows"], found["failures"]
    return {
        "rows": rows,
        "failures": failures,
        "seconds": time.monotonic() - started,
        "load_max": max(loads),
        "exit": proc.returncode,
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    problem = history.server_problem(args.url)
    if problem:
        raise SystemExit(f"bench/load_pages.py: {problem}")
    var_dir = tempfile.mkdtemp(prefix="trantib-load-")
    # Made if missing, migrated if reused (a new index is in before the pages are timed).
    history.ensure(url=args.url, size=args.size, first_day=args.first_day, var_dir=var_dir)
    plan = history._spawn(_plan_child, args.url, var_dir, args.users)
    if len(plan["officers"]) < args.users:
        raise SystemExit(
            f"bench/load_pages.py: the history has officers for {len(plan['officers'])} users"
        )
    plan.update(
        password=PASSWORD,
        pause=list(args.pause),
        each=args.each,
        statistics=str(Path(var_dir) / "statistics.json"),
    )
    plan_path = Path(var_dir) / "plan.json"
    plan_path.write_text(json.dumps(plan))
    extra = ["--worker-class", args.worker_class]
    if args.worker_class == "gthread":
        extra += ["--threads", str(args.threads)]
    server = Server(args.url, var_dir, args.server_workers, extra=extra)
    try:
        found = _locust(args, server.port, plan_path, Path(var_dir))
    finally:
        server.stop()
    found.update(
        officers=[{k: o[k] for k in ("username", "role", "unit")} for o in plan["officers"]],
        args={
            "users": args.users,
            "spawn_rate": args.spawn_rate,
            "run_time": args.run_time,
            "each": args.each,
            "pause": list(args.pause),
            "server_workers": args.server_workers,
            "worker_class": args.worker_class,
            "threads": args.threads,
        },
        date=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        cores=os.cpu_count(),
    )
    return found


def _plan_child(url: str, users: int) -> dict[str, Any]:
    return _plan(url, users)


# -- the report -------------------------------------------------------------------------------


def _f(value: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def section(found: dict[str, Any]) -> list[str]:
    a = found["args"]
    by_name = {r["Name"]: r for r in found["rows"]}
    model = a["worker_class"] + (
        f", {a['threads']} threads" if a["worker_class"] == "gthread" else ""
    )
    bound = f"{a['run_time']} s"
    if a.get("each"):
        bound = f"until every page was asked {a['each']} times, at most {a['run_time']} s"
    lines = [
        TITLE,
        "",
        f"Written by `bench/load_pages.py` on {found['date']}. {a['users']} officers of the "
        f"province history at once (one login each, in the {a['users']} busiest units), each "
        "opening every page once after signing in, then a page at random, waiting "
        f"{a['pause'][0]:g}–{a['pause'][1]:g} s before the next: Tugas Saya and a case page "
        "twice as often as the lists"
        + (
            ""
            if a.get("each")
            else "; the figures count from the moment every officer has signed in and opened "
            "every page once (twenty sign-ins at once are seconds of password hashing on these "
            "cores, not the pages' time)"
        )
        + ". locust "
        f"(headless, {a['spawn_rate']:g} users started a second, then {bound}) "
        f"against gunicorn ({a['server_workers']} workers, {model}) on 127.0.0.1, on the "
        f"same {found['cores']} cores as PostgreSQL and locust itself; highest load average "
        f"{found['load_max']:.2f}. Target: p95 < {TARGET_MS:.0f} ms for each page.",
        "",
        "| Page | Requests | Failed | p50 ms | p95 ms | p99 ms | max ms | Requests/s | Target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name in PAGES:
        r = by_name.get(name)
        if r is None:
            lines.append(f"| {name} | 0 | | | | | | | not measured |")
            continue
        p95 = _f(r["95%"])
        verdict = "met" if p95 < TARGET_MS else "**not met**"
        lines.append(
            f"| {name} | {r['Request Count']} | {r['Failure Count']} | {_f(r['50%']):.0f} | "
            f"{p95:.0f} | {_f(r['99%']):.0f} | {_f(r['Max Response Time']):.0f} | "
            f"{_f(r['Requests/s']):.1f} | {verdict} |"
        )
    total = by_name.get("Aggregated")
    if total is not None:
        lines.append(
            f"| **All pages** | {total['Request Count']} | {total['Failure Count']} | "
            f"{_f(total['50%']):.0f} | {_f(total['95%']):.0f} | {_f(total['99%']):.0f} | "
            f"{_f(total['Max Response Time']):.0f} | {_f(total['Requests/s']):.1f} | |"
        )
    lines.append("")
    if found["failures"]:
        lines.append("Failures:")
        lines.append("")
        lines += [
            f"- {f.get('Method', '')} {f.get('Name', '')}: {f.get('Error', '')} "
            f"({f.get('Occurrences', '')}×)"
            for f in found["failures"]
        ]
        lines.append("")
    roles = sorted({f"{o['role']}" for o in found["officers"]})
    lines.append(f"The officers' positions: {', '.join(roles)}.")
    lines.append("")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    found = run(args)
    lines = section(found)
    print("\n".join(lines))
    output = Path(args.output)
    document = output.read_text() if output.exists() else ""
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(history_report.splice(document, lines, TITLE))
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
