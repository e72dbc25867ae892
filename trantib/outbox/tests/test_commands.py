"""``trantib outbox list|retry|deliver`` and the admin's dead letters with "Kirim ulang"."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from trantib.outbox.models import OutboxMessage
from trantib.outbox.services import outbox_deliver

from .gateways import files
from .test_services import T0, at

Status = OutboxMessage.Status


def run(*args: str) -> str:
    out = StringIO()
    call_command("outbox", *args, stdout=out)
    return out.getvalue()


def bad(*args: str) -> str:
    with pytest.raises(CommandError) as err:
        call_command("outbox", *args, stdout=StringIO())
    assert err.value.returncode == 2
    return str(err.value)


@pytest.fixture
def dead(sms, use_gateway) -> OutboxMessage:
    use_gateway("Refusing")
    message = sms(now=T0, kind="complaint_answer")
    outbox_deliver(now=at(0))
    use_gateway("file")
    return message


def test_list_shows_the_dead_letters_with_their_error(dead, sms):
    sms(now=T0, recipient="081298765432")  # a pending one
    everything = run("list")
    assert "pending" in everything and "dead" in everything
    only_dead = run("list", "--status", "dead").splitlines()
    assert only_dead[0].split() == [
        "ID",
        "Created",
        "Status",
        "Channel",
        "Kind",
        "To",
        "Tries",
        "Last",
        "error",
    ]
    assert len(only_dead) == 3  # header, rule, the dead letter
    assert only_dead[2].split()[0] == str(dead.pk)
    assert "complaint_answer" in only_dead[2] and "invalid number" in only_dead[2]
    assert run("list", "--status", "sent") == "No messages.\n"
    # Operators tell messages apart by the last digits; the number itself is not shown.
    assert "+62•••••••5432" in everything and "81298765432" not in everything


def test_retry_then_deliver_sends_the_dead_letter(dead, outbox_dir):
    assert run("retry", str(dead.pk)).startswith(f"message {dead.pk} is pending again")
    assert run("deliver") == "outbox: 1 message(s) sent, 0 to retry, 0 dead\n"
    dead.refresh_from_db()
    assert dead.status == Status.SENT and len(files(outbox_dir)) == 1


def test_bad_input_is_one_line_naming_the_argument(dead, sms):
    assert bad("list", "--status", "lost").startswith("--status: no status 'lost'")
    assert bad("list", "--limit", "0").startswith("--limit:")
    assert bad("retry", "999999").startswith("id: Tidak ada pesan keluar nomor 999999")
    pending = sms(now=T0, recipient="081298765432")
    assert bad("retry", str(pending.pk)).startswith("status: Hanya pesan yang gagal")


def test_deliver_names_a_misconfigured_gateway(sms, use_gateway, settings):
    settings.TRANTIB_OUTBOX_GATEWAYS = {"sms": "pigeon", "email": "file"}
    assert bad("deliver").startswith("settings: TRANTIB_OUTBOX_GATEWAYS: unknown gateway")


# -- admin ------------------------------------------------------------------------------------


def test_the_admin_lists_dead_letters_and_sends_them_again(dead, client, admin_user, outbox_dir):
    client.force_login(admin_user)
    url = reverse("admin:outbox_outboxmessage_changelist")
    page = client.get(url, {"status__exact": "dead"})
    assert page.status_code == 200
    assert "invalid number" in page.content.decode()
    answer = client.post(url, {"action": "retry", "_selected_action": [dead.pk]}, follow=True)
    assert answer.status_code == 200
    assert "1 pesan dijadwalkan untuk dikirim ulang" in answer.content.decode()
    dead.refresh_from_db()
    assert dead.status == Status.PENDING
    detail = client.get(reverse("admin:outbox_outboxmessage_change", args=[dead.pk]))
    assert detail.status_code == 200 and dead.idempotency_key in detail.content.decode()
    for html in (page.content.decode(), detail.content.decode()):
        assert dead.recipient not in html and dead.recipient[-4:] in html


def test_the_admin_is_closed_to_staff_who_are_not_superusers(dead, client, django_user_model):
    staff = django_user_model.objects.create_user("staf", password="x", is_staff=True)
    client.force_login(staff)
    page = client.get(reverse("admin:outbox_outboxmessage_changelist"))
    assert page.status_code == 403
