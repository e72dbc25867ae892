"""Strict input at every door (issue 16, item 4): JSON nested past a sane depth is a 400
wherever JSON comes in; an id in a path is a plain positive integer or a 404; a date or a
datetime is read by the same code on the page, the API and the CLI; JSON's whole-number floats
are the integers the document admits; a case whose first step needs a file starts through the
API (multipart)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from trantib.api.api import api
from trantib.cases import services
from trantib.cases.models import Attachment, Case, Task
from trantib.complaints.open311 import open311_client_create
from trantib.core.jsoninput import MAX_DEPTH

from .support import PNG, PUR_DATA, ApiClient, live_task, pur_start

pytestmark = pytest.mark.django_db

SMS_SECRET = "test-sms-secret"  # config/settings_test.py


def nested(depth: int) -> str:
    """``depth`` arrays, one inside the other, inside an object: ``{"a": [[…]]}``."""
    return '{"a": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"


def _error(response: Any, status: int) -> dict[str, str]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"message", "field", "kind"} and body["message"]
    return body


# -- JSON nested too deep: 400 at every door ------------------------------------------------


def test_the_api_refuses_json_nested_past_the_limit_with_400_and_says_why(demo_org, api_as):
    client = api_as("camat.cpd")
    body = _error(client.post("/cases", raw="[" * 1000 + "]" * 1000), 400)
    assert body == {
        "message": f"JSON bersarang terlalu dalam: paling banyak {MAX_DEPTH} tingkat.",
        "field": "",
        "kind": "input",
    }
    # The body's own object is one level: its data may nest one level less than the limit.
    start = {"sop": "PUR", "unit": "CPD", "subject": "Uji"}
    at_limit = client.post("/cases", {**start, "data": json.loads(nested(MAX_DEPTH - 1))})
    assert _error(at_limit, 422)["field"] == "data.a"  # read, and refused for what it is
    past = client.post("/cases", {**start, "data": json.loads(nested(MAX_DEPTH))})
    assert _error(past, 400)["message"] == body["message"]
    assert not Case.objects.exists()


def test_the_sms_webhook_refuses_json_nested_past_the_limit_with_400_not_500(complaint_categories):
    client = Client()
    for body in ("[" * 1000 + "]" * 1000, "[" * 3000 + "]" * 3000, nested(MAX_DEPTH + 1)):
        response = client.post(
            "/sms/masuk/",
            body,
            content_type="application/json",
            headers={"X-Trantib-Secret": SMS_SECRET},
        )
        assert response.status_code == 400, response.content
        assert response.json() == {
            "message": f"JSON bersarang terlalu dalam: paling banyak {MAX_DEPTH} tingkat.",
            "field": "body",
        }
    # As deep as the limit: read, and refused as a body that is not a message.
    response = client.post(
        "/sms/masuk/",
        nested(MAX_DEPTH),
        content_type="application/json",
        headers={"X-Trantib-Secret": SMS_SECRET},
    )
    assert response.status_code == 400 and response.json()["field"] == "id"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_open311_refuses_a_json_body_nested_past_the_limit_with_its_own_400(
    complaint_categories, fmt
):
    open311_client_create(name="Aplikasi uji")
    response = Client().post(
        f"/open311/v2/requests.{fmt}", "[" * 1000 + "]" * 1000, content_type="application/json"
    )
    assert response.status_code == 400
    message = f"JSON bersarang terlalu dalam: paling banyak {MAX_DEPTH} tingkat."
    if fmt == "json":
        assert response.json() == [{"code": 400, "description": message}]
    else:
        assert message in response.content.decode()


def test_a_page_field_holding_json_refuses_it_nested_too_deep(demo_org):
    client = Client()
    client.force_login(demo_org.user("kasie.pptng"))
    outline = '{"type": "Polygon", "coordinates": ' + "[" * 1000 + "]" * 1000 + "}"
    page = client.post(
        reverse("patrols:areas"), {"unit": "PPTNG", "name": "Pasar Baru", "outline": outline}
    )
    assert page.status_code == 400


def test_the_cli_refuses_data_nested_too_deep_with_one_line(demo_org):
    with pytest.raises(CommandError) as refused:
        call_command(
            "case",
            "start",
            "--sop",
            "PUR",
            "--unit",
            "CPD",
            "--as",
            "camat.cpd",
            "--subject",
            "Uji",
            "--data",
            "[" * 1000 + "]" * 1000,
        )
    assert str(refused.value) == f"--data: JSON nested deeper than {MAX_DEPTH} levels"


# -- ids in paths: a plain positive integer, or 404 -----------------------------------------

NOT_PLAIN_IDS = [
    *("1.0", "01", "%201", "1%20", "1%0A", "+1", "1_0", "0", "-1", "1e0", "0x1"),
    "%EF%BC%91",  # a fullwidth 1
]
TOO_LARGE = str(2**63)


def _id_operations() -> list[tuple[str, str]]:
    """Every operation of the OpenAPI document with an integer in its path, as (method,
    path): the routes added later are tried too."""
    found = []
    for path, methods in api.get_openapi_schema()["paths"].items():
        for method, operation in methods.items():
            params = [
                p
                for p in operation.get("parameters", [])
                if p["in"] == "path" and p["schema"].get("type") == "integer"
            ]
            if params:
                found.append((method, path))
    return found


def test_every_integer_path_parameter_of_the_document_is_found():
    operations = _id_operations()
    assert ("get", "/api/v1/cases/{id}") in operations
    assert len(operations) >= 30


@pytest.mark.parametrize(("method", "path"), _id_operations())
def test_an_id_in_a_path_that_is_not_a_plain_positive_integer_is_a_404(
    demo_org, api_as, method, path
):
    api_client = api_as("camat.cpd")
    client, headers = api_client.client, api_client.headers
    for written in [*NOT_PLAIN_IDS, TOO_LARGE]:
        url = re.sub(r"\{[a-z_]+\}", written, path)
        response = getattr(client, method)(url, headers=headers)
        body = _error(response, 404)
        assert body == {"message": "Alamat API ini tidak ada.", "field": "", "kind": "not_found"}, (
            url
        )


def _int_query_parameters() -> list[tuple[str, str]]:
    """Every integer query parameter of the document's reads, as (path, name)."""
    return [
        (path.removeprefix("/api/v1"), param["name"])
        for path, methods in api.get_openapi_schema()["paths"].items()
        for param in methods.get("get", {}).get("parameters", [])
        if param["in"] == "query" and param["schema"].get("type") == "integer"
    ]


