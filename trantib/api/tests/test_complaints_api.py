"""/api/v1/complaints: filing at the counter or on the phone, the list, the detail, and who
sees a confidential reporter."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, reset_queries
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from trantib.api.api import api
from trantib.api.services import api_token_create
from trantib.cases.models import Task, TaskStatus
from trantib.complaints import services as complaint_services
from trantib.complaints.models import Complaint
from trantib.core.errors import TooMany
from trantib.outbox.models import OutboxMessage

from .support import ApiClient

pytestmark = pytest.mark.django_db

KARAOKE = "Warung karaoke di Dusun Ngasem buka sampai pukul 02.00 setiap malam Minggu"
NAME, PHONE = "Sri Wahyuni Rahasia", "0812 3456 7890"
PHONE_STORED = "+6281234567890"
INTAKE = ("staf.krj", "kasi.krj", "camat.krj")
NOT_INTAKE = ("anggota.krj", "danru.krj", "sekcam.krj")


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"message", "field", "kind"} and body["message"]
    return body


def _body(**kwargs: object) -> dict[str, object]:
    return {"channel": "counter", "category": "hiburan", "description": KARAOKE, **kwargs}


def _file(api_as, username: str = "staf.krj", **kwargs: object) -> dict:
    response = api_as(username).post("/complaints", _body(**kwargs))
    assert response.status_code == 201, response.content
    return response.json()


# -- filing -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("channel", "saluran"), [("counter", "Datang ke kantor"), ("phone", "Telepon")]
)
def test_a_complaint_filed_through_the_api_opens_its_case_in_the_categorys_unit(
    demo_org, complaint_categories, api_as, channel, saluran
):
    body = _file(
        api_as,
        channel=channel,
        category="pkl",
        address="Jl. Kerjo–Jenawi km 2",
        latitude=-7.5901,
        longitude=111.0512,
        reporter_name="Budi Santoso",
        reporter_phone="0812-1111-2222",
    )
    year = timezone.localdate().year
    assert body["channel"] == channel and body["unit"] == "KRJ"
    assert body["category"] == {"code": "pkl", "name": complaint_categories["pkl"].name}
    assert body["case"]["number"] == f"KRJ/PGD/{year}/0001" and body["case"]["status"] == "open"
    assert (body["latitude"], body["longitude"]) == (-7.5901, 111.0512)
    assert body["reporter"] == {
        "shown": True,
        "label": "Budi Santoso",
        "name": "Budi Santoso",
        "phone": "+6281211112222",
        "email": "",
    }
    assert body["working_days_left"] == 5 and body["duplicate_of"] is None
    assert body["answered_at"] is None
    complaint = Complaint.objects.get(tracking=body["tracking"])
    assert complaint.taken_by == demo_org.person("staf.krj")
    first = Task.objects.get(case=complaint.case, step_id="lapor")
    assert first.status == TaskStatus.DONE and first.completed_by == demo_org.person("staf.krj")
    assert first.data["saluran"] == saluran and first.data["uraian"] == KARAOKE
    assert Task.objects.get(case=complaint.case, status=TaskStatus.OPEN).step_id == "staf_sampaikan"
    receipt = OutboxMessage.objects.get(ref=f"complaint:{complaint.pk}")
    assert receipt.kind == "complaint_received" and body["tracking"] in receipt.body


def test_an_officer_of_another_unit_passes_a_complaint_on_to_the_unit_it_is_routed_to(
    demo_org, complaint_categories, api_as
):
    body = _file(api_as, "staf.cpd", channel="phone", kelurahan="Tamansari")
    assert body["unit"] == "KRJ" and body["case"]["status"] == "open"
    # Nobody in Kerjo did the report step; Kerjo's staff have the next one.
    first = Task.objects.get(case_id=body["case"]["id"], step_id="lapor")
    assert first.completed_by is None and first.data["saluran"] == "Telepon"
    # Staf of Cipondoh does not see Kerjo's complaints afterwards…
    assert api_as("staf.cpd").get("/complaints").json() == {"count": 0, "items": []}
    _error(api_as("staf.cpd").get(f"/complaints/{body['tracking']}"), 404)
    # …Kerjo's staff do.
    assert api_as("staf.krj").get(f"/complaints/{body['tracking']}").status_code == 200


@pytest.mark.parametrize("username", NOT_INTAKE)
def test_a_person_without_an_intake_role_cannot_file_a_complaint(
    demo_org, complaint_categories, api_as, username
):
    body = _error(api_as(username).post("/complaints", _body()), 403)
    assert body["field"] == "channel"
    assert not Complaint.objects.exists()


def test_a_login_without_a_person_cannot_file(demo_org, complaint_categories):
    root = get_user_model().objects.create_superuser("root", "root@trantib.example", "x")
    _row, token = api_token_create(user=root)
    assert _error(ApiClient(token).post("/complaints", _body()), 403)["field"] == "Authorization"
    assert not Complaint.objects.exists()


def test_an_anonymous_complaint_keeps_no_identity(demo_org, complaint_categories, api_as):
    body = _file(api_as, anonymous=True, reporter_name=NAME, reporter_phone=PHONE)
    assert body["anonymous"] is True and body["confidential"] is False
    assert body["reporter"] == {
        "shown": False,
        "label": "Anonim",
        "name": "",
        "phone": "",
        "email": "",
    }
    complaint = Complaint.objects.get(tracking=body["tracking"])
    assert (complaint.reporter_name, complaint.reporter_phone) == ("", "")


# -- who sees a confidential reporter -------------------------------------------------------------


@pytest.fixture
def confidential(demo_org, complaint_categories, api_as) -> dict:
    return _file(
        api_as,
        confidential=True,
        reporter_name=NAME,
        reporter_phone=PHONE,
        reporter_email="sri.rahasia@example.com",
    )


@pytest.mark.parametrize("username", NOT_INTAKE)
def test_only_the_intake_roles_see_a_confidential_reporter_others_get_it_masked(
    confidential, api_as, username
):
    client = api_as(username)
    listed = client.get("/complaints")
    detail = client.get(f"/complaints/{confidential['tracking']}")
    for response in (listed, detail):
        assert response.status_code == 200, response.content
        raw = response.content
        for secret in (b"Wahyuni", b"3456", b"34567890", b"sri.rahasia"):
            assert secret not in raw, (username, secret)
    item = listed.json()["items"][0]
    assert item["tracking"] == confidential["tracking"] and item["confidential"] is True
    masked = {"shown": False, "label": "Dirahasiakan", "name": "", "phone": "", "email": ""}
    assert item["reporter"] == masked and detail.json()["reporter"] == masked


@pytest.mark.parametrize("username", INTAKE)
def test_staf_kasi_and_camat_of_the_handling_unit_see_the_confidential_reporter(
    confidential, api_as, username
):
    client = api_as(username)
    expected = {
        "shown": True,
        "label": NAME,
        "name": NAME,
        "phone": PHONE_STORED,
        "email": "sri.rahasia@example.com",
    }
    assert client.get("/complaints").json()["items"][0]["reporter"] == expected
    assert client.get(f"/complaints/{confidential['tracking']}").json()["reporter"] == expected


def test_the_kasi_of_another_unit_sees_nothing_of_the_complaint(confidential, api_as):
    client = api_as("kasi.krw")
    assert client.get("/complaints").json() == {"count": 0, "items": []}
    assert client.get("/complaints", unit="KRJ").json()["count"] == 0
    assert client.get("/complaints", q=confidential["tracking"]).json()["count"] == 0
    body = _error(client.get(f"/complaints/{confidential['tracking']}"), 404)
    assert body["field"] == "tracking"
    assert b"Wahyuni" not in client.get(f"/complaints/{confidential['tracking']}").content


# -- reading ------------------------------------------------------------------------------------


def test_the_detail_takes_the_tracking_number_as_people_write_it(
    demo_org, complaint_categories, api_as
):
    tracking = _file(api_as)["tracking"]
    client = api_as("kasi.krj")
    for written in (
        tracking,
        tracking.lower(),
        tracking.replace("-", " "),
        tracking[:4] + tracking[5:],
    ):
        assert client.get(f"/complaints/{written}").json()["tracking"] == tracking
    for bad in ("ZZZZ-ZZZZ", "bukan", "0000-0000"):
        assert _error(client.get(f"/complaints/{bad}"), 404)["field"] == "tracking"


def test_the_list_filters_and_pages_newest_first(demo_org, complaint_categories, api_as):
    first = _file(api_as, category="pkl", description="Lapak PKL menutup trotoar pasar Kerjo")
    second = _file(api_as, kelurahan="Tamansari")
    third = _file(
        api_as, channel="phone", category="reklame", description="Spanduk liar di tiang listrik"
    )
    client = api_as("camat.krj")

    def trackings(**params: object) -> list[str]:
        response = client.get("/complaints", **params)
        assert response.status_code == 200, response.content
        return [c["tracking"] for c in response.json()["items"]]

    assert trackings() == [third["tracking"], second["tracking"], first["tracking"]]
    assert trackings(category="pkl") == [first["tracking"]]
    assert trackings(q="trotoar") == [first["tracking"]]
    assert trackings(q="tamansari") == [second["tracking"]]
    assert trackings(q=third["tracking"].lower()) == [third["tracking"]]
    assert trackings(q=second["case"]["number"]) == [second["tracking"]]
    assert len(trackings(status="open")) == 3 and trackings(status="closed") == []
    assert len(trackings(unit="KRJ")) == 3 and trackings(unit="CPD") == []
    page = client.get("/complaints", limit=1, offset=1).json()
    assert page["count"] == 3 and [c["tracking"] for c in page["items"]] == [second["tracking"]]
    assert client.get("/complaints", offset=10).json() == {"count": 3, "items": []}


def test_a_duplicate_names_its_original_and_has_no_days_left(
    demo_org, complaint_categories, api_as
):
    original = _file(api_as, kelurahan="Tamansari", latitude=-7.5901, longitude=111.0512)
    copy = _file(api_as, kelurahan="Tamansari", latitude=-7.5902, longitude=111.0513)
    complaint_services.complaint_mark_duplicate(
        complaint=Complaint.objects.get(tracking=copy["tracking"]),
        original=Complaint.objects.get(tracking=original["tracking"]),
        actor=demo_org.person("kasi.krj"),
    )
    body = api_as("kasi.krj").get(f"/complaints/{copy['tracking']}").json()
    assert body["duplicate_of"] == original["tracking"]
    assert body["case"]["status"] == "cancelled" and body["working_days_left"] is None
    cancelled = api_as("kasi.krj").get("/complaints", status="cancelled").json()["items"]
    assert [c["tracking"] for c in cancelled] == [copy["tracking"]]


def test_the_list_runs_a_fixed_number_of_queries(demo_org, complaint_categories, api_as):
    client, anggota = api_as("kasi.krj"), api_as("anggota.krj")
    _file(api_as, confidential=True, reporter_name=NAME, reporter_phone=PHONE)
    one = _queries(lambda: client.get("/complaints"))
    assert one <= 8
    for i in range(6):
        _file(
            api_as,
            "camat.krj",
            channel="phone",
            description=f"Laporan kebisingan nomor {i} di Desa Botok",
            confidential=bool(i % 2),
            reporter_name=f"Pelapor {i}",
        )
    assert _queries(lambda: client.get("/complaints")) == one
    assert _queries(lambda: anggota.get("/complaints")) == one
    assert _queries(lambda: client.get("/complaints", q="botok")) == one


def _queries(call) -> int:
    """The queries of one request, after one untimed call (a token records its use at most
    once a minute). Django empties ``connection.queries`` when a request starts, so the log is
    emptied first and read whole afterwards."""
    call()
    reset_queries()
    with CaptureQueriesContext(connection):  # turns the query log on
        response = call()
        assert response.status_code == 200, response.content
        return len(connection.queries)


# -- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"description": None}, "description"),
        ({"channel": "web"}, "channel"),
        ({"channel": "sms"}, "channel"),
        ({"category": "tidak-ada"}, "category"),
        ({"category": 7}, "category"),
        ({"description": "pendek"}, "description"),
        ({"description": "x" * 4001}, "description"),
        ({"description": 12345678901}, "description"),
        ({"description": "Karaoke\x07 berbunyi sepanjang malam"}, "description"),
        ({"latitude": 91.0, "longitude": 111.0}, "latitude"),
        ({"latitude": -7.59, "longitude": 181}, "longitude"),
        ({"latitude": "-7.59", "longitude": 111.0}, "latitude"),
        ({"latitude": -7.59}, "longitude"),
        ({"longitude": 111.05}, "latitude"),
        ({"reporter_phone": "bukan nomor"}, "reporter_phone"),
        ({"reporter_email": "bukan-email"}, "reporter_email"),
        ({"reporter_email": "a" * 250 + "@example.com"}, "reporter_email"),
        ({"reporter_name": "Sri\x00"}, "reporter_name"),
        ({"kelurahan": "x" * 101}, "kelurahan"),
        ({"anonymous": "ya"}, "anonymous"),
        ({"unit": "KRJ"}, "unit"),
        ({"reporter": "Sri"}, "reporter"),
    ],
)
def test_bad_input_is_422_naming_the_field(demo_org, complaint_categories, api_as, change, field):
    body = _body(**change)
    if change.get("description", "") is None:
        del body["description"]
    response = api_as("staf.krj").post("/complaints", body)
    assert _error(response, 422)["field"] == field
    assert "Input should" not in response.json()["message"]
    assert not Complaint.objects.exists()


def test_an_inactive_category_is_refused(demo_org, complaint_categories, api_as):
    complaint_categories["pkl"].active = False
    complaint_categories["pkl"].save(update_fields=["active"])
    assert (
        _error(api_as("staf.krj").post("/complaints", _body(category="pkl")), 422)["field"]
        == "category"
    )


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/complaints?status=hilang", "status"),
        ("/complaints?limit=0", "limit"),
        ("/complaints?offset=-1", "offset"),
        ("/complaints?q=a%00b", "q"),
        ("/complaints/a%00b", "tracking"),
    ],
)
def test_bad_query_values_are_422_naming_them(demo_org, api_as, path, field):
    assert _error(api_as("staf.krj").get(path), 422)["field"] == field


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/complaints"), ("post", "/complaints"), ("get", "/complaints/K7QM-4RTZ")],
)
def test_the_complaint_operations_need_a_token(demo_org, method, path):
    assert _error(getattr(ApiClient(None), method)(path), 401)["field"] == "Authorization"


def test_too_many_is_answered_with_429_in_the_error_shape(demo_org):
    request = RequestFactory().get("/api/v1/complaints")
    response = api.on_exception(request, TooMany("Terlalu banyak.", field="client"))
    assert response.status_code == 429
    body = json.loads(response.content)
    assert body == {"message": "Terlalu banyak.", "field": "client", "kind": "throttled"}
