"""The demo complaints: every channel, some moved on, one answered; loading twice adds none."""

from __future__ import annotations

from trantib.cases.models import CaseStatus
from trantib.complaints.models import Complaint
from trantib.demo import DEMO_COMPLAINTS, demo_complaints_load
from trantib.outbox.models import OutboxMessage


def test_the_demo_files_one_complaint_per_story_once(demo_org):
    made = demo_complaints_load()
    assert len(made) == len(DEMO_COMPLAINTS)
    assert {c.channel for c in made} == {"sms", "web", "counter", "phone"}
    assert all(c.unit.code == "KRJ" for c in made)
    answered = Complaint.objects.get(channel="phone")
    assert answered.case.status == CaseStatus.CLOSED and answered.answered_at is not None
    assert OutboxMessage.objects.filter(kind="complaint_answer", case=answered.case).exists()
    assert Complaint.objects.get(anonymous=True).reporter_phone == ""
    assert demo_complaints_load() == []
    assert Complaint.objects.count() == len(DEMO_COMPLAINTS)
