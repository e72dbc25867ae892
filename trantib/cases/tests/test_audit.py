"""``trantib audit verify``: intact chains pass; an event edited, deleted or reordered behind
the application's back is named; on PostgreSQL the table refuses UPDATE and DELETE."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from trantib.cases.audit import chain_verify
from trantib.cases.models import Case, Event
from trantib.core.models import AuditEvent, AuditHead
from trantib.demo import PGD_CLOSED, demo_cases_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_cases(demo_org):
    return demo_cases_load()


def verify() -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("audit", "verify", stdout=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def tamper(sql: str, params: list[object]) -> None:
    """Raw SQL, as someone with the database's superuser password would do it. On PostgreSQL
    they must first switch the append-only trigger off (``SET LOCAL``: only until the test's
    transaction ends)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)


def closed_case_events() -> tuple[Case, list[Event]]:
    case = Case.objects.get(complaint__description__startswith=PGD_CLOSED)
    return case, list(Event.objects.filter(case=case).order_by("seq"))


def test_verify_passes_on_the_demo_data(demo_cases):
    code, out = verify()
    cases, events = Case.objects.count(), Event.objects.count()
    assert code == 0
    assert out.splitlines()[0] == f"{cases} cases, {events} events: chain intact"
    records, record_events = AuditHead.objects.count(), AuditEvent.objects.count()
    assert out.splitlines()[1] == f"{records} records, {record_events} events: chain intact"
    assert cases >= 9 and events > cases


def test_an_event_edited_with_raw_sql_is_named(demo_cases):
    case, events = closed_case_events()
    edited = events[3]
    tamper("UPDATE cases_event SET data = %s WHERE id = %s", ['{"step": "palsu"}', edited.pk])
    code, out = verify()
    assert code == 1
    first, summary = out.strip().splitlines()[:2]  # then the records' line
    assert first == (
        f"{case.number}: event #{edited.seq} (id {edited.pk}): its content does not match its "
        "hash: the event was edited"
    )
    assert summary.endswith("events: 1 broken chain(s)")


def test_an_event_given_another_actor_is_caught_too(demo_cases):
    _, events = closed_case_events()
    tamper("UPDATE cases_event SET actor_id = NULL WHERE id = %s", [events[2].pk])
    code, out = verify()
    assert code == 1 and f"event #{events[2].seq} (id {events[2].pk})" in out


def test_a_deleted_event_is_named_by_the_one_after_the_gap(demo_cases):
    case, events = closed_case_events()
    gone, after = events[2], events[3]
    tamper("DELETE FROM cases_event WHERE id = %s", [gone.pk])
    code, out = verify()
    assert code == 1
    assert out.splitlines()[0] == (
        f"{case.number}: event #{after.seq} (id {after.pk}): sequence jumps from "
        f"{gone.seq - 1} to {after.seq}: an event was deleted or reordered"
    )


def test_a_deleted_last_event_is_caught_at_the_chain_end(demo_cases):
    case, events = closed_case_events()
    tamper("DELETE FROM cases_event WHERE id = %s", [events[-1].pk])
    code, out = verify()
    assert code == 1
    assert out.splitlines()[0].startswith(f"{case.number}: chain end: the case records")


def test_two_events_with_their_seq_swapped_are_named_at_the_first_of_them(demo_cases):
    case, events = closed_case_events()
    a, b = events[2], events[3]
    # Through a free number: (case, seq) is unique.
    tamper("UPDATE cases_event SET seq = %s WHERE id = %s", [10_000, a.pk])
    tamper("UPDATE cases_event SET seq = %s WHERE id = %s", [a.seq, b.pk])
    tamper("UPDATE cases_event SET seq = %s WHERE id = %s", [b.seq, a.pk])
    code, out = verify()
    assert code == 1
    # b now stands at a's place in the chain: the first bad event.
    assert out.splitlines()[0].startswith(f"{case.number}: event #{a.seq} (id {b.pk}): ")
    assert "deleted or reordered" in out.splitlines()[0]


def test_only_the_broken_case_is_reported(demo_cases):
    case, events = closed_case_events()
    tamper("UPDATE cases_event SET data = %s WHERE id = %s", ["{}", events[1].pk])
    code, out = verify()
    problems = out.strip().splitlines()[:-2]  # the cases' and the records' summaries
    assert code == 1 and len(problems) == 1 and problems[0].startswith(case.number)


@pytest.mark.postgres
def test_on_postgresql_the_event_table_refuses_update_and_delete(demo_cases):
    _, events = closed_case_events()
    target = events[1]
    with connection.cursor() as cursor:
        for sql in [
            "UPDATE cases_event SET data = '{}' WHERE id = %s",
            "DELETE FROM cases_event WHERE id = %s",
        ]:
            with pytest.raises(DatabaseError) as err, transaction.atomic():
                cursor.execute(sql, [target.pk])
            assert "Cannot update or delete rows from cases_event" in str(err.value)
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.filter(pk=target.pk).update(type="case_closed")
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.filter(pk=target.pk).delete()
    assert verify()[0] == 0


def test_moving_an_event_to_another_unit_breaks_the_chain(demo_org) -> None:
    from trantib.cases import services

    case = services.case_start(
        sop_code="PGD",
        unit=demo_org.unit("KRJ"),
        actor=demo_org.person("staf.krj"),
        subject="Pengaduan",
        data={"saluran": "SMS", "uraian": "x"},
    )
    tamper(
        "UPDATE cases_event SET unit_id = %s WHERE case_id = %s AND seq = 1",
        [demo_org.unit("CPD").pk, case.pk],
    )
    assert [(p.case_number, p.seq) for p in chain_verify().problems] == [(case.number, 1)]
