"""A complaint outside the unit's authority: closed as "bukan kewenangan" with the reason sent
to the reporter, or handed over to another unit with its case."""

from __future__ import annotations

import pytest
from django.utils import translation

from trantib.cases import services as case_services
from trantib.cases.audit import chain_verify
from trantib.cases.models import CaseStatus, Event, EventType, TaskStatus
from trantib.complaints import selectors, services
from trantib.complaints.models import Category, Complaint
from trantib.core.errors import Conflict, Invalid, NotAllowed, NotFound
from trantib.outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db

KARAOKE = "Warung karaoke di Dusun Ngasem buka sampai pukul 02.00 setiap malam Minggu"


def _file(categories: dict[str, Category], **kwargs: object) -> Complaint:
    args: dict[str, object] = {
        "channel": "web",
        "category": categories["hiburan"],
        "description": KARAOKE,
        "latitude": "-7.5901",
        "longitude": "111.0512",
        "kelurahan": "Tamansari",
        "reporter_phone": "0812-3456-7890",
        **kwargs,
    }
    return services.complaint_file(**args)  # type: ignore[arg-type]


def test_a_complaint_outside_the_units_authority_is_closed_and_the_reporter_told(
    complaint_categories, demo_org
):
    complaint = _file(complaint_categories)
    kasi = demo_org.person("kasi.krj")
    services.complaint_not_authority(
        complaint=complaint, actor=kasi, reason="Jalan provinsi: kewenangan Satpol PP Provinsi"
    )
    complaint.refresh_from_db()
    case = complaint.case
    assert case.status == CaseStatus.CANCELLED
    assert not case.tasks.filter(status__in=[TaskStatus.OPEN, TaskStatus.CLAIMED]).exists()
    cancelled = Event.objects.get(case=case, type=EventType.CASE_CANCELLED)
    assert cancelled.data[services.NOT_AUTHORITY] is True
    assert "Bukan kewenangan" in cancelled.data["reason"]
    informed = Event.objects.get(case=case, type=EventType.REPORTER_INFORMED)
    assert informed.actor == kasi and informed.data["message"]
    answer = OutboxMessage.objects.get(pk=informed.data["message"])
    assert answer.channel == "sms" and answer.kind == "complaint_answer"
    assert "kewenangan Satpol PP Provinsi" in answer.body
    assert complaint.answered_at is not None and complaint.answer_text == answer.body
    public = selectors.complaint_public_status(complaint.tracking)
    assert public.status == "cancelled" and public.status_label.startswith("Bukan kewenangan")
    assert "kewenangan Satpol PP Provinsi" in public.answer
    assert chain_verify().ok


def test_only_the_units_intake_or_head_closes_it_and_only_once(complaint_categories, demo_org):
    complaint = _file(complaint_categories)
    for login in ("anggota.krj", "kasi.cpd"):
        with pytest.raises(NotAllowed):
            services.complaint_not_authority(
                complaint=complaint, actor=demo_org.person(login), reason="x"
            )
    with pytest.raises(Invalid) as err:
        services.complaint_not_authority(
            complaint=complaint, actor=demo_org.person("camat.krj"), reason=" "
        )
    assert err.value.field == "reason"
    complaint.refresh_from_db()
    assert complaint.case.status == CaseStatus.OPEN and complaint.answered_at is None
    assert not OutboxMessage.objects.filter(kind="complaint_answer").exists()
    services.complaint_not_authority(
        complaint=complaint, actor=demo_org.person("camat.krj"), reason="Bukan wilayah"
    )
    with pytest.raises(Conflict):
        services.complaint_not_authority(
            complaint=complaint, actor=demo_org.person("camat.krj"), reason="lagi"
        )


def test_a_complaint_handed_over_moves_with_its_case(complaint_categories, demo_org):
    complaint = _file(complaint_categories)
    case_services.case_handover(
        case=complaint.case,
        actor=demo_org.person("camat.krj"),
        to_unit=demo_org.unit("CPD"),
        reason="Lokasi sebenarnya di Cipondoh",
    )
    complaint.refresh_from_db()
    assert complaint.unit.code == "CPD" and complaint.case.unit.code == "CPD"
    assert selectors.complaint_get_for_user(demo_org.user("staf.cpd"), complaint.pk)
    with pytest.raises(NotFound):
        selectors.complaint_get_for_user(demo_org.user("staf.krj"), complaint.pk)
    public = selectors.complaint_public_status(complaint.tracking)
    assert public.unit == demo_org.unit("CPD").name
    assert chain_verify().ok


def test_the_complaint_page_offers_it_to_intake_and_refuses_others(
    client, complaint_categories, demo_org
):
    complaint = _file(complaint_categories)
    url = f"/pengaduan/{complaint.pk}/"
    client.force_login(demo_org.user("staf.krj"))
    assert f"{url}bukan-kewenangan/" in client.get(url).content.decode()
    client.force_login(demo_org.user("anggota.krj"))
    page = client.get(url)
    if page.status_code == 200:
        assert f"{url}bukan-kewenangan/" not in page.content.decode()
    refused = client.post(f"{url}bukan-kewenangan/", {"reason": "x"})
    assert refused.status_code in (403, 404)
    client.force_login(demo_org.user("kasi.krj"))
    done = client.post(f"{url}bukan-kewenangan/", {"reason": "Jalan provinsi"})
    assert done.status_code == 302
    complaint.refresh_from_db()
    assert complaint.case.status == CaseStatus.CANCELLED


def test_an_officer_working_in_english_still_tells_the_reporter_in_indonesian(
    complaint_categories, demo_org
):
    complaint = _file(complaint_categories)
    with translation.override("en"):
        services.complaint_not_authority(
            complaint=complaint, actor=demo_org.person("kasi.krj"), reason="Jalan provinsi"
        )
    answer = OutboxMessage.objects.get(kind="complaint_answer")
    assert answer.body.startswith(f"Pengaduan {complaint.tracking} bukan kewenangan")
    cancelled = Event.objects.get(case=complaint.case, type=EventType.CASE_CANCELLED)
    assert cancelled.data["reason"].startswith("Bukan kewenangan")


@pytest.mark.parametrize("reason", ["Jalan provinsi\x00", "Jalan\x01provinsi"])
def test_a_reason_with_a_control_character_is_refused_naming_the_field(
    client, complaint_categories, demo_org, reason
):
    """Review finding 8: a NUL (PostgreSQL cannot store it in the event, the answer or the
    outbox) or another control character is refused on the page and by the service, before
    anything is written."""
    complaint = _file(complaint_categories)
    with pytest.raises(Invalid) as refused:
        services.complaint_not_authority(
            complaint=complaint, actor=demo_org.person("kasi.krj"), reason=reason
        )
    assert refused.value.field == "reason" and "karakter kendali" in refused.value.message
    client.force_login(demo_org.user("kasi.krj"))
    page = client.post(f"/pengaduan/{complaint.pk}/bukan-kewenangan/", {"reason": reason})
    assert page.status_code == 422
    assert "karakter kendali" in page.content.decode()
    complaint.refresh_from_db()
    assert complaint.case.status == CaseStatus.OPEN and not complaint.answer_text
    assert not OutboxMessage.objects.filter(kind="complaint_answer").exists()
    assert not Event.objects.filter(case=complaint.case, type=EventType.CASE_CANCELLED).exists()
