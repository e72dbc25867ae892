"""The public-data policy (docs/PRIVACY.md): which complaints the public Open311 feed holds,
how coarse their place is, what the status page shows, who lets a counter or phone complaint
into the feed (page, case page, API; audited), and the rate limits of every public lookup."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client, override_settings

from trantib.api.services import api_token_create
from trantib.api.tests.support import ApiClient
from trantib.complaints import selectors, services, sms
from trantib.complaints.models import Category, Complaint, ComplaintEvent, SmsInbound
from trantib.complaints.public import (
    POINT_DECIMALS,
    public_address,
    public_by_default,
    public_coordinate,
    public_street,
)
from trantib.conftest import DemoOrg
from trantib.core.audit import audit_events, chains_verify
from trantib.core.errors import Invalid, NotAllowed

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"
KARAOKE = "Warung karaoke di Dusun Ngasem buka sampai pukul 02.00 setiap malam Minggu"
# A point and an address as precise as a reporter gives them.
LAT, LON = "-7.590149", "111.051451"
ADDRESS = "Jl. Merdeka No. 12 RT 03/RW 05, rumah cat hijau"
INTAKE = ("staf.krj", "kasi.krj", "camat.krj")
# Kerjo officers who see the complaint but do not decide.
NOT_INTAKE = ("sekcam.krj", "danru.krj", "anggota.krj")


def _file(
    demo_org: DemoOrg, categories: dict[str, Category], channel: str = "web", **kwargs: Any
) -> Complaint:
    args: dict[str, Any] = {
        "channel": channel,
        "category": categories["hiburan"],
        "description": KARAOKE,
        "latitude": LAT,
        "longitude": LON,
        "address": ADDRESS,
        "kelurahan": "Tamansari",
        "reporter_name": "Sri Wahyuni",
        "reporter_phone": "081234567890",
    }
    if channel in ("phone", "counter"):
        args["actor"] = demo_org.person("staf.krj")
    args.update(kwargs)
    return services.complaint_file(**args)


def _ids(client: Client, path: str = "requests.json", **params: str) -> set[str]:
    response = client.get(f"{BASE}/{path}", params)
    assert response.status_code == 200, response.content
    return {row["service_request_id"] for row in json.loads(response.content)}


def _page(demo_org: DemoOrg, login: str) -> Client:
    client = Client()
    client.force_login(demo_org.user(login))
    return client


def _api(demo_org: DemoOrg, login: str) -> ApiClient:
    _row, token = api_token_create(user=demo_org.user(login), name="public-data")
    return ApiClient(token)


@pytest.fixture
def phone(demo_org: DemoOrg, complaint_categories: dict[str, Category]) -> Complaint:
    return _file(demo_org, complaint_categories, channel="phone")


# -- the rule and the coarse place (no database) ------------------------------------------------


@pytest.mark.django_db(False)
@pytest.mark.parametrize(
    ("channel", "confidential", "public"),
    [
        ("web", False, True),
        ("sms", False, True),
        ("open311", False, True),
        ("web", True, False),
        ("sms", True, False),
        ("phone", False, False),
        ("counter", False, False),
    ],
)
def test_only_a_citizens_own_channel_is_public_by_default(channel, confidential, public):
    assert public_by_default(channel, confidential) is public


@pytest.mark.django_db(False)
@pytest.mark.parametrize(
    ("address", "street"),
    [
        ("Jl. Merdeka No. 12 RT 03/RW 05, rumah cat hijau", "Jl. Merdeka"),
        ("Jl. Penanda AA843A, Poris Plawad", "Jl. Penanda"),
        ("Jl. Kerjo–Jenawi km 2", "Jl. Kerjo–Jenawi"),
        ("Jl. 17 Agustus No. 5", "Jl. 17 Agustus"),
        ("Jl.Mawar No.12", "Jl.Mawar"),
        ("Gg. Kenanga 3", "Gg. Kenanga"),
        ("Perumahan Griya Asri Blok C2 No 5", "Perumahan Griya Asri"),
        ("Dusun Ngasem RT 2", "Dusun Ngasem"),
        ("depan Pasar Kerjo", "depan Pasar Kerjo"),
        ("RT 02/RW 03 Dusun Ngasem", ""),
        ("12 Jl. Mawar", ""),
        ("Jl.", ""),
        ("", ""),
    ],
)
def test_an_address_is_cut_to_its_street(address, street):
    assert public_street(address) == street


@pytest.mark.django_db(False)
def test_a_public_address_is_the_street_and_the_desa():
    assert public_address(ADDRESS, "Tamansari") == "Jl. Merdeka, Tamansari"
    assert public_address("RT 02/RW 03", "Botok") == "Botok"
    assert public_address("Botok", "Botok") == "Botok"
    assert public_address("", "") == ""


@pytest.mark.django_db(False)
def test_a_public_coordinate_lies_within_about_100_metres_of_the_true_one():
    assert POINT_DECIMALS == 3
    assert public_coordinate("-7.590149") == -7.59
    assert public_coordinate("111.051451") == 111.051
    assert public_coordinate("-7.5905") == -7.591  # half away from zero
    assert public_coordinate(None) is None
    lat, lon = public_coordinate(LAT), public_coordinate(LON)
    assert lat is not None and lon is not None
    # At most half a cell off on each axis: under 80 m on the ground.
    assert services.distance_metres(float(LAT), float(LON), lat, lon) < 80
    assert services.distance_metres(-7.5905, 111.0515, -7.591, 111.052) < 80


# -- the public feed ----------------------------------------------------------------------------


def test_a_confidential_and_a_phone_complaint_are_absent_from_the_public_feed(
    client: Client, demo_org: DemoOrg, complaint_categories: dict[str, Category], phone
):
    web = _file(demo_org, complaint_categories)
    secret = _file(demo_org, complaint_categories, confidential=True)
    counter = _file(demo_org, complaint_categories, channel="counter")
    assert (web.public, secret.public, phone.public, counter.public) == (True, False, False, False)
    every = ",".join(str(c.pk) for c in (web, secret, phone, counter))
    for fmt in ("json", "xml"):
        listed = client.get(f"{BASE}/requests.{fmt}")
        assert listed.status_code == 200
        if fmt == "json":
            assert {r["service_request_id"] for r in json.loads(listed.content)} == {str(web.pk)}
        else:
            root = ET.fromstring(listed.content)  # noqa: S314 (our own server's answer)
            assert [r.findtext("service_request_id") for r in root] == [str(web.pk)]
        for hidden in (secret, phone, counter):
            assert client.get(f"{BASE}/requests/{hidden.pk}.{fmt}").status_code == 404
            # Its reporter's token opens no public record either: the same 404 as a wrong one.
            assert client.get(f"{BASE}/tokens/{hidden.tracking}.{fmt}").status_code == 404
        assert client.get(f"{BASE}/requests/{web.pk}.{fmt}").status_code == 200
        assert client.get(f"{BASE}/tokens/{web.tracking}.{fmt}").status_code == 200
    assert _ids(client, service_request_id=every) == {str(web.pk)}
    assert _ids(client, status="open,closed", service_code="hiburan") == {str(web.pk)}


def test_public_coordinates_are_rounded_and_the_address_cut_to_street_and_desa(
    client: Client, demo_org: DemoOrg, complaint_categories: dict[str, Category]
):
    web = _file(demo_org, complaint_categories)
    (row,) = json.loads(client.get(f"{BASE}/requests/{web.pk}.json").content)
    assert (row["lat"], row["long"]) == (-7.59, 111.051)
    assert row["address"] == "Jl. Merdeka, Tamansari"
    xml = client.get(f"{BASE}/requests.xml").content.decode()
    assert "<lat>-7.59</lat>" in xml and "<long>111.051</long>" in xml
    for body in (client.get(f"{BASE}/requests.json").content.decode(), xml):
        # Neither the exact point nor the house, the RT or the landmark leaves.
        for exact in ("7.590149", "111.051451", "7.5901", "No. 12", "RT 03", "cat hijau"):
            assert exact not in body, exact
        # No coordinate in the feed has more than 3 decimals.
        assert not re.search(r"-?\d+\.\d{4,}", body.replace(web.received_at.isoformat(), ""))


def test_a_duplicate_of_a_complaint_that_is_not_public_names_no_original(
    client: Client, demo_org: DemoOrg, complaint_categories: dict[str, Category], phone
):
    copy = _file(demo_org, complaint_categories, reporter_phone="081298765432")
    services.complaint_mark_duplicate(
        complaint=copy, original=phone, actor=demo_org.person("kasi.krj")
    )
    (row,) = json.loads(client.get(f"{BASE}/requests/{copy.pk}.json").content)
    assert row["status"] == "closed"
    assert row["status_notes"] == "Digabung dengan pengaduan lain tentang masalah yang sama"
    assert str(phone.pk) not in row["status_notes"]


# -- the status page ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["phone", "confidential", "web"])
def test_the_status_page_shows_the_desa_but_no_address_point_or_description(
    client: Client, demo_org: DemoOrg, complaint_categories: dict[str, Category], kind: str
):
    if kind == "phone":
        complaint = _file(demo_org, complaint_categories, channel="phone")
    else:
        complaint = _file(demo_org, complaint_categories, confidential=kind == "confidential")
    response = client.get(f"/lacak/{complaint.tracking}/")
    # The reporter holds the number: their status page works whether or not it is public.
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tamansari" in html and complaint.category.name in html
    for private in ("Merdeka", "No. 12", "cat hijau", "7.59", "111.05", "Ngasem", "Sri Wahyuni"):
        assert private not in html, private


def test_a_duplicates_status_page_shows_the_originals_answer_only_when_it_is_public(
    demo_org: DemoOrg, complaint_categories: dict[str, Category], phone
):
    answer = "Warung karaoke sudah ditutup pukul 24.00. Terima kasih atas laporan Anda."
    web = _file(demo_org, complaint_categories, reporter_phone="081311112222")
    for original in (phone, web):
        copy = _file(demo_org, complaint_categories, reporter_phone="081298765432")
        services.complaint_mark_duplicate(
            complaint=copy, original=original, actor=demo_org.person("kasi.krj")
        )
        # The original answered, the duplicate's own answer not written yet.
        Complaint.objects.filter(pk=original.pk).update(
            answered_at=original.received_at, answer_text=answer
        )
        status = selectors.complaint_public_status(copy.tracking)
        if original.public:
            assert status.answer == answer and status.answered_at is not None
        else:
            assert status.answer == "" and status.answered_at is None


# -- marking a counter or phone complaint public ------------------------------------------------


def test_an_intake_role_makes_a_phone_complaint_public_on_the_complaint_page(
    client: Client, demo_org: DemoOrg, phone: Complaint
):
    kasi = _page(demo_org, "kasi.krj")
    page = kasi.get(f"/pengaduan/{phone.pk}/").content.decode()
    assert "Tidak tampil untuk umum" in page and f"/pengaduan/{phone.pk}/publik/" in page
    # What the public would see is shown before anyone decides.
    assert "Jl. Merdeka, Tamansari" in page and "-7.59, 111.051" in page

    response = kasi.post(f"/pengaduan/{phone.pk}/publik/", {"public": "1"})
    assert response.status_code == 302 and response["Location"] == f"/pengaduan/{phone.pk}/"
    phone.refresh_from_db()
    assert phone.public
    (event,) = audit_events(phone)
    assert event.type == ComplaintEvent.MADE_PUBLIC
    assert event.actor == demo_org.person("kasi.krj") and event.unit_id == phone.unit_id
    assert event.data == {
        "before": False,
        "after": True,
        "channel": "phone",
        "case": phone.case.number,
    }
    assert _ids(client) == {str(phone.pk)}
    (row,) = json.loads(client.get(f"{BASE}/requests/{phone.pk}.json").content)
    assert (row["lat"], row["long"], row["address"]) == (-7.59, 111.051, "Jl. Merdeka, Tamansari")
    assert "Sri Wahyuni" not in str(row) and "0812" not in str(row)
    page = kasi.get(f"/pengaduan/{phone.pk}/").content.decode()
    assert "ditampilkan untuk umum" in page and demo_org.person("kasi.krj").full_name in page

    # And out again: a second event, the feed empty.
    assert kasi.post(f"/pengaduan/{phone.pk}/publik/", {"public": "0"}).status_code == 302
    phone.refresh_from_db()
    assert not phone.public
    assert [e.type for e in audit_events(phone)] == [
        ComplaintEvent.MADE_PUBLIC,
        ComplaintEvent.MADE_PRIVATE,
    ]
    assert _ids(client) == set()
    assert all(report.problems == [] for report in chains_verify())


@pytest.mark.parametrize("login", INTAKE)
def test_each_intake_role_of_the_unit_decides(demo_org: DemoOrg, phone: Complaint, login: str):
    services.complaint_public_set(complaint=phone, actor=demo_org.person(login), public=True)
    phone.refresh_from_db()
    assert phone.public


@pytest.mark.parametrize("login", NOT_INTAKE)
def test_other_officers_of_the_unit_see_the_state_but_cannot_change_it(
    demo_org: DemoOrg, phone: Complaint, login: str
):
    pages = _page(demo_org, login)
    page = pages.get(f"/pengaduan/{phone.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Tidak tampil untuk umum" in html and "/publik/" not in html
    assert "/publik/" not in pages.get(f"/kasus/{phone.case_id}/").content.decode()
    refused = pages.post(f"/pengaduan/{phone.pk}/publik/", {"public": "1"})
    assert refused.status_code == 403
    assert "Hanya Staf, Kasi Trantib atau Camat" in refused.content.decode()
    with pytest.raises(NotAllowed):
        services.complaint_public_set(complaint=phone, actor=demo_org.person(login), public=True)
    api = _api(demo_org, login).post(f"/complaints/{phone.tracking}/public", {"public": True})
    assert api.status_code == 403 and api.json()["field"] == "public"
    phone.refresh_from_db()
    assert not phone.public and not audit_events(phone).exists()


def test_an_officer_of_another_unit_finds_no_such_complaint(demo_org: DemoOrg, phone: Complaint):
    page = _page(demo_org, "staf.cpd").post(f"/pengaduan/{phone.pk}/publik/", {"public": "1"})
    assert page.status_code == 404
    api = _api(demo_org, "staf.cpd").post(f"/complaints/{phone.tracking}/public", {"public": True})
    assert api.status_code == 404
    phone.refresh_from_db()
    assert not phone.public


def test_the_case_page_offers_the_switch_to_the_intake_roles(demo_org: DemoOrg, phone: Complaint):
    staf = _page(demo_org, "staf.krj")
    html = staf.get(f"/kasus/{phone.case_id}/").content.decode()
    assert f"/pengaduan/{phone.pk}/publik/" in html and 'name="back" value="case"' in html
    response = staf.post(f"/pengaduan/{phone.pk}/publik/", {"public": "1", "back": "case"})
    assert response.status_code == 302 and response["Location"] == f"/kasus/{phone.case_id}/"
    phone.refresh_from_db()
    assert phone.public
    assert "Tarik dari tampilan umum" in staf.get(f"/kasus/{phone.case_id}/").content.decode()


def test_a_confidential_complaint_can_never_be_made_public(
    demo_org: DemoOrg, complaint_categories: dict[str, Category]
):
    secret = _file(demo_org, complaint_categories, channel="phone", confidential=True)
    with pytest.raises(Invalid, match="dirahasiakan"):
        services.complaint_public_set(
            complaint=secret, actor=demo_org.person("camat.krj"), public=True
        )
    page = _page(demo_org, "camat.krj")
    html = page.get(f"/pengaduan/{secret.pk}/").content.decode()
    assert "Pelapor minta dirahasiakan" in html and "/publik/" not in html
    refused = page.post(f"/pengaduan/{secret.pk}/publik/", {"public": "1"})
    assert refused.status_code == 422 and "dirahasiakan" in refused.content.decode()
    api = _api(demo_org, "camat.krj").post(
        f"/complaints/{secret.tracking}/public", {"public": True}
    )
    assert api.status_code == 422 and api.json()["field"] == "public"
    # The database holds the rule too.
    with pytest.raises(IntegrityError), transaction.atomic():
        Complaint.objects.filter(pk=secret.pk).update(public=True)
    secret.refresh_from_db()
    assert not secret.public and not audit_events(secret).exists()


def test_a_bad_choice_on_the_page_is_a_clear_error(demo_org: DemoOrg, phone: Complaint):
    response = _page(demo_org, "staf.krj").post(f"/pengaduan/{phone.pk}/publik/", {"public": "ya"})
    assert (
        response.status_code == 422 and "Pilih: tampilkan untuk umum" in response.content.decode()
    )


def test_asking_for_what_already_holds_records_nothing(demo_org: DemoOrg, phone: Complaint):
    actor = demo_org.person("staf.krj")
    services.complaint_public_set(complaint=phone, actor=actor, public=False)
    assert not audit_events(phone).exists()
    services.complaint_public_set(complaint=phone, actor=actor, public=True)
    services.complaint_public_set(complaint=phone, actor=actor, public=True)
    assert audit_events(phone).count() == 1


def test_the_api_makes_a_complaint_public_and_says_so(
    client: Client, demo_org: DemoOrg, phone: Complaint
):
    api = _api(demo_org, "staf.krj")
    assert api.get(f"/complaints/{phone.tracking}").json()["public"] is False
    response = api.post(f"/complaints/{phone.tracking.lower()}/public", {"public": True})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["public"] is True and body["tracking"] == phone.tracking
    (event,) = audit_events(phone)
    assert event.type == ComplaintEvent.MADE_PUBLIC and event.actor == demo_org.person("staf.krj")
    assert _ids(client) == {str(phone.pk)}
    # Strict input: a string is no boolean, an unknown key is refused.
    for bad in ({"public": "true"}, {"public": True, "alasan": "x"}, {}):
        refused = api.post(f"/complaints/{phone.tracking}/public", bad)
        assert refused.status_code == 422, bad
    assert api.post(f"/complaints/{phone.tracking}/public", {"public": False}).json() == {
        **body,
        "public": False,
    }
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/complaints/{tracking}/public"]["post"]
    assert {"200", "403", "404", "422"} <= set(operation["responses"])


def test_the_demo_shows_a_phone_complaint_its_officer_made_public(demo_org: DemoOrg):
    from trantib.demo import demo_complaints_load

    made = demo_complaints_load()
    (phone,) = [c for c in made if c.channel == "phone"]
    (event,) = audit_events(phone)
    assert event.type == ComplaintEvent.MADE_PUBLIC and event.actor == demo_org.person("staf.krj")
    for complaint in made:
        complaint.refresh_from_db()
        own_channel = complaint.channel in ("web", "sms") and not complaint.confidential
        assert complaint.public == (own_channel or complaint.pk == phone.pk), complaint.description
    assert {c.channel for c in made if not c.public} == {"counter"}


# -- rate limits on the public lookups ----------------------------------------------------------


@override_settings(TRANTIB_LOOKUP_RATE_LIMIT=3, TRANTIB_LOOKUP_RATE_WINDOW=600)
def test_the_status_page_and_open311_tokens_share_a_lookup_limit_per_client(
    demo_org: DemoOrg, complaint_categories: dict[str, Category]
):
    web = _file(demo_org, complaint_categories)
    client = Client(REMOTE_ADDR="203.0.113.7")
    assert client.get(f"/lacak/{web.tracking}/").status_code == 200
    # A miss counts as much as a hit.
    assert client.get("/lacak/ZZZZ-ZZZZ/").status_code == 404
    assert client.get(f"{BASE}/tokens/{web.tracking}.json").status_code == 200
    limited = client.get(f"/lacak/{web.tracking}/")
    assert limited.status_code == 429 and limited["Retry-After"] == "600"
    assert "Terlalu banyak pencarian nomor pelacakan" in limited.content.decode()
    token = client.get(f"{BASE}/tokens/{web.tracking}.json")
    assert token.status_code == 429 and token["Retry-After"] == "600"
    (error,) = json.loads(token.content)
    assert error["code"] == 429 and "Terlalu banyak" in error["description"]
    # Typing a number into the form still answers (it only redirects; nothing is looked up).
    assert client.get("/lacak/", {"tracking": web.tracking}).status_code == 302
    # Another client has its own budget.
    assert Client(REMOTE_ADDR="203.0.113.8").get(f"/lacak/{web.tracking}/").status_code == 200


@override_settings(TRANTIB_OPEN311_READ_RATE_LIMIT=2, TRANTIB_OPEN311_READ_RATE_WINDOW=300)
def test_reads_of_open311_requests_are_limited_per_client(
    demo_org: DemoOrg, complaint_categories: dict[str, Category]
):
    web = _file(demo_org, complaint_categories)
    client = Client(REMOTE_ADDR="198.51.100.4")
    assert client.get(f"{BASE}/requests.json").status_code == 200
    assert client.get(f"{BASE}/requests/{web.pk}.xml").status_code == 200
    for path in ("requests.xml", f"requests/{web.pk}.json"):
        limited = client.get(f"{BASE}/{path}")
        assert limited.status_code == 429 and limited["Retry-After"] == "300", path
    (error,) = json.loads(client.get(f"{BASE}/requests.json").content)
    assert error["code"] == 429
    # The service list and the discovery document are no lookups; the other client is free.
    assert client.get(f"{BASE}/services.json").status_code == 200
    assert client.get(f"{BASE}/discovery.json").status_code == 200
    assert Client(REMOTE_ADDR="198.51.100.5").get(f"{BASE}/requests.json").status_code == 200


@override_settings(TRANTIB_LOOKUP_RATE_LIMIT=2, TRANTIB_LOOKUP_RATE_WINDOW=600)
def test_an_sms_status_question_counts_against_the_lookup_limit_of_its_number(
    demo_org: DemoOrg, complaint_categories: dict[str, Category]
):
    web = _file(demo_org, complaint_categories)
    sender = "+6281277001122"
    for n in (1, 2):
        outcome = sms.sms_receive(gateway_id=f"cek-{n}", sender=sender, text=f"CEK {web.tracking}")
        assert SmsInbound.objects.get(gateway_id=f"cek-{n}").result == SmsInbound.Result.STATUS
    outcome = sms.sms_receive(gateway_id="cek-3", sender=sender, text=f"CEK {web.tracking}")
    kept = SmsInbound.objects.get(gateway_id="cek-3")
    assert kept.result == SmsInbound.Result.HELP and kept.complaint is None
    assert "Terlalu banyak pencarian nomor pelacakan" in kept.reply
    assert outcome is not None
    # Another number asks freely.
    sms.sms_receive(gateway_id="cek-4", sender="+6281277001133", text=f"CEK {web.tracking}")
    assert SmsInbound.objects.get(gateway_id="cek-4").result == SmsInbound.Result.STATUS


def test_the_public_form_tells_the_reporter_what_becomes_public(client: Client, demo_org):
    html = client.get("/lapor/").content.decode()
    assert "dibulatkan sekitar 100 m" in html and "Nama dan kontak Anda tidak pernah tampil" in html
    staff = _page(demo_org, "staf.krj").get("/pengaduan/baru/").content.decode()
    assert "tidak tampil untuk umum" in staff
