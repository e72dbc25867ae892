"""Recording an activity completes its POLMAS task; residents' issues open complaints in the
unit the complaints routing names; the monthly recap counts what happened."""

from __future__ import annotations

import io

import pytest

from trantib.cases.models import CaseStatus, TaskStatus
from trantib.community import selectors, services
from trantib.community.models import Activity, ActivityStatus, Pos
from trantib.complaints.models import Category, RoutingRule
from trantib.core.errors import Invalid, NotAllowed

from .conftest import wita

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _sapta(programme) -> Activity:
    services.activities_open(now=wita(5))
    return Activity.objects.get(pos=Pos.SAPTA)


def _record(activity: Activity, who, **extra):
    values = {
        "held_at": wita(5, 7, 45),
        "held_place": "Balai Kelurahan Limba U Dua",
        "attendance": 23,
        "attendees": ["Lurah Limba U Dua", "Ketua RT 02", "Tokoh pemuda"],
        "topics": ["Balap liar malam Minggu", "Siskamling"],
        "kelengkapan": ["Surat perintah tugas", "Kamera / hp"],
        "peralatan": ["R4 / R2", "Kamera / Hp"],
        "warnings_kept": True,
        "notes": "Warga sepakat mengaktifkan pos ronda.",
        "now": wita(5, 9),
    }
    values.update(extra)
    return services.activity_record(activity=activity, actor=who, **values)


def test_recording_an_activity_completes_its_polmas_task_with_the_records_facts(
    programme, banit1
) -> None:
    activity = _sapta(programme)
    _record(activity, banit1, photos=[("sambang.png", io.BytesIO(PNG))])
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.HELD and activity.attendance == 23
    case = activity.case
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    task = case.tasks.get()
    assert task.status == TaskStatus.DONE and task.completed_by == banit1
    assert task.data["peserta"] == ["Lurah Limba U Dua", "Ketua RT 02", "Tokoh pemuda"]
    assert task.data["peringatan_dipatuhi"] is True
    assert task.data["lokasi"]["address"].startswith("Balai Kelurahan Limba U Dua")
    assert len(task.data["dokumentasi"]) == 1
    assert task.requirements_checked == ["Surat perintah tugas", "Kamera / hp"]


def test_a_record_without_the_peringatan_confirmed_is_refused(programme, banit1) -> None:
    activity = _sapta(programme)
    with pytest.raises(Invalid) as raised:
        _record(activity, banit1, warnings_kept=False)
    assert raised.value.field == "warnings_kept"
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.PLANNED


def test_another_officer_cannot_record_the_activity(programme, banit2) -> None:
    activity = _sapta(programme)
    with pytest.raises(NotAllowed):
        _record(activity, banit2)


def test_a_kelengkapan_item_of_another_pos_is_refused(programme, banit1) -> None:
    activity = _sapta(programme)
    with pytest.raises(Invalid) as raised:
        _record(activity, banit1, kelengkapan=["Soundsystem"])  # Pos Satria's, not Sapta's
    assert raised.value.field == "kelengkapan"


def test_a_raised_issue_opens_a_complaint_in_the_unit_the_routing_names(
    programme, banit1, demo_org
) -> None:
    kerjo = demo_org.unit("KRJ")
    category = Category.objects.create(unit=kerjo, code="pkl-t", name="PKL", sop_code="PGD")
    RoutingRule.objects.create(unit=kerjo, priority=10, kelurahan="Botok")
    activity = _sapta(programme)
    issue = services.issue_raise(
        activity=activity,
        actor=banit1,
        text="Lapak PKL menutup trotoar depan pasar setiap pagi",
        desa="Botok",
        place="Depan Pasar Botok",
        resident_name="Ibu Sari",
        category=category,
        now=wita(5, 8),
    )
    complaint = issue.complaint
    assert complaint is not None
    assert complaint.unit == kerjo and complaint.unit.code != "BINMAS"
    assert complaint.channel == "counter" and complaint.taken_by == banit1
    assert complaint.kelurahan == "Botok" and complaint.case.unit == kerjo
    assert complaint.tracking


def test_an_issue_without_a_category_is_noted_without_a_complaint(programme, banit1) -> None:
    activity = _sapta(programme)
    issue = services.issue_raise(
        activity=activity, actor=banit1, text="Lampu jalan mati di lorong 3", now=wita(5, 8)
    )
    assert issue.complaint is None and issue.desa == "Limba U Dua"


def test_the_monthly_recap_counts_what_was_planned_held_and_missed(
    programme, binmas, banit1, banit2, demo_org
) -> None:
    kerjo = demo_org.unit("KRJ")
    category = Category.objects.create(unit=kerjo, code="pkl-r", name="PKL", sop_code="PGD")
    # Friday 4: Khidmat (banit1) + Satria (banit2); Saturday 5: Sapta (banit1) + Satria;
    # Sunday 6: Satria. Held: Khidmat, Sapta, Satria on 4 and 5; missed: Satria on 6.
    for day in (4, 5, 6):
        services.activities_open(now=wita(day))
    attendance = {"pos_khidmat": 120, "pos_sapta": 23, "pos_satria": 5}
    for activity in Activity.objects.filter(day__day__in=[4, 5]):
        who = activity.officer
        if activity.pos == Pos.SAPTA:
            services.issue_raise(
                activity=activity,
                actor=who,
                text="Lapak PKL menutup trotoar depan pasar",
                desa="Botok",
                category=category,
                now=wita(5, 8),
            )
            services.issue_raise(
                activity=activity, actor=who, text="Lampu jalan mati", now=wita(5, 8)
            )
        _record(
            activity,
            who,
            held_at=wita(activity.day.day, 13),
            attendance=attendance[activity.pos],
            kelengkapan=[],
            topics=[f"Topik {activity.pos}"],
            now=wita(activity.day.day, 14),
        )
    services.activities_mark_missed(now=wita(7, 13))  # after the 12-hour grace
    recap = selectors.recap_month(binmas, 2026, 12)
    rows = {(r.officer.pk, r.desa): r for r in recap.rows}
    one = rows[(banit1.pk, "Limba U Dua")]
    assert (one.per_pos["pos_sapta"].planned, one.per_pos["pos_sapta"].held) == (1, 1)
    assert (one.per_pos["pos_khidmat"].planned, one.per_pos["pos_khidmat"].held) == (1, 1)
    assert one.attendance == 143 and one.issues == 2 and one.complaints == 1
    assert one.topics == ["Topik pos_khidmat", "Topik pos_sapta"]
    two = rows[(banit2.pk, "Biawao")]
    satria = two.per_pos["pos_satria"]
    assert (satria.planned, satria.held, satria.missed) == (3, 2, 1)
    assert two.attendance == 10 and two.issues == 0
    assert two.total().planned == 3
