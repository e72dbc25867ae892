"""The SMS webhook: the language, the replies in the outbox, the secret, idempotency, bad bodies."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.utils import timezone

from trantib.cases.models import Task
from trantib.complaints import sms
from trantib.complaints.models import Category, Complaint, SmsInbound
from trantib.core.models import RateWindow
from trantib.outbox.models import OutboxMessage

URL = "/sms/masuk/"
SECRET = "test-sms-secret"
SENDER = "0812-2900-4411"
NUMBER = "+6281229004411"


def _post(
    body: Any,
    *,
    secret: str | None = SECRET,
    as_json: bool = False,
    raw: bytes | None = None,
) -> Any:
    headers = {"X-Trantib-Secret": secret} if secret is not None else {}
    client = Client()
    if raw is not None:
        return client.post(URL, raw, content_type="application/json", headers=headers)
    if as_json:
        return client.post(URL, json.dumps(body), content_type="application/json", headers=headers)
    return client.post(URL, body, headers=headers)


def _sms(text: str, gateway_id: str = "gw-1", sender: str = SENDER, **extra: Any) -> Any:
    response = _post({"id": gateway_id, "from": sender, "text": text, **extra})
    assert response.status_code == 200, response.content
    return response.json()


def _outbox(kind: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind=kind).order_by("pk"))


# -- the language -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "anonymous", "code", "rest"),
    [
        ("LAPOR pkl Lapak di trotoar", "report", False, "pkl", "Lapak di trotoar"),
        ("lapor#pkl#Lapak di trotoar", "report", False, "pkl", "Lapak di trotoar"),
        ("Lapor anonim  BISING musik keras", "report", True, "BISING", "musik keras"),
        ("ADUAN: reklame spanduk", "report", False, "reklame", "spanduk"),
        ("cek k7qm 4rtz", "status", False, "", "k7qm 4rtz"),
        ("INFO", "help", False, "", ""),
        ("halo pak", "help", False, "", ""),
        ("", "help", False, "", ""),
    ],
)
def test_the_sms_language_is_read_from_the_first_words(text, kind, anonymous, code, rest):
    parsed = sms.sms_parse(text)
    assert (parsed.kind, parsed.anonymous, parsed.code, parsed.rest) == (
        kind,
        anonymous,
        code,
        rest,
    )


def test_the_place_is_the_words_after_di_up_to_the_end_of_the_sentence():
    assert sms.place_find("Lapak di depan Pasar Kerjo, Desa Kuto. Sudah lama") == (
        "depan Pasar Kerjo, Desa Kuto"
    )
    assert sms.place_find("Karaoke buka sampai 01.00 di Dusun Ngasem") == "Dusun Ngasem"
    assert sms.place_find("Lapak dijual murah") == ""


# -- the outcomes -----------------------------------------------------------------------


def test_a_report_files_a_complaint_in_krj_and_the_reply_carries_the_tracking_number(
    complaint_categories,
):
    answer = _sms("LAPOR pkl Lapak menutup trotoar di depan Pasar Kerjo, Desa Kuto. Tiap pagi")
    assert answer["status"] == "complaint" and answer["duplicate"] is False
    complaint = Complaint.objects.get()
    assert answer["tracking"] == complaint.tracking
    assert complaint.channel == "sms" and complaint.category.code == "pkl"
    assert complaint.unit.code == "KRJ" and complaint.case.unit.code == "KRJ"
    assert (
        complaint.description == "Lapak menutup trotoar di depan Pasar Kerjo, Desa Kuto. Tiap pagi"
    )
    assert complaint.address == "depan Pasar Kerjo, Desa Kuto"
    assert complaint.kelurahan == "Kuto"
    assert complaint.reporter_phone == NUMBER and not complaint.anonymous
    assert complaint.source_ref == "gw-1"
    first = Task.objects.get(case=complaint.case, step_id="lapor")
    assert first.data["saluran"] == "SMS"
    assert first.data["uraian"] == complaint.description
    (receipt,) = _outbox("complaint_received")
    assert receipt.channel == "sms" and receipt.recipient == NUMBER
    assert complaint.tracking in receipt.body
    assert answer["reply"] == receipt.body
    inbound = SmsInbound.objects.get()
    assert (inbound.result, inbound.complaint, inbound.reply) == (
        "complaint",
        complaint,
        receipt.body,
    )
    assert inbound.sender == NUMBER


def test_a_keyword_names_the_category_and_stays_in_the_description(complaint_categories):
    answer = _sms("lapor SPANDUK liar dipasang di pohon sepanjang jalan Desa Botok")
    complaint = Complaint.objects.get(tracking=answer["tracking"])
    assert complaint.category.code == "reklame"
    assert complaint.description == "SPANDUK liar dipasang di pohon sepanjang jalan Desa Botok"
    assert complaint.kelurahan == "Botok"


def test_a_desa_named_in_the_text_routes_the_complaint_by_location(complaint_categories):
    # cpd-pkl belongs to Cipondoh, but Kerjo's rule for Desa Kuto routes the place to Kerjo.
    answer = _sms("LAPOR cpd-pkl Lapak menutup jalan masuk Desa Kuto setiap pagi")
    assert Complaint.objects.get(tracking=answer["tracking"]).unit.code == "KRJ"
    answer = _sms("LAPOR cpd-pkl Lapak menutup trotoar Jalan KH Hasyim Ashari", gateway_id="gw-2")
    complaint = Complaint.objects.get(tracking=answer["tracking"])
    assert complaint.unit.code == "CPD" and complaint.kelurahan == ""


def test_an_unknown_code_goes_to_lainnya_when_the_rest_reads_as_a_report(complaint_categories):
    answer = _sms("LAPOR ada galian pasir liar di belakang balai desa Ganten")
    complaint = Complaint.objects.get(tracking=answer["tracking"])
    assert complaint.category.code == "lainnya"
    assert complaint.description == "ada galian pasir liar di belakang balai desa Ganten"
    assert complaint.kelurahan == "Ganten"


def test_an_unknown_code_without_a_report_or_without_lainnya_gets_the_help_reply(
    complaint_categories,
):
    answer = _sms("LAPOR xyz", gateway_id="a")
    assert answer["status"] == "help" and answer["tracking"] == ""
    assert "tidak dikenal" in answer["reply"]
    Category.objects.filter(code="lainnya").update(active=False)
    answer = _sms("LAPOR ada galian pasir liar di belakang balai desa", gateway_id="b")
    assert answer["status"] == "help"
    assert not Complaint.objects.exists()
    helps = _outbox("sms_help")
    assert [m.recipient for m in helps] == [NUMBER, NUMBER]
    assert "lainnya" not in helps[1].body and "pkl" in helps[1].body


def test_a_known_code_with_too_short_a_description_gets_the_reason_and_the_format(
    complaint_categories,
):
    answer = _sms("LAPOR pkl trotoar")
    assert answer["status"] == "help"
    assert answer["reply"].startswith("Uraian pengaduan terlalu pendek")
    assert "LAPOR <kode>" in answer["reply"]
    (message,) = _outbox("sms_help")
    assert message.unit.code == "KRJ" and message.body == answer["reply"]
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("text", ["INFO", "bantuan", "selamat pagi", ""])
def test_info_bantuan_or_anything_else_gets_the_format_and_the_codes(complaint_categories, text):
    answer = _sms(text)
    assert answer["status"] == "help" and answer["duplicate"] is False
    reply = answer["reply"]
    assert "LAPOR <kode>" in reply and "CEK <nomor pelacakan>" in reply
    for code in ("pkl", "hiburan", "bangunan", "reklame", "kebisingan", "lainnya"):
        assert code in reply
    assert len(reply) <= sms.HELP_REPLY_MAX
    (message,) = _outbox("sms_help")
    assert (message.recipient, message.body, message.channel) == (NUMBER, reply, "sms")
    assert SmsInbound.objects.get().result == "help"


def test_an_anonymous_report_keeps_no_number_and_still_gets_the_receipt(complaint_categories):
    answer = _sms("LAPOR ANONIM hiburan Karaoke buka sampai pukul 02.00 di Desa Tamansari")
    complaint = Complaint.objects.get(tracking=answer["tracking"])
    assert complaint.anonymous
    assert (complaint.reporter_name, complaint.reporter_phone, complaint.reporter_email) == (
        "",
        "",
        "",
    )
    assert complaint.kelurahan == "Tamansari"
    assert SmsInbound.objects.get().sender == ""
    (receipt,) = _outbox("complaint_received")
    assert receipt.recipient == NUMBER and receipt.redact_after_send
    assert complaint.tracking in receipt.body and "tidak disimpan" in receipt.body
    # The number is in no complaint and no kept SMS: only in the outbox, until it is sent.
    assert not Complaint.objects.filter(reporter_phone=NUMBER).exists()
    assert not SmsInbound.objects.filter(sender=NUMBER).exists()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("LAPOR ANONIM pkl ab", "Uraian pengaduan terlalu pendek"),  # refused by the service
        ("LAPOR ANONIM xyz", "tidak dikenal"),  # no such code, too short for lainnya
        ("LAPOR ANONIM", "Uraian belum ada"),
    ],
)
def test_an_anonymous_report_that_gets_the_help_reply_keeps_no_number_either(
    complaint_categories, text, reason
):
    answer = _sms(text)
    assert answer["status"] == "help" and reason in answer["reply"]
    inbound = SmsInbound.objects.get()
    assert inbound.sender == "" and inbound.text == text
    (message,) = _outbox("sms_help")
    assert message.recipient == NUMBER and message.redact_after_send
    assert not Complaint.objects.exists()


def test_a_help_reply_to_a_named_sender_keeps_the_number(complaint_categories):
    _sms("LAPOR pkl ab")
    assert SmsInbound.objects.get().sender == NUMBER
    (message,) = _outbox("sms_help")
    assert message.recipient == NUMBER and not message.redact_after_send


def test_cek_replies_with_the_public_status_in_one_short_sms(complaint_categories):
    filed = _sms("LAPOR bangunan Gudang baru tanpa papan PBG di tepi jalan Desa Gempolan")
    spaced = filed["tracking"].lower().replace("-", " ")
    answer = _sms(f"cek {spaced}", gateway_id="gw-2", sender="081311112222")
    assert answer["status"] == "status" and answer["tracking"] == filed["tracking"]
    assert answer["reply"].startswith(f"Pengaduan {filed['tracking']}: Diterima")
    assert len(answer["reply"]) <= sms.STATUS_REPLY_MAX
    (message,) = _outbox("sms_status")
    assert message.recipient == "+6281311112222" and message.body == answer["reply"]
    assert message.unit.code == "KRJ" and not message.redact_after_send


def test_cek_of_an_anonymous_complaint_does_not_keep_the_askers_number(complaint_categories):
    filed = _sms("LAPOR ANONIM pkl Lapak menutup trotoar depan pasar Desa Kuto")
    _sms(f"CEK {filed['tracking']}", gateway_id="gw-2")
    inbound = SmsInbound.objects.get(gateway_id="gw-2")
    assert inbound.result == "status" and inbound.sender == ""
    (message,) = _outbox("sms_status")
    assert message.redact_after_send


def test_cek_of_an_unknown_number_gets_the_help_reply(complaint_categories):
    answer = _sms("CEK ZZZZ-ZZZZ")
    assert answer["status"] == "help" and "tidak ditemukan" in answer["reply"]
    answer = _sms("CEK", gateway_id="gw-2")
    assert answer["status"] == "help" and "setelah CEK" in answer["reply"]


def test_a_json_body_with_a_numeric_id_and_received_at_is_taken(complaint_categories):
    response = _post(
        {
            "id": 918273,
            "from": "+62 812 2900 4411",
            "text": "LAPOR kebisingan Musik keras tiap malam di Dusun Ngasem, Desa Tamansari",
            "received_at": "2025-03-01T21:15:00+07:00",
        },
        as_json=True,
    )
    assert response.status_code == 200, response.content
    complaint = Complaint.objects.get(tracking=response.json()["tracking"])
    assert complaint.source_ref == "918273" and complaint.reporter_phone == NUMBER
    assert complaint.received_at.isoformat() == "2025-03-01T14:15:00+00:00"
    assert complaint.case.opened_at == complaint.received_at


@pytest.mark.parametrize(
    "received_at",
    ["0001-01-01T00:00:00", "0001-01-01T00:00:00+14:00", "1900-01-01T00:00:00", "1999-12-31"],
)
@pytest.mark.parametrize("as_json", [False, True], ids=["form", "json"])
def test_a_received_at_before_2000_is_a_400_naming_it(complaint_categories, received_at, as_json):
    body = {"id": "gw-1", "from": SENDER, "text": "CEK X", "received_at": received_at}
    response = _post(body, as_json=as_json)
    assert response.status_code == 400, response.content
    assert response.json()["field"] == "received_at"
    assert not SmsInbound.objects.exists() and not OutboxMessage.objects.exists()


@pytest.mark.parametrize("received_at", ["2999-01-01T00:00:00", "9999-12-31T23:59:59-14:00"])
def test_a_received_at_in_the_future_is_now(complaint_categories, received_at):
    before = timezone.now()
    _sms("LAPOR pkl Lapak pedagang menutup trotoar depan Pasar Kerjo", received_at=received_at)
    complaint = Complaint.objects.get()
    assert before <= complaint.received_at <= timezone.now()


# -- the secret -------------------------------------------------------------------------


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET + "x"])
def test_a_missing_or_wrong_secret_is_refused_with_403(complaint_categories, secret):
    response = _post({"id": "gw-1", "from": SENDER, "text": "INFO"}, secret=secret)
    assert response.status_code == 403
    assert "X-Trantib-Secret" in response.json()["message"]
    assert not SmsInbound.objects.exists() and not OutboxMessage.objects.exists()


def test_an_empty_secret_setting_disables_the_webhook_with_503(complaint_categories, settings):
    settings.TRANTIB_SMS_WEBHOOK_SECRET = ""
    response = _post({"id": "gw-1", "from": SENDER, "text": "INFO"}, secret="")
    assert response.status_code == 503
    assert "TRANTIB_SMS_WEBHOOK_SECRET" in response.json()["message"]
    assert not SmsInbound.objects.exists()


def test_only_post_is_allowed(db):
    response = Client().get(URL, headers={"X-Trantib-Secret": SECRET})
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert "message" in response.json()


# -- idempotency ------------------------------------------------------------------------


def test_the_same_message_delivered_twice_files_one_complaint_and_one_receipt(
    complaint_categories,
):
    text = "LAPOR pkl Lapak menutup trotoar di depan Pasar Kerjo, Desa Kuto"
    first = _sms(text, gateway_id="dup-1")
    again = _sms(text, gateway_id="dup-1")
    # A redelivery with another text under the same id is still that message.
    third = _sms("INFO", gateway_id="dup-1")
    assert first["duplicate"] is False and again["duplicate"] is third["duplicate"] is True
    assert first["tracking"] == again["tracking"] == third["tracking"] != ""
    assert first["reply"] == again["reply"] == third["reply"]
    assert Complaint.objects.count() == 1 and SmsInbound.objects.count() == 1
    assert len(_outbox("complaint_received")) == 1
    assert OutboxMessage.objects.count() == 1


def test_a_help_reply_is_written_once_for_a_message_delivered_twice(complaint_categories):
    first = _sms("INFO", gateway_id="dup-2")
    again = _sms("INFO", gateway_id="dup-2")
    assert (first["status"], again["status"], again["duplicate"]) == ("help", "help", True)
    assert len(_outbox("sms_help")) == 1


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_second_delivery_waits_and_answers_from_the_first(complaint_categories):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: no two deliveries are ever in flight")
    text = "LAPOR pkl Lapak menutup trotoar di depan Pasar Kerjo, Desa Kuto"
    filed = threading.Event()
    release = threading.Event()
    results: dict[str, Any] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                results["first"] = sms.sms_receive(gateway_id="race", sender=NUMBER, text=text)
                filed.set()
                release.wait(30)
        finally:
            connections.close_all()

    def second() -> None:
        try:
            results["second"] = sms.sms_receive(gateway_id="race", sender=NUMBER, text=text)
        finally:
            connections.close_all()

    one = threading.Thread(target=first)
    one.start()
    assert filed.wait(30)
    two = threading.Thread(target=second)
    two.start()
    # The second delivery passed the first look (the row is not committed yet) and now waits
    # on the unique index; only then may the first commit.
    with connection.cursor() as cursor:
        for _ in range(3000):
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                break
            threading.Event().wait(0.01)
        else:
            pytest.fail("the second delivery never waited on the first")
    release.set()
    one.join(30)
    two.join(30)
    assert results["first"].duplicate is False and results["second"].duplicate is True
    assert results["second"].tracking == results["first"].tracking
    assert results["second"].reply == results["first"].reply
    assert Complaint.objects.count() == 1 and SmsInbound.objects.count() == 1
    assert OutboxMessage.objects.filter(kind="complaint_received").count() == 1


# -- bad bodies -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"from": SENDER, "text": "INFO"}, "id"),
        ({"id": "  ", "from": SENDER, "text": "INFO"}, "id"),
        ({"id": "x" * 101, "from": SENDER, "text": "INFO"}, "id"),
        ({"id": "gw-1", "text": "INFO"}, "from"),
        ({"id": "gw-1", "from": "TELKOMSEL", "text": "INFO"}, "from"),
        ({"id": "gw-1", "from": SENDER}, "text"),
        ({"id": "gw-1", "from": SENDER, "text": "LAPOR pkl " + "a" * 5000}, "text"),
        ({"id": "gw-1", "from": SENDER, "text": "LAPOR pkl lapak\x00 di trotoar"}, "text"),
        ({"id": "gw-1", "from": SENDER, "text": "INFO", "received_at": "kemarin"}, "received_at"),
        (
            {"id": "gw-1", "from": SENDER, "text": "INFO", "received_at": "2025-13-45T99:00"},
            "received_at",
        ),
    ],
)
@pytest.mark.parametrize("as_json", [False, True], ids=["form", "json"])
def test_a_bad_field_is_a_400_naming_it_and_nothing_is_kept(
    complaint_categories, body, field, as_json
):
    response = _post(body, as_json=as_json)
    assert response.status_code == 400, response.content
    answer = response.json()
    assert answer["field"] == field and answer["message"]
    assert not SmsInbound.objects.exists() and not OutboxMessage.objects.exists()


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (b"[1, 2]", "body"),
        (b'"LAPOR"', "body"),
        (b"null", "body"),
        (b"{not json", "body"),
        (b"\xff\xfe\x00", "body"),
        (b'{"id": "gw-1", "from": "0812", "text": "\\ud800"}', "from"),
        (b'{"id": "gw-1", "from": "081229004411", "text": "\\ud800 lapak"}', "text"),
        (b'{"id": ["gw-1"], "from": "081229004411", "text": "INFO"}', "id"),
        (b'{"id": true, "from": "081229004411", "text": "INFO"}', "id"),
        (b'{"id": "gw-1", "from": "081229004411", "text": {"a": 1}}', "text"),
        (b'{"id": "gw-1", "from": "081229004411", "text": null}', "text"),
    ],
)
def test_a_body_that_is_not_a_json_object_of_strings_is_a_400(complaint_categories, raw, field):
    response = _post(None, raw=raw)
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field
    assert not SmsInbound.objects.exists()


def test_a_body_larger_than_django_accepts_is_a_400_not_a_500(complaint_categories, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = _post({"id": "gw-1", "from": SENDER, "text": "a" * 1500})
    assert response.status_code == 400 and response.json()["field"] == "body"
    raw = json.dumps({"id": "gw-1", "from": SENDER, "text": "a" * 1500}).encode()
    response = _post(None, raw=raw)
    assert response.status_code == 400 and response.json()["field"] == "body"


def test_a_flood_from_one_number_is_limited_anonymous_or_not(complaint_categories, settings):
    settings.TRANTIB_PUBLIC_RATE_LIMIT = 2
    text = "LAPOR pkl Lapak pedagang menutup trotoar depan Pasar Kerjo"
    assert [_sms(text, gateway_id=f"f-{i}")["status"] for i in range(2)] == ["complaint"] * 2
    third = _sms(text, gateway_id="f-3")
    assert third["status"] == "help" and "Terlalu banyak" in third["reply"]
    assert _sms(text, gateway_id="f-4", sender="081399887766")["status"] == "complaint"
    # Anonymous reports from one number are counted too (apart from its named ones).
    anonymous = "LAPOR ANONIM pkl Lapak pedagang menutup trotoar depan Pasar Kerjo"
    assert [_sms(anonymous, gateway_id=f"a-{i}")["status"] for i in range(2)] == ["complaint"] * 2
    refused = _sms(anonymous, gateway_id="a-3")
    assert refused["status"] == "help" and "Terlalu banyak" in refused["reply"]
    assert SmsInbound.objects.get(gateway_id="a-3").sender == ""
    (message,) = OutboxMessage.objects.filter(kind="sms_help", ref="sms:a-3")
    assert message.recipient == NUMBER and message.redact_after_send
    assert Complaint.objects.count() == 5 and Complaint.objects.filter(anonymous=True).count() == 2
    # The count holds no number and no complaint points to it.
    assert not RateWindow.objects.filter(key__contains="8122900").exists()
    assert not [f.name for f in Complaint._meta.get_fields() if "client" in f.name]
