"""Enqueue in the caller's transaction; deliver through a gateway with retries, backoff, dead
letters and the administrator's retry; idempotency across a crash between send and record."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from trantib.cases import services as cases
from trantib.core.errors import Conflict, Invalid
from trantib.core.phones import mobile_number
from trantib.outbox.models import OutboxMessage
from trantib.outbox.services import (
    DeliveryResult,
    outbox_deliver,
    outbox_enqueue,
    outbox_retry,
)

from .gateways import Crash, files

Status = OutboxMessage.Status
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


# -- enqueue ----------------------------------------------------------------------------------


def test_a_message_enqueued_in_a_transaction_that_rolls_back_does_not_exist(sms):
    with pytest.raises(RuntimeError), transaction.atomic():
        sms()
        assert OutboxMessage.objects.count() == 1
        raise RuntimeError("the complaint could not be saved")
    assert not OutboxMessage.objects.exists()


def test_a_message_enqueued_in_a_transaction_that_commits_waits_to_be_sent(sms):
    with transaction.atomic():
        message = sms(now=T0)
    message.refresh_from_db()
    assert message.status == Status.PENDING and message.attempts == 0
    assert message.next_attempt_at == T0 == message.created_at
    assert message.recipient == "+6281234567890"
    assert len(message.idempotency_key) == 32


@pytest.mark.parametrize(
    ("written", "number"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("081234567890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("+62 (0)812.3456.7890", "+6281234567890"),
        ("0857 1234 567", "+62857 1234 567".replace(" ", "")),
    ],
)
def test_indonesian_mobile_numbers_are_normalised(written, number):
    assert mobile_number(written) == number


@pytest.mark.parametrize(
    "junk",
    ["", "12345", "abc", "0812", "+44 20 7946 0958", "021-5550123", "0812345678901234", "8123456"],
)
def test_junk_numbers_are_refused(junk, sms):
    assert mobile_number(junk) is None
    with pytest.raises(Invalid) as err:
        sms(recipient=junk)
    assert err.value.field == "recipient"
    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"channel": "fax"}, "channel"),
        ({"channel": "email", "recipient": "not-an-address"}, "recipient"),
        ({"body": "   "}, "body"),
        ({"subject": "two\nlines"}, "subject"),
        ({"kind": "k" * 41}, "kind"),
        ({"ref": "r" * 65}, "ref"),
        ({"idempotency_key": "../../etc/passwd"}, "idempotency_key"),
        ({"idempotency_key": "k" * 65}, "idempotency_key"),
    ],
)
def test_bad_input_is_refused_naming_the_field(sms, kwargs, field):
    with pytest.raises(Invalid) as err:
        sms(**kwargs)
    assert err.value.field == field


def test_an_email_address_is_accepted_as_written(sms):
    message = sms(channel="email", recipient=" warga@example.id ", subject="Pengaduan")
    assert message.recipient == "warga@example.id"


def test_the_same_key_twice_is_one_message_and_a_different_body_under_it_a_conflict(sms):
    first = sms(idempotency_key="complaint-12-received")
    again = sms(idempotency_key="complaint-12-received")
    assert again.pk == first.pk
    assert OutboxMessage.objects.count() == 1
    with pytest.raises(Conflict) as err:
        sms(idempotency_key="complaint-12-received", body="Lain")
    assert err.value.field == "idempotency_key"


def test_a_case_of_another_unit_is_refused(demo_org, outbox_dir):
    case = cases.case_start(
        sop_code="PGD",
        unit=demo_org.unit("KRJ"),
        actor=demo_org.person("staf.krj"),
        subject="Warung buka melewati jam malam",
        data={"saluran": "SMS", "uraian": "Warung karaoke buka sampai pukul 02.00"},
    )
    kwargs = {"channel": "sms", "recipient": "081234567890", "body": "Diterima", "case": case}
    assert outbox_enqueue(unit=demo_org.unit("KRJ"), **kwargs).case == case
    with pytest.raises(Invalid) as err:
        outbox_enqueue(unit=demo_org.unit("CPD"), **kwargs)
    assert err.value.field == "case"


# -- delivery through the file gateway --------------------------------------------------------


def test_delivery_through_the_file_gateway_writes_the_file_and_marks_it_sent(sms, outbox_dir):
    message = sms(now=T0)
    assert outbox_deliver(now=at(1)) == DeliveryResult(sent=1)
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.sent_at == at(1) and message.attempts == 1 and message.lease_until is None
    assert message.gateway == "file"
    [written] = files(outbox_dir)
    assert written.name == f"{message.idempotency_key}.txt" == message.gateway_ref
    text = written.read_text(encoding="utf-8")
    assert "channel: sms\nto: +6281234567890\n" in text
    assert f"key: {message.idempotency_key}\n" in text
    assert text.endswith("\nPengaduan Anda diterima dengan nomor PGD/12.\n")
    # Sent is final: the next pass has nothing to do.
    assert outbox_deliver(now=at(3600)) == DeliveryResult()


def test_a_message_is_not_sent_before_it_is_due(sms, outbox_dir):
    sms(now=T0)
    assert outbox_deliver(now=at(-1)) == DeliveryResult()
    assert files(outbox_dir) == []


def test_redact_after_send_blanks_the_recipient_once_sent(sms, outbox_dir, use_gateway):
    anonymous = sms(now=T0, redact_after_send=True)
    known = sms(now=T0, recipient="081298765432")
    outbox_deliver(now=at(1))
    anonymous.refresh_from_db()
    known.refresh_from_db()
    assert anonymous.status == known.status == Status.SENT
    assert anonymous.recipient == ""
    assert known.recipient == "+6281298765432"


def test_a_failing_message_keeps_its_recipient_for_the_retries(sms, use_gateway):
    use_gateway("Down")
    message = sms(now=T0, redact_after_send=True)
    outbox_deliver(now=at(1))
    message.refresh_from_db()
    assert message.status == Status.PENDING and message.recipient == "+6281234567890"


def test_an_anonymous_message_given_up_on_keeps_no_recipient_and_cannot_be_retried(
    sms, use_gateway
):
    use_gateway("Refusing")
    message = sms(now=T0, redact_after_send=True)
    outbox_deliver(now=at(1))
    message.refresh_from_db()
    assert message.status == Status.DEAD and message.recipient == ""
    with pytest.raises(Conflict) as refused:
        outbox_retry(message=message)
    assert refused.value.field == "recipient"


def test_a_transient_failure_is_retried_with_backoff_then_dead_lettered(sms, use_gateway):
    use_gateway("Down")  # TRANTIB_OUTBOX_MAX_ATTEMPTS = 3, backoff 30 s (conftest)
    message = sms(now=T0)

    assert outbox_deliver(now=at(0)) == DeliveryResult(failed=1)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.PENDING, 1)
    assert message.next_attempt_at == at(30)
    assert message.last_error == (
        "connection refused: gateway down (attempt 1, trantib.outbox.tests.gateways.Down)"
    )

    assert outbox_deliver(now=at(29)) == DeliveryResult()  # backing off
    assert outbox_deliver(now=at(30)) == DeliveryResult(failed=1)
    message.refresh_from_db()
    assert message.attempts == 2 and message.next_attempt_at == at(30 + 60)  # doubled

    assert outbox_deliver(now=at(89)) == DeliveryResult()
    assert outbox_deliver(now=at(90)) == DeliveryResult(dead=1)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.DEAD, 3)
    assert message.lease_until is None and message.sent_at is None
    # A dead letter is left alone, however long we wait.
    assert outbox_deliver(now=at(86400 * 30)) == DeliveryResult()


def test_a_permanent_refusal_goes_straight_to_the_dead_letters(sms, use_gateway):
    use_gateway("Refusing")
    message = sms(now=T0)
    assert outbox_deliver(now=at(0)) == DeliveryResult(dead=1)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.DEAD, 1)
    assert "invalid number" in message.last_error


def test_a_message_of_a_channel_the_gateway_cannot_carry_is_dead_at_once(
    sms, use_gateway, settings
):
    settings.TRANTIB_SMS_HTTP_URL = "http://127.0.0.1:9/"  # never called
    use_gateway("http", channel="email")
    message = sms(now=T0, channel="email", recipient="warga@example.id")
    assert outbox_deliver(now=at(0)) == DeliveryResult(dead=1)
    message.refresh_from_db()
    assert "cannot send email messages" in message.last_error


def test_a_dead_letter_retried_by_an_administrator_is_sent(
    sms, use_gateway, outbox_dir, admin_user
):
    use_gateway("Refusing")
    message = sms(now=T0)
    outbox_deliver(now=at(0))
    use_gateway("file")  # the number was fixed at the gateway's side
    retried = outbox_retry(message=message, actor_user=admin_user)
    assert (retried.status, retried.attempts) == (Status.PENDING, 0)
    assert "invalid number" in retried.last_error  # the history stays
    assert outbox_deliver(now=timezone.now() + dt.timedelta(seconds=1)) == DeliveryResult(sent=1)
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert len(files(outbox_dir)) == 1


@pytest.mark.parametrize("status", [Status.PENDING, Status.SENT])
def test_only_a_dead_letter_can_be_retried(sms, outbox_dir, status):
    message = sms(now=T0)
    if status == Status.SENT:
        outbox_deliver(now=at(0))
    with pytest.raises(Conflict) as err:
        outbox_retry(message=message)
    assert err.value.field == "status"


def test_delivery_refuses_to_run_inside_a_transaction(sms):
    sms(now=T0)
    # The claim must commit before a gateway is called.
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_deliver(now=at(0))
    assert OutboxMessage.objects.get().status == Status.PENDING


# -- a crash between send and record ---------------------------------------------------------


def test_a_crash_after_sending_leaves_it_sending_and_it_is_sent_once_after_the_lease(
    sms, use_gateway, outbox_dir
):
    message = sms(now=T0)
    use_gateway("CrashAfterSend")
    with pytest.raises(Crash):
        outbox_deliver(now=at(0))
    message.refresh_from_db()
    # The gateway has it; the database does not know yet.
    assert (message.status, message.attempts) == (Status.SENDING, 1)
    assert message.lease_until == at(120)
    [written] = files(outbox_dir)
    first_text = written.read_text(encoding="utf-8")

    use_gateway("file")  # the worker comes back
    assert outbox_deliver(now=at(119)) == DeliveryResult()  # another worker may still be on it
    assert outbox_deliver(now=at(120)) == DeliveryResult(sent=1)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.SENT, 2)
    assert "interrupted" in message.last_error
    # The same key: the file gateway did not send it a second time.
    assert files(outbox_dir) == [written]
    assert written.read_text(encoding="utf-8") == first_text


def test_a_message_whose_worker_died_on_its_last_attempt_is_dead_lettered(sms, use_gateway):
    message = sms(now=T0)
    use_gateway("CrashAfterSend")
    for attempt in range(3):  # TRANTIB_OUTBOX_MAX_ATTEMPTS: a poison message
        with pytest.raises(Crash):
            outbox_deliver(now=at(attempt * 120))
    assert outbox_deliver(now=at(3 * 120)) == DeliveryResult(dead=1)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.DEAD, 3)
    assert "worker stopped while sending" in message.last_error


def test_a_pass_that_used_half_its_lease_hands_the_rest_back_untried(sms, outbox_dir, monkeypatch):
    messages = [sms(now=T0, recipient=f"08123456789{i}") for i in range(3)]
    # The clock of the pass (not the database's): the first send took most of the lease.
    ticks = [0.0, 0.0, 1000.0]
    monkeypatch.setattr("trantib.outbox.services._stopwatch", lambda: ticks.pop(0))
    assert outbox_deliver(now=at(0)) == DeliveryResult(sent=1)
    rows = [OutboxMessage.objects.get(pk=m.pk) for m in messages]
    assert [(m.status, m.attempts, m.lease_until) for m in rows] == [
        (Status.SENT, 1, None),
        (Status.PENDING, 0, None),
        (Status.PENDING, 0, None),
    ]
    assert len(files(outbox_dir)) == 1


def test_manage_py_check_names_a_misconfigured_gateway(settings):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    settings.TRANTIB_OUTBOX_GATEWAYS = {"sms": "http", "email": "file"}
    settings.TRANTIB_SMS_HTTP_URL = ""
    with pytest.raises(SystemCheckError, match=r"trantib.outbox.E001.*TRANTIB_SMS_HTTP_URL"):
        call_command("check")
