"""The start's fast path (``services/faststart.py``, PostgreSQL) writes the same rows as the
ORM path: the same starts at the same moments, once through the ORM path only and once as the
product runs, compared row for row (``test_fastpath``'s comparison: only ids and the case
number told apart); and what is not plain is left to the ORM path before anything is written,
so refusals and case numbers stay the ORM path's own."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from trantib.accounts.services import person_notify_channels_set
from trantib.cases import services
from trantib.cases.models import Case, Notification, Task, TaskStatus
from trantib.cases.services.fastpath import orm_only
from trantib.core.errors import Invalid
from trantib.outbox.models import OutboxMessage

from .test_fastpath import MONDAY, PNG, _assert_same_rows

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the fast path runs on PostgreSQL only"
    ),
]

AT = MONDAY + dt.timedelta(minutes=5)
REPORT = {"saluran": "SMS", "uraian": "Warung karaoke buka sampai pukul 02.00"}


def _started(start: Callable[[], Case]) -> tuple[Case, list[str]]:
    """Run ``start``; the case and the statements it ran."""
    with CaptureQueriesContext(connection) as queries:
        case = start()
    return case, [q["sql"] for q in queries.captured_queries]


def _fast(sql: list[str]) -> bool:
    """Whether a start took the fast path: its numbers statement, and no case INSERT of the
    ORM's."""
    return any("WITH n AS (INSERT INTO" in s and "nextval(" in s for s in sql) and not any(
        s.startswith('INSERT INTO "cases_case"') for s in sql
    )


def _both(start: Callable[[], Case]) -> tuple[Case, Case, list[str]]:
    with orm_only():
        slow, sql = _started(start)
    assert not _fast(sql)
    fast, sql = _started(start)
    assert _fast(sql), "the plain start did not take the fast path"
    return slow, fast, sql


def _counter_start(demo_org: Any, **kw: Any) -> Callable[[], Case]:
    def start() -> Case:
        return services.case_start(
            sop_code="PGD",
            unit=demo_org.unit("KRJ"),
            actor=demo_org.person("staf.krj"),
            subject="Warung buka melewati jam malam",
            data=REPORT,
            now=AT,
            **kw,
        )

    return start


def test_a_start_at_the_counter_writes_the_same_rows_in_two_statements(demo_org) -> None:
    """A complaint taken at the counter (PGD): the case opens and the Staf's record of the
    Pelapor's report is done; the rows are the ORM path's, in two statements."""
    slow, fast, sql = _both(_counter_start(demo_org))

    stored = Case.objects.get(pk=fast.pk)  # the start returns the case as it now stands
    assert (fast.state, fast.event_seq, fast.event_hash, fast.number) == (
        stored.state,
        stored.event_seq,
        stored.event_hash,
        stored.number,
    )
    assert fast.event_seq == 2  # opened, the first step done
    assert fast.serial == slow.serial + 1  # one counter for both paths, no number skipped
    writes = [s for s in sql if not s.startswith(("SELECT", "SAVEPOINT", "RELEASE"))]
    assert len(writes) == 2, writes
    _assert_same_rows(slow, fast)


def _public_start(demo_org: Any) -> Callable[[], Case]:
    """An SMS complaint's start: nobody in the unit did the first step."""

    def start() -> Case:
        return services.case_start_for_intake(
            sop_code="PGD",
            unit=demo_org.unit("KRJ"),
            actor=None,
            subject="Kebisingan di Desa Botok",
            data=REPORT,
            now=AT,
        )

    return start


def test_a_citizens_start_is_told_to_the_next_steps_holders_only(demo_org) -> None:
    """An SMS complaint, on both paths: the first step has no actor; the next step's holder
    is told of it (by SMS too, as he chose) and it gets its deadline job; the first step,
    done before anyone could open it, gets neither."""
    staf = demo_org.person("staf.krj")
    staf.phone = "081234567809"
    staf.save(update_fields=["phone"])
    person_notify_channels_set(person=staf, email=False, sms=True)
    slow, fast, _sql = _both(_public_start(demo_org))

    for case in (slow, fast):
        first = Task.objects.get(case=case, status=TaskStatus.DONE)
        nxt = Task.objects.get(case=case, status=TaskStatus.OPEN)
        assert (first.completed_by_id, first.assignee_id, case.opened_by_id) == (None, None, None)
        assert not Notification.objects.filter(task=first).exists()
        assert list(Notification.objects.filter(task=nxt).values_list("recipient", flat=True)) == [
            staf.pk
        ]
        assert OutboxMessage.objects.filter(case=case, channel="sms").count() == 1
        jobs = DBTaskResult.objects.filter(args_kwargs__args__0__in=[first.pk, nxt.pk])
        assert [j.args_kwargs["args"][0] for j in jobs] == [nxt.pk]
    _assert_same_rows(slow, fast)


def test_what_is_not_plain_is_the_orm_paths_own(demo_org) -> None:
    """A start with photos, and one whose report is refused: neither is fast; the refusal is
    the ORM path's and takes no case number."""
    unit, staf = demo_org.unit("KRJ"), demo_org.person("staf.krj")
    with_photo, sql = _started(
        lambda: services.case_start_for_intake(
            sop_code="PGD",
            unit=unit,
            actor=staf,
            subject="Reklame liar",
            data=REPORT,
            uploads={"": [("foto.png", io.BytesIO(PNG))]},
            now=AT,
        )
    )
    assert not _fast(sql)
    assert with_photo.attachments.count() == 1
    with pytest.raises(Invalid) as refused:
        services.case_start(
            sop_code="PGD", unit=unit, actor=staf, subject="Tanpa uraian", data={}, now=AT
        )
    assert refused.value.field.startswith("data.")
    after, _sql = _started(_counter_start(demo_org))
    assert after.serial == with_photo.serial + 1
    assert OutboxMessage.objects.filter(case=after).count() == 0  # nobody chose SMS here


def _live_task(case: Case) -> Task:
    return Task.objects.get(case=case, status__in=[TaskStatus.OPEN, TaskStatus.CLAIMED])


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_the_fast_paths_statements_are_prepared_unless_switched_off(demo_org, settings) -> None:
    """The start's and the completion's statements are planned once per connection
    (``run_prepared``); ``TRANTIB_DB_PREPARE=0`` (a pooler in transaction mode) runs them as
    any other statement, with the same result."""
    settings.TRANTIB_DB_PREPARE = False
    before = _prepared()
    off, sql = _started(_counter_start(demo_org))
    assert _fast(sql) and off.event_seq == 2
    assert _prepared() == before
    settings.TRANTIB_DB_PREPARE = True
    on, sql = _started(_counter_start(demo_org))
    assert _fast(sql) and on.event_seq == 2 and on.serial == off.serial + 1
    prepared = _prepared()
    assert any(s.startswith("WITH n AS (INSERT INTO") for s in prepared), prepared
    assert any(s.startswith('WITH w0 AS (INSERT INTO "cases_case"') for s in prepared)
    services.task_complete(task=_live_task(on), actor=demo_org.person("staf.krj"), now=AT)
    assert any("FOR NO KEY UPDATE OF c" in s for s in _prepared())
