"""The operations list's and the barang bukti register's XLSX: every row the page's filter
selects (the pages show only the newest), title rows, real date cells, text that stays text,
nothing of another unit, the bound on rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from trantib.core.tests.xlsx_support import (
    xlsx_cell,
    xlsx_column,
    xlsx_rows,
    xlsx_sheet,
    xlsx_title,
)
from trantib.enforcement.services import violator_create
from trantib.operations import services
from trantib.operations.models import Operation, SeizedItem

pytestmark = pytest.mark.django_db

DATA = {
    "sumber": "Lurah Poris Plawad",
    "lokasi": {"address": "Jl. Bouraq No. 12, Poris Plawad"},
    "uraian": "Rumah kos diduga dipakai untuk praktik prostitusi",
}


def client_for(demo_org, login: str) -> Client:
    client = Client()
    client.force_login(demo_org.user(login))
    return client


@pytest.fixture
def ops(desk, operation) -> dict[str, Operation]:
    """Cipondoh: the Jl. Bouraq operation (held on 5 August at a named place) and one whose
    subject looks like a formula; Karawaci: a demonstration."""
    kasi = desk.who("kasi.cpd")
    services.operation_update(
        operation=operation, actor=kasi, now=desk.now, changes={"day": dt.date(2026, 8, 5)}
    )
    services.place_add(operation=operation, actor=kasi, name="Rumah kos Jl. Bouraq")
    formula = desk.start("PPL", "CPD", "kasi.cpd", "=SUM(A1:A9) warung remang", data=DATA)
    other = desk.start(
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
    return {
        "bouraq": operation,
        "formula": services.operation_open(case=formula, actor=kasi, now=desk.now),
        "karawaci": services.operation_open(case=other, actor=desk.who("camat.krw"), now=desk.now),
    }


def test_the_operations_xlsx_holds_the_filtered_operations(demo_org, ops):
    client = client_for(demo_org, "kasi.cpd")
    sheet = xlsx_sheet(client.get(reverse("operations:list_xlsx"), {"q": "Bouraq"}))
    title, unit, period = xlsx_title(sheet)
    assert (title, unit) == ("Daftar operasi", "Kecamatan Cipondoh")
    assert period.startswith("Cari: “Bouraq” · diunduh ")
    assert xlsx_column(sheet, "Nomor kasus") == [ops["bouraq"].case.number]
    assert xlsx_column(sheet, "Tempat") == ["Rumah kos Jl. Bouraq"]
    day = xlsx_cell(sheet, 0, "Tanggal operasi")
    assert day.is_date and day.value == dt.datetime(2026, 8, 5)
    every = xlsx_sheet(client.get(reverse("operations:list_xlsx")))
    numbers = xlsx_column(every, "Nomor kasus")
    assert sorted(numbers) == sorted([ops["bouraq"].case.number, ops["formula"].case.number])
    subject = xlsx_cell(every, numbers.index(ops["formula"].case.number), "Perihal")
    assert subject.value == "=SUM(A1:A9) warung remang" and subject.data_type == "s"


def test_another_kecamatan_exports_only_its_own_operations(demo_org, ops):
    sheet = xlsx_sheet(client_for(demo_org, "kasi.krw").get(reverse("operations:list_xlsx")))
    assert xlsx_column(sheet, "Nomor kasus") == [ops["karawaci"].case.number]


def test_the_list_links_its_xlsx_and_a_long_list_is_refused(demo_org, ops, settings):
    client = client_for(demo_org, "kasi.cpd")
    html = client.get(reverse("operations:list"), {"q": "Bouraq"}).content.decode()
    assert f'href="{reverse("operations:list_xlsx")}?q=Bouraq"' in html
    settings.TRANTIB_EXPORT_MAX_ROWS = 1
    refused = client.get(reverse("operations:list_xlsx"))
    assert refused.status_code == 302 and refused["Location"] == reverse("operations:list")
    assert "Daftar ini berisi 2 baris" in client.get(refused["Location"]).content.decode()


@pytest.fixture
def items(desk, operation) -> list[SeizedItem]:
    """Two items seized in the Cipondoh operation; the mattresses returned on 10 August."""
    danru = desk.who("danru.cpd")
    owner = violator_create(unit=operation.unit, actor=danru, kind="orang", name="Sri Wahyuni")
    seized, _letter = services.items_seize(
        operation=operation,
        actor=danru,
        owner=owner,
        storage="Gudang Kecamatan",
        perda="",
        items=[
            {"description": "kasur lipat", "quantity": 4, "measure": "buah"},
            {"description": "=pengeras suara", "quantity": 1, "measure": "unit"},
        ],
        now=desk.now,
    )
    services.items_return(
        operation=operation,
        actor=danru,
        items=[seized[0]],
        returned_to="Sri Wahyuni",
        on=dt.date(2026, 8, 10),
        now=desk.now,
    )
    return seized


def test_the_items_xlsx_holds_the_register_filtered_by_state(demo_org, items):
    client = client_for(demo_org, "camat.cpd")
    sheet = xlsx_sheet(client.get(reverse("operations:items_xlsx"), {"status": "dikembalikan"}))
    title, _unit, period = xlsx_title(sheet)
    assert title == "Register barang bukti"
    assert period.startswith("Status: Dikembalikan · diunduh ")
    assert xlsx_rows(sheet)[0][:4] == ["kasur lipat", 4, "buah", "Sri Wahyuni"]
    assert len(xlsx_rows(sheet)) == 1
    ended = xlsx_cell(sheet, 0, "Tanggal pengembalian/pemusnahan")
    assert ended.is_date and ended.value == dt.datetime(2026, 8, 10)
    assert xlsx_cell(sheet, 0, "Dicatat").is_date
    every = xlsx_sheet(client.get(reverse("operations:items_xlsx")))
    assert sorted(xlsx_column(every, "Uraian barang")) == ["=pengeras suara", "kasur lipat"]
    index = xlsx_column(every, "Uraian barang").index("=pengeras suara")
    assert xlsx_cell(every, index, "Uraian barang").data_type == "s"


def test_another_kecamatan_exports_none_of_the_items(demo_org, items):
    client = client_for(demo_org, "kasi.krw")
    assert xlsx_rows(xlsx_sheet(client.get(reverse("operations:items_xlsx")))) == []
    html = client_for(demo_org, "camat.cpd").get(reverse("operations:items")).content.decode()
    assert f'href="{reverse("operations:items_xlsx")}"' in html
