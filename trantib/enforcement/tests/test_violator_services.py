"""Creating and picking violators: checks, duplicates, audit, who may change the register."""

from __future__ import annotations

import pytest

from trantib.conftest import DemoOrg
from trantib.core.audit import audit_events
from trantib.core.errors import Invalid, NotAllowed
from trantib.enforcement import selectors, services
from trantib.enforcement.models import Violator

from .conftest import NIB_WARUNG, NIK_BUDI, NIK_SITI


def test_an_officer_registers_a_person_and_the_change_is_audited(demo_org: DemoOrg, budi: Violator):
    assert budi.phone == "+6281277665544" and budi.nik == NIK_BUDI
    events = list(audit_events(budi))
    assert [e.type for e in events] == ["violator.created"]
    assert events[0].actor_id == demo_org.person("petugas1.pptng").pk
    assert events[0].data["nik"] == NIK_BUDI


def test_a_second_entry_with_the_same_nik_in_the_unit_is_refused_naming_the_first(
    demo_org: DemoOrg, budi: Violator
):
    with pytest.raises(Invalid) as refused:
        services.violator_create(
            unit=demo_org.unit("PPTNG"),
            actor=demo_org.person("petugas2.pptng"),
            kind="orang",
            name="Budi H.",
            nik="3671 0117 0585 0001",
        )
    assert refused.value.field == "nik" and "Budi Hartono" in refused.value.message


def test_the_same_nik_may_be_registered_in_another_unit(demo_org: DemoOrg, budi: Violator):
    other = services.violator_create(
        unit=demo_org.unit("CPD"),
        actor=demo_org.person("kasi.cpd"),
        kind="orang",
        name="Budi Hartono",
        nik=NIK_BUDI,
    )
    assert other.unit.code == "CPD"


def test_a_second_business_with_the_same_nib_is_refused(demo_org: DemoOrg, warung: Violator):
    with pytest.raises(Invalid) as refused:
        services.violator_create(
            unit=demo_org.unit("PPTNG"),
            actor=demo_org.person("petugas1.pptng"),
            kind="usaha",
            name="RM Sederhana",
            nib=NIB_WARUNG,
        )
    assert refused.value.field == "nib"


def test_a_bad_nik_is_refused_on_its_field_in_indonesian(demo_org: DemoOrg):
    with pytest.raises(Invalid) as refused:
        services.violator_create(
            unit=demo_org.unit("PPTNG"),
            actor=demo_org.person("petugas1.pptng"),
            kind="orang",
            name="Dodi",
            nik="3671013102850001",
        )
    assert refused.value.field == "nik"
    assert refused.value.message == "Tanggal lahir pada NIK tidak ada: 31-02-85."


def test_a_person_cannot_carry_an_nib(demo_org: DemoOrg):
    with pytest.raises(Invalid) as refused:
        services.violator_create(
            unit=demo_org.unit("PPTNG"),
            actor=demo_org.person("petugas1.pptng"),
            kind="orang",
            name="Dodi",
            nib=NIB_WARUNG,
        )
    assert refused.value.field == "nib"


@pytest.mark.parametrize("login", ["sekda.tng", "kasi.cpd"])
def test_only_the_enforcement_roles_of_the_unit_change_its_register(demo_org: DemoOrg, login: str):
    with pytest.raises(NotAllowed):
        services.violator_create(
            unit=demo_org.unit("PPTNG"), actor=demo_org.person(login), kind="orang", name="X"
        )


def test_the_picker_returns_the_chosen_violator_of_the_unit(demo_org: DemoOrg, budi: Violator):
    picked = services.violator_pick(
        unit=demo_org.unit("PPTNG"),
        actor=demo_org.person("petugas1.pptng"),
        data={"f-violator": str(budi.pk)},
        prefix="f",
    )
    assert picked == budi


def test_the_picker_refuses_a_violator_of_another_unit(demo_org: DemoOrg, budi: Violator):
    with pytest.raises(Invalid) as refused:
        services.violator_pick(
            unit=demo_org.unit("CPD"),
            actor=demo_org.person("kasi.cpd"),
            data={"f-violator": str(budi.pk)},
            prefix="f",
        )
    assert refused.value.field == "f-violator"


