"""The section "Laporan pada riwayat besar" of docs/PERFORMANCE.md: the history's sizes and
generation time, the pages' timings per persona, the indexes added for them, and what misses
the target. Imports nothing from Django."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

TARGET_MS = 300.0
TITLE = "## Laporan pada riwayat besar"
BASELINE = Path(__file__).resolve().parent / "history_baseline.json"
TABLE_LABEL = {
    "cases_case": "cases (kasus)",
    "cases_task": "tasks (tugas)",
    "cases_event": "events (peristiwa, hash-chained)",
    "complaints_complaint": "complaints",
    "enforcement_violator": "violators",
    "enforcement_enforcement": "enforcements",
    "enforcement_enforcement_articles": "enforcement ↔ articles",
    "enforcement_compliancecheck": "compliance checks",
    "enforcement_sanctionapplied": "sanctions applied",
    "patrols_plan": "patrol plans (months)",
    "patrols_planday": "patrol days",
    "patrols_report": "patrol reports",
    "patrols_reportfinding": "patrol findings",
    "community_activity": "Polmas activities",
    "community_issue": "Polmas issues",
    "operations_operation": "operation files",
    "operations_result": "operation results",
    "operations_seizeditem": "seized items",
    "letters_letter": "letters",
    "letters_delivery": "letter deliveries",
}


# Why a page misses the target where indexes cannot help (found with EXPLAIN ANALYZE and
# cProfile on the history; docs/PERFORMANCE.md prints the note beside the page's figures).
NOTES: dict[str, str] = {
    "dashboard": (
        "For the province: about 150 ms of SQL in 22 queries (the Mutu Baku line reads some "
        "220,000 done work steps of twelve weeks from its covering index, about 50 ms; the "
        "complaint panel six months of complaints in one grouped query, about 40 ms) and the "
        "ladder panel's standing of some 1,500 open enforcements (their cases' recorded "
        "state, live steps and waits, in Python)."
    ),
    "recap_complaints": (
        "Python: the complaints are grouped in SQL by unit, channel, category, desa, state "
        "and working days (about 9,000 groups for the province's month), then tallied into "
        "four tables with a drill address per figure (some 300 desa)."
    ),
    "recap_operations": (
        "Python: one row per operation of the month (about 780 in the province), each a dozen "
        "linked cells: building and rendering a 420 KB page, from plain values."
    ),
    "recap_polmas": (
        "Python: the community app's own `recap_month` per unit (activities read as plain "
        "values) and the officers' table with a link per figure."
    ),
    "recap_enforcement": (
        "About half SQL (the month's letters, checks and articles of some 10,000 enforcements; "
        "the articles by a list of ids), half Python (a row per article of the province's "
        "Perda, each figure linked)."
    ),
    "monitoring": (
        "SQL: the Kasat's unit began 26,000 PPW steps in the semester; the figures are one "
        "aggregate with a distinct count of cases per figure and a look-back for returns."
    ),
    "spm": (
        "SQL: the quarter's cases still running in the scope (54,000 for the province) read "
        "once, from a covering index, in two ranges (still open; closed since the quarter "
        "began), and the running complaints likewise."
    ),
}
DONE = (
    "What took the pages there, since the first measurement (2026-12-03): PostgreSQL's JIT "
    "off for Trantib's connections (decision 0005); the complaint clock stamped on the "
    "complaint at receipt and answer (`complaints.clock`, migration "
    "`complaints.0005_answer_clock`), counted in SQL by the dashboard, the complaint recap and "
    "the SPM; the dashboard's ladder counted from the board's own rung and deadline without "
    "building its rows (`board_standings`), its open enforcements read from a partial index "
    "(`enforcement.0006_open_index`); the monitoring form read through a (unit, step, "
    "created) index and a partial index of corrections; the operations and Polmas recaps "
    "reading plain values instead of model instances; the first late moment of each case "
    "kept on the case (`Case.late_from`, migration `cases.0011_case_late_from`); covering "
    "indexes (PostgreSQL `INCLUDE`, decision 0006) that let the SPM, the dashboard's Mutu "
    "Baku line and complaint months read indexes only (`cases.0012`, `cases.0013`, "
    "`complaints.0007`); the SPM's three reads of the quarter's cases merged into one; the "
    "dashboard's complaint panel in one grouped query (unit, month, answer state, days) "
    "instead of 24 filtered counts and a second scan; the enforcement recap's per-unit "
    "figures in one pass; the paths of linked figures reversed once per URL configuration "
    "(`core.links.path_to`: 5 µs against about 100 µs for Django's `reverse`), the cells "
    "written with the standard library's escape and a row's cells as one piece of HTML."
)
HEADROOM = [
    "1. **Counts per unit and day kept for the days gone by** (work steps done, within Mutu "
    "Baku; complaints received and answered): the dashboard's twelve-week line and six "
    "months would read a few rows per unit and day instead of every step; a step completed "
    "on a past day (a demo load, an import) must clear its day.",
    "2. **The ladder's standing kept on the enforcement** (its rung and the deadline of its "
    "live step, written by the enforcement services): the dashboard's ladder panel would "
    "count rows instead of reading each open case's recorded state.",
    "3. **Province-wide tables** (the complaint recap's 300 desa, the enforcement recap's "
    "articles, the operations recap's 780 rows): a parent unit's recap could show the totals "
    "per child unit and open each child's detail on its own page.",
]


def _slowest_pages(rows: list[dict[str, Any]], n: int = 3) -> str:
    """ "the Kasat's Monitoring SOP, 297 ms; …": the ``n`` highest p95 measured."""
    timed = sorted((r for r in rows if "p95" in r), key=lambda r: -r["p95"])[:n]
    return "; ".join(f"{r['label']}, {r['who']}: p95 {r['p95']:.0f} ms" for r in timed)


def _after(missed: bool, rows: list[dict[str, Any]]) -> list[str]:
    """How the pages got where they are, and what would take (or keep) them under 300 ms."""
    heading = (
        "### What would take the rest under 300 ms (not done yet)"
        if missed
        else "### What would keep them there as the history grows (not done yet)"
    )
    intro = (
        []
        if missed
        else [
            f"The slowest pages ({_slowest_pages(rows)}) are within "
            f"{TARGET_MS - max(r['p95'] for r in rows if 'p95' in r):.0f} ms of the target, "
            "and what they read grows with the province's months:",
            "",
        ]
    )
    return ["### How the pages got here", "", DONE, "", heading, "", *intro, *HEADROOM, ""]


def baseline_load(path: Path = BASELINE) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def baseline_save(history: dict[str, Any], path: Path = BASELINE) -> None:
    """Keep the pages' timings as they were before the report indexes (the "before" column),
    page by page: a page measured again replaces its rows, the others stay."""
    old = baseline_load(path) or {}
    kept = {(r["persona"], r["page"]): r for r in old.get("rows", [])}
    for r in history["measure"]["rows"]:
        if "p95" in r:
            keys = ("persona", "page", "p50", "p95", "max", "queries")
            kept[(r["persona"], r["page"])] = {
                **{k: r[k] for k in keys},
                "measured": history.get("date", ""),
                "absent": history["measure"].get("migrations_absent", []),
            }
    data = {
        "note": "Page timings on the large history before the report indexes (make bench "
        "--history-baseline, run with those migrations not yet applied).",
        "rows": sorted(kept.values(), key=lambda r: (r["persona"], r["page"])),
    }
    path.write_text(json.dumps(data, indent=1) + "\n")


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:,.0f} MB" if n < 1024**3 else f"{n / 1024**3:,.1f} GB"


def _ms(v: float | None) -> str:
    return "–" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:,.0f}"


def section(history: dict[str, Any] | None, baseline: dict[str, Any] | None = None) -> list[str]:
    out = [TITLE, ""]
    if history is None:
        return []
    if "skipped" in history:
        out += [f"Not measured: {history['skipped']}.", ""]
        return out
    info = history["info"]
    measure = history["measure"]
    rows_count = info.get("rows", {})
    timings = info.get("timings", {})
    sizes = info.get("sizes", {})
    db = measure.get("database", {})
    out += [
        "Issue 13's target: the case list, the dashboard, the monthly recaps, the SOP monitoring "
        "pre-fill and the SPM report answer in under 300 ms p95 on a province's five years — at "
        "least 1 million cases and 10 million events across 30 units. Written by `make bench` "
        "(`bench/run.py`, the `--history` part: `bench/history.py` makes the database, "
        "`bench/history_measure.py` times the pages).",
        "",
        "### The history",
        "",
        f"- **Database**: PostgreSQL {db.get('server_version', '?')} on this machine, "
        f"`shared_buffers={db.get('shared_buffers', '?')}`, `work_mem={db.get('work_mem', '?')}`, "
        f"`effective_cache_size={db.get('effective_cache_size', '?')}`, "
        f"`jit={db.get('jit', '?')}` (the server's defaults, untouched); database size "
        f"{_mb(sizes.get('_database', {}).get('bytes', 0))}.",
        f"- **Province** (`bench/history_org.py`): 30 units — Satpol PP Provinsi Banten at the "
        "root, four kab/kota (Pemkot/Pemkab, its Satpol PP and 4-6 kecamatan each: 19 "
        "kecamatan), and a Polres with its Satbinmas; "
        f"{info.get('people', '344')} people with logins.",
        "- **Five years** (2022-01-01 → 2026-11-30, `bench/history_cases.py`): complaints (PGD) "
        "in the kecamatan, Perda enforcement up the warning ladder (PPW from its entry step) and "
        "monthly patrol programmes (PPW) in the five Satpol PP, PPL and PUR operations in the "
        "kecamatan, Polmas activities (POLMAS) of the Bhabinkamtibmas; weekly and yearly "
        "seasons, Ramadan, a growing share of work recorded each year. Each task has its SOP "
        "step, role, Mutu Baku text and minutes, its due time from the SOP's own calendar "
        f"(working hours and Indonesian holidays for PGD and PPL); {info.get('late_share', 0):.0%} "
        "of the steps done finished after their due time, some were claimed first, corrected "
        "(`field_corrected`) or cancelled; decisions loop back for corrections; cases still "
        "running on 30 November keep their live tasks. Each event is hashed into its case's "
        "chain with the product's own `event_hash`.",
        f"- **Generated** in {timings.get('total', 0) / 60:,.0f} min "
        f"(migrate {timings.get('migrate', 0):.0f} s, organisation "
        f"{timings.get('organisation', 0):.0f} s, rows by COPY {timings.get('rows', 0) / 60:.0f} "
        f"min, indexes and foreign keys {timings.get('keys', 0) / 60:.1f} min, VACUUM ANALYZE "
        f"{timings.get('vacuum', 0) / 60:.1f} min) on {info.get('finished', '?')}; "
        + (
            "this run reused it (same generator version, size and seed) and applied the "
            f"migrations it lacked ({', '.join(history['migrated']) or 'none'})."
            if info.get("reused")
            else "made in this run."
        ),
        "",
        "| Table | Rows | Size (with indexes) |",
        "|---|---:|---:|",
    ]
    for table, label in TABLE_LABEL.items():
        if table in rows_count:
            size = sizes.get(table, {}).get("bytes", 0)
            out.append(f"| {label} (`{table}`) | {rows_count[table]:,} | {_mb(size)} |")
    out += [""]
    out += _pages(measure, baseline)
    out += _indexes(measure)
    out += _misses(measure)
    out += _after(
        any(not r.get("missing") and r.get("p95", 0) >= TARGET_MS for r in measure["rows"]),
        measure["rows"],
    )
    return out


def _pages(measure: dict[str, Any], baseline: dict[str, Any] | None) -> list[str]:
    before = {}
    if baseline:
        before = {(r["persona"], r["page"]): r for r in baseline.get("rows", [])}
    head = (
        "| Page | Persona (unit) | p50 ms | p95 ms | max ms | Queries | in SQL ms |"
        + (" p95 before ms |" if before else "")
        + " < 300 ms p95 |"
    )
    out = [
        "### Pages",
        "",
        f"Django test client in one process on the history database, production settings, "
        f"logged in as each persona; {3} warm-up requests, then {measure['requests']} timed "
        "ones per page (p95 over those); queries counted on one more request, with the time "
        'they took ("in SQL": the database and the driver; the rest of a request is Python: '
        "the ORM building rows, the report's own arithmetic, the template). The highest "
        f"1-minute load average during the timing was {measure.get('load_max', 0):.1f} on "
        f"{measure.get('cores', '2')} cores shared with other work: numbers on a quiet machine "
        "are lower.",
    ]
    if before:
        out += [
            "",
            '"p95 before": the same page on the same rows before the report indexes were '
            "added (`bench/history_baseline.json`, kept by `--history-baseline`; the date of "
            "each measurement is in the file).",
        ]
    out += ["", head, "|---|---|---:|---:|---:|---:|---:|" + ("---:|" if before else "") + "---|"]
    for r in measure["rows"]:
        who = f"{r['who']} (`{r['unit']}`)"
        page = f"{r['label']} `{r['path']}`"
        if r.get("missing"):
            out.append(
                f"| {page} | {who} | not measured: not yet built | | | | |"
                + (" |" if before else "")
                + " |"
            )
            continue
        status = "" if r["status"] == 200 else f" (HTTP {r['status']})"
        ok = "yes" if r["p95"] < TARGET_MS and r["status"] == 200 else "**no**"
        line = (
            f"| {page}{status} | {who} | {_ms(r['p50'])} | {_ms(r['p95'])} | {_ms(r['max'])} "
            f"| {r['queries']} | {_ms(r.get('sql_ms'))} |"
        )
        if before:
            b = before.get((r["persona"], r["page"]))
            line += f" {_ms(b['p95']) if b else '–'} |"
        out.append(line + f" {ok} |")
    return [*out, ""]


def _indexes(measure: dict[str, Any]) -> list[str]:
    added = measure.get("indexes", [])
    out = ["### Indexes added for the reports", ""]
    if not added:
        return [*out, "None.", ""]
    out += ["| Migration | Table | Index | Columns | Condition |", "|---|---|---|---|---|"]
    for i in added:
        out.append(
            f"| `{i['migration']}` | `{i['table']}` | `{i['name']}` | {', '.join(i['fields'])} "
            f"| {i.get('condition') or ''} |"
        )
    return [*out, ""]


def _misses(measure: dict[str, Any]) -> list[str]:
    out = ["### What misses 300 ms p95, and why", ""]
    missed = [
        r
        for r in measure["rows"]
        if not r.get("missing") and (r["p95"] >= TARGET_MS or r["status"] != 200)
    ]
    if not missed:
        out.append("Nothing: every page that exists answers within 300 ms p95.")
    for r in missed:
        slow = r.get("slowest") or [{}]
        top = slow[0]
        note = NOTES.get(r["page"], "")
        split = ""
        if r.get("sql_ms") is not None and r.get("captured_ms"):
            split = (
                f" {_ms(r['sql_ms'])} ms of a {_ms(r['captured_ms'])} ms request were SQL "
                f"({r['queries']} queries; the slowest {_ms(top.get('ms'))} ms)."
            )
        jit = ""
        if r.get("p95_jit_off") is not None:
            jit = (
                f" With `jit=off`: p95 {_ms(r['p95_jit_off'])} ms, "
                f"{_ms(r.get('sql_ms_jit_off'))} ms in SQL."
            )
        out.append(
            f"- **{r['label']}**, {r['who']} (`{r['unit']}`): p95 {_ms(r['p95'])} ms.{split}"
            + jit
            + (f" {note}" if note else "")
        )
    missing = [r for r in measure["rows"] if r.get("missing")]
    if missing:
        pages = sorted({r["label"] for r in missing})
        out.append(f"- Not measured (not yet built in this checkout): {', '.join(pages)}.")
    return [*out, ""]


def splice(document: str, lines: list[str], title: str = TITLE) -> str:
    """``document`` with its section headed ``title`` (the history's by default) replaced by
    ``lines``, or them appended."""
    text = "\n".join(lines)
    if title in document:
        head, rest = document.split(title, 1)
        nxt = rest.find("\n## ")
        tail = rest[nxt + 1 :] if nxt >= 0 else ""
        return head + text + ("\n" + tail if tail else "\n")
    return document.rstrip("\n") + "\n\n" + text + "\n"
