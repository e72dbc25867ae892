"""The operation file's services: who may change it, what each records and audits, and the
rules (append-only log, readiness against the SOP's list, items ended once)."""

from __future__ import annotations

import datetime as dt

import pytest

from trantib.core.errors import Conflict, Invalid, NotAllowed
from trantib.core.models import AuditEvent
from trantib.enforcement.models import Violator
from trantib.letters.models import Letter
from trantib.letters.tests.sop_desk import WIB
from trantib.operations import services
from trantib.operations.models import ItemState, Operation

pytestmark = pytest.mark.django_db


def _events(op: Operation) -> list[str]:
    return list(
        AuditEvent.objects.filter(subject_type="operations.operation", subject_id=op.pk)
        .order_by("seq")
        .values_list("type", flat=True)
    )


def _violator(op: Operation, name: str, **kw) -> Violator:
    return Violator.objects.create(
        unit=op.unit, kind="orang", name=name, created_at=dt.datetime(2026, 8, 1, tzinfo=WIB), **kw
    )


def test_a_case_whose_sop_binds_the_operation_report_opens_one_file_once(desk, ppl_case):
    first = services.operation_open(case=ppl_case, actor=desk.who("kasi.cpd"), now=desk.now)
    again = services.operation_open(case=ppl_case, actor=desk.who("danru.cpd"), now=desk.now)
    assert first.pk == again.pk and first.unit == ppl_case.unit
    assert _events(first) == ["operation_opened"]


def test_a_case_of_an_sop_without_the_binding_has_no_file(desk):
    patrol = desk.start("PPW", "PPTNG", "kasat.pptng", "Patroli", data={"bulan": "2026-08-01"})
    with pytest.raises(Conflict):
        services.operation_open(case=patrol, actor=desk.who("kasat.pptng"), now=desk.now)
    assert not Operation.objects.filter(case=patrol).exists()


def test_someone_of_another_unit_cannot_change_the_file(desk, operation):
    with pytest.raises(NotAllowed):
        services.place_add(operation=operation, actor=desk.who("kasi.krw"), name="Jl. Bouraq")
    assert not operation.places.exists()


def test_every_change_is_one_audited_service(desk, operation):
    kasi, danru, anggota = (desk.who(x) for x in ("kasi.cpd", "danru.cpd", "anggota1.cpd"))
    services.operation_update(
        operation=operation,
        actor=kasi,
        changes={
            "day": dt.date(2026, 8, 5),
            "starts_at": dt.time(21),
            "ends_at": dt.time(23, 30),
            "commander": danru,
        },
    )
    services.place_add(
        operation=operation,
        actor=kasi,
        name="Jl. Bouraq No. 12",
        latitude="-6.1702",
        longitude="106.6403",
    )
    services.team_add(
        operation=operation, actor=kasi, name="Regu 1", leader=danru, members=[danru, anggota]
    )
    services.partner_add(
        operation=operation,
        actor=kasi,
        agency="Polsek Cipondoh",
        contact="Iptu Hendra",
        personnel=6,
    )
    services.incident_add(
        operation=operation,
        actor=danru,
        at=dt.datetime(2026, 8, 5, 21, 10, tzinfo=WIB),
        text="Tiba di lokasi",
        now=dt.datetime(2026, 8, 5, 22, tzinfo=WIB),
    )
    assert _events(operation) == [
        "operation_opened",
        "operation_updated",
        "operation_place_added",
        "operation_team_added",
        "operation_partner_added",
        "operation_incident_added",
    ]
    operation.refresh_from_db()
    assert operation.commander == danru and operation.places.get().latitude == pytest.approx(
        -6.1702
    )


def test_a_team_takes_only_people_of_the_unit(desk, operation):
    with pytest.raises(Invalid) as err:
        services.team_add(
            operation=operation,
            actor=desk.who("kasi.cpd"),
            name="Regu 1",
            leader=None,
            members=[desk.who("kasi.krw")],
        )
    assert err.value.field == "members"


def test_the_readiness_list_is_the_sops_equipment_and_the_field_steps_kelengkapan(desk, operation):
    spec = services.case_services.case_spec(operation.case)
    items = [item for item, _source in services.readiness_items(spec)]
    assert items == ["Surat Perintah", "Seragam", "Alat peneritiban", "Kendaraan", "Perlengkapan"]
    check = services.readiness_check(
        operation=operation,
        actor=desk.who("danru.cpd"),
        item="Kendaraan",
        ready=False,
        note="Satu mobil di bengkel",
    )
    assert (check.ready, check.checked_by) == (False, desk.who("danru.cpd"))
    with pytest.raises(Invalid) as err:
        services.readiness_check(
            operation=operation, actor=desk.who("danru.cpd"), item="Helikopter", ready=True
        )
    assert err.value.field == "item"


