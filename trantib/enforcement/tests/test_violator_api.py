"""/api/v1/enforcement/violators: create through the service, errors naming the field, the
operations declared in the OpenAPI document."""

from __future__ import annotations

from django.test import Client

from trantib.api.services import api_token_create
from trantib.api.tests.support import ApiClient
from trantib.conftest import DemoOrg
from trantib.enforcement.models import Violator

from .conftest import NIK_BUDI


def _api(demo_org: DemoOrg, login: str) -> ApiClient:
    _row, token = api_token_create(user=demo_org.user(login), name="t")
    return ApiClient(token)


def test_an_officer_creates_a_violator_through_the_api(demo_org: DemoOrg):
    api = _api(demo_org, "petugas1.pptng")
    response = api.post(
        "/enforcement/violators",
        {"unit": "PPTNG", "kind": "orang", "name": "Budi Hartono", "nik": NIK_BUDI},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["nik"] == NIK_BUDI and body["masked"] is False and body["enforcements"] == 0
    assert Violator.objects.get(pk=body["id"]).created_by == demo_org.person("petugas1.pptng")
    again = api.post(
        "/enforcement/violators",
        {"unit": "PPTNG", "kind": "orang", "name": "Budi H", "nik": NIK_BUDI},
    )
    assert again.status_code == 422 and again.json()["field"] == "nik"


def test_a_bad_nik_through_the_api_names_its_field(demo_org: DemoOrg):
    response = _api(demo_org, "petugas1.pptng").post(
        "/enforcement/violators",
        {"unit": "PPTNG", "kind": "orang", "name": "Dodi", "nik": "3671013102850001"},
    )
    assert response.status_code == 422
    assert response.json() == {
        "message": "Tanggal lahir pada NIK tidak ada: 31-02-85.",
        "field": "nik",
        "kind": "refused",
    }


def test_a_supervisor_may_read_but_not_create(demo_org: DemoOrg, budi: Violator):
    api = _api(demo_org, "sekda.tng")
    assert api.get(f"/enforcement/violators/{budi.pk}").status_code == 200
    refused = api.post("/enforcement/violators", {"unit": "PPTNG", "kind": "orang", "name": "X"})
    assert refused.status_code == 403


def test_another_units_code_is_not_found(demo_org: DemoOrg):
    response = _api(demo_org, "kasi.krw").post(
        "/enforcement/violators", {"unit": "PPTNG", "kind": "orang", "name": "X"}
    )
    assert response.status_code == 404 and response.json()["field"] == "unit"


def test_the_violator_operations_are_in_the_openapi_document():
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/enforcement/violators"])
    assert "get" in paths["/api/v1/enforcement/violators/{id}"]
    detail = paths["/api/v1/enforcement/violators/{id}"]["get"]["responses"]
    assert {"200", "404"} <= set(detail)
