"""The Django side of the benchmark. Every function here runs in a spawned process that
:func:`boot` pointed at the benchmark database first (the orchestrator in ``run.py`` never
imports Django, so one run can measure SQLite and PostgreSQL one after the other).

The workload is the correction loop of SOP PPL (Pelarangan Pelacuran) in Kecamatan Cipondoh
(CPD) of the demo organisation: the Kasi Trantib drafts the Surat Perintah
(``draft_surat_perintah``, with the draft attached), the Sekcam checks it and sends it back
("ada koreksi", ``verifikasi_surat_perintah``), and so on. Each completion writes the same
rows as any plain step: the task update, the next task, its deadline job, the notice to the
next officer, one event and the case update, so one case can run to any length and the
raw-SQL floor writes exactly those rows. The cases run PPL v1, pinned to it as a case opened
before v2 was published is: its loop steps are plain steps. Since issue 11 (PPL v2) the Surat
Perintah is a letter in Trantib: the ``letter`` path prepares its cases on v2 with the letter
drafted and sent for paraf; each "ada koreksi" returns it and each draft completion sends it
again and keeps its PDF (rendered) among the step's files, inside the timed call — what a
letter step costs beside a plain one.
"""

from __future__ import annotations

import cProfile
import datetime as dt
import io
import json
import os
import pstats
import re
import sys
import time
import traceback
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SOP = "PPL"
UNIT = "CPD"
DRAFT, CHECK = "draft_surat_perintah", "verifikasi_surat_perintah"
LOOP_NEXT = {DRAFT: CHECK, CHECK: DRAFT}
ACTORS = {"kasi_trantib": "kasi.cpd", "sekcam": "sekcam.cpd", "camat": "camat.cpd"}
LIVE = ("open", "claimed")
PDF = b"%PDF-1.4\n% trantib bench draft\n" + b"0" * 2048
START_DATA = {
    "sumber": "Laporan warga RW 03",
    "lokasi": {"lat": -6.19, "lon": 106.68, "address": "Jl. KH Hasyim Ashari, Cipondoh"},
    "uraian": "Dugaan praktik prostitusi di rumah kos; mohon arahan penertiban.",
}
WARM_UP = 3  # untimed completions per worker before the clock starts
KOREKSI = "Dasar hukum belum mencantumkan Perda; mohon diperbaiki."


