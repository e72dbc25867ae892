"""The REST API: tokens, SOPs, cases, tasks, attachments, and every error in one shape."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from trantib.api.models import ApiToken
from trantib.cases import services
from trantib.cases.models import Attachment, Case, Task
from trantib.cases.services import case_late_refresh
from trantib.core.keys import key_digest
from trantib.demo.letters import letter_bring

from .support import PGD_DATA, PNG, PUR_DATA, ApiClient, live_task, pgd_start, pur_start

pytestmark = pytest.mark.django_db


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"message", "field", "kind"} and body["message"]
    return body


# -- tokens -------------------------------------------------------------------------------


def test_the_right_password_gives_a_token_of_which_only_the_digest_is_kept(demo_org, anonymous):
    response = anonymous.post("/auth/token", {"username": "staf.krj", "password": "trantib-demo"})
    assert response.status_code == 201
    token = response.json()["token"]
    row = ApiToken.objects.get(user__username="staf.krj")
    assert row.digest == key_digest(token) and token not in row.digest
    assert ApiClient(token).get("/tasks/mine").status_code == 200
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_a_wrong_password_or_unknown_user_is_refused_with_401(demo_org, anonymous):
    for username, password in [("staf.krj", "salah"), ("siapa", "trantib-demo")]:
        response = anonymous.post("/auth/token", {"username": username, "password": password})
        _error(response, 401)
    assert not ApiToken.objects.exists()


def test_an_inactive_user_gets_no_token_and_loses_the_ones_they_had(demo_org, api_as, anonymous):
    client = api_as("staf.krj")
    user = demo_org.user("staf.krj")
    user.is_active = False
    user.save(update_fields=["is_active"])
    _error(client.get("/tasks/mine"), 401)
    _error(anonymous.post("/auth/token", {"username": "staf.krj", "password": "trantib-demo"}), 401)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/sops"),
        ("get", "/sops/PGD"),
        ("get", "/cases"),
        ("post", "/cases"),
        ("get", "/cases/1"),
        ("get", "/cases/1/events"),
        ("post", "/cases/1/attachments"),
        ("get", "/tasks/mine"),
        ("get", "/tasks/1"),
        ("post", "/tasks/1/claim"),
        ("post", "/tasks/1/complete"),
        ("post", "/tasks/1/reassign"),
        ("get", "/attachments/1"),
    ],
)
def test_every_operation_without_a_valid_token_is_401(demo_org, method, path):
    for client in (ApiClient(None), ApiClient("trt_not-a-token")):
        response = getattr(client, method)(path)
        body = _error(response, 401)
        assert body["field"] == "Authorization"
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_the_apitoken_command_prints_a_working_token(demo_org):
    out = io.StringIO()
    call_command("apitoken", "create", "kasi.krj", "--name", "skrip", stdout=out)
    token = out.getvalue().strip()
    assert ApiToken.objects.get(digest=key_digest(token)).name == "skrip"
    assert ApiClient(token).get("/cases").status_code == 200


def test_the_apitoken_command_refuses_an_unknown_user(demo_org):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("apitoken", "create", "siapa")


def test_the_admin_shows_tokens_but_does_not_create_them(demo_org, api_as, client):
    api_as("staf.krj")
    client.force_login(demo_org.user("admin"))
    assert client.get("/admin/api/apitoken/").status_code == 200
    assert client.get("/admin/api/apitoken/add/").status_code == 403


# -- SOPs ---------------------------------------------------------------------------------


def test_the_sop_list_and_a_sop_with_its_steps(demo_org, api_as):
    client = api_as("staf.krj")
    sops = client.get("/sops").json()
    assert {"PGD", "PUR"} <= {s["code"] for s in sops}
    pgd = client.get("/sops/PGD").json()
    assert pgd["version"] == 2 and pgd["calendar"]
    assert {"id": "pelapor", "name": "Pelapor", "external": True} in pgd["roles"]
    first = pgd["steps"][0]
    assert first["id"] == "lapor" and first["next"] == "staf_sampaikan"
    assert {r["name"] for r in first["records"] if r["required"]} == {"saluran", "uraian"}
    pur = client.get("/sops/PUR").json()
    check = next(s for s in pur["steps"] if s["id"] == "periksa_surat_perintah")
    assert [b["label"] for b in check["branches"]] == ["tidak ada koreksi", "ada koreksi"]


def test_an_unknown_sop_is_404(demo_org, api_as):
    assert _error(api_as("staf.krj").get("/sops/NOPE"), 404)["field"] == "code"


# -- cases --------------------------------------------------------------------------------


def test_a_case_started_through_the_api_comes_back_with_its_tasks(demo_org, api_as):
    client = api_as("staf.krj")
    response = client.post(
        "/cases", {"sop": "PGD", "unit": "KRJ", "subject": "Warung buka", "data": PGD_DATA}
    )
    assert response.status_code == 201, response.content
    case = response.json()
    year = timezone.localdate().year
    assert case["number"] == f"KRJ/PGD/{year}/0001"
    assert (case["sop"], case["sop_version"], case["unit"], case["status"]) == (
        "PGD",
        2,
        "KRJ",
        "open",
    )
    assert case["parent"] is None and case["children"] == []
    first, second = case["tasks"]
    assert (first["step"], first["status"], first["completed_by"]) == ("lapor", "done", "staf.krj")
    assert first["data"]["saluran"] == "SMS"
    assert (second["step"], second["role"], second["status"]) == ("staf_sampaikan", "staf", "open")
    assert second["standard"] == "15 menit" and second["due_at"] and second["overdue"] is False
    assert client.get(f"/cases/{case['id']}").json() == case
    events = client.get(f"/cases/{case['id']}/events").json()
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert events[0]["type"] == "case_opened" and events[0]["actor"] == "staf.krj"
    assert all(len(e["hash"]) == 64 for e in events)


def test_a_missing_required_field_is_422_naming_the_field(demo_org, api_as):
    client = api_as("staf.krj")
    body = _error(client.post("/cases", {"sop": "PGD", "unit": "KRJ", "data": PGD_DATA}), 422)
    assert body["field"] == "subject"
    data = {"saluran": "SMS"}
    body = _error(
        client.post("/cases", {"sop": "PGD", "unit": "KRJ", "subject": "x", "data": data}), 422
    )
    assert body["field"] == "data.uraian"
    assert not Case.objects.exists()


def test_starting_needs_the_position_of_the_first_step_and_a_unit_one_can_see(demo_org, api_as):
    start = {"sop": "PGD", "subject": "x", "data": PGD_DATA}
    assert (
        _error(api_as("camat.krj").post("/cases", {**start, "unit": "KRJ"}), 403)["field"] == "sop"
    )
    assert (
        _error(api_as("staf.cpd").post("/cases", {**start, "unit": "KRJ"}), 404)["field"] == "unit"
    )
    assert (
        _error(api_as("staf.krj").post("/cases", {**start, "unit": "KRJ", "sop": "NOPE"}), 422)[
            "field"
        ]
        == "sop"
    )


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/cases?opened_from=2026-13-45", "opened_from"),
        ("/cases?opened_to=kemarin", "opened_to"),
        ("/cases?limit=banyak", "limit"),
        ("/cases?limit=0", "limit"),
        ("/cases?offset=-1", "offset"),
        ("/cases?offset=99999999999999999999999", "offset"),
        ("/cases?overdue=mungkin", "overdue"),
        ("/cases?status=hilang", "status"),
        ("/cases?q=a%00b", "q"),
    ],
)
def test_bad_values_in_the_query_are_422_naming_them(demo_org, api_as, path, field):
    # An id in a path that is not a plain positive integer is a 404: test_strict_input.
    assert _error(api_as("staf.krj").get(path), 422)["field"] == field


def test_unknown_and_huge_ids_are_404_or_422_never_a_server_error(demo_org, api_as):
    client = api_as("staf.krj")
    for path in ["/cases/999999", "/cases/999999/events", "/tasks/999999", "/attachments/999999"]:
        _error(client.get(path), 404)
    _error(client.post("/tasks/999999/claim"), 404)
    body = {"data": {}, "attachments": [2**70]}
    assert _error(client.post("/tasks/1/complete", body), 422)["field"] == "attachments.0"


@pytest.mark.parametrize(
    ("raw", "status", "field"),
    [
        ("{not json", 400, ""),
        ('{"sop": "PGD", "unit": "KRJ", "subject": NaN}', 400, ""),
        ("[1, 2, 3]", 422, ""),
        ('{"sop": "PGD", "unit": "KRJ", "subject": "x", "entri": "lapor"}', 422, "entri"),
        ('{"sop": 1, "unit": "KRJ", "subject": "x"}', 422, "sop"),
        ('{"sop": "PGD", "unit": "KRJ", "subject": "x", "data": []}', 422, "data"),
        # Files of the first step come as uploads after the start; ids are not taken here.
        ('{"sop": "PGD", "unit": "KRJ", "subject": "x", "attachments": [1]}', 422, "attachments"),
        ('{"sop": "PGD", "unit": "KRJ", "subject": "a\\u0000b"}', 422, "subject"),
        (
            '{"sop": "PGD", "unit": "KRJ", "subject": "x", "data": {"uraian": "\\u0000"}}',
            422,
            "data",
        ),
    ],
)
def test_a_bad_body_is_400_or_422_never_a_server_error(demo_org, api_as, raw, status, field):
    body = _error(api_as("staf.krj").post("/cases", raw=raw), status)
    assert body["field"] == field
    assert "Input should" not in body["message"]  # pydantic's English never reaches the user


def test_an_unknown_path_is_a_json_404(demo_org, api_as):
    _error(api_as("staf.krj").get("/kasus"), 404)


# -- unit access --------------------------------------------------------------------------


def test_the_outsider_sees_nothing_of_another_units_cases(demo_org, outsider, api_as):
    case = pur_start(demo_org)
    task = live_task(case)
    attachment = services.attachment_add(
        case=case, actor=demo_org.person("kasi.cpd"), name="foto.png", content=io.BytesIO(PNG)
    )
    client = api_as(outsider.get_username())
    assert client.get("/cases").json() == {"count": 0, "items": []}
    assert client.get("/cases", unit="CPD").json()["count"] == 0
    assert client.get("/tasks/mine").json() == []
    for path in [
        f"/cases/{case.pk}",
        f"/cases/{case.pk}/events",
        f"/tasks/{task.pk}",
        f"/attachments/{attachment.pk}",
    ]:
        _error(client.get(path), 404)
    for path in [f"/tasks/{task.pk}/claim", f"/tasks/{task.pk}/complete"]:
        _error(client.post(path, {}), 404)
    _error(client.upload(f"/cases/{case.pk}/attachments", file=io.BytesIO(PNG)), 404)
    # …while the officer of that unit sees the case.
    assert api_as("kasi.cpd").get(f"/cases/{case.pk}").status_code == 200


# -- tasks --------------------------------------------------------------------------------


def test_tugas_saya_lists_the_tasks_offered_to_ones_position(demo_org, api_as):
    case = pgd_start(demo_org)
    mine = api_as("staf.krj").get("/tasks/mine").json()
    assert [(t["case_number"], t["step"]) for t in mine] == [(case.number, "staf_sampaikan")]
    assert api_as("camat.krj").get("/tasks/mine").json() == []


def test_a_wrong_role_is_refused_with_403(demo_org, api_as):
    task = live_task(pgd_start(demo_org))
    client = api_as("camat.krj")
    assert _error(client.post(f"/tasks/{task.pk}/complete", {}), 403)["field"] == "task"
    _error(client.post(f"/tasks/{task.pk}/claim"), 403)


def test_completing_a_task_twice_is_409_already_completed_by(demo_org, api_as):
    case = pgd_start(demo_org)
    task = live_task(case)
    client = api_as("staf.krj")
    done = client.post(f"/tasks/{task.pk}/complete", {})
    assert done.status_code == 200, done.content
    assert (done.json()["status"], done.json()["completed_by"]) == ("done", "staf.krj")
    body = _error(client.post(f"/tasks/{task.pk}/complete", {}), 409)
    assert "sudah diselesaikan oleh" in body["message"]
    assert demo_org.person("staf.krj").full_name in body["message"]
    nxt = api_as("kasi.krj").get(f"/cases/{case.pk}").json()["tasks"][-1]
    assert (nxt["step"], nxt["status"]) == ("kasi_teruskan", "open")


def test_claiming_takes_the_task_and_others_get_409(demo_org, api_as):
    case = pur_start(demo_org)
    task = live_task(case)
    claimed = api_as("kasi.cpd").post(f"/tasks/{task.pk}/claim")
    assert claimed.status_code == 200
    assert (claimed.json()["status"], claimed.json()["assignee"]) == ("claimed", "kasi.cpd")
    assert api_as("kasi.cpd").get("/tasks/mine").json()[0]["id"] == task.pk


def test_a_decision_must_be_one_of_the_branches_and_picks_the_next_step(demo_org, api_as):
    case = pur_start(demo_org)
    kasi, danru = api_as("kasi.cpd"), api_as("danru.cpd")
    task = live_task(case)
    arahan = {"data": {"arahan": "Siapkan regu"}}
    assert kasi.post(f"/tasks/{task.pk}/complete", arahan).status_code == 200
    draft = live_task(case)
    upload = danru.upload(f"/cases/{case.pk}/attachments", file=_png(), task=draft.pk)
    assert upload.status_code == 201, upload.content
    attachment = upload.json()
    body = {"data": {"rencana": "Regu A", "draft": [attachment["id"]]}}
    letter_bring(draft, now=timezone.now(), data=body["data"])  # the Surat Perintah, sent
    assert danru.post(f"/tasks/{draft.pk}/complete", body).status_code == 200
    check = live_task(case)
    assert check.step_id == "periksa_surat_perintah"
    bad = _error(kasi.post(f"/tasks/{check.pk}/complete", {"decision": "mungkin"}), 422)
    assert bad["field"] == "decision"
    good = kasi.post(
        f"/tasks/{check.pk}/complete",
        {"decision": "ada koreksi", "data": {"koreksi": "Perbaiki jumlah personel"}},
    )
    assert good.status_code == 200, good.content
    assert good.json()["decision"] == "ada koreksi"
    assert live_task(case).step_id == "draft_surat_perintah"


def test_a_supervisor_reassigns_and_others_may_not(demo_org, api_as):
    case = pur_start(demo_org)
    task = live_task(case)
    body = _error(
        api_as("kasi.cpd").post(f"/tasks/{task.pk}/reassign", {"assignee": "kasi.cpd"}), 403
    )
    assert body["field"] == "task"
    camat = api_as("camat.cpd")
    assert (
        _error(camat.post(f"/tasks/{task.pk}/reassign", {"assignee": "siapa"}), 422)["field"]
        == "assignee"
    )
    assert (
        _error(camat.post(f"/tasks/{task.pk}/reassign", {"assignee": "danru.cpd"}), 422)["field"]
        == "assignee"
    )
    moved = camat.post(f"/tasks/{task.pk}/reassign", {"assignee": "kasi.cpd"})
    assert moved.status_code == 200, moved.content
    assert (moved.json()["assignee"], moved.json()["status"]) == ("kasi.cpd", "claimed")


def test_a_login_without_a_person_may_read_but_not_change(demo_org):
    from trantib.api.services import api_token_create

    case = pgd_start(demo_org)
    task = live_task(case)
    root = get_user_model().objects.create_superuser("root", "root@trantib.example", "x")
    _row, token = api_token_create(user=root)
    client = ApiClient(token)
    assert client.get(f"/cases/{case.pk}").status_code == 200
    _error(client.post(f"/tasks/{task.pk}/claim"), 403)
    _error(client.post(f"/tasks/{task.pk}/complete", {}), 403)
    start = {"sop": "PGD", "unit": "KRJ", "subject": "x", "data": PGD_DATA}
    _error(client.post("/cases", start), 403)
    _error(client.upload(f"/cases/{case.pk}/attachments", file=_png()), 403)


# -- attachments --------------------------------------------------------------------------


def _png(name: str = "foto.png") -> io.BytesIO:
    handle = io.BytesIO(PNG)
    handle.name = name
    return handle


def test_a_png_is_kept_and_downloaded_with_its_content_type(demo_org, api_as):
    case = pgd_start(demo_org)
    client = api_as("staf.krj")
    response = client.upload(f"/cases/{case.pk}/attachments", file=_png())
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["content_type"], body["size"]) == ("foto.png", "image/png", len(PNG))
    assert body["uploaded_by"] == "staf.krj" and body["task"] is None and len(body["sha256"]) == 64
    download = client.get(f"/attachments/{body['id']}")
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert b"".join(download.streaming_content) == PNG
    assert "foto.png" in download["Content-Disposition"]
    download.close()


def test_a_text_file_is_refused_naming_the_file(demo_org, api_as):
    case = pgd_start(demo_org)
    text = io.BytesIO(b"bukan gambar, hanya teks")
    text.name = "catatan.png"
    body = _error(api_as("staf.krj").upload(f"/cases/{case.pk}/attachments", file=text), 422)
    assert body["field"] == "file"
    assert not Attachment.objects.exists()


def test_an_upload_without_a_file_or_with_a_bad_task_is_422(demo_org, api_as):
    case = pgd_start(demo_org)
    client = api_as("staf.krj")
    assert _error(client.upload(f"/cases/{case.pk}/attachments"), 422)["field"] == "file"
    bad = client.upload(f"/cases/{case.pk}/attachments", file=_png(), task="satu")
    assert _error(bad, 422)["field"] == "task"
    _error(client.upload(f"/cases/{case.pk}/attachments", file=_png(), task=999999), 404)


# -- lists --------------------------------------------------------------------------------


def test_the_case_list_filters(demo_org, api_as):
    first = pgd_start(demo_org, subject="Warung buka melewati jam malam")
    pgd_start(demo_org, subject="Parkir liar di pasar")
    client = api_as("camat.krj")

    def numbers(**params):
        return [c["number"] for c in client.get("/cases", **params).json()["items"]]

    assert len(numbers()) == 2
    assert numbers(q="warung") == [first.number]
    assert numbers(q=first.number) == [first.number]
    assert len(numbers(sop="PGD")) == 2 and numbers(sop="PUR") == []
    assert len(numbers(status="open")) == 2 and numbers(status="closed") == []
    assert len(numbers(unit="KRJ")) == 2 and numbers(unit="CPD") == []
    today = timezone.localdate()
    assert len(numbers(opened_from=today.isoformat(), opened_to=today.isoformat())) == 2
    assert numbers(opened_from=(today + dt.timedelta(days=1)).isoformat()) == []
    assert numbers(overdue="true") == [] and len(numbers(overdue="false")) == 2
    Task.objects.filter(case=first, status="open").update(
        due_at=timezone.now() - dt.timedelta(hours=1)
    )
    case_late_refresh(first.pk)  # a row written by the test, not a service
    assert numbers(overdue="true") == [first.number]
    late = client.get("/cases", overdue="true").json()["items"][0]["tasks"][-1]
    assert late["overdue"] is True


def test_the_case_list_pages_newest_first(demo_org, api_as):
    cases = [pgd_start(demo_org, subject=f"Laporan {i}") for i in range(5)]
    client = api_as("staf.krj")
    page = client.get("/cases", limit=2, offset=1).json()
    assert page["count"] == 5
    assert [c["id"] for c in page["items"]] == [cases[3].pk, cases[2].pk]
    assert client.get("/cases", limit=2, offset=10).json() == {"count": 5, "items": []}
    assert len(client.get("/cases").json()["items"]) == 5


def test_the_lists_run_a_fixed_number_of_queries(demo_org, api_as, django_assert_max_num_queries):
    client = api_as("camat.krj")
    staf = api_as("staf.krj")
    pgd_start(demo_org)
    with django_assert_max_num_queries(8) as few:
        assert client.get("/cases").json()["count"] == 1
    with django_assert_max_num_queries(8) as few_mine:
        assert len(staf.get("/tasks/mine").json()) == 1
    for i in range(6):
        case = pgd_start(demo_org, subject=f"Laporan {i}")
        services.task_complete(task=live_task(case), actor=demo_org.person("staf.krj"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/cases").json()["count"] == 7
    with django_assert_max_num_queries(len(few_mine.captured_queries)):
        assert len(staf.get("/tasks/mine").json()) == 1
    kasi = api_as("kasi.krj")
    with django_assert_max_num_queries(len(few_mine.captured_queries)):
        assert len(kasi.get("/tasks/mine").json()) == 6
    case = Case.objects.first()
    with django_assert_max_num_queries(8):
        assert client.get(f"/cases/{case.pk}/events").status_code == 200


# -- the document -------------------------------------------------------------------------


def test_the_openapi_document_declares_every_error_and_the_docs_page_loads(demo_org, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"].startswith("3.")
    operations = [
        (path, method, op) for path, item in doc["paths"].items() for method, op in item.items()
    ]
    letters = [op for path, _method, op in operations if path.startswith("/api/v1/letters")]
    enforcement = [p for p, _method, _op in operations if p.startswith("/api/v1/enforcement")]
    ops = [p for p, _method, _op in operations if p.startswith("/api/v1/operations")]
    patrols = [p for p, _method, _op in operations if p.startswith("/api/v1/patrols")]
    polmas = [p for p, _method, _op in operations if p.startswith("/api/v1/polmas")]
    registers = len(letters) + len(enforcement) + len(ops) + len(patrols) + len(polmas)
    # 17, and cancel, hand over, correct, end wait; search; a start with files (multipart);
    # a complaint made public; the caller's tokens and revoking one
    assert len(operations) - registers == 26
    assert len(patrols) == 5  # plans, a plan, a day, a plan's reports, report a day
    assert len(polmas) == 5  # the programme, activities, an activity, record it, raise an issue
    assert len(ops) == 4  # the list, a file, add an incident, add a result
    assert enforcement.count("/api/v1/enforcement/violators") == 2  # the list, create
    assert enforcement.count("/api/v1/enforcement/violators/{id}") == 1
    assert enforcement.count("/api/v1/enforcement/perda") == 1  # the catalogue (read only)
    assert enforcement.count("/api/v1/enforcement/perda/{id}") == 1
    assert len(letters) == 18  # 12 on letters, verify, 5 on incoming letters and dispositions
    for path, method, op in operations:
        codes = set(op["responses"])
        if path != "/api/v1/auth/token":
            assert "401" in codes and op["security"], (method, path)
        if op.get("parameters") or op.get("requestBody"):
            assert "422" in codes, (method, path)
        if "{id}" in path:
            assert "404" in codes, (method, path)
        if op.get("requestBody", {}).get("content", {}).get("application/json"):
            assert "400" in codes, (method, path)
        for code in codes - {"200", "201"}:
            schema = op["responses"][code]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorOut"}
    claims = doc["paths"]["/api/v1/tasks/{id}/complete"]["post"]["responses"]
    assert {"403", "409"} <= set(claims)
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and b"/api/v1/openapi.json" in docs.content


def test_the_start_data_examples_of_the_tests_are_real(demo_org):
    # The scenario data above must keep matching the library (a guard for these tests).
    assert pur_start(demo_org).tasks.count() == 2 and PUR_DATA["perintah"]
