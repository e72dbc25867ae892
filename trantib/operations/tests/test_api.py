"""/api/v1/operations: the file read through the user's units, incidents and results added
through the same services as the pages."""

from __future__ import annotations

import pytest

from trantib.api.services import api_token_create
from trantib.enforcement.services import violator_create
from trantib.operations import services

pytestmark = pytest.mark.django_db


def _auth(demo_org, username: str) -> dict[str, str]:
    _row, token = api_token_create(user=demo_org.user(username), name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_the_file_is_read_and_added_to_through_the_api(client, demo_org, desk, operation):
    services.place_add(operation=operation, actor=desk.who("danru.cpd"), name="Jl. Bouraq")
    auth = _auth(demo_org, "danru.cpd")
    got = client.get(f"/api/v1/operations/{operation.pk}", **auth)
    assert got.status_code == 200
    assert got.json()["places"] == [{"name": "Jl. Bouraq", "latitude": None, "longitude": None}]
    added = client.post(
        f"/api/v1/operations/{operation.pk}/incidents",
        {"at": "2026-08-03T08:30:00+07:00", "text": "Apel persiapan"},
        content_type="application/json",
        **auth,
    )
    assert added.status_code == 201, added.content
    v = violator_create(
        unit=operation.unit, actor=desk.who("danru.cpd"), kind="orang", name="Sri Wahyuni"
    )
    result = client.post(
        f"/api/v1/operations/{operation.pk}/results",
        {"violator": v.pk, "action": "pembinaan"},
        content_type="application/json",
        **auth,
    )
    assert result.status_code == 201, result.content
    bad = client.post(
        f"/api/v1/operations/{operation.pk}/results",
        {"violator": v.pk, "action": "dipukul"},
        content_type="application/json",
        **auth,
    )
    assert bad.status_code == 422 and bad.json()["field"] == "action"
    detail = client.get(f"/api/v1/operations/{operation.pk}", **auth).json()
    assert [i["text"] for i in detail["incidents"]] == ["Apel persiapan"]
    assert detail["results"][0]["violator_name"] == "Sri Wahyuni"
    assert "nik" not in detail["results"][0]


def test_another_units_file_is_a_404_in_the_api(client, demo_org, operation):
    auth = _auth(demo_org, "kasi.krw")
    assert client.get(f"/api/v1/operations/{operation.pk}", **auth).status_code == 404
    post = client.post(
        f"/api/v1/operations/{operation.pk}/incidents",
        {"at": "2026-08-03T08:30:00+07:00", "text": "x"},
        content_type="application/json",
        **auth,
    )
    assert post.status_code == 404
    assert client.get("/api/v1/operations", **auth).json() == []


def test_the_list_and_the_file_take_a_fixed_number_of_queries(
    client, demo_org, desk, operation, django_assert_max_num_queries
):
    danru = desk.who("danru.cpd")
    for n in range(3):
        services.place_add(operation=operation, actor=danru, name=f"Tempat {n}")
        services.team_add(
            operation=operation, actor=danru, name=f"Regu {n}", leader=danru, members=[danru]
        )
    auth = _auth(demo_org, "danru.cpd")
    with django_assert_max_num_queries(22):
        assert client.get(f"/api/v1/operations/{operation.pk}", **auth).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/operations", **auth).status_code == 200