def test_the_incident_log_is_append_only_and_a_correction_names_the_line(desk, operation):
    danru = desk.who("danru.cpd")
    now = dt.datetime(2026, 8, 5, 23, tzinfo=WIB)
    wrong = services.incident_add(
        operation=operation,
        actor=danru,
        at=dt.datetime(2026, 8, 5, 21, 30, tzinfo=WIB),
        text="Lima orang didata",
        now=now,
    )
    fixed = services.incident_add(
        operation=operation,
        actor=danru,
        at=dt.datetime(2026, 8, 5, 21, 30, tzinfo=WIB),
        text="Enam orang didata",
        corrects=wrong,
        now=now,
    )
    assert list(operation.incidents.values_list("text", flat=True)) == [
        "Lima orang didata",
        "Enam orang didata",
    ]
    assert fixed.corrects == wrong
    with pytest.raises(Invalid) as err:
        services.incident_add(
            operation=operation,
            actor=danru,
            at=dt.datetime(2026, 8, 6, 9, tzinfo=WIB),
            text="Besok",
            now=now,
        )
    assert err.value.field == "at"


def test_escalation_levels_are_for_demonstrations_only(desk, operation):
    with pytest.raises(Conflict):
        services.escalation_add(
            operation=operation,
            actor=desk.who("danru.cpd"),
            level="ricuh",
            at=dt.datetime(2026, 8, 3, 8, tzinfo=WIB),
        )


def test_a_result_names_a_violator_of_the_unit_and_an_action(desk, operation):
    v = _violator(operation, "Sdr. Anton")
    r = services.result_add(
        operation=operation,
        actor=desk.who("danru.cpd"),
        violator=v,
        action="pendataan",
        note="KTP dicatat",
    )
    assert r.get_action_display() == "Pendataan"
    with pytest.raises(Invalid) as err:
        services.result_add(
            operation=operation, actor=desk.who("danru.cpd"), violator=v, action="ditembak"
        )
    assert err.value.field == "action"


def test_seized_items_are_held_under_a_berita_acara_and_end_once(desk, operation):
    danru = desk.who("danru.cpd")
    owner = _violator(operation, "Sdr. Budi", address="Jl. Bouraq No. 12")
    items, ba = services.items_seize(
        operation=operation,
        actor=danru,
        owner=owner,
        storage="Gudang Kecamatan Cipondoh",
        perda="Perda Kota Tangerang Nomor 8 Tahun 2005 Pasal 2",
        items=[
            {"description": "kasur lipat", "quantity": 4, "measure": "buah"},
            {"description": "kotak minuman keras", "quantity": 2, "measure": "dus"},
        ],
        day=dt.date(2026, 8, 5),
    )
    assert ba.kind == "berita_acara" and ba.data["jenis"] == "penyitaan"
    assert ba.data["barang"] == ["4 buah kasur lipat", "2 dus kotak minuman keras"]
    assert ba.data["pelanggar_nama"] == "Sdr. Budi" and ba.case == operation.case
    assert all(i.seizure_letter == ba and i.state == ItemState.HELD for i in items)
    back = services.items_return(
        operation=operation,
        actor=danru,
        items=items[:1],
        returned_to="Sdr. Budi",
        on=dt.date(2026, 8, 12),
    )
    assert back.data["jenis"] == "pengembalian" and "pengembalian barang" in back.body
    with pytest.raises(Conflict):
        services.items_destroy(
            operation=operation,
            actor=danru,
            items=items[:1],
            how="dibakar",
            on=dt.date(2026, 8, 13),
        )
    gone = services.items_destroy(
        operation=operation, actor=danru, items=items[1:], how="dibakar", on=dt.date(2026, 8, 13)
    )
    assert gone.data["jenis"] == "pemusnahan"
    states = dict(operation.items.values_list("description", "state"))
    assert states == {"kasur lipat": "dikembalikan", "kotak minuman keras": "dimusnahkan"}
    assert Letter.objects.filter(case=operation.case, kind="berita_acara").count() == 3


def test_a_seizure_without_a_quantity_names_the_field(desk, operation):
    with pytest.raises(Invalid) as err:
        services.items_seize(
            operation=operation,
            actor=desk.who("danru.cpd"),
            storage="Gudang",
            perda="",
            items=[{"description": "kasur", "quantity": 0, "measure": "buah"}],
        )
    assert err.value.field == "items-0-quantity"
