"""The completion's fast path (``services/fastpath.py``, PostgreSQL) writes the same rows as
the ORM path: two cases started alike are run through the same completions at the same
moments, one through the ORM path only, the other through the fast path, and every row they
leave — tasks, events, deadline jobs, notices, outbox messages, the case row — is compared,
row for row, with only the ids and the case number told apart."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from trantib.accounts.services import person_notify_channels_set
from trantib.cases import services
from trantib.cases.audit import chain_verify
from trantib.cases.models import Attachment, Case, Event, Notification, Task, TaskStatus
from trantib.cases.services.fastpath import orm_only
from trantib.cases.services.roles import sop_version_for
from trantib.core.errors import Conflict, Invalid, NotAllowed
from trantib.outbox.models import OutboxMessage
from trantib.sops import registry

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the fast path runs on PostgreSQL only"
    ),
]

WIB = dt.timezone(dt.timedelta(hours=7))
MONDAY = dt.datetime(2026, 11, 30, 8, 30, tzinfo=WIB)  # a working day, office hours
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def _ppl_v1(demo_org: Any, label: str) -> Case:
    """A CPD PPL case at the Camat's order, pinned to PPL v1 (its loop steps are plain steps;
    v2's draft step sends a letter, which the fast path leaves to the ORM path)."""
    case = services.case_start(
        sop_code="PPL",
        unit=demo_org.unit("CPD"),
        actor=demo_org.person("kasi.cpd"),
        subject="Dugaan lokalisasi di Jl. Kali Pasir",
        data={
            "sumber": "Kelurahan Cipondoh",
            "lokasi": {"address": "Jl. Kali Pasir"},
            "uraian": "Laporan warga",
        },
        now=MONDAY,
    )
    Case.objects.filter(pk=case.pk).update(
        sop_version=sop_version_for(registry.get("PPL", 1))  # recorded on first use
    )
    return Case.objects.get(pk=case.pk)


def _live(case: Case) -> Task:
    return Task.objects.get(case=case, status__in=[TaskStatus.OPEN, TaskStatus.CLAIMED])


def _fast_queries(queries: list[dict[str, str]]) -> bool:
    """Whether the completion took the fast path: its one locking read, and not the ORM
    path's lock (``case_lock``)."""
    sql = [q["sql"] for q in queries]
    return any("nextval(" in s and "FOR NO KEY UPDATE OF c" in s for s in sql) and not any(
        'FOR NO KEY UPDATE OF "cases_case"' in s for s in sql
    )


Step = Callable[[Any, Case], bool | None]


def _task_complete(**kw: Any) -> bool:
    """``task_complete``; whether it took the fast path."""
    with CaptureQueriesContext(connection) as queries:
        services.task_complete(**kw)
    return _fast_queries(queries.captured_queries)


def _run(demo_org: Any, steps: list[tuple[str, Step]]) -> tuple[Case, Case, list[str]]:
    """Run ``steps`` on two new cases: the first through the ORM path only, the second as the
    product runs (fast where it can). Returns both and the names of the steps that took the
    fast path."""
    with orm_only():
        slow = _ppl_v1(demo_org, "orm")
    fast = _ppl_v1(demo_org, "fast")
    took = []
    for name, step in steps:
        with orm_only():
            assert not step(demo_org, slow)
        if step(demo_org, fast):
            took.append(name)
    return slow, fast, took


def _complete(username: str, at: dt.datetime, **kw: Any) -> Step:
    def step(demo_org: Any, case: Case) -> bool:
        return _task_complete(task=_live(case), actor=demo_org.person(username), now=at, **kw)

    return step


def _draft(at: dt.datetime) -> Step:
    """The Kasi uploads the draft (outside the timed step) and completes with it as the
    step's file field and in the attachment list."""

    def step(demo_org: Any, case: Case) -> bool:
        kasi = demo_org.person("kasi.cpd")
        draft = services.attachment_add(
            case=case, actor=kasi, name="draft.png", content=io.BytesIO(PNG), now=at
        )
        return _task_complete(
            task=_live(case),
            actor=kasi,
            data={"draft": [str(draft.pk)]},  # a number as a form sends it
            attachments=[draft.pk],
            requirements=["Surat Perintah"],
            now=at,
        )

    return step


def _claim(username: str, at: dt.datetime) -> Step:
    def step(demo_org: Any, case: Case) -> None:
        services.task_claim(task=_live(case), actor=demo_org.person(username), now=at)

    return step


