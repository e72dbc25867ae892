"""The audit trail of records that are not cases: an assignment's chain, verified and tampered."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from trantib.accounts.models import Assignment
from trantib.accounts.services import assignment_create, assignment_end, assignment_save
from trantib.core.audit import audit_events, chains_verify
from trantib.core.models import AuditEvent, AuditHead


def verify() -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("audit", "verify", stdout=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def tamper(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)


@pytest.fixture
def plh(demo_org) -> Assignment:
    """Sekcam of Cipondoh made Plh. Camat of Karawaci, then the period shortened."""
    assignment = assignment_create(
        person=demo_org.person("sekcam.cpd"),
        position=demo_org.position("KRW", "camat"),
        valid_from=dt.date(2026, 5, 1),
        valid_until=dt.date(2026, 5, 30),
        acting="plh",
        actor=demo_org.person("camat.krw"),
    )
    return assignment_end(
        assignment=assignment, on=dt.date(2026, 5, 10), actor=demo_org.person("camat.krw")
    )


def record_problems() -> list[str]:
    (records,) = [r for r in chains_verify() if r.label == "records"]
    return [str(p) for p in records.problems]


def test_an_acting_assignment_and_its_end_are_recorded_in_its_chain(plh, demo_org):
    events = list(audit_events(plh))
    assert [e.type for e in events] == ["assignment_created", "assignment_ended"]
    assert events[0].actor == demo_org.person("camat.krw")
    assert events[0].unit == demo_org.unit("KRW")
    assert events[0].data["after"]["acting"] == "plh"
    assert events[1].data == {
        "before": {"valid_until": "2026-05-30"},
        "after": {"valid_until": "2026-05-10"},
    }
    assert events[1].prev_hash == events[0].hash
    head = AuditHead.objects.get(subject_type="accounts.assignment", subject_id=plh.pk)
    assert (head.seq, head.hash) == (2, events[1].hash)
    assert record_problems() == []


def test_a_change_through_the_admin_service_records_only_what_changed(plh):
    plh.acting = "plt"
    assignment_save(assignment=plh)
    last = list(audit_events(plh))[-1]
    assert last.type == "assignment_changed"
    assert last.data == {"before": {"acting": "plh"}, "after": {"acting": "plt"}}


def test_verify_names_an_edited_record_event_and_exits_1(plh):
    first = audit_events(plh).first()
    assert first is not None
    tamper("UPDATE core_auditevent SET data = %s WHERE id = %s", ['{"after": {}}', first.pk])
    code, out = verify()
    assert code == 1
    assert (
        f"accounts.assignment #{plh.pk}: event #1 (id {first.pk}): its content does not match "
        "its hash: the event was edited"
    ) in out
    assert "1 broken chain(s)" in out


def test_verify_names_a_deleted_last_record_event(plh):
    last = list(audit_events(plh))[-1]
    tamper("DELETE FROM core_auditevent WHERE id = %s", [last.pk])
    assert record_problems() == [
        f"accounts.assignment #{plh.pk}: chain end: the head records 2 events but the chain "
        "has 1: events at the end were deleted"
    ]


def test_verify_passes_and_counts_record_chains(plh):
    code, out = verify()
    assert code == 0
    records, events = AuditHead.objects.count(), AuditEvent.objects.count()
    assert f"{records} records, {events} events: chain intact" in out.splitlines()


@pytest.mark.postgres
def test_record_events_are_append_only_on_postgresql(plh):
    from django.db import DatabaseError

    first = audit_events(plh).first()
    assert first is not None
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=first.pk).update(type="edited")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=first.pk).delete()


def test_chains_are_read_whole_across_keyset_pages(plh, demo_org):
    from trantib.core.audit import events_grouped

    every = AuditEvent.objects.all()
    whole = {key: [e.pk for e in events] for key, events in events_grouped(every, by=KEY)}
    paged = {key: [e.pk for e in events] for key, events in events_grouped(every, by=KEY, batch=1)}
    assert paged == whole
    assert whole[("accounts.assignment", plh.pk)] == [e.pk for e in audit_events(plh)]
    assert sum(len(v) for v in whole.values()) == every.count() > 2


KEY = ("subject_type", "subject_id")