def test_every_integer_query_parameter_of_the_document_is_found():
    found = _int_query_parameters()
    assert ("/cases", "limit") in found and ("/complaints", "offset") in found
    assert len(found) >= 12


@pytest.mark.parametrize(("path", "name"), _int_query_parameters())
def test_a_count_in_a_query_is_written_in_digits_or_refused_naming_it(demo_org, api_as, path, name):
    client = api_as("camat.cpd")
    for written in ("1_0", "+1", " 1", "1 ", "01", "1.0", "1e1", "５", "0x1"):
        body = _error(client.get(path, q="Demo", **{name: written}), 422)
        assert body["field"] == name and body["kind"] == "input", (written, body)
    # Written plainly, or left out for its default, it is read.
    assert client.get(path, q="Demo", **{name: "5"}).status_code == 200
    assert client.get(path, q="Demo").status_code == 200


def test_the_plain_id_finds_the_case_and_its_other_spellings_do_not(demo_org, api_as):
    case = pur_start(demo_org)
    client = api_as("camat.cpd")
    assert client.get(f"/cases/{case.pk}").json()["id"] == case.pk
    for written in (f"{case.pk}.0", f"0{case.pk}", f"%20{case.pk}", f"{case.pk}%20"):
        _error(client.get(f"/cases/{written}"), 404)
        _error(client.get(f"/cases/{written}/events"), 404)


