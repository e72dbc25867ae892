"""The complaint app's intake roles are columns of the complaint SOP (decision 0015): in a unit
that maps PGD's "Kasi Trantib" column to its Kasi Pemerintahan, the Kasi Pemerintahan takes
complaints in, sees a confidential reporter, marks duplicates, closes a complaint as not the
unit's and decides what is public — and the Kasi Trantib of that unit no longer does. A unit
that adopted nothing keeps the positions coded as the roles."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from trantib.accounts.models import Assignment, OrgUnit, Person, Position
from trantib.cases.models import CaseStatus, Task
from trantib.complaints import selectors, services
from trantib.complaints.models import Category, Complaint
from trantib.complaints.search import complaints_search
from trantib.conftest import DemoOrg
from trantib.core.errors import NotAllowed
from trantib.letters.selectors import reader_for
from trantib.sops.services import sop_adopt

pytestmark = pytest.mark.django_db

WORDS = "Gerobak bakso menutup trotoar Jalan Gatot Subroto setiap sore"


def _holder(unit: OrgUnit, code: str, name: str, login: str) -> Person:
    position = Position.objects.create(unit=unit, code=code, name=name)
    user = get_user_model().objects.create_user(username=login, password="x-Rahasia-123")
    person = Person.objects.create(user=user, full_name=login.title(), kind="asn")
    Assignment.objects.create(person=person, position=position, valid_from=dt.date(2020, 1, 1))
    return person


@pytest.fixture
def kasi_pem(demo_org: DemoOrg, complaint_categories: dict[str, Category]) -> Person:
    """Cipondoh maps PGD's Kasi Trantib column to its Kasi Pemerintahan (who holds it)."""
    cpd = demo_org.unit("CPD")
    person = _holder(cpd, "kasi_pem", "Kasi Pemerintahan", "kasipem.cpd")
    sop_adopt(
        unit=cpd,
        code="PGD",
        version=2,
        positions={"kasi_trantib": Position.objects.get(unit=cpd, code="kasi_pem").pk},
        actor=demo_org.person("camat.cpd"),
    )
    return person


def _file(categories: dict[str, Category], **kwargs: object) -> Complaint:
    args: dict[str, object] = {
        "channel": "web",
        "category": categories["cpd-pkl"],
        "description": WORDS,
        "kelurahan": "Poris Plawad Indah",
        **kwargs,
    }
    return services.complaint_file(**args)  # type: ignore[arg-type]


def test_the_mapped_position_takes_complaints_at_the_counter_and_the_kasi_trantib_does_not(
    demo_org: DemoOrg, complaint_categories, kasi_pem
):
    complaint = _file(complaint_categories, channel="phone", actor=kasi_pem)
    assert complaint.unit.code == "CPD" and complaint.taken_by == kasi_pem
    with pytest.raises(NotAllowed, match="dicatat oleh Staf"):
        _file(complaint_categories, channel="phone", actor=demo_org.person("kasi.cpd"))
    # Kerjo adopted nothing: its Kasi Trantib still takes complaints in.
    taken = services.complaint_file(
        channel="phone",
        category=complaint_categories["hiburan"],
        description="Warung karaoke di Dusun Ngasem buka sampai pukul 02.00",
        kelurahan="Tamansari",
        actor=demo_org.person("kasi.krj"),
    )
    assert taken.unit.code == "KRJ"
    assert services.intake_units_of({(demo_org.unit("KRJ").pk, "kasi_trantib")}) == {
        demo_org.unit("KRJ").pk
    }
    assert not services.intake_units_of({(demo_org.unit("CPD").pk, "kasi_trantib")})


def test_the_counter_step_is_recorded_by_the_position_the_unit_maps_the_staf_column_to(
    demo_org: DemoOrg, complaint_categories
):
    cpd = demo_org.unit("CPD")
    loket = _holder(cpd, "pelayanan", "Petugas Loket Pelayanan", "loket.cpd")
    sop_adopt(
        unit=cpd,
        code="PGD",
        version=2,
        positions={"staf": Position.objects.get(unit=cpd, code="pelayanan").pk},
        actor=demo_org.person("camat.cpd"),
    )
    complaint = _file(complaint_categories, channel="counter", actor=loket)
    first = Task.objects.get(case=complaint.case, step_id="lapor")
    assert first.completed_by == loket
    assert Task.objects.get(case=complaint.case, step_id="staf_sampaikan").role == "pelayanan"
    # The Staf Pelayanan of Cipondoh (the position coded "staf") no longer fills the column.
    with pytest.raises(NotAllowed):
        _file(complaint_categories, channel="counter", actor=demo_org.person("staf.cpd"))


def test_only_the_mapped_position_sees_a_confidential_reporter(
    demo_org: DemoOrg, complaint_categories, kasi_pem
):
    complaint = _file(complaint_categories, confidential=True, reporter_name="Siti Pelapor")
    kasi = demo_org.person("kasi.cpd")
    assert services.may_see_identity(kasi_pem, complaint)
    assert selectors.reporter_for(complaint, selectors.intake_unit_ids(kasi_pem)).shown
    assert not services.may_see_identity(kasi, complaint)
    hidden = selectors.reporter_for(complaint, selectors.intake_unit_ids(kasi))
    assert not hidden.shown and hidden.label == "Dirahasiakan"
    # The columns not mapped stay with the positions coded as them.
    assert services.may_see_identity(demo_org.person("staf.cpd"), complaint)
    # The letters' reader and the search box read the same units.
    assert reader_for(demo_org.user("kasipem.cpd")).intake_units == {complaint.unit_id}
    assert not reader_for(demo_org.user("kasi.cpd")).intake_units
    found = complaints_search(demo_org.user("kasipem.cpd"), "gatot subroto", 10)
    assert [h.title for h in found] == [complaint.tracking]
    assert complaints_search(demo_org.user("kasi.cpd"), "gatot subroto", 10) == []


def test_only_the_mapped_position_marks_a_duplicate(
    demo_org: DemoOrg, complaint_categories, kasi_pem
):
    original = _file(complaint_categories)
    again = _file(complaint_categories)
    with pytest.raises(NotAllowed, match="menandai duplikat"):
        services.complaint_mark_duplicate(
            complaint=again, original=original, actor=demo_org.person("kasi.cpd")
        )
    marked = services.complaint_mark_duplicate(complaint=again, original=original, actor=kasi_pem)
    assert marked.duplicate_of == original


def test_only_the_mapped_position_closes_a_complaint_as_not_the_units(
    demo_org: DemoOrg, complaint_categories, kasi_pem
):
    complaint = _file(complaint_categories, reporter_phone="081234567890")
    with pytest.raises(NotAllowed, match="menutup pengaduan"):
        services.complaint_not_authority(
            complaint=complaint, actor=demo_org.person("kasi.cpd"), reason="Jalan provinsi"
        )
    services.complaint_not_authority(complaint=complaint, actor=kasi_pem, reason="Jalan provinsi")
    assert Complaint.objects.get(pk=complaint.pk).case.status == CaseStatus.CANCELLED


def test_only_the_mapped_position_decides_what_is_public(
    demo_org: DemoOrg, complaint_categories, kasi_pem
):
    complaint = _file(complaint_categories, channel="phone", actor=demo_org.person("staf.cpd"))
    assert not complaint.public
    assert not services.may_decide_public(demo_org.person("kasi.cpd"), complaint)
    with pytest.raises(NotAllowed):
        services.complaint_public_set(
            complaint=complaint, actor=demo_org.person("kasi.cpd"), public=True
        )
    assert services.complaint_public_set(complaint=complaint, actor=kasi_pem, public=True).public