def boot(db_url: str, var_dir: str) -> None:
    """Point this process at the benchmark database and start Django (production settings)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DATABASE_URL"] = db_url
    os.environ["TRANTIB_VAR_DIR"] = var_dir
    # INFO would print a line per enqueued deadline job; the numbers are about the database.
    os.environ["TRANTIB_LOG_LEVEL"] = "WARNING"
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    Path(var_dir).mkdir(parents=True, exist_ok=True)
    import django

    django.setup()


# -- the database ---------------------------------------------------------------------------


def database_setup() -> dict[str, str]:
    """Migrate, load the demo organisation, and say what the database is."""
    from django.core.management import call_command
    from django.db import connection

    from trantib.demo import demo_org_load

    call_command("migrate", verbosity=0, interactive=False)
    demo_org_load()
    info: dict[str, str] = {"vendor": connection.vendor}
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            for name in ("server_version", "fsync", "synchronous_commit", "shared_buffers"):
                cur.execute(f"SHOW {name}")
                info[name] = str(cur.fetchone()[0])
        else:
            cur.execute("select sqlite_version()")
            info["sqlite_version"] = str(cur.fetchone()[0])
            cur.execute("PRAGMA journal_mode")
            info["journal_mode"] = str(cur.fetchone()[0])
            cur.execute("PRAGMA synchronous")
            info["synchronous"] = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(
                int(cur.fetchone()[0]), "?"
            )
    return info


def chain_check() -> dict[str, int]:
    """Recompute every event chain the benchmark wrote (service and raw-SQL rows alike)."""
    from trantib.cases.audit import chain_verify

    result = chain_verify()
    return {"cases": result.cases, "events": result.events, "problems": len(result.problems)}


def _people() -> dict[str, Any]:
    from trantib.accounts.models import Person

    return {role: Person.objects.get(user__username=u) for role, u in ACTORS.items()}


def _requirements(step_id: str) -> list[str]:
    from trantib.sops import registry

    return list(registry.get(SOP).step(step_id).requirements)


def _live_task(case_id: int) -> Any:
    from trantib.cases.models import Task

    return Task.objects.get(case_id=case_id, status__in=LIVE)


def case_open(people: dict[str, Any], label: str, letter: bool = False) -> tuple[int, float, float]:
    """One PPL case brought to the start of its correction loop (the draft, attached).
    Returns the case id and the seconds of its first two completions (steps 1 and 2).
    ``letter``: the case runs PPL as in force (v2: the draft step sends the Surat Perintah
    letter and keeps its PDF); otherwise it is pinned to PPL v1, whose loop steps are plain
    steps (as a case opened before v2 was published still runs v1)."""
    from trantib.accounts.models import OrgUnit
    from trantib.cases import services
    from trantib.cases.models import Case
    from trantib.cases.services.roles import sop_version_for
    from trantib.sops import registry

    unit = OrgUnit.objects.get(code=UNIT)
    t0 = time.perf_counter()
    case = services.case_start(
        sop_code=SOP,
        unit=unit,
        actor=people["kasi_trantib"],
        subject=f"Penertiban rumah kos ({label})",
        data=START_DATA,
        requirements=_requirements("terima_laporan"),
    )
    t1 = time.perf_counter()
    services.task_complete(
        task=_live_task(case.pk),
        actor=people["camat"],
        data={"perintah": "Tertibkan lokasi bersama Danru dan anggota."},
        requirements=_requirements("perintah_camat"),
    )
    t2 = time.perf_counter()
    services.attachment_add(
        case=case, actor=people["kasi_trantib"], name="draft-sprint.pdf", content=io.BytesIO(PDF)
    )
    if letter:
        _letter_drafted(case.pk, people)
    else:
        # v1's row, recorded on first use (a start records only the version it pins).
        v1 = sop_version_for(registry.get(SOP, 1))
        Case.objects.filter(pk=case.pk).update(sop_version=v1)
    return case.pk, t1 - t0, t2 - t1


def _letter_drafted(case_id: int, people: dict[str, Any]) -> None:
    """The Kasi drafts the Surat Perintah from the case and sends it for paraf (untimed)."""
    from trantib.letters.services import letter_draft_for_task, letter_edit, letter_submit

    kasi = people["kasi_trantib"]
    letter = letter_draft_for_task(task=_live_task(case_id), actor=kasi)
    letter = letter_edit(letter=letter, actor=kasi, changes={"data": {"personel": [kasi.pk]}})
    letter_submit(letter=letter, actor=kasi)


def cases_prepare(count: int, label: str, letter: bool = False) -> list[int]:
    people = _people()
    return [case_open(people, f"{label} {i + 1}", letter)[0] for i in range(count)]


# -- one completion through the services ----------------------------------------------------


class Loop:
    """Completes the live loop task of the given cases through ``services.task_complete``."""

    def __init__(self, case_ids: Sequence[int]) -> None:
        from trantib.cases.models import Attachment
        from trantib.letters.models import Letter

        self.case_ids = list(case_ids)
        self.letter = Letter.objects.filter(case_id__in=self.case_ids).exists()
        self.people = _people()
        self.attachment = dict(
            Attachment.objects.filter(case_id__in=self.case_ids).values_list("case_id", "pk")
        )
        self.requirements = {s: _requirements(s) for s in (DRAFT, CHECK)}

    def live(self) -> dict[int, Any]:
        """The live task of every case, in one query (outside the timed calls)."""
        from trantib.cases.models import Task

        tasks = Task.objects.filter(case_id__in=self.case_ids, status__in=LIVE)
        return {t.case_id: t for t in tasks}

    def complete(self, task: Any) -> None:
        from trantib.cases import services

        if task.step_id == DRAFT and self.letter:
            from trantib.letters.models import Letter
            from trantib.letters.services import letter_submit

            # The Sekcam's correction returned the Surat Perintah: the Kasi sends it again.
            letter = Letter.objects.get(case_id=task.case_id, key="surat_perintah")
            if letter.state == "returned":
                letter_submit(letter=letter, actor=self.people["kasi_trantib"])
        if task.step_id == DRAFT:
            services.task_complete(
                task=task,
                actor=self.people["kasi_trantib"],
                data={"draft": [self.attachment[task.case_id]]},
                requirements=self.requirements[DRAFT],
            )
        else:
            services.task_complete(
                task=task,
                actor=self.people["sekcam"],
                data={"koreksi": KOREKSI},
                decision="ada koreksi",
                requirements=self.requirements[CHECK],
            )


# -- the same rows in raw SQL ---------------------------------------------------------------

_TASK_DONE = (
    "UPDATE cases_task SET status = 'done', assignee_id = %s, claimed_at = %s,"
    " completed_at = %s, completed_by_id = %s, duration_seconds = %s, decision = %s,"
    " requirements_checked = %s, data = %s WHERE id = %s"
)
_TASK_NEW = (
    "INSERT INTO cases_task (unit_id, case_id, step_id, occurrence, kind, role, title, status,"
    " created_at, due_at, standard, standard_minutes, decision, requirements_checked, data)"
    " VALUES (%s, %s, %s, '', 'work', %s, %s, 'open', %s, %s, %s, %s, '', '[]', '{}')"
    " RETURNING id"
)
_EVENT_NEW = (
    "INSERT INTO cases_event (unit_id, case_id, seq, type, at, actor_id, task_id, data,"
    " prev_hash, hash) VALUES (%s, %s, %s, 'task_completed', %s, %s, %s, %s, %s, %s)"
)
_JOB_NEW = (
    "INSERT INTO {table} (id, status, enqueued_at, started_at, finished_at, args_kwargs,"
    " priority, task_path, worker_ids, queue_name, backend_name, run_after, return_value,"
    " exception_class_path, traceback) VALUES (%s, 'READY', %s, NULL, NULL, %s, 0, %s, '[]',"
    " 'default', 'default', %s, NULL, '', '')"
)
_CASE_SAVE = "UPDATE cases_case SET state = %s, event_seq = %s, event_hash = %s WHERE id = %s"
_NOTICE_NEW = (
    "INSERT INTO cases_notification (unit_id, recipient_id, kind, case_id, task_id, message,"
    " created_at, read_at, day) VALUES (%s, %s, 'task_offered', %s, %s, %s, %s, NULL, NULL)"
)


class RawLoop:
    """The floor: the rows one completion writes (the task, the next task, its deadline job
    for the worker, the notice to the next step's officer, the event, the case), as six
    statements in one transaction, with no ORM, no engine, no reads and no checks. The event
    hash is the real one (the chains of these cases verify)."""

    def __init__(self, case_ids: Sequence[int]) -> None:
        from django.db import connection
        from django_tasks_db.models import DBTaskResult

        from trantib.cases.tasks import task_deadline_check
        from trantib.sops import registry

        self.job_sql = _JOB_NEW.format(table=connection.ops.quote_name(DBTaskResult._meta.db_table))
        self.job_path = task_deadline_check.module_path
        self.case_ids = list(case_ids)
        people = _people()
        self.actor = {DRAFT: people["kasi_trantib"].pk, CHECK: people["sekcam"].pk}
        self.requirements = {s: json.dumps(_requirements(s)) for s in (DRAFT, CHECK)}
        spec = registry.get(SOP)
        self.step = {
            s: (
                spec.step(s).role,
                spec.step(s).display_title,
                spec.step(s).time.text,
                spec.step(s).time.upper_minutes or None,
            )
            for s in (DRAFT, CHECK)
        }
        self.cases: dict[int, dict[str, Any]] = {}
        with connection.cursor() as cur:
            marks = ", ".join(["%s"] * len(self.case_ids))
            cur.execute(
                f"SELECT id, unit_id, event_seq, event_hash, state FROM cases_case"
                f" WHERE id IN ({marks})",
                self.case_ids,
            )
            for cid, unit_id, seq, head, state in cur.fetchall():
                self.cases[cid] = {
                    "unit": unit_id,
                    "seq": seq,
                    "head": head,
                    "state": json.loads(state) if isinstance(state, str) else state,
                }
            cur.execute(
                f"SELECT case_id, id, step_id FROM cases_task WHERE case_id IN ({marks})"
                " AND status IN ('open', 'claimed')",
                self.case_ids,
            )
            for cid, tid, step in cur.fetchall():
                self.cases[cid].update(task=tid, step=step, created=None)
            cur.execute(
                f"SELECT case_id, id FROM cases_attachment WHERE case_id IN ({marks})",
                self.case_ids,
            )
            for cid, aid in cur.fetchall():
                self.cases[cid]["attachment"] = aid

    def complete(self, case_id: int) -> None:
        from django.db import connection, transaction

        from trantib.cases.audit import event_hash

        c = self.cases[case_id]
        step, nxt = c["step"], LOOP_NEXT[c["step"]]
        now = dt.datetime.now(dt.UTC)
        at = connection.ops.adapt_datetimefield_value(now)
        actor = self.actor[step]
        if step == DRAFT:
            recorded: dict[str, Any] = {"draft": [c["attachment"]]}
            decision = ""
        else:
            recorded, decision = {"koreksi": KOREKSI}, "ada koreksi"
        created = c["created"] or now
        duration = max(0, int((now - created).total_seconds()))
        state = c["state"]
        state["active"] = [nxt]
        state["visits"][nxt] = state["visits"].get(nxt, 0) + 1
        state["data"][step] = {**recorded, "_branch": decision} if decision else recorded
        role, title, standard, minutes = self.step[nxt]
        due = connection.ops.adapt_datetimefield_value(now + dt.timedelta(hours=1))
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(
                _TASK_DONE,
                [
                    actor,
                    at,
                    at,
                    actor,
                    duration,
                    decision,
                    self.requirements[step],
                    json.dumps(recorded),
                    c["task"],
                ],
            )
            cur.execute(
                _TASK_NEW, [c["unit"], case_id, nxt, role, title, at, due, standard, minutes]
            )
            new_task = cur.fetchone()[0]
            cur.execute(
                self.job_sql,
                [
                    uuid.uuid4().hex,
                    at,
                    json.dumps({"args": [new_task], "kwargs": {}}),
                    self.job_path,
                    due,
                ],
            )
            payload = {
                "step": step,
                "occurrence": "",
                "decision": decision,
                "data": recorded,
                "requirements": json.loads(self.requirements[step]),
                "attachments": [],
                "duration_seconds": duration,
                "standard": self.step[step][2],
                "before": {"active": [step]},
                "after": {"active": [nxt]},
                "offered": [
                    {
                        "task": new_task,
                        "step": nxt,
                        "kind": "work",
                        "role": role,
                        "occurrence": "",
                        "due_at": str(now + dt.timedelta(hours=1)),
                    }
                ],
            }
            seq = c["seq"] + 1
            digest = event_hash(
                unit_id=c["unit"],
                case_id=case_id,
                seq=seq,
                type="task_completed",
                at=now,
                actor_id=actor,
                task_id=c["task"],
                data=payload,
                prev_hash=c["head"],
            )
            cur.execute(
                _EVENT_NEW,
                [
                    c["unit"],
                    case_id,
                    seq,
                    at,
                    actor,
                    c["task"],
                    json.dumps(payload),
                    c["head"],
                    digest,
                ],
            )
            cur.execute(
                _NOTICE_NEW,
                [c["unit"], self.actor[nxt], case_id, new_task, f"Tugas baru: {title}", at],
            )
            cur.execute(_CASE_SAVE, [json.dumps(state), seq, digest, case_id])
        c.update(seq=seq, head=digest, task=new_task, step=nxt, created=now)


# -- throughput workers ---------------------------------------------------------------------


def worker(
    db_url: str,
    var_dir: str,
    path: str,
    case_ids: list[int],
    completions: int,
    barrier: Any,
    results: Any,
) -> None:
    """One worker process: its own connection, its own cases, ``completions`` of them in
    rounds over its cases. A few untimed completions warm it up (first queries, caches);
    only the loop after the barrier is timed."""
    try:
        boot(db_url, var_dir)
        latencies: list[float] = []
        warm_up = case_ids[:WARM_UP]
        if path in ("service", "letter"):
            loop = Loop(case_ids)
            tasks = loop.live()
            for cid in warm_up:
                loop.complete(tasks[cid])
            tasks = loop.live()
            barrier.wait(timeout=120)
            start = time.perf_counter()
            while len(latencies) < completions:
                for cid in case_ids[: completions - len(latencies)]:
                    t0 = time.perf_counter()
                    loop.complete(tasks[cid])
                    latencies.append(time.perf_counter() - t0)
                tasks = loop.live()
        else:
            raw = RawLoop(case_ids)
            for cid in warm_up:
                raw.complete(cid)
            barrier.wait(timeout=120)
            start = time.perf_counter()
            while len(latencies) < completions:
                for cid in case_ids[: completions - len(latencies)]:
                    t0 = time.perf_counter()
                    raw.complete(cid)
                    latencies.append(time.perf_counter() - t0)
        end = time.perf_counter()
        results.put({"start": start, "end": end, "latencies": latencies})
    except BaseException:
        barrier.abort()
        results.put({"error": traceback.format_exc()})


# -- step 1 vs step N -----------------------------------------------------------------------


def long_cases(count: int, steps: int, width: int) -> dict[str, Any]:
    """Step 1 against step ``steps``: ``count`` long cases are run to step ``steps - width``,
    then ``count`` young cases are opened (steps 1 and 2) and the next ``width`` steps of
    both are timed in turns (the young cases' steps 3…, the long ones' steps …``steps``), so
    that whatever else the machine is doing weighs on both alike. Seconds per step, and the
    queries of one more step of each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    people = _people()
    old = Loop([case_open(people, f"kasus panjang {i + 1}")[0] for i in range(count)])
    for _ in range(3, steps - width + 1):
        tasks = old.live()
        for cid in old.case_ids:
            old.complete(tasks[cid])
    first, second, young_ids = [], [], []
    for i in range(count):
        cid, one, two = case_open(people, f"kasus baru {i + 1}")
        young_ids.append(cid)
        first.append(one)
        second.append(two)
    young = Loop(young_ids)
    early: list[float] = []
    late: list[float] = []
    for round_no in range(width):
        young_tasks, old_tasks = young.live(), old.live()
        for i, (y, o) in enumerate(zip(young.case_ids, old.case_ids, strict=True)):
            turns = [(young, young_tasks[y], early), (old, old_tasks[o], late)]
            if (round_no + i) % 2:
                turns.reverse()
            for loop, task, bucket in turns:
                t0 = time.perf_counter()
                loop.complete(task)
                bucket.append(time.perf_counter() - t0)
    young_task, old_task = young.live()[young_ids[0]], old.live()[old.case_ids[0]]
    with CaptureQueriesContext(connection) as early_queries:
        young.complete(young_task)
    with CaptureQueriesContext(connection) as late_queries:
        old.complete(old_task)
    return {
        "first": first,
        "second": second,
        "early": early,
        "late": late,
        "queries_early": len(early_queries.captured_queries),
        "queries_late": len(late_queries.captured_queries),
        "query_steps": [3 + width, steps + 1],
    }


# -- where the time goes --------------------------------------------------------------------

# Where a function's own time is counted: the first matching rule wins.
_AREAS: list[tuple[str, Callable[[str, str], bool]]] = [
    (
        "database driver and server round trips (sqlite3 / psycopg)",
        lambda f, n: (
            "/psycopg" in f
            or "sqlite3." in n
            or "epoll" in n
            or "select." in n
            or "psycopg" in n
            or "socket" in n
            or "CursorWrapper.execute" in n
        ),
    ),
    ("deadline job enqueue (django-tasks)", lambda f, n: "django_tasks" in f),
    ("Django ORM: SQL compiling, model instances", lambda f, n: "/django/db/" in f),
    ("Django other (transactions hooks, i18n, timezone, signals)", lambda f, n: "/django/" in f),
    ("SOP engine (trantib/engine)", lambda f, n: "/trantib/engine/" in f),
    ("services, audit, selectors (trantib/cases, accounts)", lambda f, n: "/trantib/" in f),
    (
        "JSON, hashing, datetime",
        lambda f, n: (
            "/json/" in f
            or "hashlib" in n
            or "sha256" in n
            or "datetime" in f
            or "zoneinfo" in f
            or "_json" in n
        ),
    ),
    ("other Python (stdlib, copying, typing)", lambda f, n: True),
]


def _area(file: str, name: str) -> str:
    return next(area for area, match in _AREAS if match(file, name))


def _where(key: tuple[str, int, str]) -> str:
    file, line, name = key
    if file == "~":
        return name
    for marker in ("/site-packages/", str(REPO) + "/", "/lib/python3.11/"):
        if marker in file:
            file = file.split(marker, 1)[1]
            break
    return f"{file}:{line} {name}"


def _columns(n: int) -> str:
    return f"{n} column" if n == 1 else f"{n} columns"


def _sql_kind(sql: str) -> str:
    """One statement in a line: what it does to which tables, and how wide it is."""
    text = " ".join(sql.split())
    verb = text.split(" ", 1)[0].upper()
    if verb == "SELECT":
        head, _, tail = text.partition(" FROM ")
        tables = re.findall(r'(?:^|JOIN )"?(\w+)"?', tail)
        what = "EXISTS" if head.startswith("SELECT 1 AS") else _columns(head.count(",") + 1)
        found = re.search(r"FOR (?:NO KEY )?UPDATE(?: OF [\w\", ]+)?", tail)
        lock = f" {found.group(0)}".replace('"', "") if found else ""
        return f"SELECT {' ⋈ '.join(tables)} ({what}){lock}"
    if verb == "INSERT":
        table = re.search(r'INTO "?(\w+)"?', text)
        cols = text.split("(", 1)[1].split(")", 1)[0].count(",") + 1 if "(" in text else 0
        return f"INSERT {table.group(1) if table else '?'} ({_columns(cols)})"
    if verb == "UPDATE":
        table = re.search(r'UPDATE "?(\w+)"?', text)
        fields = re.findall(r'"(\w+)" = ', text.split(" WHERE ", 1)[0])
        return f"UPDATE {table.group(1) if table else '?'} SET {', '.join(fields)}"
    return text[:80]


# The parts of one completion timed without a profiler: (label, where, attribute). Each is
# wrapped with a timer for the measurement and put back afterwards.
_PARTS = [
    (
        "lock the case row (SELECT … FOR NO KEY UPDATE OF the case)",
        "flow",
        "case_lock",
    ),
    ("re-read the task under the lock", "steps", "task_lock"),
    ("check the position (person_holds_role)", "steps", "person_holds_role"),
    ("check the attachments (_check_files)", "steps", "_check_files"),
    ("engine: check the fields (runtime.check_data)", "runtime", "check_data"),
    ("engine: the outcome (runtime.apply)", "runtime", "apply"),
    ("save the task (Task.save, UPDATE)", "Task", "save"),
    ("insert the next task (bulk_create)", "Task.objects", "bulk_create"),
    ("enqueue its deadline job (django-tasks INSERT)", "flow", "_schedule_deadlines"),
    ("append the event (audit_record: hash + INSERT)", "steps", "audit_record"),
    ("save the case (Case.save, UPDATE)", "Case", "save"),
    ("commit", "connection", "commit"),
]

# On PostgreSQL a plain completion takes the fast path (trantib/cases/services/fastpath.py).
_FAST_PARTS = [
    (
        "lock and read: one SELECT … FOR NO KEY UPDATE OF the case (the case, its unit, the "
        "task, the position check, the free attachments, the next task's id)",
        "fastpath",
        "_locked_read",
    ),
    ("engine: check the fields (runtime.check_data)", "runtime", "check_data"),
    ("engine: the outcome (runtime.apply)", "runtime", "apply"),
    ("the event: its data hashed (event_next)", "fastpath", "event_next"),
    (
        "write the rows: one statement (the task, the next task, its job, the notices, the "
        "event, the case)",
        "Batch",
        "run",
    ),
    ("commit", "connection", "commit"),
]


def parts(completions: int, cases: int) -> dict[str, Any]:
    """Wall-clock ms per completion spent in each part of ``task_complete``: the ORM path's
    parts on SQLite, the fast path's on PostgreSQL (``fast``)."""
    from django.db import connections

    from trantib.cases.models import Case, Task
    from trantib.cases.services import fastpath, flow, steps
    from trantib.engine import runtime

    # Each function is timed where its caller looks it up.
    owners: dict[str, Any] = {
        "flow": flow,
        "steps": steps,
        "runtime": runtime,
        "fastpath": fastpath,
        "Batch": fastpath.Batch,
        "Task": Task,
        "Case": Case,
        "Task.objects": Task.objects,
        "connection": connections["default"],
    }
    fast = connections["default"].vendor == "postgresql"
    table = _FAST_PARTS if fast else _PARTS
    spent: dict[str, float] = {label: 0.0 for label, _, _ in table}
    saved: list[tuple[Any, str, Any, bool]] = []

    def timed(label: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[label] += time.perf_counter() - t0

        return wrapper

    loop = Loop(cases_prepare(cases, "bagian"))
    for label, owner_name, attr in table:
        owner = owners[owner_name]
        own = attr in vars(owner) if hasattr(owner, "__dict__") else False
        original = getattr(owner, attr)
        saved.append((owner, attr, original, own))
        setattr(owner, attr, timed(label, original))
    total = 0.0
    done = 0
    try:
        while done < completions:
            tasks = loop.live()
            for cid in loop.case_ids[: completions - done]:
                t0 = time.perf_counter()
                loop.complete(tasks[cid])
                total += time.perf_counter() - t0
                done += 1
    finally:
        for owner, attr, original, own in reversed(saved):
            if own:
                setattr(owner, attr, original)
            else:
                delattr(owner, attr)
    if not fast:  # task_lock calls case_lock: keep only its own part, the task's re-read.
        spent[_PARTS[1][0]] -= spent[_PARTS[0][0]]
    return {
        "fast": fast,
        "completions": completions,
        "total_ms": total / completions * 1000,
        "parts": {label: t / completions * 1000 for label, t in spent.items()},
    }


def profile(completions: int, cases: int, top: int) -> dict[str, Any]:
    """cProfile of ``completions`` completions in this process, and the SQL of one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    loop = Loop(cases_prepare(cases, "profil"))
    queries: dict[str, list[str]] = {}
    for _ in range(2):  # the draft, then the Sekcam's decision
        task = loop.live()[loop.case_ids[0]]
        with CaptureQueriesContext(connection) as ctx:
            loop.complete(task)
        queries[task.step_id] = [q["sql"] for q in ctx.captured_queries]
    prof = cProfile.Profile()
    done = 0
    wall = 0.0
    while done < completions:
        tasks = loop.live()
        for cid in loop.case_ids[: completions - done]:
            t0 = time.perf_counter()
            prof.enable()
            loop.complete(tasks[cid])
            prof.disable()
            wall += time.perf_counter() - t0
            done += 1
    stats = pstats.Stats(prof)
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = sum(v[2] for v in raw.values())
    areas: dict[str, float] = {name: 0.0 for name, _ in _AREAS}
    for (file, _line, name), (_cc, _nc, tt, _ct, callers) in raw.items():
        own = _area(file, name)
        if file != "~" or own == _AREAS[0][0] or not callers:
            areas[own] += tt
            continue
        # A built-in (getattr, isinstance, str.join) counts for whoever called it.
        spent = sum(c[2] for c in callers.values()) or 1.0
        for (cfile, _cline, cname), c in callers.items():
            areas[_area(cfile, cname)] += tt * c[2] / spent
    skip = ("cProfile", "<built-in method builtins.exec>", "disable", "bench/", "contextlib")
    rows: list[dict[str, Any]] = []
    ours: list[dict[str, Any]] = []
    for key, (_cc, nc, tt, ct, _callers) in sorted(raw.items(), key=lambda kv: -kv[1][3]):
        where = _where(key)
        if any(s in where for s in skip):
            continue
        row = {
            "where": where,
            "calls": nc / completions,
            "cum_ms": ct / completions * 1000,
            "own_ms": tt / completions * 1000,
        }
        if len(rows) < top:
            rows.append(row)
        if where.startswith("trantib/") and len(ours) < top:
            ours.append(row)
    return {
        "joined_locks": sorted(
            {
                _sql_kind(sql)
                for sqls in queries.values()
                for sql in sqls
                if re.search(r"FOR (NO KEY )?UPDATE(?! OF)", sql) and " JOIN " in sql
            }
        ),
        "completions": completions,
        "wall_ms": wall / completions * 1000,
        "profiled_ms": total / completions * 1000,
        "areas": {k: v / completions * 1000 for k, v in areas.items()},
        "top": rows,
        "ours": ours,
        "queries": {step: [_sql_kind(q) for q in sqls] for step, sqls in queries.items()},
        "queries_full": queries,
    }


# -- intake: complaints through the API and the SMS webhook ---------------------------------

INTAKE_USER = "staf.krj"  # files the API's complaints (counter/phone, an intake role in KRJ)
INTAKE_CODES = ("pkl", "hiburan", "bangunan", "reklame", "kebisingan")
INTAKE_DESA = ("Tamansari", "Botok", "Kuto", "Ganten", "Plosorejo")
INTAKE_WARM_UP = 3  # untimed requests per client before the clock starts
INTAKE_DOORS = ("api", "sms")


def intake_setup(clients: int) -> dict[str, Any]:
    """The demo categories and routing rules, and one API token per client process."""
    from django.contrib.auth import get_user_model

    from trantib.api.services import api_token_create
    from trantib.demo import complaint_setup_load

    complaint_setup_load()
    user = get_user_model().objects.get(username=INTAKE_USER)
    tokens = [api_token_create(user=user, name=f"bench {i + 1}")[1] for i in range(clients)]
    return {"tokens": tokens}


def intake_mark() -> int:
    """The highest complaint id so far: the complaints of a run are the ones after it."""
    from django.db.models import Max

    from trantib.complaints.models import Complaint

    return int(Complaint.objects.aggregate(m=Max("pk"))["m"] or 0)


def intake_verify(after: int) -> dict[str, int]:
    """What the complaints after ``after`` left behind: each a full intake — its case open
    with the first step (the Pelapor's report) done and the next one offered, and the
    receipt to the reporter waiting in the outbox."""
    from trantib.cases.models import Task, TaskStatus
    from trantib.complaints.models import Complaint
    from trantib.outbox.models import OutboxMessage

    complaints = Complaint.objects.filter(pk__gt=after)
    case_ids = complaints.values("case_id")
    refs = [f"complaint:{pk}" for pk in complaints.values_list("pk", flat=True)]
    return {
        "complaints": complaints.count(),
        "cases_open": complaints.filter(case__status="open").count(),
        "first_step_done": Task.objects.filter(
            case_id__in=case_ids, step_id="lapor", status=TaskStatus.DONE
        ).count(),
        "next_step_open": Task.objects.filter(
            case_id__in=case_ids, status__in=LIVE, step_id="staf_sampaikan"
        ).count(),
        "receipts": OutboxMessage.objects.filter(ref__in=refs, kind="complaint_received").count(),
    }


def _intake_request(door: str, n: int, label: str) -> tuple[str, bytes, str]:
    """The path, body and content type of intake number ``n`` of one client."""
    import zlib

    code = INTAKE_CODES[n % len(INTAKE_CODES)]
    desa = INTAKE_DESA[n % len(INTAKE_DESA)]
    # A number of its own per client and request: the SMS door limits one number's flood.
    number = (zlib.crc32(label.encode()) % 1000) * 100_000 + n % 100_000
    text = f"Laporan uji beban {label} nomor {n}: pelanggaran ketertiban di depan balai desa"
    if door == "api":
        body = {
            "channel": "phone" if n % 2 else "counter",
            "category": code,
            "description": text,
            "kelurahan": desa,
            "latitude": -7.59 + (n % 100) / 10_000,
            "longitude": 111.05 + (n % 100) / 10_000,
            "reporter_name": f"Pelapor {n}",
            "reporter_phone": f"0812{number:08d}",
            "confidential": n % 5 == 0,
        }
        return "/api/v1/complaints", json.dumps(body).encode(), "application/json"
    from urllib.parse import urlencode

    form = {
        "id": f"bench-{label}-{n}",
        "from": f"0813{number:08d}",
        "text": f"LAPOR {code} {text} di Desa {desa}",
    }
    return "/sms/masuk/", urlencode(form).encode(), "application/x-www-form-urlencoded"


def _intake_ok(door: str, status: int, body: bytes) -> bool:
    if door == "api":
        return status == 201
    try:
        answer = json.loads(body)
    except ValueError:
        return False
    return status == 200 and answer.get("status") == "complaint" and bool(answer.get("tracking"))


def intake_client(
    host: str,
    port: int,
    door: str,
    credential: str,
    count: int,
    label: str,
    barrier: Any,
    results: Any,
) -> None:
    """One client process (no Django): ``count`` complaints to the server over loopback HTTP,
    one request at a time, each on a new connection as a gateway or an app would send them.
    ``credential``: the API token, or the webhook's secret."""
    import http.client

    headers = (
        {"Authorization": f"Bearer {credential}"}
        if door == "api"
        else {"X-Trantib-Secret": credential}
    )

    def send(n: int) -> tuple[int, bytes]:
        path, body, content_type = _intake_request(door, n, label)
        conn = http.client.HTTPConnection(host, port, timeout=60)
        try:
            conn.request("POST", path, body=body, headers={**headers, "Content-Type": content_type})
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    try:
        for n in range(INTAKE_WARM_UP):
            status, body = send(10**6 + n)
            if not _intake_ok(door, status, body):
                raise RuntimeError(f"warm-up {door} request answered {status}: {body[:300]!r}")
        latencies: list[float] = []
        failures: list[str] = []
        barrier.wait(timeout=120)
        start = time.perf_counter()
        for n in range(count):
            t0 = time.perf_counter()
            status, body = send(n)
            latencies.append(time.perf_counter() - t0)
            if not _intake_ok(door, status, body):
                failures.append(f"{status}: {body[:200]!r}")
        end = time.perf_counter()
        results.put({"start": start, "end": end, "latencies": latencies, "failures": failures})
    except BaseException:
        barrier.abort()
        results.put({"error": traceback.format_exc()})