def test_the_picker_creates_a_new_business_with_its_owner(demo_org: DemoOrg):
    unit = demo_org.unit("PPTNG")
    picked = services.violator_pick(
        unit=unit,
        actor=demo_org.person("petugas1.pptng"),
        data={
            "temuan-kind": "usaha",
            "temuan-name": "Toko Bangunan Maju Jaya",
            "temuan-nib": "8120 0000 1111 2",
            "temuan-business_type": "Toko bangunan",
            "temuan-address": "Jl. Daan Mogot Km 21",
            "temuan-desa": "Tanah Tinggi",
            "temuan-owner_name": "Siti Aminah",
            "temuan-owner_nik": NIK_SITI,
            "temuan-latitude": "-6.1722",
            "temuan-longitude": "106.6405",
        },
        prefix="temuan",
    )
    assert picked.kind == "usaha" and picked.nib == "8120000011112"
    assert picked.owner is not None and picked.owner.nik == NIK_SITI
    assert picked.owner.kind == "orang" and picked.latitude == pytest.approx(-6.1722)
    # The same owner is found again by NIK for a second business.
    second = services.violator_pick(
        unit=unit,
        actor=demo_org.person("petugas1.pptng"),
        data={
            "t-kind": "usaha",
            "t-name": "Gudang Maju Jaya",
            "t-owner_name": "Siti A.",
            "t-owner_nik": NIK_SITI,
        },
        prefix="t",
    )
    assert second.owner == picked.owner


def test_the_picker_names_the_field_of_a_bad_nik(demo_org: DemoOrg):
    with pytest.raises(Invalid) as refused:
        services.violator_pick(
            unit=demo_org.unit("PPTNG"),
            actor=demo_org.person("petugas1.pptng"),
            data={"f-kind": "orang", "f-name": "Dodi", "f-nik": "12345"},
            prefix="f",
        )
    assert refused.value.field == "f-nik" and "16 angka" in refused.value.message


def test_the_picker_refuses_an_empty_choice(demo_org: DemoOrg):
    with pytest.raises(Invalid) as refused:
        services.violator_pick(
            unit=demo_org.unit("PPTNG"),
            actor=demo_org.person("petugas1.pptng"),
            data={},
            prefix="f",
        )
    assert refused.value.field == "f-name"


def test_a_similar_name_in_the_same_desa_is_suggested_before_a_new_one_is_saved(
    demo_org: DemoOrg, budi: Violator
):
    data = {"f-kind": "orang", "f-name": "Bpk. Budi Hartono", "f-desa": "Cibodas"}
    with pytest.raises(Invalid) as refused:
        services.violator_pick(
            unit=demo_org.unit("PPTNG"),
            actor=demo_org.person("petugas1.pptng"),
            data=data,
            prefix="f",
        )
    assert refused.value.field == "f-name" and "Budi Hartono (Cibodas)" in refused.value.message
    # The officer confirms it is someone else: saved.
    other = services.violator_pick(
        unit=demo_org.unit("PPTNG"),
        actor=demo_org.person("petugas1.pptng"),
        data={**data, "f-different": "1"},
        prefix="f",
    )
    assert other != budi and Violator.objects.filter(unit__code="PPTNG").count() == 2


def test_duplicates_are_suggested_by_nik_and_by_similar_name_and_address(
    demo_org: DemoOrg, budi: Violator
):
    unit = demo_org.unit("PPTNG")
    by_nik = selectors.violator_duplicates(unit=unit, name="Siapa Saja", nik=NIK_BUDI)
    assert [(d.violator, d.hard) for d in by_nik] == [(budi, True)]
    by_address = selectors.violator_duplicates(
        unit=unit, kind="orang", name="Budi Hartono", address="Jl Gatot Subroto 14 RT 2 RW 5"
    )
    assert [d.violator for d in by_address] == [budi] and not by_address[0].hard
    # A similar name far away is not the same person; an unrelated name is not suggested.
    assert not selectors.violator_duplicates(
        unit=unit, kind="orang", name="Budi Hartono", desa="Karawaci", address="Jl. Imam Bonjol 3"
    )
    assert not selectors.violator_duplicates(
        unit=unit, kind="orang", name="Rahmat Hidayat", desa="Cibodas"
    )


def test_the_display_masks_personal_data_for_anyone_but_the_units_enforcement_roles(
    demo_org: DemoOrg, warung: Violator
):
    budi = warung.owner
    assert budi is not None
    shown = selectors.violator_display(budi, person=demo_org.person("kasie.pptng"))
    assert not shown.masked and shown.nik == NIK_BUDI and shown.phone == "+6281277665544"
    assert shown.nik_info is not None and shown.nik_info.gender_text == "Laki-laki"
    masked = selectors.violator_display(budi, person=demo_org.person("sekda.tng"))
    assert masked.masked and masked.nik == "3671••••••••0001"
    assert "7766" not in masked.phone and "Gatot" not in masked.address
    assert masked.desa == "Cibodas" and masked.nik_info is None
    assert masked.latitude is None
    business = selectors.violator_display(warung, person=demo_org.person("sekda.tng"))
    assert business.nib == NIB_WARUNG and business.latitude == pytest.approx(-6.2011)
    assert business.owner is not None and business.owner.nik == "3671••••••••0001"
    assert shown.url == f"/penegakan/pelanggar/{budi.pk}/"


def test_a_violator_without_enforcement_is_not_a_repeat(budi: Violator):
    assert selectors.violator_is_repeat(budi) is False
