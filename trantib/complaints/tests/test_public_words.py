"""What the public reads about a complaint's progress: the SOP's ``public:`` labels, never the
SOP's own step text (written for officers, source typos included)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from trantib.cases import services as case_services
from trantib.cases.models import Task, TaskStatus
from trantib.complaints import selectors, services
from trantib.complaints.models import Category
from trantib.complaints.sms.language import status_text
from trantib.engine.spec import Step, StepKind

pytestmark = pytest.mark.django_db

INTERNAL = ("mengarakan", "penyelesian", "Staf menyampaikan berkas", "Camat menerima laporan")


def _complete_open_tasks(demo_org, complaint, *, until: str) -> None:
    """Complete the complaint's tasks, in order, up to and including step ``until``."""
    people = {"staf": "staf.krj", "kasi_trantib": "kasi.krj", "camat": "camat.krj"}
    data = {"camat_arahkan": {"arahan": "Tindak lanjuti bersama Satpol PP"}}
    while True:
        task = Task.objects.get(
            case=complaint.case, status__in=[TaskStatus.OPEN, TaskStatus.CLAIMED]
        )
        actor = demo_org.person(people[task.role])
        case_services.task_complete(task=task, actor=actor, data=data.get(task.step_id, {}))
        if task.step_id == until:
            return


def _filed(demo_org, categories: dict[str, Category]):
    return services.complaint_file(
        channel="web",
        category=categories["pkl"],
        description="Lapak PKL menutup trotoar di depan pasar sejak pagi",
        latitude="-7.586200",
        longitude="111.049600",
        kelurahan="Kuto",
        reporter_name="Siti Rahayu",
        reporter_phone="0812-3456-7890",
    )


def test_the_status_page_shows_public_labels_and_never_the_sops_step_text(
    client: Client, demo_org, complaint_categories: dict[str, Category]
) -> None:
    complaint = _filed(demo_org, complaint_categories)
    _complete_open_tasks(demo_org, complaint, until="camat_arahkan")

    html = client.get(reverse("complaints:status", args=[complaint.tracking])).content.decode()
    for label in (
        "Pengaduan diterima",
        "Pengaduan diteruskan kepada Kasi Trantib",
        "Pengaduan diteruskan kepada Camat",
        "Camat memberi arahan tindak lanjut",
    ):
        assert label in html
    for text in INTERNAL:
        assert text not in html, text


def test_the_sms_status_reply_gives_the_last_public_label(
    demo_org, complaint_categories: dict[str, Category]
) -> None:
    complaint = _filed(demo_org, complaint_categories)
    _complete_open_tasks(demo_org, complaint, until="camat_arahkan")
    reply = status_text(selectors.complaint_public_status(complaint.tracking))
    assert "Terakhir: Camat memberi arahan tindak lanjut" in reply
    assert not any(text in reply for text in INTERNAL)


def test_a_step_without_a_public_label_is_shown_with_a_neutral_one(demo_org) -> None:
    step = Step(id="x", no="1", kind=StepKind.PROCESS, role="r", activity="Menyapkan mengarakan")
    assert selectors.step_public_label(step) == "Sedang ditindaklanjuti"
