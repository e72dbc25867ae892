"""The complaint service: one door for every channel, routing, privacy, the closing condition
and duplicates."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from trantib.cases import services as case_services
from trantib.cases.models import Attachment, CaseStatus, Event, Task, TaskStatus
from trantib.cases.services import spec_of_version_row
from trantib.complaints import selectors, services
from trantib.complaints.models import Category, Complaint, RoutingRule
from trantib.conftest import DemoOrg
from trantib.core.errors import Conflict, Invalid, NotAllowed, NotFound, TooMany
from trantib.core.models import RateWindow
from trantib.engine.tests.sop_text import without_bindings
from trantib.outbox.models import OutboxMessage
from trantib.sops.models import SopVersion

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
TAMANSARI = {"latitude": "-7.5901", "longitude": "111.0512", "kelurahan": "Tamansari"}
KARAOKE = "Warung karaoke di Dusun Ngasem buka sampai pukul 02.00 setiap malam Minggu"


def _file(categories: dict[str, Category], **kwargs: object) -> Complaint:
    args: dict[str, object] = {
        "channel": "web",
        "category": categories["hiburan"],
        "description": KARAOKE,
        **TAMANSARI,
    }
    args.update(kwargs)
    return services.complaint_file(**args)  # type: ignore[arg-type]


# -- intake -------------------------------------------------------------------------------------


def test_a_web_complaint_opens_a_routed_case_with_no_actor_and_a_tracking_number(
    complaint_categories,
):
    complaint = _file(
        complaint_categories,
        reporter_name="Sri Wahyuni",
        reporter_phone="0812-3456-7890",
        photos=[("warung.png", io.BytesIO(PNG))],
    )
    assert complaint.unit.code == "KRJ"
    assert services.tracking_normalise(complaint.tracking) == complaint.tracking
    assert complaint.reporter_phone == "+6281234567890"
    case = complaint.case
    assert case.sop_code == "PGD" and case.sop_version.version == 2
    assert case.unit.code == "KRJ" and case.opened_by is None
    first = Task.objects.get(case=case, step_id="lapor")
    assert first.status == TaskStatus.DONE and first.completed_by is None
    assert first.data["saluran"] == "Formulir web"
    assert first.data["lokasi"]["lat"] == pytest.approx(-7.5901)
    assert "Tamansari" in first.data["lokasi"]["address"]
    photo = Attachment.objects.get(case=case)
    assert photo.uploaded_by is None and photo.task == first and photo.content_type == "image/png"
    # The staff of Kerjo now have the next step.
    assert Task.objects.get(case=case, status=TaskStatus.OPEN).step_id == "staf_sampaikan"
    # The identity is in no event of the case (the timeline is shown to the whole unit).
    for event in Event.objects.filter(case=case):
        assert "Wahyuni" not in str(event.data) and "3456" not in str(event.data)
    receipt = OutboxMessage.objects.get(ref=f"complaint:{complaint.pk}")
    assert receipt.kind == "complaint_received" and receipt.recipient == "+6281234567890"
    assert complaint.tracking in receipt.body


def test_the_counter_form_is_recorded_by_the_staff_member_who_took_it(
    demo_org: DemoOrg, complaint_categories
):
    staf = demo_org.person("staf.krj")
    complaint = _file(complaint_categories, channel="counter", actor=staf)
    first = Task.objects.get(case=complaint.case, step_id="lapor")
    assert first.completed_by == staf and first.data["saluran"] == "Datang ke kantor"
    assert complaint.taken_by == staf and complaint.case.opened_by == staf
    # No contact left: no receipt to write.
    assert not OutboxMessage.objects.filter(ref=f"complaint:{complaint.pk}").exists()


def test_only_intake_roles_take_complaints_at_the_counter_or_on_the_phone(
    demo_org: DemoOrg, complaint_categories
):
    for channel in ("counter", "phone"):
        with pytest.raises(NotAllowed) as refused:
            _file(complaint_categories, channel=channel, actor=demo_org.person("anggota.krj"))
        assert refused.value.field == "channel"
        with pytest.raises(NotAllowed):
            _file(complaint_categories, channel=channel)


def test_an_officer_of_another_unit_passes_a_complaint_on_to_the_unit_that_covers_it(
    demo_org: DemoOrg, complaint_categories
):
    complaint = _file(complaint_categories, channel="phone", actor=demo_org.person("staf.cpd"))
    assert complaint.unit.code == "KRJ" and complaint.taken_by == demo_org.person("staf.cpd")
    assert complaint.case.opened_by is None  # nobody in Kerjo did the report step


def test_routing_follows_the_first_matching_rule_then_the_category(
    demo_org: DemoOrg, complaint_categories
):
    cpd_pkl = complaint_categories["cpd-pkl"]
    # No place: the category's own unit.
    assert services.complaint_route(category=cpd_pkl).code == "CPD"
    # A Kerjo desa by name, whatever the category.
    assert services.complaint_route(category=cpd_pkl, kelurahan="tamansari ").code == "KRJ"
    # Inside Kerjo's box without a desa name.
    inside = services.complaint_route(
        category=cpd_pkl, latitude=Decimal("-7.60"), longitude=Decimal("111.05")
    )
    assert inside.code == "KRJ"
    outside = services.complaint_route(
        category=cpd_pkl, latitude=Decimal("-6.20"), longitude=Decimal("106.70")
    )
    assert outside.code == "CPD"
    # A rule for one category only, ahead of the others.
    RoutingRule.objects.create(
        unit=demo_org.unit("KRW"), priority=1, category=complaint_categories["reklame"]
    )
    assert (
        services.complaint_route(
            category=complaint_categories["reklame"], kelurahan="Tamansari"
        ).code
        == "KRW"
    )
    assert (
        services.complaint_route(category=complaint_categories["pkl"], kelurahan="Tamansari").code
        == "KRJ"
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"description": "  "}, "description"),
        ({"description": "PKL"}, "description"),
        ({"description": "x" * 4001}, "description"),
        ({"description": "Lapak liar\x00 di jalan desa"}, "description"),
        ({"latitude": "91", "longitude": "111"}, "latitude"),
        ({"latitude": "nan", "longitude": "111"}, "latitude"),
        ({"latitude": "-7.5", "longitude": ""}, "longitude"),
        ({"longitude": "181"}, "longitude"),
        ({"reporter_phone": "nomor saya"}, "reporter_phone"),
        ({"reporter_phone": "0812"}, "reporter_phone"),
        ({"reporter_email": "bukan-email"}, "reporter_email"),
        ({"reporter_email": "a" * 250 + "@example.com"}, "reporter_email"),
        ({"address": "a" * 301}, "address"),
        ({"channel": "fax"}, "channel"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_kept(
    complaint_categories, changes, field
):
    with pytest.raises(Invalid) as refused:
        _file(complaint_categories, **changes)
    assert refused.value.field == field
    assert refused.value.message
    assert not Complaint.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_an_inactive_category_takes_no_complaints(complaint_categories):
    category = complaint_categories["reklame"]
    category.active = False
    category.save()
    with pytest.raises(Invalid) as refused:
        _file(complaint_categories, category=category)
    assert refused.value.field == "category"


def test_the_public_form_is_limited_per_client(complaint_categories, settings):
    settings.TRANTIB_PUBLIC_RATE_LIMIT = 2
    now = timezone.now()
    for _ in range(2):
        _file(complaint_categories, client="10.0.0.7", now=now)
    with pytest.raises(TooMany):
        _file(complaint_categories, client="10.0.0.7", now=now)
    _file(complaint_categories, client="10.0.0.8", now=now)  # another client
    later = now + dt.timedelta(seconds=settings.TRANTIB_PUBLIC_RATE_WINDOW + 1)
    _file(complaint_categories, client="10.0.0.7", now=later)
    # The client's address itself is not kept, and no complaint points at its counter.
    assert RateWindow.objects.count() == 2
    assert not RateWindow.objects.filter(key__contains="10.0.0").exists()


def test_one_ipv6_network_counts_as_one_client(complaint_categories, settings):
    settings.TRANTIB_PUBLIC_RATE_LIMIT = 1
    _file(complaint_categories, client="2001:db8:1:2::10")
    with pytest.raises(TooMany):
        _file(complaint_categories, client="2001:db8:1:2:ffff::7")  # same /64
    _file(complaint_categories, client="2001:db8:1:3::10")


def test_tracking_numbers_are_read_back_however_they_are_typed(complaint_categories):
    complaint = _file(complaint_categories)
    raw = complaint.tracking.replace("-", "")
    assert services.tracking_normalise(raw.lower()) == complaint.tracking
    assert services.tracking_normalise(f" {raw[:4]} {raw[4:]} ") == complaint.tracking
    assert services.tracking_normalise("O0I1-LLUU") is None  # letters never used
    assert services.tracking_normalise("ABC") is None
    numbers = {services.tracking_new() for _ in range(200)}
    assert len(numbers) == 200


# -- privacy ------------------------------------------------------------------------------------


def test_an_anonymous_complaint_keeps_no_identity_even_when_one_was_given(complaint_categories):
    complaint = _file(
        complaint_categories,
        anonymous=True,
        reporter_name="Budi",
        reporter_phone="081234567890",
        reporter_email="budi@example.com",
    )
    complaint.refresh_from_db()
    assert (complaint.reporter_name, complaint.reporter_phone, complaint.reporter_email) == (
        "",
        "",
        "",
    )
    assert not OutboxMessage.objects.exists()
    assert selectors.reporter_for(complaint, frozenset({complaint.unit_id})).shown is False
    # The database refuses identity on an anonymous row, whoever writes it.
    with pytest.raises(IntegrityError), transaction.atomic():
        Complaint.objects.filter(pk=complaint.pk).update(reporter_name="Budi")


def test_an_anonymous_sms_gets_its_receipt_once_and_the_number_is_not_kept(
    complaint_categories,
):
    complaint = _file(
        complaint_categories, channel="sms", anonymous=True, reply_to="+6281298765432"
    )
    assert complaint.reporter_phone == ""
    message = OutboxMessage.objects.get(ref=f"complaint:{complaint.pk}")
    assert message.recipient == "+6281298765432" and message.redact_after_send


def test_a_confidential_reporter_is_shown_only_to_the_intake_roles_of_the_unit(
    demo_org: DemoOrg, complaint_categories
):
    complaint = _file(
        complaint_categories,
        confidential=True,
        reporter_name="Sri Wahyuni",
        reporter_phone="081234567890",
    )
    for login in ("staf.krj", "kasi.krj", "camat.krj"):
        person = demo_org.person(login)
        shown = selectors.reporter_for(complaint, selectors.intake_unit_ids(person))
        assert shown.shown and shown.name == "Sri Wahyuni", login
        assert services.may_see_identity(person, complaint)
    for login in ("sekcam.krj", "danru.krj", "anggota.krj", "staf.cpd"):
        person = demo_org.person(login)
        hidden = selectors.reporter_for(complaint, selectors.intake_unit_ids(person))
        assert not hidden.shown and hidden.name == hidden.phone == "", login
        assert hidden.label == "Dirahasiakan"
        assert not services.may_see_identity(person, complaint)
    # Not confidential: anyone who may see the case sees the reporter.
    plain = _file(complaint_categories, reporter_name="Pak Darto")
    anggota = selectors.intake_unit_ids(demo_org.person("anggota.krj"))
    assert selectors.reporter_for(plain, anggota).name == "Pak Darto"


def test_staff_search_never_matches_on_a_reporters_identity(
    demo_org: DemoOrg, complaint_categories
):
    _file(complaint_categories, confidential=True, reporter_name="Sri Wahyuni")
    anggota = demo_org.user("anggota.krj")
    assert not selectors.complaint_list_for_user(anggota, query="Wahyuni").exists()
    assert selectors.complaint_list_for_user(anggota, query="karaoke").count() == 1
    assert not selectors.complaint_list_for_user(demo_org.user("kasi.krw")).exists()


def test_the_public_status_carries_no_identity_officer_or_note(
    demo_org: DemoOrg, complaint_categories
):
    complaint = _file(
        complaint_categories, reporter_name="Sri Wahyuni", reporter_phone="0812345678"
    )
    _advance(demo_org, complaint, until="koordinasi_tindak")
    status = selectors.complaint_public_status(complaint.tracking.replace("-", " ").lower())
    assert status.tracking == complaint.tracking and status.status == "open"
    texts = " ".join(u.text for u in status.updates)
    assert "Pengaduan diterima" in texts
    blob = repr(status)
    for secret in ("Wahyuni", "0812345678", "+62812345678", "Sutrisno", "Segera cek lokasi"):
        assert secret not in blob
    with pytest.raises(NotFound):
        selectors.complaint_public_status("ZZZZ-ZZZZ")


# -- the closing condition ----------------------------------------------------------------------

STEPS = [
    ("staf_sampaikan", "staf.krj", {}),
    ("kasi_teruskan", "kasi.krj", {}),
    ("camat_arahkan", "camat.krj", {"arahan": "Segera cek lokasi dan tertibkan."}),
    ("koordinasi_tindak", "kasi.krj", {"tindakan": "Pemilik warung diberi teguran lisan."}),
    ("bukti_penyelesaian", "kasi.krj", "bukti"),
    ("lapor_camat", "kasi.krj", {}),
]


def _advance(demo_org: DemoOrg, complaint: Complaint, *, until: str = "informasi_pelapor") -> None:
    """Do the steps of PGD v2 as the Kerjo officers until ``until`` is the live step."""
    for step, login, data in STEPS:
        if step == until:
            return
        task = Task.objects.get(case=complaint.case, step_id=step, status=TaskStatus.OPEN)
        person = demo_org.person(login)
        if data == "bukti":
            case_services.task_complete(
                task=task,
                actor=person,
                uploads={"bukti": [("bukti.png", io.BytesIO(PNG))]},
            )
        else:
            case_services.task_complete(task=task, actor=person, data=data)


def _answer_task(complaint: Complaint) -> Task:
    return Task.objects.get(
        case=complaint.case, step_id="informasi_pelapor", status=TaskStatus.OPEN
    )


def test_an_sms_answer_goes_out_through_the_outbox_and_closes_the_case(
    demo_org: DemoOrg, complaint_categories
):
    complaint = _file(complaint_categories, reporter_phone="081234567890")
    _advance(demo_org, complaint)
    text = "Warung karaoke sudah ditutup pukul 24.00. Terima kasih atas laporan Anda."
    case_services.task_complete(
        task=_answer_task(complaint),
        actor=demo_org.person("staf.krj"),
        data={"saluran": "SMS", "isi": text},
    )
    complaint.refresh_from_db()
    assert complaint.case.status == CaseStatus.CLOSED
    assert complaint.answered_at is not None and complaint.answer_text == text
    answer = OutboxMessage.objects.get(kind="complaint_answer")
    assert answer.recipient == "+6281234567890" and answer.body == text
    assert answer.case_id == complaint.case_id
    done = Task.objects.get(case=complaint.case, step_id="informasi_pelapor")
    assert done.data["saluran"] == "SMS" and done.data["waktu"]  # the time was filled in
    status = selectors.complaint_public_status(complaint.tracking)
    assert status.status == "closed" and status.answer == text


def test_a_case_pinned_to_a_version_recorded_before_its_bindings_still_answers_the_reporter(
    demo_org: DemoOrg, complaint_categories
):
    """An installation upgraded without ``trantib sop sync``: its PGD v2 row holds the text
    without ``binds:``. The document is the same, so the library's spec (with the bindings)
    runs the case, and the answer is still a closing condition that goes out by SMS."""
    row = case_services.sop_version_for(case_services.spec_in_force("PGD"))
    old = without_bindings(Path(row.path).read_text(encoding="utf-8"))
    SopVersion.objects.filter(pk=row.pk).update(
        content=old, sha256=hashlib.sha256(old.encode()).hexdigest()
    )
    spec_of_version_row.cache_clear()
    try:
        complaint = _file(complaint_categories, reporter_phone="081234567890")
        _advance(demo_org, complaint)
        with pytest.raises(Invalid, match="Pelapor meninggalkan kontak"):
            case_services.task_complete(
                task=_answer_task(complaint),
                actor=demo_org.person("staf.krj"),
                data={"saluran": "Tidak dapat dihubungi", "isi": "-"},
            )
        case_services.task_complete(
            task=_answer_task(complaint),
            actor=demo_org.person("staf.krj"),
            data={"saluran": "SMS", "isi": "Sudah ditertibkan."},
        )
    finally:
        spec_of_version_row.cache_clear()
    complaint.refresh_from_db()
    assert complaint.answered_at is not None and complaint.answer_channel == "SMS"
    assert OutboxMessage.objects.get(kind="complaint_answer").body == "Sudah ditertibkan."


def test_a_reporter_with_a_contact_must_be_told_before_the_case_ends(
    demo_org: DemoOrg, complaint_categories
):
    complaint = _file(complaint_categories, reporter_phone="081234567890")
    _advance(demo_org, complaint)
    staf = demo_org.person("staf.krj")
    refusals = [
        ({"saluran": "Tidak dapat dihubungi", "isi": "-"}, "data.saluran"),
        ({"saluran": "E-mail", "isi": "Sudah ditertibkan."}, "data.saluran"),
        ({"saluran": "Telepon", "isi": "Sudah ditertibkan."}, "data.waktu"),
        ({"saluran": "SMS"}, "data.isi"),
    ]
    for data, field in refusals:
        with pytest.raises(Invalid) as refused:
            case_services.task_complete(task=_answer_task(complaint), actor=staf, data=data)
        assert refused.value.field == field, data
    complaint.case.refresh_from_db()
    assert complaint.case.status == CaseStatus.OPEN
    assert not OutboxMessage.objects.filter(kind="complaint_answer").exists()
    # A phone call, recorded with its time: closes the case, nothing goes through the outbox.
    case_services.task_complete(
        task=_answer_task(complaint),
        actor=staf,
        data={"saluran": "Telepon", "waktu": "2026-12-02T10:15", "isi": "Sudah ditertibkan."},
    )
    complaint.refresh_from_db()
    assert complaint.case.status == CaseStatus.CLOSED and complaint.answer_channel == "Telepon"
    assert not OutboxMessage.objects.filter(kind="complaint_answer").exists()


def test_an_anonymous_report_without_contact_records_the_reason_instead(
    demo_org: DemoOrg, complaint_categories
):
    complaint = _file(complaint_categories, anonymous=True)
    _advance(demo_org, complaint)
    staf = demo_org.person("staf.krj")
    with pytest.raises(Invalid) as refused:
        case_services.task_complete(
            task=_answer_task(complaint), actor=staf, data={"saluran": "SMS", "isi": "x"}
        )
    assert refused.value.field == "data.saluran"
    case_services.task_complete(task=_answer_task(complaint), actor=staf, data={})
    done = Task.objects.get(case=complaint.case, step_id="informasi_pelapor")
    assert done.data["saluran"] == "Tidak dapat dihubungi"
    assert "nomor pelacakan" in done.data["isi"] and done.data["waktu"]
    assert complaint.tracking not in done.data["isi"]  # the text may travel to duplicates
    complaint.refresh_from_db()
    assert complaint.case.status == CaseStatus.CLOSED
    assert complaint.answer_channel == "Tidak dapat dihubungi"
    assert not OutboxMessage.objects.exists()


def test_a_pgd_case_without_a_complaint_is_left_to_the_sop_alone(demo_org: DemoOrg):
    # No category uses PGD yet (a unit that has not set complaints up): a plain start works.
    staf = demo_org.person("staf.krj")
    case = case_services.case_start(
        sop_code="PGD",
        unit=demo_org.unit("KRJ"),
        actor=staf,
        subject="Laporan lisan di kantor",
        data={"saluran": "Datang ke kantor", "uraian": "Lapak di bahu jalan desa"},
    )
    assert case.sop_version.version == 2
    assert not Complaint.objects.filter(case=case).exists()
    startable = case_services.entries_startable(staf, demo_org.unit("KRJ"))
    assert "PGD" in {spec.code for spec, _step in startable}


def test_once_categories_use_the_complaint_sop_it_starts_only_as_a_complaint(
    demo_org: DemoOrg, complaint_categories
):
    staf = demo_org.person("staf.krj")
    with pytest.raises(Invalid) as refused:
        case_services.case_start(
            sop_code="PGD",
            unit=demo_org.unit("KRJ"),
            actor=staf,
            subject="Laporan lisan di kantor",
            data={"saluran": "Datang ke kantor", "uraian": "Lapak di bahu jalan desa"},
        )
    assert refused.value.field == "sop" and "/pengaduan/baru/" in refused.value.message
    startable = case_services.entries_startable(staf, demo_org.unit("KRJ"))
    assert "PGD" not in {spec.code for spec, _step in startable}
    assert _file(complaint_categories, channel="counter", actor=staf).case.sop_code == "PGD"


def test_a_refused_complaint_keeps_no_photo_on_disk(complaint_categories, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(Invalid):
        _file(
            complaint_categories,
            reporter_phone="081234567890",
            reporter_email="x" * 250 + "@example.com",
            photos=[("warung.png", io.BytesIO(PNG))],
        )
    # The e-mail is refused before anything is stored; and a refusal after storing too:
    with pytest.raises(Invalid):
        _file(
            complaint_categories,
            photos=[("warung.png", io.BytesIO(PNG)), ("bukan.txt", io.BytesIO(b"teks biasa"))],
        )
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    assert not Attachment.objects.exists()


# -- working days -------------------------------------------------------------------------------


def test_working_days_left_count_the_complaint_sops_calendar(complaint_categories, settings):
    settings.TRANTIB_COMPLAINT_ANSWER_DAYS = 5
    # Friday 2026-12-04, 10:00 WIB: five working days on → Friday 2026-12-11.
    received = dt.datetime(2026, 12, 4, 3, 0, tzinfo=dt.UTC)
    complaint = _file(complaint_categories, now=received)
    due = selectors.answer_due(complaint)
    assert due is not None and timezone.localtime(due, complaint.unit.zone()).date() == dt.date(
        2026, 12, 11
    )
    on = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)  # Monday
    assert selectors.working_days_left(complaint, now=on) == 4
    assert (
        selectors.working_days_left(complaint, now=dt.datetime(2026, 12, 11, 2, 0, tzinfo=dt.UTC))
        == 0
    )
    late = dt.datetime(2026, 12, 15, 2, 0, tzinfo=dt.UTC)  # Tuesday after
    assert selectors.working_days_left(complaint, now=late) == -2


def test_a_complaint_received_after_closing_time_has_its_five_days_from_the_next_opening(
    complaint_categories, settings
):
    settings.TRANTIB_COMPLAINT_ANSWER_DAYS = 5
    # Thursday 2026-12-03, 17:00 WIB, after the office closed: the days count from Friday.
    received = dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.UTC)
    complaint = _file(complaint_categories, now=received)
    due = selectors.answer_due(complaint)
    assert due is not None
    assert timezone.localtime(due, complaint.unit.zone()).date() == dt.date(2026, 12, 11)
    assert selectors.working_days_left(complaint, now=received) == 5
    saturday = dt.datetime(2026, 12, 5, 3, 0, tzinfo=dt.UTC)
    assert selectors.working_days_left(complaint, now=saturday) == 4


def test_the_answers_working_days_skip_the_weekend_and_the_national_holiday(
    demo_org: DemoOrg, complaint_categories, settings
):
    settings.TRANTIB_COMPLAINT_ANSWER_DAYS = 5
    # Thursday 2026-08-13, 10:00 WIB; Monday 17 August is Independence Day: the five working
    # days are Fri 14, Tue 18, Wed 19, Thu 20, Fri 21.
    received = dt.datetime(2026, 8, 13, 3, 0, tzinfo=dt.UTC)
    complaint = _file(complaint_categories, now=received)
    assert selectors.answer_working_days(complaint) is None  # not answered yet
    wednesday = dt.datetime(2026, 8, 19, 7, 0, tzinfo=dt.UTC)  # 14:00 WIB
    assert selectors.working_days_left_at(complaint, wednesday) == 2
    friday_after_closing = dt.datetime(2026, 8, 21, 10, 0, tzinfo=dt.UTC)  # 17:00 WIB
    assert selectors.working_days_left_at(complaint, friday_after_closing) == -1
    services.complaint_not_authority(
        complaint=complaint,
        actor=demo_org.person("staf.krj"),
        reason="Jalan provinsi, kewenangan Satpol PP Provinsi.",
        now=wednesday,
    )
    complaint.refresh_from_db()
    assert selectors.answer_working_days(complaint) == 3
    assert selectors.working_days_left(complaint, now=wednesday) is None  # answered


# -- duplicates ---------------------------------------------------------------------------------


def test_a_near_open_complaint_of_the_same_category_is_suggested_as_a_duplicate(
    complaint_categories,
):
    first = _file(complaint_categories)
    near = _file(complaint_categories, latitude="-7.5905", longitude="111.0515")  # ~55 m
    far = _file(complaint_categories, latitude="-7.6001", longitude="111.0512")  # ~1.1 km
    other = _file(complaint_categories, category=complaint_categories["pkl"])
    found = selectors.complaint_duplicate_candidates(near)
    assert [c.complaint for c in found] == [first]
    assert 40 <= found[0].metres <= 70
    assert far not in [c.complaint for c in selectors.complaint_duplicate_candidates(first)]
    assert selectors.complaint_duplicate_candidates(other) == []


def test_marking_a_duplicate_stops_its_case_and_its_reporter_gets_the_originals_outcome(
    demo_org: DemoOrg, complaint_categories
):
    original = _file(complaint_categories, reporter_phone="081111111111")
    duplicate = _file(
        complaint_categories,
        latitude="-7.5905",
        longitude="111.0515",
        reporter_email="warga@example.com",
    )
    staf = demo_org.person("staf.krj")
    with pytest.raises(NotAllowed):
        services.complaint_mark_duplicate(
            complaint=duplicate, original=original, actor=demo_org.person("anggota.krj")
        )
    services.complaint_mark_duplicate(complaint=duplicate, original=original, actor=staf)
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of == original
    assert duplicate.case.status == CaseStatus.CANCELLED
    assert not Task.objects.filter(case=duplicate.case, status=TaskStatus.OPEN).exists()
    cancelled = Event.objects.get(case=duplicate.case, type="case_cancelled")
    assert original.tracking in cancelled.data["reason"]
    with pytest.raises(Conflict):
        services.complaint_mark_duplicate(complaint=duplicate, original=original, actor=staf)
    shown = selectors.complaint_public_status(duplicate.tracking)
    assert shown.status == "duplicate" and original.tracking not in repr(shown)
    # The original is handled and answered: the duplicate's reporter hears the outcome too.
    _advance(demo_org, original)
    text = "Lapak sudah dipindahkan ke lokasi resmi."
    case_services.task_complete(
        task=_answer_task(original), actor=staf, data={"saluran": "SMS", "isi": text}
    )
    to_duplicate = OutboxMessage.objects.get(kind="complaint_answer", recipient="warga@example.com")
    assert to_duplicate.channel == "email" and text in to_duplicate.body
    assert original.case.number in to_duplicate.body
    assert original.tracking not in to_duplicate.body  # the other reporter's key
    duplicate.refresh_from_db()
    assert duplicate.answered_at is not None
    assert selectors.complaint_public_status(duplicate.tracking).answer.endswith(text)


def test_a_landline_is_kept_for_a_call_back_but_gets_no_sms(complaint_categories):
    complaint = _file(complaint_categories, reporter_phone="(0271) 495 123")
    assert complaint.reporter_phone == "+62271495123"
    assert not OutboxMessage.objects.exists()


def test_a_reporter_with_a_landline_is_answered_by_telephone_not_sms(
    demo_org: DemoOrg, complaint_categories
):
    complaint = _file(complaint_categories, reporter_phone="0271 495123")
    _advance(demo_org, complaint)
    staf = demo_org.person("staf.krj")
    with pytest.raises(Invalid) as refused:
        case_services.task_complete(
            task=_answer_task(complaint), actor=staf, data={"saluran": "SMS", "isi": "Selesai."}
        )
    assert refused.value.field == "data.saluran"


def test_a_confidential_originals_answer_stays_with_its_reporter(
    demo_org: DemoOrg, complaint_categories
):
    original = _file(complaint_categories, reporter_phone="081111111111", confidential=True)
    duplicate = _file(
        complaint_categories, latitude="-7.5905", longitude="111.0515", reporter_phone="0813999888"
    )
    staf = demo_org.person("staf.krj")
    services.complaint_mark_duplicate(complaint=duplicate, original=original, actor=staf)
    _advance(demo_org, original)
    private = "Bu Sri (RT 03), warung di sebelah rumah Ibu sudah kami tegur."
    case_services.task_complete(
        task=_answer_task(original), actor=staf, data={"saluran": "SMS", "isi": private}
    )
    to_duplicate = OutboxMessage.objects.get(kind="complaint_answer", recipient="+62813999888")
    assert "Bu Sri" not in to_duplicate.body and "selesai ditindaklanjuti" in to_duplicate.body
    assert "Bu Sri" not in repr(selectors.complaint_public_status(duplicate.tracking))
    informed = Event.objects.get(case=duplicate.case, type="reporter_informed")
    assert informed.data["message"] == to_duplicate.pk and informed.data["channel"] == "SMS"
    assert selectors.complaint_public_status(original.tracking).answer == private


def test_a_tracking_number_in_an_answer_is_not_forwarded_to_another_reporter(
    demo_org: DemoOrg, complaint_categories
):
    original = _file(complaint_categories, reporter_phone="081111111111")
    duplicate = _file(
        complaint_categories, latitude="-7.5905", longitude="111.0515", reporter_phone="0813999888"
    )
    staf = demo_org.person("staf.krj")
    services.complaint_mark_duplicate(complaint=duplicate, original=original, actor=staf)
    _advance(demo_org, original)
    raw = original.tracking.replace("-", " ").lower()
    text = f"Pengaduan {raw} selesai: lapak dipindahkan. Lihat juga ABCD-EFGH."
    case_services.task_complete(
        task=_answer_task(original), actor=staf, data={"saluran": "SMS", "isi": text}
    )
    body = OutboxMessage.objects.get(kind="complaint_answer", recipient="+62813999888").body
    assert raw not in body.lower() and "ABCD-EFGH" not in body
    assert "lapak dipindahkan" in body and "[nomor pelacakan]" in body


def test_a_refused_step_completion_keeps_no_uploaded_file(
    demo_org: DemoOrg, complaint_categories, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    complaint = _file(complaint_categories)
    _advance(demo_org, complaint, until="bukti_penyelesaian")
    task = Task.objects.get(case=complaint.case, step_id="bukti_penyelesaian")
    with pytest.raises(Invalid):
        case_services.task_complete(
            task=task,
            actor=demo_org.person("kasi.krj"),
            uploads={"bukti": [("bukti.png", io.BytesIO(PNG))], "tidak_ada": []},
        )
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_category_must_use_an_sop_that_records_the_answer_to_the_reporter(demo_org: DemoOrg):
    from django.core.exceptions import ValidationError

    unit = demo_org.unit("KRJ")
    Category(unit=unit, code="ok", name="Pengaduan", sop_code="PGD").full_clean()
    for code in ("PPW", "NOPE"):
        with pytest.raises(ValidationError) as refused:
            Category(unit=unit, code="x", name="Pengaduan", sop_code=code).full_clean()
        assert "sop_code" in refused.value.message_dict


def test_the_case_subject_is_a_short_title_of_the_report(complaint_categories):
    long = "Warung karaoke buka sampai pagi dan sangat bising, " * 10
    case = _file(complaint_categories, description=long).case
    assert case.subject.startswith("Tempat hiburan melanggar jam operasional (Tamansari): ")
    assert len(case.subject) <= 160 and case.subject.endswith("…")
