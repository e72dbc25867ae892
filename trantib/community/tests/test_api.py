"""/polmas with real tokens: the programme, the activities, recording, issues."""

from __future__ import annotations

import pytest
from django.utils import timezone

from trantib.api.services import api_token_create
from trantib.api.tests.support import ApiClient
from trantib.community import services
from trantib.community.models import Activity, ActivityStatus, Pos

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_as(demo_org):
    def make(username: str) -> ApiClient:
        _row, token = api_token_create(user=demo_org.user(username), name="test")
        return ApiClient(token)

    return make


@pytest.fixture
def satria(programme) -> Activity:
    services.activities_open(now=timezone.now())
    return Activity.objects.get(pos=Pos.SATRIA)


def test_the_programme_and_activities_are_read_within_the_users_units(api_as, satria) -> None:
    kbo = api_as("kbo.binmas")
    rules = kbo.get("/polmas/programme", unit="BINMAS")
    assert rules.status_code == 200
    assert {r["desa"] for r in rules.json()} == {"Limba U Dua", "Biawao"}
    month = satria.day.strftime("%Y-%m")
    listed = kbo.get("/polmas/activities", unit="BINMAS", month=month).json()
    assert satria.pk in [a["id"] for a in listed]
    outsider = api_as("camat.cpd")
    assert outsider.get("/polmas/programme", unit="BINMAS").status_code == 404
    assert outsider.get(f"/polmas/activities/{satria.pk}").status_code == 404


def test_the_officer_records_the_activity_and_an_issue_through_the_api(api_as, satria) -> None:
    banit = api_as("banit2.binmas")
    url = f"/polmas/activities/{satria.pk}"
    issue = banit.post(url + "/issues", {"text": "Lampu jalan mati di lorong 3"})
    assert issue.status_code == 201 and issue.json()["complaint_tracking"] is None
    bad = banit.post(url + "/issues", {"text": "Sampah", "category": "tidak-ada"})
    assert bad.status_code == 422 and bad.json()["field"] == "category"
    body = {
        "held_at": timezone.now().isoformat(),
        "held_place": "Pos Kamling Biawao",
        "attendance": 4,
        "topics": ["Ronda malam"],
        "warnings_kept": False,
    }
    refused = banit.post(url + "/record", body)
    assert refused.status_code == 422 and refused.json()["field"] == "warnings_kept"
    done = banit.post(url + "/record", {**body, "warnings_kept": True})
    assert done.status_code == 200
    assert done.json()["status"] == ActivityStatus.HELD and done.json()["attendance"] == 4
    again = banit.post(url + "/record", {**body, "warnings_kept": True})
    assert again.status_code == 409
