"""Open311 GeoReport v2 at /open311/v2/: every resource in XML and JSON against the spec's field
lists, posting a request (routing, the first step, errors), the GET filters, tokens, the CLI
for api_keys, and that no reporter, officer or tracking number (the key to a status page)
ever shows where anyone may list it."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import xml.etree.ElementTree as ET
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from trantib.cases import services as case_services
from trantib.cases.models import Task, TaskStatus
from trantib.complaints import selectors, services
from trantib.complaints.models import Category, Complaint, Open311Client
from trantib.complaints.open311 import open311_client_create, open311_client_revoke
from trantib.conftest import DemoOrg

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"
FORMATS = ("xml", "json")

# The spec's field lists, in the order of its response tables (wiki.open311.org/GeoReport_v2,
# Service_Discovery).
DISCOVERY_FIELDS = ["changeset", "contact", "key_service", "endpoints"]
ENDPOINT_FIELDS = ["specification", "url", "changeset", "type", "formats"]
SERVICE_FIELDS = [
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
]
DEFINITION_FIELDS = ["service_code", "attributes"]
ATTRIBUTE_FIELDS = [
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
]
POST_FIELDS = ["service_request_id", "service_notice", "account_id"]
TOKEN_FIELDS = ["service_request_id", "token"]
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
ERROR_FIELDS = ["code", "description"]
W3C = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
KARAOKE = "Warung karaoke di Dusun Ngasem buka sampai pukul 02.00 setiap malam Minggu"
# Inside Kerjo's box on the map (the demo routing rule), far from Cipondoh.
IN_KERJO = {"lat": "-7.5901", "long": "111.0512"}
OUTSIDE = {"lat": "-6.1900", "long": "106.7000"}


@pytest.fixture
def api_key(complaint_categories: dict[str, Category]) -> str:
    _client, key = open311_client_create(name="Lapor Kerjo App")
    return key


def get(client: Client, path: str, **params: str) -> Any:
    return client.get(f"{BASE}/{path}", params)


def post(client: Client, fmt: str, **params: str) -> Any:
    return client.post(f"{BASE}/requests.{fmt}", params)


def parsed(response: Any, fmt: str) -> Any:
    """The body as JSON, or the XML root element; the content type and declaration checked."""
    if fmt == "json":
        assert response["Content-Type"] == "application/json; charset=utf-8"
        return json.loads(response.content)
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)  # noqa: S314 (our own server's answer)


def children(element: ET.Element) -> list[str]:
    return [child.tag for child in element]


def items(response: Any, fmt: str, root: str, item: str, fields: list[str]) -> list[dict]:
    """A list resource: the root and item names and each item's fields in the spec's order.
    Returns the items as dicts (XML text, or JSON values)."""
    body = parsed(response, fmt)
    if fmt == "json":
        assert isinstance(body, list)
        for row in body:
            assert list(row) == fields
        return body
    assert body.tag == root
    assert all(child.tag == item for child in body)
    rows = []
    for child in body:
        assert children(child) == fields
        rows.append({el.tag: el.text for el in child})
    return rows


def assert_error(response: Any, fmt: str, status: int, *words: str) -> str:
    assert response.status_code == status
    rows = items(response, fmt, "errors", "error", ERROR_FIELDS)
    assert len(rows) == 1
    assert str(rows[0]["code"]) == str(status)
    description = str(rows[0]["description"])
    for word in words:
        assert word in description
    return description


def _file(categories: dict[str, Category], **kwargs: Any) -> Complaint:
    args: dict[str, Any] = {
        "channel": "web",
        "category": categories["hiburan"],
        "description": KARAOKE,
        "latitude": "-7.5901",
        "longitude": "111.0512",
        "kelurahan": "Tamansari",
    }
    args.update(kwargs)
    return services.complaint_file(**args)


# -- discovery and services ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "public_url", "url"),
    [
        ("xml", "https://trantib.example.go.id/", "https://trantib.example.go.id/open311/v2"),
        ("json", "https://trantib.example.go.id", "https://trantib.example.go.id/open311/v2"),
        ("json", "", "http://testserver/open311/v2"),
    ],
)
def test_discovery_names_the_v2_endpoint_with_both_formats(
    client: Client, settings, fmt: str, public_url: str, url: str
):
    settings.TRANTIB_PUBLIC_URL = public_url
    response = get(client, f"discovery.{fmt}")
    assert response.status_code == 200
    body = parsed(response, fmt)
    if fmt == "json":
        assert list(body) == DISCOVERY_FIELDS
        (endpoint,) = body["endpoints"]
        assert list(endpoint) == ENDPOINT_FIELDS
        formats = endpoint["formats"]
    else:
        assert body.tag == "discovery" and children(body) == DISCOVERY_FIELDS
        (element,) = body.find("endpoints")  # type: ignore[misc]
        assert element.tag == "endpoint" and children(element) == ENDPOINT_FIELDS
        endpoint = {el.tag: el.text for el in element}
        formats = [el.text for el in element.find("formats")]  # type: ignore[union-attr]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["type"] == "production"
    assert endpoint["url"] == url
    assert formats == ["text/xml", "application/json"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_are_the_active_categories_grouped_by_unit(
    client: Client, complaint_categories: dict[str, Category], fmt: str
):
    retired = complaint_categories["lainnya"]
    retired.active = False
    retired.save(update_fields=["active"])
    rows = items(get(client, f"services.{fmt}"), fmt, "services", "service", SERVICE_FIELDS)
    by_code = {row["service_code"]: row for row in rows}
    assert set(by_code) == {c for c in complaint_categories if c != "lainnya"}
    pkl = by_code["pkl"]
    assert pkl["service_name"] == "Pedagang kaki lima di fasilitas umum"
    assert pkl["type"] == "realtime"
    assert pkl["keywords"] == "PKL, DAGANG, LAPAK"
    assert pkl["group"] == complaint_categories["pkl"].unit.name
    assert pkl["metadata"] is True if fmt == "json" else pkl["metadata"] == "true"
    assert by_code["cpd-pkl"]["group"] == complaint_categories["cpd-pkl"].unit.name


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_service_definition_offers_the_kelurahan_attribute(
    client: Client, complaint_categories: dict[str, Category], fmt: str
):
    response = get(client, f"services/pkl.{fmt}")
    assert response.status_code == 200
    body = parsed(response, fmt)
    if fmt == "json":
        assert list(body) == DEFINITION_FIELDS and body["service_code"] == "pkl"
        (attribute,) = body["attributes"]
        assert list(attribute) == ATTRIBUTE_FIELDS
        assert attribute["variable"] is True and attribute["required"] is False
        assert attribute["order"] == 1 and attribute["values"] == []
    else:
        assert body.tag == "service_definition" and children(body) == DEFINITION_FIELDS
        assert body.findtext("service_code") == "pkl"
        (element,) = body.find("attributes")  # type: ignore[misc]
        assert element.tag == "attribute" and children(element) == ATTRIBUTE_FIELDS
        attribute = {el.tag: el.text for el in element}
        assert attribute["variable"] == "true" and attribute["required"] == "false"
        assert attribute["order"] == "1" and list(element.find("values")) == []  # type: ignore[arg-type]
    assert attribute["code"] == "kelurahan" and attribute["datatype"] == "string"


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_or_retired_service_is_a_404_in_the_spec_error_format(
    client: Client, complaint_categories: dict[str, Category], fmt: str
):
    assert_error(get(client, f"services/tidakada.{fmt}"), fmt, 404, "tidakada")
    Category.objects.filter(code="pkl").update(active=False)
    assert_error(get(client, f"services/pkl.{fmt}"), fmt, 404, "pkl")


def test_an_unknown_format_or_resource_is_a_404_error_in_xml(client: Client, complaint_categories):
    assert_error(get(client, "services.html"), "xml", 404, "html")
    assert_error(get(client, "services/pkl.yaml"), "xml", 404)
    assert_error(get(client, "nothing/here"), "xml", 404)
    assert_error(get(client, "nothing.json"), "json", 404)


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_jurisdiction_is_optional_but_another_one_is_a_404(
    client: Client, complaint_categories, settings, fmt: str
):
    ok = get(client, f"services.{fmt}", jurisdiction_id=settings.TRANTIB_OPEN311_JURISDICTION)
    assert ok.status_code == 200
    assert_error(get(client, f"services.{fmt}", jurisdiction_id="sfgov.org"), fmt, 404, "sfgov")


def test_a_wrong_method_is_refused_in_the_spec_format(client: Client, complaint_categories):
    response = client.put(f"{BASE}/services.json")
    assert_error(response, "json", 405, "PUT")
    assert response["Allow"] == "GET"


# -- posting a request --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_posting_a_request_opens_a_case_in_the_unit_the_routing_chose(
    complaint_categories: dict[str, Category], api_key: str, fmt: str
):
    # CSRF does not apply: an app posts without a session.
    client = Client(enforce_csrf_checks=True)
    response = post(
        client,
        fmt,
        api_key=api_key,
        service_code="cpd-pkl",  # a Cipondoh category, reported inside Kerjo
        description="Lapak pedagang menutup trotoar di depan pasar setiap pagi",
        first_name="Sri",
        last_name="Wahyuni",
        phone="0812-3456-7890",
        email="sri@example.org",
        device_id="android-42",
        account_id="acc-7",
        **{"attribute[kelurahan]": "Tamansari"},
        **IN_KERJO,
    )
    assert response.status_code == 200
    (row,) = items(response, fmt, "service_requests", "request", POST_FIELDS)
    complaint = Complaint.objects.get(pk=int(row["service_request_id"]))
    assert row["account_id"] == "acc-7"
    assert complaint.unit.name in row["service_notice"]
    # The app has just created it: the notice hands over the number the citizen follows it by.
    assert complaint.tracking in row["service_notice"]
    assert f"http://testserver/lacak/{complaint.tracking}/" in row["service_notice"]
    assert complaint.channel == "open311"
    assert complaint.unit.code == "KRJ" and complaint.case.unit.code == "KRJ"
    assert complaint.category.code == "cpd-pkl" and complaint.kelurahan == "Tamansari"
    assert complaint.reporter_name == "Sri Wahyuni"
    assert complaint.reporter_phone == "+6281234567890"
    assert complaint.reporter_email == "sri@example.org"
    assert complaint.source_ref == "Lapor Kerjo App|android-42"
    first = Task.objects.get(case=complaint.case, step_id="lapor")
    assert first.status == TaskStatus.DONE and first.completed_by is None
    assert first.data["saluran"] == "Open311"
    assert Task.objects.get(case=complaint.case, status=TaskStatus.OPEN).step_id == (
        "staf_sampaikan"
    )
    # Outside Kerjo's box the category's own unit handles it.
    response = post(
        client,
        fmt,
        api_key=api_key,
        service_code="cpd-pkl",
        description="Lapak pedagang menutup trotoar di depan pasar setiap pagi",
        **OUTSIDE,
    )
    (row,) = items(response, fmt, "service_requests", "request", POST_FIELDS)
    other = Complaint.objects.get(pk=int(row["service_request_id"]))
    assert other.tracking in row["service_notice"]
    assert other.unit.code == "CPD" and other.source_ref == "Lapor Kerjo App"
    assert other.reporter_name == other.reporter_phone == other.reporter_email == ""
    assert row["account_id"] in (None, "")


def test_an_address_string_is_a_location_and_a_media_url_reaches_the_officers(
    client: Client, complaint_categories, api_key: str
):
    response = post(
        client,
        "json",
        api_key=api_key,
        service_code="reklame",
        address_string="Jl. Raya Kerjo km 3, Botok",
        description="Baliho besar dipasang di pohon tepi jalan tanpa izin",
        media_url="https://example.org/foto/baliho.jpg",
    )
    assert response.status_code == 200
    complaint = Complaint.objects.get(pk=json.loads(response.content)[0]["service_request_id"])
    assert complaint.address == "Jl. Raya Kerjo km 3, Botok" and not complaint.has_point
    assert "https://example.org/foto/baliho.jpg" in complaint.description


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_missing_wrong_or_revoked_api_key_is_a_403(
    client: Client, complaint_categories, api_key: str, fmt: str
):
    form = {"service_code": "pkl", "description": KARAOKE, **IN_KERJO}
    assert_error(post(client, fmt, **form), fmt, 403, "api_key")
    assert_error(post(client, fmt, api_key="o311_guessed", **form), fmt, 403, "api_key")
    open311_client_revoke(name="Lapor Kerjo App")
    assert_error(post(client, fmt, api_key=api_key, **form), fmt, 403, "api_key")
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_bad_input_is_a_400_naming_the_argument(
    client: Client, complaint_categories, api_key: str, fmt: str
):
    form = {"api_key": api_key, "service_code": "pkl", "description": KARAOKE, **IN_KERJO}

    def refused(status: int, word: str, **changes: str) -> None:
        data = {**form, **changes}
        for key in [k for k, v in changes.items() if v == "-"]:
            del data[key]
        assert_error(post(client, fmt, **data), fmt, status, word)

    refused(400, "service_code", service_code="-")
    refused(404, "tidakada", service_code="tidakada")
    refused(400, "Lokasi", lat="-", long="-")
    refused(400, "address_id", lat="-", long="-", address_id="545483")
    refused(400, "long:", long="-")
    refused(400, "lat:", lat="utara")
    refused(400, "phone:", phone="nomor saya")
    refused(400, "email:", email="bukan-email")
    refused(400, "description:", description="-")
    refused(400, "description:", description="rusak")
    refused(400, "attribute[warna]", **{"attribute[warna]": "merah"})
    refused(400, "media_url", media_url="javascript:alert(1)")
    refused(404, "sfgov.org", jurisdiction_id="sfgov.org")
    assert not Complaint.objects.exists()


def test_a_device_over_the_public_limit_gets_a_429(
    client: Client, complaint_categories, api_key: str, settings
):
    settings.TRANTIB_PUBLIC_RATE_LIMIT = 1
    form = {"api_key": api_key, "service_code": "pkl", "description": KARAOKE, **IN_KERJO}
    assert post(client, "json", device_id="hp-1", **form).status_code == 200
    assert_error(post(client, "json", device_id="hp-1", **form), "json", 429)
    # Another device of the same app is not held back.
    assert post(client, "json", device_id="hp-2", **form).status_code == 200


def test_an_app_over_its_own_limit_gets_a_429_whatever_device_it_names(
    client: Client, complaint_categories, api_key: str, settings
):
    # The device id is the app's word: a new one per post must not reset the count.
    settings.TRANTIB_OPEN311_RATE_LIMIT = 2
    form = {"api_key": api_key, "service_code": "pkl", "description": KARAOKE, **IN_KERJO}
    codes = [post(client, "json", device_id=f"hp-{i}", **form).status_code for i in range(2)]
    assert codes == [200, 200]
    assert_error(post(client, "json", device_id="hp-9", **form), "json", 429)
    assert_error(post(client, "json", **form), "json", 429)
    assert Complaint.objects.count() == 2
    # Another app has a count of its own.
    _other, other_key = open311_client_create(name="Aplikasi Lain")
    assert post(client, "json", **{**form, "api_key": other_key}).status_code == 200


def test_a_refused_request_does_not_count_against_the_app(
    client: Client, complaint_categories, api_key: str, settings
):
    settings.TRANTIB_OPEN311_RATE_LIMIT = 1
    form = {"api_key": api_key, "service_code": "pkl", **IN_KERJO}
    assert_error(post(client, "json", description="-", **form), "json", 400, "description")
    assert post(client, "json", description=KARAOKE, **form).status_code == 200


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("requests.{fmt}?service_code=%00", "service_code"),
        ("requests.{fmt}?status=open%01", "status"),
        ("requests.{fmt}?service_request_id=1%00", "service_request_id"),
        ("requests.{fmt}?jurisdiction_id=%00", "jurisdiction_id"),
        ("requests.{fmt}?x%00y=1", "x?y"),
        ("services/a%00b.{fmt}", "service_code"),
        ("requests/1%00.{fmt}", "service_request_id"),
        ("tokens/K7QM%00-4RTZ.{fmt}", "token"),
        ("discovery.{fmt}?a=%7f", "a"),
    ],
)
def test_a_control_character_in_any_get_parameter_is_a_400_naming_it(
    client: Client, complaint_categories, fmt: str, path: str, name: str
):
    # PostgreSQL refuses a NUL in any query: such a value must never reach one.
    client.raise_request_exception = True
    assert_error(client.get(f"{BASE}/{path.format(fmt=fmt)}"), fmt, 400, name)


@pytest.mark.parametrize(
    "field", ["device_id", "description", "address_string", "first_name", "account_id", "x"]
)
def test_a_control_character_in_a_posted_parameter_is_a_400_naming_it(
    client: Client, complaint_categories, api_key: str, field: str
):
    form = {"api_key": api_key, "service_code": "pkl", "description": KARAOKE, **IN_KERJO}
    form[field] = "dev\x00ice"
    assert_error(post(client, "json", **form), "json", 400, field)
    # A query parameter of a POST is checked as well.
    response = client.post(f"{BASE}/requests.json?device_id=%00", {**form, field: "ok"})
    assert_error(response, "json", 400, "device_id")
    assert not Complaint.objects.exists()
    # Line breaks and tabs are text: a description has paragraphs.
    form[field] = "Warung karaoke\r\n\tbuka sampai pukul 02.00 setiap malam"
    assert post(client, "json", **form).status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "9999-12-31"},
        {"end_date": "0001-01-01"},
        {"start_date": "0001-01-01T00:00:00+14:00"},
        {"end_date": "9999-12-31T23:59:59-14:00"},
        {"start_date": "1999-12-31T23:59:59Z"},
        {"start_date": "0001-01-01", "end_date": "0001-02-01"},
    ],
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_date_outside_2000_to_next_year_is_a_400_naming_it(
    client: Client, complaint_categories, fmt: str, params: dict[str, str]
):
    client.raise_request_exception = True
    name = next(iter(params))
    assert_error(get(client, f"requests.{fmt}", **params), fmt, 400, name, "2000")


def test_dates_up_to_a_year_ahead_are_taken(client: Client, complaint_categories):
    ahead = (timezone.now() + dt.timedelta(days=300)).isoformat()
    assert get(client, "requests.json", end_date=ahead).status_code == 200
    later = (timezone.now() + dt.timedelta(days=400)).isoformat()
    assert_error(get(client, "requests.json", end_date=later), "json", 400, "end_date")


# -- reading requests ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_request_reads_back_with_every_spec_field(
    client: Client, complaint_categories: dict[str, Category], fmt: str
):
    complaint = _file(complaint_categories, address="Dusun Ngasem RT 2")
    for path in (f"requests/{complaint.pk}.{fmt}", f"requests.{fmt}"):
        (row,) = items(get(client, path), fmt, "service_requests", "request", REQUEST_FIELDS)
        assert row["service_request_id"] == str(complaint.pk)
        assert row["status"] == "open"
        assert row["status_notes"] == "Diterima, menunggu tindak lanjut"
        assert row["service_code"] == "hiburan"
        assert row["service_name"] == complaint_categories["hiburan"].name
        assert row["description"] == KARAOKE
        assert row["agency_responsible"] == complaint.unit.name
        # The public place is coarse: the street without its RT, the point to 0.001°.
        assert row["address"] == "Dusun Ngasem, Tamansari"
        assert row["address_id"] in (None, "") and row["zipcode"] in (None, "")
        assert float(row["lat"]) == -7.59
        assert float(row["long"]) == 111.051
        for field in ("requested_datetime", "updated_datetime", "expected_datetime"):
            assert W3C.match(row[field]), row[field]
        assert row["requested_datetime"].endswith("+07:00")  # Kerjo is in WIB
        due = selectors.answer_due(complaint)
        assert due is not None
        assert dt.datetime.fromisoformat(row["expected_datetime"]) == due.replace(microsecond=0)
    assert_error(get(client, f"requests/{complaint.pk + 1000}.{fmt}"), fmt, 404)
    # A tracking number is no id here, and junk or a number past any key is simply unknown.
    for junk in (complaint.tracking, "bukan", "-1", "1e3", "٣", "9" * 30):
        assert_error(get(client, f"requests/{junk}.{fmt}"), fmt, 404, "service_request_id")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_token_gives_the_service_request_id(
    client: Client, complaint_categories, api_key: str, fmt: str
):
    response = post(
        client, fmt, api_key=api_key, service_code="pkl", description=KARAOKE, **IN_KERJO
    )
    (row,) = items(response, fmt, "service_requests", "request", POST_FIELDS)
    complaint = Complaint.objects.get(pk=int(row["service_request_id"]))
    tracking = complaint.tracking
    for sent in (tracking, tracking.lower().replace("-", "")):
        (token,) = items(
            get(client, f"tokens/{sent}.{fmt}"), fmt, "service_requests", "request", TOKEN_FIELDS
        )
        assert token == {"service_request_id": str(complaint.pk), "token": tracking}
    assert_error(get(client, f"tokens/ZZZZ-ZZZZ.{fmt}"), fmt, 404, "token")
    # The id is public and so is no token: only the secret opens it.
    assert_error(get(client, f"tokens/{complaint.pk}.{fmt}"), fmt, 404, "token")
    assert_error(get(client, f"tokens/bukan.{fmt}"), fmt, 404, "token")


def _codes(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["service_request_id"] for row in json.loads(response.content)}


def test_the_list_filters_by_id_service_status_and_dates(
    client: Client, demo_org: DemoOrg, complaint_categories: dict[str, Category]
):
    now = timezone.now()
    karaoke = _file(complaint_categories)
    pkl = _file(complaint_categories, category=complaint_categories["pkl"])
    copy = _file(complaint_categories)
    services.complaint_mark_duplicate(
        complaint=copy, original=karaoke, actor=demo_org.person("kasi.krj")
    )
    old = _file(complaint_categories, now=now - dt.timedelta(days=120))
    ids = {c: str(c.pk) for c in (karaoke, pkl, copy, old)}
    recent = {ids[karaoke], ids[pkl], ids[copy]}

    # Default: the last 90 days.
    assert _codes(get(client, "requests.json")) == recent
    assert _codes(get(client, "requests.json", service_code="pkl")) == {ids[pkl]}
    assert _codes(get(client, "requests.json", service_code="pkl,hiburan")) == recent
    assert _codes(get(client, "requests.json", status="open")) == {ids[karaoke], ids[pkl]}
    assert _codes(get(client, "requests.json", status="closed")) == {ids[copy]}
    assert _codes(get(client, "requests.json", status="open,closed")) == recent
    # service_request_id overrides every other argument, the 90 days too; junk is ignored,
    # a tracking number included (it is no id, and the list must not confirm one).
    wanted = f"{old.pk}, {pkl.pk},{karaoke.tracking},bukan,-3,{'9' * 30}"
    assert _codes(get(client, "requests.json", service_request_id=wanted, status="closed")) == {
        ids[old],
        ids[pkl],
    }
    assert _codes(get(client, "requests.json", service_request_id=copy.tracking)) == set()
    start = (now - dt.timedelta(days=130)).isoformat()
    end = (now - dt.timedelta(days=100)).isoformat()
    assert _codes(get(client, "requests.json", start_date=start, end_date=end)) == {ids[old]}
    assert _codes(get(client, "requests.json", start_date=start)) == {ids[old]}
    # An offset's "+" sent unescaped arrives as a space and still reads.
    assert "+" in start
    assert _codes(client.get(f"{BASE}/requests.json?start_date={start}")) == {ids[old]}
    assert _codes(get(client, "requests.json", end_date=end)) == {ids[old]}
    assert _codes(get(client, "requests.json", start_date="2000-01-01T00:00:00Z")) == set()

    too_long = (now - dt.timedelta(days=200)).isoformat()
    assert_error(
        get(client, "requests.json", start_date=too_long, end_date=now.isoformat()),
        "json",
        400,
        "90",
    )
    assert_error(get(client, "requests.xml", start_date="kemarin"), "xml", 400, "start_date")
    assert_error(
        get(client, "requests.xml", start_date=end, end_date=start), "xml", 400, "end_date"
    )
    assert_error(get(client, "requests.json", status="pending"), "json", 400, "status")


def test_the_list_reads_in_a_fixed_number_of_queries(
    client: Client, complaint_categories: dict[str, Category]
):
    _file(complaint_categories)
    get(client, "requests.xml")  # warm the SOP cache
    with CaptureQueriesContext(connection) as one:
        assert get(client, "requests.xml").status_code == 200
    for _ in range(3):
        _file(complaint_categories)
    with CaptureQueriesContext(connection) as four:
        assert len(parsed(get(client, "requests.xml"), "xml")) == 4
    assert len(four) == len(one)
    # Besides the rate limit's count (its savepoint and its row): at most 3.
    reads = [q["sql"] for q in four if "ratewindow" not in q["sql"] and "SAVEPOINT" not in q["sql"]]
    assert len(reads) <= 3, reads


# -- status agrees with the public status page --------------------------------------------------

STEPS = [
    ("staf_sampaikan", "staf.krj", {}),
    ("kasi_teruskan", "kasi.krj", {}),
    ("camat_arahkan", "camat.krj", {"arahan": "Segera cek lokasi dan tertibkan."}),
    ("koordinasi_tindak", "kasi.krj", {"tindakan": "Pemilik warung diberi teguran lisan."}),
    ("bukti_penyelesaian", "kasi.krj", None),
    ("lapor_camat", "kasi.krj", {}),
]
ANSWER = "Warung karaoke sudah ditutup pukul 24.00. Terima kasih atas laporan Anda."


def _advance(demo_org: DemoOrg, complaint: Complaint, *, steps: int = len(STEPS)) -> None:
    for step, login, data in STEPS[:steps]:
        task = Task.objects.get(case=complaint.case, step_id=step, status=TaskStatus.OPEN)
        person = demo_org.person(login)
        if data is None:
            case_services.task_complete(
                task=task, actor=person, uploads={"bukti": [("bukti.png", io.BytesIO(PNG))]}
            )
        else:
            case_services.task_complete(task=task, actor=person, data=data)


def _close(demo_org: DemoOrg, complaint: Complaint) -> None:
    _advance(demo_org, complaint)
    task = Task.objects.get(case=complaint.case, step_id="informasi_pelapor")
    case_services.task_complete(
        task=task, actor=demo_org.person("staf.krj"), data={"saluran": "SMS", "isi": ANSWER}
    )


def _rows(client: Client) -> dict[str, dict[str, Any]]:
    return {
        row["service_request_id"]: row for row in json.loads(get(client, "requests.json").content)
    }


def test_status_and_notes_are_those_of_the_public_status_page(
    client: Client, demo_org: DemoOrg, complaint_categories: dict[str, Category]
):
    waiting = _file(complaint_categories)
    moving = _file(complaint_categories)
    _advance(demo_org, moving, steps=1)
    done = _file(complaint_categories, reporter_phone="081234567890")
    _close(demo_org, done)
    stopped = _file(complaint_categories)
    case_services.case_cancel(
        case=stopped.case, actor=demo_org.person("kasi.krj"), reason="Salah input"
    )
    rows = _rows(client)
    expected = {waiting: "open", moving: "open", done: "closed", stopped: "closed"}
    for complaint, status in expected.items():
        row = rows[str(complaint.pk)]
        public = selectors.complaint_public_status(complaint.tracking)
        assert row["status"] == status
        if public.answer:
            assert row["status_notes"] == f"{public.status_label}. {public.answer}"
        else:
            assert row["status_notes"] == public.status_label
    assert rows[str(done.pk)]["status_notes"] == f"Selesai. {ANSWER}"
    done.case.refresh_from_db()
    closed_at = done.case.closed_at
    assert closed_at is not None
    updated = dt.datetime.fromisoformat(rows[str(done.pk)]["updated_datetime"])
    assert updated == closed_at.replace(microsecond=0)
    # The cancel reason is an internal note: only the public label shows.
    assert "Salah input" not in rows[str(stopped.pk)]["status_notes"]


def test_a_duplicate_names_its_original_by_id_never_by_tracking_number(
    client: Client, demo_org: DemoOrg, complaint_categories: dict[str, Category]
):
    done = _file(complaint_categories, reporter_phone="081234567890")
    _close(demo_org, done)
    copy = _file(complaint_categories, reporter_phone="081298765432")
    services.complaint_mark_duplicate(
        complaint=copy, original=done, actor=demo_org.person("kasi.krj")
    )
    row = _rows(client)[str(copy.pk)]
    assert row["status"] == "closed"
    notes = row["status_notes"]
    assert notes.startswith(f"Digabung dengan permintaan {done.pk}. ")
    # The original's answer reaches the duplicate too, as on the status page; the message to
    # its reporter names its own number, which the public record leaves out.
    public = selectors.complaint_public_status(copy.tracking)
    assert copy.tracking in public.answer and ANSWER in public.answer
    assert notes.endswith(ANSWER) and "[nomor pelacakan]" in notes
    for tracking in (done.tracking, copy.tracking):
        assert tracking not in notes and tracking.replace("-", "") not in notes


def test_tracking_numbers_written_into_free_text_are_left_out(
    client: Client, demo_org: DemoOrg, complaint_categories: dict[str, Category]
):
    other = _file(complaint_categories)
    spelled = other.tracking.lower().replace("-", " ")
    complaint = _file(
        complaint_categories,
        description=f"{KARAOKE}. Sama dengan laporan {other.tracking} minggu lalu",
    )
    (row,) = json.loads(get(client, f"requests/{complaint.pk}.json").content)
    assert row["description"] == f"{KARAOKE}. Sama dengan laporan [nomor pelacakan] minggu lalu"
    Complaint.objects.filter(pk=other.pk).update(
        answered_at=timezone.now(), answer_text=f"Pengaduan {spelled} sudah ditangani."
    )
    (row,) = json.loads(get(client, f"requests/{other.pk}.json").content)
    assert row["status_notes"].endswith("Pengaduan [nomor pelacakan] sudah ditangani.")


def test_a_confidential_reporters_answer_stays_on_the_status_page(
    client: Client, demo_org: DemoOrg, complaint_categories: dict[str, Category]
):
    secret = _file(complaint_categories, reporter_phone="081234567890", confidential=True)
    _close(demo_org, secret)
    # A duplicate of it shows neither the answer nor the original's id, and a confidential
    # duplicate of an ordinary original is not listed at all.
    copy = _file(complaint_categories, reporter_phone="081298765432")
    services.complaint_mark_duplicate(
        complaint=copy, original=secret, actor=demo_org.person("kasi.krj")
    )
    plain = _file(complaint_categories, reporter_phone="081311112222")
    _close(demo_org, plain)
    quiet = _file(complaint_categories, reporter_phone="081333334444", confidential=True)
    services.complaint_mark_duplicate(
        complaint=quiet, original=plain, actor=demo_org.person("kasi.krj")
    )
    rows = _rows(client)
    assert set(rows) == {str(copy.pk), str(plain.pk)}
    # (A confidential original's answer went to its reporter alone: the duplicate's reporter
    # reads only that it was handled, on the status page too.)
    assert ANSWER not in selectors.complaint_public_status(copy.tracking).answer
    notes = rows[str(copy.pk)]["status_notes"]
    assert notes == "Digabung dengan pengaduan lain tentang masalah yang sama"
    assert rows[str(plain.pk)]["status_notes"] == f"Selesai. {ANSWER}"
    for complaint in (secret, quiet):
        # Whoever holds the tracking number still reads it.
        assert ANSWER in selectors.complaint_public_status(complaint.tracking).answer
        assert_error(get(client, f"requests/{complaint.pk}.xml"), "xml", 404)
    assert ANSWER.encode() not in get(client, f"requests/{copy.pk}.xml").content


# -- privacy ------------------------------------------------------------------------------------


def test_no_reporter_officer_or_internal_note_appears_in_any_output(
    client: Client, demo_org: DemoOrg, complaint_categories: dict[str, Category], api_key: str
):
    response = post(
        client,
        "xml",
        api_key=api_key,
        service_code="hiburan",
        description=KARAOKE,
        first_name="Bambang",
        last_name="Sutejo",
        phone="0813-2222-7777",
        email="bambang.sutejo@example.org",
        **IN_KERJO,
    )
    posted = Complaint.objects.get(
        pk=int(parsed(response, "xml").findtext("request/service_request_id"))
    )
    confidential = _file(
        complaint_categories,
        reporter_name="Sri Wahyuni",
        reporter_phone="081234567890",
        reporter_email="sri.wahyuni@example.org",
        confidential=True,
    )
    _close(demo_org, confidential)
    _advance(demo_org, posted, steps=3)
    secrets = [
        "Bambang",
        "Sutejo",
        "2222",
        "bambang.sutejo",
        "Wahyuni",
        "812345678",
        "sri.wahyuni",
        "Segera cek lokasi",  # the camat's instruction
        "teguran lisan",  # the action recorded by the kasi
        *(demo_org.person(login).full_name for login in ("staf.krj", "kasi.krj", "camat.krj")),
    ]
    bodies = [response.content]
    for fmt in FORMATS:
        for path in (
            f"requests.{fmt}",
            f"requests/{posted.pk}.{fmt}",
            f"tokens/{posted.tracking}.{fmt}",
            f"services.{fmt}",
            f"services/hiburan.{fmt}",
            f"discovery.{fmt}",
        ):
            answer = get(client, path)
            assert answer.status_code == 200
            bodies.append(answer.content)
        # The confidential one is not public at all.
        hidden = get(client, f"requests/{confidential.pk}.{fmt}")
        assert_error(hidden, fmt, 404)
        bodies.append(hidden.content)
        assert _codes(get(client, "requests.json")) == {str(posted.pk)}
    for body in bodies:
        for secret in secrets:
            assert secret.encode() not in body, secret


def test_no_tracking_number_appears_where_anyone_may_list_it(
    client: Client, demo_org: DemoOrg, complaint_categories: dict[str, Category], api_key: str
):
    posted = post(
        client, "json", api_key=api_key, service_code="pkl", description=KARAOKE, **IN_KERJO
    )
    assert posted.status_code == 200
    done = _file(complaint_categories, reporter_phone="081234567890")
    _close(demo_org, done)
    copy = _file(complaint_categories, reporter_phone="081298765432")
    services.complaint_mark_duplicate(
        complaint=copy, original=done, actor=demo_org.person("kasi.krj")
    )
    stopped = _file(complaint_categories, category=complaint_categories["reklame"])
    case_services.case_cancel(case=stopped.case, actor=demo_org.person("kasi.krj"), reason="x")
    hidden = _file(complaint_categories, confidential=True, reporter_phone="081311112222")
    complaints = list(Complaint.objects.all())
    assert len(complaints) == 5
    public = [c for c in complaints if c != hidden]
    every_id = ",".join(str(c.pk) for c in complaints)
    bodies = []
    for fmt in FORMATS:
        paths = [
            f"requests.{fmt}",
            f"requests.{fmt}?status=closed",
            f"requests.{fmt}?service_request_id={every_id}",
            f"services.{fmt}",
            f"services/pkl.{fmt}",
            f"discovery.{fmt}",
            *(f"requests/{c.pk}.{fmt}" for c in public),
        ]
        for path in paths:
            answer = client.get(f"{BASE}/{path}")
            assert answer.status_code == 200, path
            bodies.append((path, answer.content))
        path = f"requests/{hidden.pk}.{fmt}"
        answer = client.get(f"{BASE}/{path}")
        assert_error(answer, fmt, 404)
        bodies.append((path, answer.content))
        assert _codes(get(client, "requests.json")) == {str(c.pk) for c in public}
    for complaint in complaints:
        for secret in (complaint.tracking, complaint.tracking.replace("-", "")):
            for path, body in bodies:
                assert secret.encode() not in body, (path, secret)
    # The test can fail: the creator's answer and the token do carry the number.
    created = Complaint.objects.get(pk=int(json.loads(posted.content)[0]["service_request_id"]))
    assert created.tracking.encode() in posted.content
    token = get(client, f"tokens/{created.tracking}.json").content
    assert created.tracking.encode() in token


# -- the CLI ------------------------------------------------------------------------------------


def run(*args: str) -> str:
    out = StringIO()
    call_command("open311", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def refused(*args: str) -> str:
    with pytest.raises(CommandError) as err:
        run(*args)
    assert err.value.returncode == 2
    assert "\n" not in str(err.value)
    return str(err.value)


def test_the_cli_creates_lists_and_revokes_api_keys(client: Client, complaint_categories):
    key = run("key", "create", "Aplikasi Warga").strip()
    row = Open311Client.objects.get(name="Aplikasi Warga")
    assert row.active and row.key_digest == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(Open311Client.objects.values_list())
    form = {"api_key": key, "service_code": "pkl", "description": KARAOKE, **IN_KERJO}
    assert post(client, "json", **form).status_code == 200
    other = run("key", "create", "Kanal Kedua").strip()
    assert other != key
    listing = run("key", "list").splitlines()
    assert [line.split("\t")[:2] for line in listing] == [
        ["Aplikasi Warga", "active"],
        ["Kanal Kedua", "active"],
    ]
    assert key not in "".join(listing)
    assert "Aplikasi Warga" in run("key", "revoke", "Aplikasi Warga")
    assert run("key", "list").splitlines()[0].split("\t")[1] == "revoked"
    assert post(client, "json", **form).status_code == 403
    assert post(client, "json", **{**form, "api_key": other}).status_code == 200


def test_the_cli_refuses_bad_names_with_one_line_and_status_2(complaint_categories):
    run("key", "create", "Aplikasi Warga")
    assert refused("key", "create", "Aplikasi Warga").startswith("NAME:")
    assert refused("key", "create", "   ").startswith("NAME:")
    assert refused("key", "create", "x" * 101).startswith("NAME:")
    assert refused("key", "revoke", "Tidak Ada").startswith("NAME:")
    assert Open311Client.objects.count() == 1