def _page_patterns() -> list[str]:
    """Every route of the site (pages, admin, API) as written, with its converters."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found: list[str] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                found.append(prefix + str(p.pattern))

    walk(get_resolver().url_patterns, "")
    return found


def test_no_page_route_reads_an_id_with_djangos_int_converter():
    """``<int:pk>`` reads ``01`` as 1; every id of a page is ``<posint:…>`` (Django's own
    admin keeps its routes: it reads ids as text and looks them up exactly)."""
    ours = [p for p in _page_patterns() if not p.startswith("admin/")]
    assert any("<posint:" in p for p in ours)
    assert [p for p in ours if "<int:" in p] == []


def test_a_page_id_that_is_not_a_plain_positive_integer_is_a_404(demo_org):
    case = pur_start(demo_org)
    client = Client()
    client.force_login(demo_org.user("camat.cpd"))
    assert client.get(f"/kasus/{case.pk}/").status_code == 200
    for written in (f"0{case.pk}", f"{case.pk}.0", f"%2B{case.pk}", TOO_LARGE, "0"):
        assert client.get(f"/kasus/{written}/").status_code == 404, written


# -- dates and datetimes: one reader on the page, the API and the CLI -----------------------

BAD_DATETIMES = [
    "2026-12-03T99:99",
    "2026-12-03T09:30 ini bukan waktu, teks bebas",
    "2026-12-03T24:00",
    "2026-12-03T09",
    "20261203T0930",
    "2026-W49-4T09:30",
    "2026-12-03 09:30",
    "2026-12-03",
    "2026-12-32T09:30",
    "2026-12-03T09:30+7",
    20261203,
    True,
]
GOOD_DATETIMES = [
    "2026-12-03T09:30",
    "2026-12-03T09:30:15",
    "2026-12-03T09:30:15.250",
    "2026-12-03T09:30+07:00",
    "2026-12-03T02:30Z",
]


def _pur(value: Any) -> dict[str, Any]:
    data = {**PUR_DATA, "waktu_unjuk_rasa": value}
    return {"sop": "PUR", "unit": "CPD", "subject": "Unjuk rasa", "data": data}


@pytest.mark.parametrize("value", BAD_DATETIMES)
def test_the_api_refuses_a_datetime_the_page_refuses(demo_org, api_as, value):
    body = _error(api_as("camat.cpd").post("/cases", _pur(value)), 422)
    assert body["field"] == "data.waktu_unjuk_rasa"
    assert "2026-11-22T09:30" in body["message"]
    assert not Case.objects.exists()


@pytest.mark.parametrize("value", GOOD_DATETIMES)
def test_the_api_keeps_a_well_formed_datetime_as_written(demo_org, api_as, value):
    response = api_as("camat.cpd").post("/cases", _pur(value))
    assert response.status_code == 201, response.content
    first = Task.objects.get(case_id=response.json()["id"], step_id="perintah_camat")
    assert first.data["waktu_unjuk_rasa"] == value


@pytest.mark.parametrize("value", ["2026-12-03T99:99", "2026-12-03T09:30 ini bukan waktu"])
def test_the_page_refuses_the_same_datetimes(demo_org, value):
    client = Client()
    client.force_login(demo_org.user("camat.cpd"))
    form = {"sop": "PUR", "unit": "CPD", "subject": "Unjuk rasa"}
    form.update({f"data.{k}": v for k, v in PUR_DATA.items() if isinstance(v, str)})
    form.update({"data.lokasi.address": "Jl. Contoh", "data.waktu_unjuk_rasa": value})
    response = client.post(reverse("cases:start"), form)
    assert response.status_code == 422
    assert not Case.objects.exists()


def test_the_page_writes_what_the_officer_typed_as_the_api_would_send_it(demo_org):
    client = Client()
    client.force_login(demo_org.user("camat.cpd"))
    form = {"sop": "PUR", "unit": "CPD", "subject": "Unjuk rasa"}
    form.update({f"data.{k}": v for k, v in PUR_DATA.items() if isinstance(v, str)})
    form.update({"data.lokasi.address": "Jl. Contoh", "data.waktu_unjuk_rasa": "3/12/2026 14.05"})
    assert client.post(reverse("cases:start"), form).status_code == 302
    first = Task.objects.get(step_id="perintah_camat")
    assert first.data["waktu_unjuk_rasa"] == "2026-12-03T14:05"


def test_the_cli_refuses_the_same_datetime_naming_the_field(demo_org):
    with pytest.raises(CommandError) as refused:
        call_command(
            "case",
            "start",
            "--sop",
            "PUR",
            "--unit",
            "CPD",
            "--as",
            "camat.cpd",
            "--subject",
            "Uji",
            "--data",
            json.dumps(_pur("2026-12-03T99:99")["data"]),
        )
    assert str(refused.value).startswith("data.waktu_unjuk_rasa: ")


@pytest.mark.parametrize(
    "value", ["2026-12-01x", "2026-12-01T09:30", "20261201", "2026-W49-1", "2026-12-1", 20261201]
)
def test_a_date_field_takes_only_a_date(demo_org, api_as, value):
    start = {
        "sop": "PPW",
        "unit": "PPTNG",
        "subject": "Patroli",
        "data": {"bulan": value, "nomor_surat_tugas": "300.1/01"},
    }
    body = _error(api_as("kasat.pptng").post("/cases", start), 422)
    assert body["field"] == "data.bulan"


@pytest.mark.parametrize("value", ["2026-12-3", "20261203", "2026-12-03T00:00", "0", "３"])
def test_a_date_parameter_takes_only_a_date(demo_org, api_as, value):
    body = _error(api_as("camat.cpd").get("/cases", opened_from=value), 422)
    assert body["field"] == "opened_from"
    assert api_as("camat.cpd").get("/cases", opened_from="2026-12-03").status_code == 200


# -- whole-number floats are the integers the document admits ------------------------------


def test_a_whole_number_written_as_a_float_is_the_integer(demo_org, api_as):
    case = pur_start(demo_org)
    task = live_task(case)
    client = api_as("kasi.cpd")
    assert client.post(f"/tasks/{task.pk}/claim").status_code == 200
    upload = client.upload(
        f"/cases/{case.pk}/attachments", file=SimpleUploadedFile("foto.png", PNG, "image/png")
    )
    attachment = upload.json()["id"]
    # Not a whole number, or not a number: refused as the document says.
    for written in (f"{attachment}.5", f'"{attachment}"', "true"):
        refused = client.post(f"/tasks/{task.pk}/complete", raw=f'{{"attachments": [{written}]}}')
        assert _error(refused, 422)["field"] == "attachments.0"
    body = f'{{"attachments": [{attachment}.0], "data": {{"arahan": "Siaga di lokasi"}}}}'
    done = client.post(f"/tasks/{task.pk}/complete", raw=body)
    assert done.status_code == 200, done.content
    assert Attachment.objects.get(pk=attachment).task_id == task.pk


# -- a case whose first step needs a file starts through the API (multipart) ----------------

RTHM = {"sop": "RTHM", "unit": "PPKB", "subject": "Reklame tanpa izin di Jl. Gajah Mada"}


def _multipart(client: ApiClient, payload: Any, **parts: Any) -> Any:
    text = payload if isinstance(payload, str) else json.dumps(payload)
    return client.client.post(
        "/api/v1/cases/with-files", {"payload": text, **parts}, headers=client.headers
    )


def test_rthm_cannot_start_with_json_alone_and_starts_with_its_draft_as_multipart(demo_org, api_as):
    client = api_as("tim.ppkb")
    payload = {**RTHM, "data": {"anggota_tim": ["Ahmad", "Budi"]}}
    assert _error(client.post("/cases", payload), 422)["field"] == "data.draft"
    response = _multipart(
        client,
        payload,
        file=SimpleUploadedFile("spt.pdf", b"%PDF-1.4 draf", "application/pdf"),
        field="draft",
    )
    assert response.status_code == 201, response.content
    case = Case.objects.get(pk=response.json()["id"])
    first = Task.objects.get(case=case, step_id="buat_spt")
    (attachment,) = Attachment.objects.filter(case=case)
    assert first.data["draft"] == [attachment.pk] and attachment.task == first
    assert attachment.name == "spt.pdf" and first.data["anggota_tim"] == ["Ahmad", "Budi"]
    (record,) = [r for r in response.json()["file"] if r["step"] == "buat_spt"]
    assert [a["id"] for a in record["attachments"]] == [attachment.pk]


def test_several_files_go_to_one_field_or_one_field_each(demo_org, api_as):
    client = api_as("tim.ppkb")
    payload = {**RTHM, "data": {"anggota_tim": ["Ahmad"]}}
    files = [SimpleUploadedFile(f"spt{i}.pdf", b"%PDF-1.4 draf", "application/pdf") for i in (1, 2)]
    response = _multipart(client, payload, file=files, field="draft")
    assert response.status_code == 201, response.content
    first = Task.objects.get(case_id=response.json()["id"], step_id="buat_spt")
    assert len(first.data["draft"]) == 2
    files = [SimpleUploadedFile(f"spt{i}.pdf", b"%PDF-1.4 draf", "application/pdf") for i in (1, 2)]
    response = _multipart(client, payload, file=files, field=["draft", "draft"])
    assert response.status_code == 201, response.content


def test_a_multipart_start_is_refused_as_the_json_one_and_keeps_nothing(demo_org, api_as):
    client = api_as("tim.ppkb")
    payload = {**RTHM, "data": {"anggota_tim": ["Ahmad"]}}

    def pdf() -> SimpleUploadedFile:
        return SimpleUploadedFile("spt.pdf", b"%PDF-1.4 draf", "application/pdf")

    # A field the first step does not have.
    refused = _multipart(client, payload, file=pdf(), field="bukan_berkas")
    assert _error(refused, 422)["field"] == "data.bukan_berkas"
    # Two files, three fields.
    files = [pdf(), pdf()]
    refused = _multipart(client, payload, file=files, field=["draft", "draft", "draft"])
    assert _error(refused, 422)["field"] == "field"
    # A file field not written as a name.
    assert _error(_multipart(client, payload, file=pdf(), field="Draft!"), 422)["field"] == (
        "field.0"
    )
    # The payload checked as POST /cases checks it.
    refused = _multipart(client, {**payload, "entri": "x"}, file=pdf(), field="draft")
    assert _error(refused, 422)["field"] == "entri"
    assert _error(_multipart(client, "{not json", file=pdf(), field="draft"), 400)
    deep = _multipart(client, "[" * 1000 + "]" * 1000, file=pdf(), field="draft")
    assert "tingkat" in _error(deep, 400)["message"]
    # No file at all.
    assert _error(_multipart(client, payload, field="draft"), 422)["field"] == "file"
    # Someone without the start role: refused, and no file is kept.
    refused = _multipart(api_as("kasi.cpd"), payload, file=pdf(), field="draft")
    assert refused.status_code in (403, 404)
    assert not Case.objects.exists() and not Attachment.objects.exists()


def test_the_document_describes_the_multipart_start(demo_org):
    operation = api.get_openapi_schema()["paths"]["/api/v1/cases/with-files"]["post"]
    schema = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert set(schema["required"]) == {"payload", "file", "field"}
    assert schema["properties"]["payload"] == {"$ref": "#/components/schemas/CaseStartIn"}
    assert schema["properties"]["file"]["items"]["format"] == "binary"
    assert set(operation["responses"]) == {201, 400, 401, 403, 404, 422}


def test_a_case_started_with_files_can_be_driven_on_by_the_json_api(demo_org, api_as):
    client = api_as("tim.ppkb")
    response = _multipart(
        client,
        {**RTHM, "data": {"anggota_tim": ["Ahmad"]}},
        file=SimpleUploadedFile("spt.pdf", b"%PDF-1.4 draf", "application/pdf"),
        field="draft",
    )
    case = Case.objects.get(pk=response.json()["id"])
    nxt = live_task(case)
    assert nxt.step_id != "buat_spt"
    assert client.get(f"/cases/{case.pk}").status_code == 200
    assert services.case_spec(case).key.startswith("RTHM")