# -- rows, told apart only by ids and the case number ------------------------------------------


# JSON keys whose numbers are row ids, and of which rows
ID_KEYS = {
    "task": "task",
    "args": "task",
    "attachment": "attachment",
    "attachments": "attachment",
    "draft": "attachment",
}
Ids = dict[str, dict[int, str]]


def _norm(value: Any, ids: Ids, number: str, kind: str = "") -> Any:
    """``value`` with the case's own task, notice and attachment ids (where a value is an id
    of rows of ``kind``, or under a key of ``ID_KEYS``) and its number replaced by names that
    both cases share."""
    if isinstance(value, dict):
        return {k: _norm(v, ids, number, ID_KEYS.get(k, "")) for k, v in value.items()}
    if isinstance(value, list):
        return [_norm(v, ids, number, kind) for v in value]
    if kind and isinstance(value, int) and not isinstance(value, bool):
        return ids[kind].get(value, value)
    if kind and isinstance(value, str) and value.isdigit():  # a number as a form sent it
        return ids[kind].get(int(value), value)
    if isinstance(value, str):
        value = value.replace(number, "<number>")
        notices = ids["notice"]
        return re.sub(  # a notice's address, a notice message's key
            r"(/|notice-)(\d+)(/|-)",
            lambda m: m.group(1) + notices.get(int(m.group(2)), m.group(2)) + m.group(3),
            value,
        )
    return value


_KIND = {Task: "task", Attachment: "attachment", Notification: "notice"}


def _rows(case: Case) -> dict[str, Any]:
    case.refresh_from_db()
    tasks = list(Task.objects.filter(case=case).order_by("created_at", "pk"))
    attachments = list(case.attachments.order_by("pk").values_list("pk", flat=True))
    notices = list(Notification.objects.filter(case=case).order_by("created_at", "recipient_id"))
    ids: Ids = {
        "task": {t.pk: f"task{i}" for i, t in enumerate(tasks)},
        "attachment": {pk: f"attachment{i}" for i, pk in enumerate(attachments)},
        "notice": {n.pk: f"notice{i}" for i, n in enumerate(notices)},
    }
    skip = {"id", "case", "case_id"}

    def fields(obj: Any) -> dict[str, Any]:
        return {
            f.attname: _norm(
                getattr(obj, f.attname),
                ids,
                case.number,
                _KIND.get(f.related_model, "") if f.is_relation else "",
            )
            for f in obj._meta.concrete_fields
            if f.name not in skip and f.attname not in skip
        }

    jobs = DBTaskResult.objects.filter(args_kwargs__args__0__in=[t.pk for t in tasks])
    messages = OutboxMessage.objects.filter(case=case).order_by("channel", "recipient")
    return {
        "case": {
            k: v
            for k, v in fields(case).items()
            if k not in {"number", "serial", "event_hash", "subject"}
        },
        "tasks": [fields(t) for t in tasks],
        "events": [
            {k: v for k, v in fields(e).items() if k not in {"hash", "prev_hash"}}
            for e in Event.objects.filter(case=case).order_by("seq")
        ],
        "jobs": sorted(
            (
                {
                    k: v
                    for k, v in fields(j).items()
                    if k not in {"enqueued_at", "started_at", "finished_at"}
                }
                for j in jobs
            ),
            key=str,
        ),
        "notices": sorted((fields(n) for n in notices), key=str),
        "outbox": [
            {k: v for k, v in fields(m).items() if k not in {"key", "created_at"}} for m in messages
        ],
    }


def _first_difference(a: Any, b: Any, path: str = "") -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b), key=str):
            if a.get(k) != b.get(k):
                return _first_difference(a.get(k), b.get(k), f"{path}.{k}")
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return _first_difference(x, y, f"{path}[{i}]")
    return f"{path}: ORM {a!r} / fast {b!r}"


def _assert_same_rows(slow: Case, fast: Case) -> None:
    a, b = _rows(slow), _rows(fast)
    for part in ("case", "tasks", "events", "jobs", "notices", "outbox"):
        assert a[part] == b[part], _first_difference(a[part], b[part], part)
    assert chain_verify().ok


