"""Rekap Operasi against a month whose answer is known by construction.

October 2026 of Kecamatan Cipondoh, every file kept through the operations services:

- O1 (PPL) held 1 October at two places; two teams (Dedi leads Rizky, Iqbal leads Iqbal and
  Rizky) under the field commander Agus: 4 people; Polsek 6 and Koramil 4 (10); two persons
  dealt with (pembinaan, panti sosial); two items seized;
- O2 (PUR) held 31 October: the commander Dedi alone on its team (1); Polres 35; a crowd of
  180, tertib then kondusif kembali; nobody dealt with, nothing seized;
- O5 (PPL) whose file has no day, its case opened 31 October 23.59 WIB: placed on 31 October
  and marked; one person recorded (pendataan), one item seized;
- outside October: O3 held 1 November, O4 held 30 September, O6 without a day opened
  1 November 00.00 WIB;
- O8: Karawaci's operation of 10 October (the sibling's), its commander alone.

By hand: 3 operations; personnel 4 + 1 + 0 = 5; partners 10 + 35 = 45; dealt with 2 + 0 + 1 =
3; items 2 + 0 + 1 = 3; per SOP PPL 2, PUR 1. The city: 4 operations, 6 personnel.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from trantib.enforcement.models import Violator
from trantib.letters.tests.sop_desk import Desk
from trantib.operations import services
from trantib.operations.models import Operation
from trantib.reports.figures import Figure, drill_cases
from trantib.reports.periods import period_parse
from trantib.reports.printing import report_signer
from trantib.reports.recaps.operations import operation_recap
from trantib.reports.scope import scope_for

from . import recaps_support as support
from .recaps_support import WIB

pytestmark = pytest.mark.django_db
OCTOBER = period_parse("2026-10")
PPL = {
    "sumber": "Lurah Poris Plawad",
    "lokasi": {"address": "Jl. Bouraq No. 12, Poris Plawad"},
    "uraian": "Rumah kos diduga dipakai untuk praktik prostitusi",
}
PUR = {
    "waktu_unjuk_rasa": "2026-10-31T10:00",
    "lokasi": {"address": "Depan kantor kecamatan"},
    "hasil_koordinasi": "Polsek siaga",
    "perintah": "Amankan",
}
# (personnel, partners, dealt with, items) per row; the totals; the city's.
O1, O2, O5 = [4, 10, 2, 2], [1, 35, 0, 0], [0, 0, 1, 1]
TOTAL = [3, 5, 45, 3, 3]
KARAWACI = [1, 1, 0, 0, 0]
CITY = [4, 6, 45, 3, 3]


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=WIB)


def _operation(demo_org, sop: str, when: dt.datetime, *, day=None, unit="CPD", login="kasi.cpd"):
    desk = Desk(demo_org, when)
    case = desk.start(
        sop, unit, login, f"Operasi {sop} {when:%d/%m %H.%M}", data=PPL if sop == "PPL" else PUR
    )
    op = services.operation_open(case=case, actor=desk.who(login), now=desk.now)
    if day is not None:
        services.operation_update(
            operation=op, actor=desk.who(login), changes={"day": day}, now=desk.now
        )
    return desk, op


def _violator(demo_org, name: str) -> Violator:
    return Violator.objects.create(
        unit=demo_org.unit("CPD"), kind="orang", name=name, created_at=at(1, 5)
    )


@pytest.fixture
def october(demo_org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    person = demo_org.person
    kasi, danru, rizky, iqbal = (
        person(p) for p in ("kasi.cpd", "danru.cpd", "anggota1.cpd", "anggota2.cpd")
    )
    desk, o1 = _operation(demo_org, "PPL", at(9, 25), day=dt.date(2026, 10, 1))
    services.operation_update(operation=o1, actor=kasi, changes={"commander": kasi}, now=desk.now)
    for place in ("Rumah kos Jl. Bouraq", "Warung Jl. Cipondoh Raya"):
        services.place_add(operation=o1, actor=kasi, name=place, now=desk.now)
    services.team_add(
        operation=o1, actor=kasi, name="Regu 1", leader=danru, members=[rizky], now=desk.now
    )
    services.team_add(
        operation=o1, actor=kasi, name="Regu 2", leader=iqbal, members=[iqbal, rizky], now=desk.now
    )
    for agency, n in (("Polsek Cipondoh", 6), ("Koramil Cipondoh", 4)):
        services.partner_add(operation=o1, actor=kasi, agency=agency, personnel=n, now=desk.now)
    for name, action in (("Sri", "pembinaan"), ("Tuti", "panti")):
        services.result_add(
            operation=o1, actor=danru, violator=_violator(demo_org, name), action=action
        )
    services.items_seize(
        operation=o1,
        actor=danru,
        storage="Gudang Kecamatan",
        perda="",
        items=[
            {"description": "kasur lipat", "quantity": 4, "measure": "buah"},
            {"description": "telepon genggam", "quantity": 1, "measure": "unit"},
        ],
        now=at(10, 1, 23),
    )

    desk, o2 = _operation(demo_org, "PUR", at(10, 30), day=dt.date(2026, 10, 31), login="camat.cpd")
    camat = person("camat.cpd")
    services.operation_update(
        operation=o2,
        actor=camat,
        changes={"commander": danru, "crowd_group": "Paguyuban PKL", "crowd_estimate": 180},
        now=desk.now,
    )
    services.team_add(operation=o2, actor=camat, name="Pengamanan", leader=danru, members=[danru])
    services.partner_add(operation=o2, actor=camat, agency="Polres Metro", personnel=35)
    for level, hour in (("tertib", 10), ("kondusif", 12)):
        services.escalation_add(
            operation=o2, actor=camat, level=level, at=at(10, 31, hour), now=at(10, 31, 13)
        )

    for sop, when, day in (
        ("PPL", at(10, 20), dt.date(2026, 11, 1)),  # O3: held in November
        ("PPL", at(9, 20), dt.date(2026, 9, 30)),  # O4: held in September
    ):
        _operation(demo_org, sop, when, day=day)
    desk, o5 = _operation(demo_org, "PPL", at(10, 31, 23, 59))  # no day: its case's 31 October
    services.result_add(
        operation=o5, actor=danru, violator=_violator(demo_org, "Umar"), action="pendataan"
    )
    services.items_seize(
        operation=o5,
        actor=danru,
        storage="Gudang Kecamatan",
        perda="",
        items=[{"description": "pengeras suara", "quantity": 1, "measure": "unit"}],
        now=at(11, 1, 1),
    )
    _operation(demo_org, "PPL", at(11, 1, 0, 0))  # O6: no day, opened 1 November 00.00
    _d, o8 = _operation(
        demo_org, "PPL", at(10, 5), day=dt.date(2026, 10, 10), unit="KRW", login="kasi.krw"
    )
    krw = person("kasi.krw")
    services.operation_update(operation=o8, actor=krw, changes={"commander": krw})
    return {"o1": o1, "o2": o2, "o5": o5}


def _client(demo_org, login: str) -> Client:
    client = Client()
    client.force_login(demo_org.user(login))
    return client


def _figures(row) -> list:
    return [c.value for c in row if isinstance(c, Figure)]


def test_each_operation_and_the_totals_are_the_known_answer(demo_org, october):
    recap = operation_recap(scope_for(demo_org.user("camat.cpd"), "CPD"), OCTOBER)
    table = recap.tables[0]
    assert [row[0].day for row in table.rows] == [
        dt.date(2026, 10, 1),
        dt.date(2026, 10, 31),
        dt.date(2026, 10, 31),
    ]
    numbers = [row[1].text for row in table.rows]
    assert numbers == [october[k].case.number for k in ("o1", "o2", "o5")]
    assert [_figures(row) for row in table.rows] == [O1, O2, O5]
    first, second, third = table.rows
    assert first[3] == "Rumah kos Jl. Bouraq, Warung Jl. Cipondoh Raya"
    assert first[8] == "Pembinaan 1; Dibawa ke panti sosial 1; kasus berjalan"
    assert second[8] == "massa ±180; akhir: Kondusif kembali; kasus berjalan"
    assert third[0].text == "Sabtu, 31 Oktober 2026*" and third[3] == "—"
    assert third[8].startswith("tanggal operasi belum dicatat; Pendataan 1")
    assert "belum dicatat" in table.note
    assert _figures(table.total) == TOTAL
    kinds = {row[0]: row[1].value for row in recap.tables[1].rows}
    names = {k: october[k].case.sop_version.name for k in ("o1", "o2")}
    assert kinds == {f"PPL — {names['o1']}": 2, f"PUR — {names['o2']}": 1}


def test_each_figure_opens_its_rows(demo_org, october):
    camat = demo_org.user("camat.cpd")
    scope = scope_for(camat, "CPD")
    recap = operation_recap(scope, OCTOBER)
    client = _client(demo_org, "camat.cpd")
    count = recap.tables[0].total[1]
    found = drill_cases(camat, "recap_operations", "operasi", scope, OCTOBER)
    assert count.value == found.count() == 3
    assert set(found.values_list("pk", flat=True)) == {october[k].case_id for k in october}
    ppl = recap.tables[1].rows[0][1]
    params = {k: v for k, v in parse_qsl(urlsplit(ppl.href).query) if k == "sop"}
    assert drill_cases(camat, "recap_operations", "operasi", scope, OCTOBER, params).count() == 2
    assert (
        drill_cases(camat, "recap_operations", "operasi", scope, OCTOBER, {"sop": "X"}).count() == 0
    )
    page = client.get(count.href).content.decode()
    assert "3 kasus" in page
    o1 = recap.tables[0].rows[0]
    file = reverse("operations:file", args=[october["o1"].pk])
    assert o1[0].href == file and o1[4].href == f"{file}#team" and o1[6].href == f"{file}#result"
    assert client.get(o1[0].href).status_code == 200
    listed = client.get(o1[7].href).content.decode()  # O1's items only
    assert "kasur lipat" in listed and "telepon genggam" in listed
    assert "pengeras suara" not in listed
    every = client.get(recap.tables[0].total[7].href).content.decode()  # the month's items
    assert all(n in every for n in ("kasur lipat", "telepon genggam", "pengeras suara"))


def test_the_xlsx_and_the_pdf_hold_the_pages_figures(demo_org, october):
    client = _client(demo_org, "camat.cpd")
    url = reverse("reports:recap_operations")
    base = {"unit": "CPD", "periode": "2026-10"}
    xlsx = client.get(url, {**base, "format": "xlsx"})
    rows = support.sheet_rows(xlsx.content, "Operasi yang dilaksanakan")
    assert [r[0].date() for r in rows[:-1]] == [
        dt.date(2026, 10, 1),
        dt.date(2026, 10, 31),
        dt.date(2026, 10, 31),
    ]
    assert [r[4:8] for r in rows[:-1]] == [O1, O2, O5]
    assert rows[-1][:8] == ["Jumlah", 3, None, None, 5, 45, 3, 3]
    assert support.sheet_cell(xlsx.content, "Operasi yang dilaksanakan", 1, 1).is_date
    assert support.title_rows(xlsx.content, "Operasi yang dilaksanakan") == [
        "Rekap Operasi",
        demo_org.unit("CPD").name,
        "Oktober 2026",
    ]
    pdf = client.get(url, {**base, "format": "pdf"})
    text = support.pdf_text(pdf.content)
    assert october["o1"].case.number in text and "Kamis, 1 Oktober 2026" in text
    assert "Sabtu, 31 Oktober 2026*" in text
    assert "Jumlah 3 5 45 3 3" in text
    assert report_signer(demo_org.unit("CPD")).name in text


def test_the_city_sums_its_units_and_shows_each_one(demo_org, october):
    recap = operation_recap(scope_for(demo_org.user("sekda.tng"), "PEMKOT-TNG"), OCTOBER)
    assert len(recap.tables[0].rows) == 4
    assert {row[1] for row in recap.tables[0].rows} == {"CPD", "KRW"}  # the unit column
    assert _figures(recap.tables[0].total) == CITY
    per_unit = {row[0].text: _figures(row) for row in recap.tables[-1].rows}
    assert per_unit == {
        demo_org.unit("CPD").name: TOTAL,
        demo_org.unit("KRW").name: KARAWACI,
        demo_org.unit("PPTNG").name: [0, 0, 0, 0, 0],
    }
    assert _figures(recap.tables[-1].total) == CITY
    own = operation_recap(scope_for(demo_org.user("camat.cpd"), "CPD"), OCTOBER)
    assert all(row[1].text != "" and "KRW" not in row[1].text for row in own.tables[0].rows)
    assert Operation.objects.filter(unit__code="KRW").count() == 1


def test_a_sibling_or_an_outsider_gets_a_404_and_a_bad_period_a_message(demo_org, outsider):
    url = reverse("reports:recap_operations")
    client = Client()
    client.force_login(outsider)
    assert client.get(url, {"unit": "CPD"}).status_code == 404
    assert _client(demo_org, "camat.cpd").get(url, {"unit": "KRW"}).status_code == 404
    page = _client(demo_org, "camat.cpd").get(url, {"periode": "2026-1x"})
    assert page.status_code == 200 and "tidak dapat dibaca" in page.content.decode()
    empty = _client(demo_org, "camat.cpd").get(url, {"unit": "CPD", "periode": "2020-01"})
    assert "Tidak ada operasi pada bulan ini." in empty.content.decode()


def test_the_page_reads_in_a_fixed_number_of_queries_whatever_the_scope(demo_org, october):
    """Measured 15 with the navigation; the city (more units and rows) reads no more
    than its unit (the navigation may differ by a query or two between readers)."""
    counts = []
    for unit, who in (("CPD", "camat.cpd"), ("PEMKOT-TNG", "sekda.tng")):
        client = _client(demo_org, who)
        client.get(
            reverse("reports:recap_operations"), {"unit": unit, "periode": "2026-10"}
        )  # warm
        with CaptureQueriesContext(connection) as read:
            page = client.get(
                reverse("reports:recap_operations"), {"unit": unit, "periode": "2026-10"}
            )
        assert page.status_code == 200
        counts.append(len(read.captured_queries))
    assert counts[1] <= counts[0] + 2 and max(counts) <= 19, counts
