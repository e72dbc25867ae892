"""The pages: the file, the list and the barang bukti register read through the user's units
(another unit's file is a 404, never a 403); only the unit's officers change a file; a bad
input is answered in Indonesian beside its form, never with a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from trantib.core.search import search_run
from trantib.enforcement.services import violator_create
from trantib.operations import services
from trantib.operations.models import Operation

pytestmark = pytest.mark.django_db
PPL_START = {
    "sumber": "Lurah Poris Plawad",
    "lokasi": {"address": "Jl. Bouraq No. 30, Poris Plawad"},
    "uraian": "Warung diduga tempat prostitusi",
}


@pytest.fixture
def filled(desk, operation) -> Operation:
    danru = desk.who("danru.cpd")
    services.place_add(operation=operation, actor=danru, name="Rumah kos Jl. Bouraq")
    owner = violator_create(unit=operation.unit, actor=danru, kind="orang", name="Sri Wahyuni")
    services.items_seize(
        operation=operation,
        actor=danru,
        owner=owner,
        storage="Gudang Kecamatan",
        perda="",
        items=[{"description": "kasur lipat", "quantity": 4, "measure": "buah"}],
    )
    return operation


def test_an_officer_of_the_unit_sees_the_file_with_its_forms(client, demo_org, filled):
    client.force_login(demo_org.user("danru.cpd"))
    page = client.get(reverse("operations:file", args=[filled.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Rumah kos Jl. Bouraq" in html and "4 buah" in html
    assert "Catat kejadian" in html and "Pemeriksaan kesiapan" in html
    assert "Massa unjuk rasa" not in html  # PPL is no demonstration


def test_another_units_file_is_not_found_and_cannot_be_changed(client, demo_org, filled):
    client.force_login(demo_org.user("kasi.krw"))
    assert client.get(reverse("operations:file", args=[filled.pk])).status_code == 404
    post = client.post(reverse("operations:change", args=[filled.pk, "place"]), {"name": "X"})
    assert post.status_code == 404
    assert "Rumah kos" not in client.get(reverse("operations:list")).content.decode()
    assert "kasur lipat" not in client.get(reverse("operations:items")).content.decode()
    assert filled.places.count() == 1


def test_someone_who_reads_the_file_but_is_no_officer_of_the_unit_cannot_change_it(desk, filled):
    # The Kasat of Satpol PP Kota Tangerang holds no position in the kecamatan.
    with pytest.raises(services.NotAllowed):
        services.partner_add(operation=filled, actor=desk.who("kasat.pptng"), agency="Polsek")


def test_a_bad_time_is_refused_in_indonesian_beside_its_form(client, demo_org, filled):
    client.force_login(demo_org.user("danru.cpd"))
    page = client.post(
        reverse("operations:change", args=[filled.pk, "incident"]),
        {"at": "kemarin sore", "text": "Tiba di lokasi"},
    )
    assert page.status_code == 422
    html = page.content.decode()
    assert 'class="op-error" role="alert">“kemarin sore”' in html
    assert 'value="kemarin sore"' in html and ">Tiba di lokasi</textarea>" in html  # kept
    assert not filled.incidents.exists()


def test_an_incident_posted_from_the_phone_form_is_logged(client, demo_org, filled):
    client.force_login(demo_org.user("danru.cpd"))
    now = filled.unit.today()
    page = client.post(
        reverse("operations:change", args=[filled.pk, "incident"]),
        {"at": f"{now.isoformat()} 00:01", "text": "Apel persiapan"},
    )
    assert page.status_code == 302
    assert filled.incidents.get().text == "Apel persiapan"


def test_the_case_page_links_to_the_file(client, demo_org, filled):
    client.force_login(demo_org.user("kasi.cpd"))
    page = client.get(reverse("cases:detail", args=[filled.case_id]))
    assert reverse("operations:file", args=[filled.pk]) in page.content.decode()


def test_the_register_shows_the_units_items_and_their_berita_acara(client, demo_org, filled):
    client.force_login(demo_org.user("camat.cpd"))
    html = client.get(reverse("operations:items")).content.decode()
    assert "kasur lipat" in html and "Sri Wahyuni" in html and "Disimpan" in html


def test_the_register_lists_the_items_of_the_operations_named_in_the_address(
    client, desk, demo_org, filled
):
    second = services.operation_open(
        case=desk.start("PPL", "CPD", "kasi.cpd", "Warung remang-remang", data=dict(PPL_START)),
        actor=desk.who("kasi.cpd"),
        now=desk.now,
    )
    services.items_seize(
        operation=second,
        actor=desk.who("danru.cpd"),
        owner=None,
        storage="Gudang Kecamatan",
        perda="",
        items=[{"description": "pengeras suara", "quantity": 1, "measure": "unit"}],
    )
    client.force_login(demo_org.user("camat.cpd"))

    def listed(**params: str) -> set[str]:
        html = client.get(reverse("operations:items"), params).content.decode()
        return {n for n in ("kasur lipat", "pengeras suara") if n in html}

    assert listed() == {"kasur lipat", "pengeras suara"}
    assert listed(operasi=str(filled.pk)) == {"kasur lipat"}
    assert listed(operasi=f"{filled.pk},{second.pk}") == {"kasur lipat", "pengeras suara"}
    html = client.get(reverse("operations:items"), {"operasi": str(second.pk)}).content.decode()
    assert "dari 1 operasi yang dipilih" in html and f'value="{second.pk}"' in html
    # Anything that is not a list of ids lists nothing rather than every item; never a 500.
    for bad in ("x", "1,,2", "0", "99999999999999999999", "-1", ",".join(["1"] * 501), "1\x00"):
        assert listed(operasi=bad) == set(), bad
    # Another unit's operation named in the address shows nothing of it.
    client.force_login(demo_org.user("kasi.krw"))
    assert listed(operasi=str(filled.pk)) == set()


def test_search_finds_an_operation_place_within_the_users_units_only(demo_org, filled):
    found = dict(search_run(demo_org.user("kasi.cpd"), "Bouraq"))
    assert any(h.title == "Rumah kos Jl. Bouraq" for hits in found.values() for h in hits)
    elsewhere = search_run(demo_org.user("kasi.krw"), "Bouraq")
    assert not any(h.title == "Rumah kos Jl. Bouraq" for _p, hits in elsewhere for h in hits)


def test_a_demonstration_file_records_the_crowd_and_its_escalation(desk):
    case = desk.start(
        "PUR",
        "KRW",
        "camat.krw",
        "Unjuk rasa warga",
        data={
            "waktu_unjuk_rasa": "2026-08-03T10:00",
            "lokasi": {"address": "Depan kantor"},
            "hasil_koordinasi": "Polsek siaga",
            "perintah": "Amankan",
        },
    )
    camat = desk.who("camat.krw")
    op = services.operation_open(case=case, actor=camat, now=desk.now)
    services.operation_update(
        operation=op,
        actor=camat,
        now=desk.now,
        changes={
            "crowd_group": "Paguyuban PKL",
            "crowd_estimate": 150,
            "demands": "Relokasi pasar ditunda",
        },
    )
    for level, hour in (("tertib", 10), ("memanas", 11), ("kondusif", 12)):
        services.escalation_add(
            operation=op,
            actor=camat,
            level=level,
            at=dt.datetime(2026, 8, 3, hour, tzinfo=desk.now.tzinfo),
            now=dt.datetime(2026, 8, 3, 13, tzinfo=desk.now.tzinfo),
        )
    assert list(op.escalations.values_list("level", flat=True)) == ["tertib", "memanas", "kondusif"]
    op.refresh_from_db()
    assert (op.crowd_group, op.crowd_estimate) == ("Paguyuban PKL", 150)


def test_a_result_with_a_new_violator_goes_through_the_picker(client, demo_org, filled):
    client.force_login(demo_org.user("danru.cpd"))
    url = reverse("operations:change", args=[filled.pk, "result"])
    bad = client.post(
        url,
        {
            "pelanggar-kind": "orang",
            "pelanggar-name": "Rina",
            "pelanggar-nik": "123",
            "action": "pendataan",
        },
    )
    assert bad.status_code == 422 and not filled.results.exists()
    assert 'id="pelanggar-nik-error" role="alert"' in bad.content.decode()  # beside the NIK
    good = client.post(
        url,
        {
            "pelanggar-kind": "orang",
            "pelanggar-name": "Rina Marlina",
            "pelanggar-desa": "Cipondoh Indah",
            "action": "pendataan",
            "note": "KTP dicatat",
        },
    )
    assert good.status_code == 302, good.content.decode()[:500]
    result = filled.results.get()
    assert (result.violator.name, result.action) == ("Rina Marlina", "pendataan")


def test_a_failed_seizure_keeps_what_was_typed(client, demo_org, filled):
    client.force_login(demo_org.user("danru.cpd"))
    page = client.post(
        reverse("operations:seize", args=[filled.pk]),
        {
            "items-0-description": "gerobak",
            "items-0-quantity": "nol",
            "items-0-measure": "unit",
            "storage": "Gudang",
        },
    )
    html = page.content.decode()
    assert page.status_code == 422 and 'value="gerobak"' in html and 'value="nol"' in html