def test_the_correction_loop_writes_the_same_rows_on_both_paths(demo_org) -> None:
    """The Camat's order, the draft (a file field and the attachment list), the Sekcam's
    correction (the note goes to the Kasi's "returned" notice, by SMS too), a claim, the draft
    again, the approval; then the Camat's signature with a field missing (refused alike, by
    the ORM path), and given."""
    sekcam, kasi = demo_org.person("sekcam.cpd"), demo_org.person("kasi.cpd")
    kasi.phone, sekcam.phone = "081234567801", "081234567802"
    kasi.save(update_fields=["phone"])
    sekcam.save(update_fields=["phone"])
    person_notify_channels_set(person=kasi, email=False, sms=True)
    person_notify_channels_set(person=sekcam, email=False, sms=True)
    at = [MONDAY + dt.timedelta(minutes=20 * i) for i in range(1, 12)]
    steps: list[tuple[str, Step]] = [
        ("perintah", _complete("camat.cpd", at[0], data={"perintah": "Tertibkan"})),
        ("draft 1", _draft(at[1])),
        (
            "koreksi",
            _complete(
                "sekcam.cpd",
                at[2],
                data={"koreksi": "Dasar hukum belum ada."},
                decision="ada koreksi",
                requirements=["Surat Perintah"],
            ),
        ),
        ("claim", _claim("kasi.cpd", at[3])),
        ("draft 2", _draft(at[4])),
        ("paraf", _complete("sekcam.cpd", at[5], decision="tidak ada koreksi")),
    ]
    slow, fast, took = _run(demo_org, steps)

    assert took == ["perintah", "draft 1", "koreksi", "draft 2", "paraf"]
    assert _live(fast).step_id == "tandatangani_surat_perintah"
    assert OutboxMessage.objects.filter(case=fast, channel="sms").count() == 4
    _assert_same_rows(slow, fast)

    for case in (slow, fast):
        with pytest.raises(Invalid) as refused:
            services.task_complete(
                task=_live(case), actor=demo_org.person("camat.cpd"), data={}, now=at[6]
            )
        assert refused.value.field == "data.nomor_surat_perintah"
    _assert_same_rows(slow, fast)


def test_a_late_step_and_a_step_done_after_the_next_one_fell_due_keep_late_from_alike(
    demo_org,
) -> None:
    """The Camat gives the order three days late; the draft is then done in time: the case's
    ``late_from`` is the order's due time on both paths, and stays so."""
    late = MONDAY + dt.timedelta(days=3)
    steps: list[tuple[str, Step]] = [
        ("perintah", _complete("camat.cpd", late, data={"perintah": "Tertibkan"})),
        ("draft", _draft(late + dt.timedelta(minutes=10))),
    ]
    slow, fast, took = _run(demo_org, steps)

    assert took == ["perintah", "draft"]
    fast.refresh_from_db()
    assert fast.late_from is not None and fast.late_from < late
    _assert_same_rows(slow, fast)


def test_refusals_are_the_orm_paths_own(demo_org) -> None:
    """What the fast path does not complete, the ORM path refuses with its own message: a
    person who does not hold the position, a task already done, an attachment of another
    case, a decision that is not one of the step's."""
    case, other = _ppl_v1(demo_org, "a"), _ppl_v1(demo_org, "b")
    camat, kasi = demo_org.person("camat.cpd"), demo_org.person("kasi.cpd")
    with pytest.raises(NotAllowed):
        services.task_complete(task=_live(case), actor=kasi, data={"perintah": "x"})
    task = _live(case)
    services.task_complete(task=task, actor=camat, data={"perintah": "Tertibkan"})
    with pytest.raises(Conflict, match="sudah diselesaikan"):
        services.task_complete(task=task, actor=camat, data={"perintah": "Lagi"})
    foreign = services.attachment_add(
        case=other, actor=kasi, name="lain.png", content=io.BytesIO(PNG)
    )
    with pytest.raises(Invalid) as refused:
        services.task_complete(task=_live(case), actor=kasi, data={"draft": [foreign.pk]})
    assert refused.value.field == "attachments"
    draft = services.attachment_add(case=case, actor=kasi, name="d.png", content=io.BytesIO(PNG))
    services.task_complete(task=_live(case), actor=kasi, data={"draft": [draft.pk]})
    with pytest.raises(Invalid) as refused:
        services.task_complete(
            task=_live(case), actor=demo_org.person("sekcam.cpd"), decision="mungkin"
        )
    assert refused.value.field == "decision"
    assert chain_verify().ok
