"""Rekap Penegakan Perda against a month whose answer is known by construction.

October 2026 of Satpol PP Kota Tangerang, every enforcement walked through the enforcement,
letters and cases services (Perda 8/2018 on the national 15/7/3/3 ladder, Perda 3/2020):

- E1 (Pasal 12 ayat (1) and Pasal 14) found 1 October 00.00 WIB; its Surat Pernyataan signed
  1 October; not complied, Surat Teguran I signed 16 October; found complying 20 October
  (after Teguran I); sealed (penyegelan) 10 October; a hearing on 2 November (not October's);
- E2 (Pasal 14) found 30 September 23.59 WIB (September's finding); its Surat Pernyataan
  signed 1 October; found complying 3 October (after the Surat Pernyataan); a sanction on
  30 September (not October's);
- E3 (Pasal 12 ayat (1)) found 1 September; Surat Pernyataan, Teguran I and II in September;
  Teguran III signed 2 October; the Surat Perintah Penertiban and the penertiban in October
  (ditertibkan); pembongkaran 6 and denda 7 October; a tipiring hearing 20 October;
- E4 (Pasal 9 Perda 3/2020) found 31 October 23.59 WIB; E5 (Pasal 9) 1 November 00.00;
- E6: Karawaci's finding of 10 October (the sibling's).

By hand, per article (found; Pernyataan, T-I, T-II, T-III, SP; complied after Pernyataan,
T-I, T-II, T-III; ditertibkan; sanctions; tipiring):
Pasal 9: 1; 0 0 0 0 0; 0 0 0 0; 0; 0; 0
Pasal 12 ayat (1): 1; 1 1 0 1 1; 0 1 0 0; 1; 2; 1
Pasal 14: 1; 2 1 0 0 0; 1 1 0 0; 0; 1; 0
the month (each enforcement once): 2; 2 1 0 1 1; 1 1 0 0; 1; 2; 1. The city: 3 found.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from trantib.enforcement.models import Enforcement
from trantib.enforcement.services import (
    article_save,
    compliance_check_record,
    court_record,
    finding_open,
    perda_create,
    sanction_record,
)
from trantib.enforcement.tests import ladder_support as ladder
from trantib.letters.tests.sop_desk import Desk
from trantib.reports.figures import Figure, drill_cases
from trantib.reports.periods import period_parse
from trantib.reports.printing import report_signer
from trantib.reports.recaps.enforcement import COLUMNS, enforcement_recap
from trantib.reports.scope import scope_for

from . import recaps_support as support
from .recaps_support import WIB

pytestmark = pytest.mark.django_db
OCTOBER = period_parse("2026-10")
PASAL_9 = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
PASAL_12 = [1, 1, 1, 0, 1, 1, 0, 1, 0, 0, 1, 2, 1]
PASAL_14 = [1, 2, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0]
MONTH = [2, 2, 1, 0, 1, 1, 1, 1, 0, 0, 1, 2, 1]
KARAWACI = [1] + [0] * 12
CITY = [3, *MONTH[1:]]


NAMES = ("Satu", "Dua", "Tiga", "Empat", "Lima", "Enam", "Tujuh")


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=WIB)


def _found(demo_org, desk: Desk, name: str, articles, when: dt.datetime, unit="PPTNG"):
    nik = f"36710101018001{NAMES.index(name):02d}"
    violator = support.violator(demo_org, unit, name, nik)
    return finding_open(
        unit=demo_org.unit(unit),
        actor=desk.who("petugas1.pptng" if unit == "PPTNG" else "danru.krw"),
        violator=violator,
        articles=articles,
        place="Jl. Sudirman",
        found_at=when,
        source="manual",
        now=max(desk.now, when + dt.timedelta(minutes=5)),
    )


def _statement(desk: Desk, case) -> None:
    letter = desk.draft(case, "beri_teguran", "kasat.pptng")
    desk.sign(desk.submit(letter, "kasat.pptng"), "kasat.pptng")
    desk.complete(case, "beri_teguran", "kasat.pptng")


def _not_complied(desk: Desk, enforcement: Enforcement, wait: str) -> None:
    desk.pass_wait(enforcement.case, wait)
    check = compliance_check_record(
        enforcement=enforcement,
        actor=desk.who("kasat.pptng"),
        complied=False,
        note="Masih melanggar",
        now=desk.now,
    )
    assert check.effect == "escalated"
    desk.tick()


def _teguran(desk: Desk, case, n: int) -> None:
    letter = desk.draft(case, f"teguran_{n}", "kasat.pptng")
    letter = desk.sign(desk.submit(letter, "kasat.pptng"), "kasat.pptng")
    desk.deliver(letter, "kasie.pptng", "Pelanggar", desk.now + dt.timedelta(hours=1))
    desk.complete(case, f"teguran_{n}", "kasat.pptng")


def _complied(desk: Desk, enforcement: Enforcement, when: dt.datetime) -> None:
    desk.at(when)
    check = compliance_check_record(
        enforcement=enforcement,
        actor=desk.who("kasat.pptng"),
        complied=True,
        note="Sudah tertib",
        now=desk.now,
    )
    assert check.effect == "decided"
    desk.tick()
    desk.complete(enforcement.case, "selesai_taat", "kasie.pptng")
    enforcement.refresh_from_db()
    assert enforcement.status == Enforcement.Status.COMPLIED


@pytest.fixture
def october(demo_org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    tibum, reklame = ladder.catalogue(demo_org, at(8, 1))
    p9 = ladder.article(reklame, "Pasal 9")
    p12 = ladder.article(tibum, "Pasal 12 ayat (1)")
    p14 = ladder.article(tibum, "Pasal 14")
    officer = demo_org.person("petugas1.pptng")

    # E3: the whole ladder, September into October, ends in the penertiban.
    desk = Desk(demo_org, at(9, 1))
    e3 = _found(demo_org, desk, "Tiga", [p12], at(9, 1, 8))
    _statement(desk, e3.case)
    _not_complied(desk, e3, "tunggu_pernyataan")
    _teguran(desk, e3.case, 1)
    _not_complied(desk, e3, "tunggu_1")
    _teguran(desk, e3.case, 2)
    _not_complied(desk, e3, "tunggu_2")
    assert desk.now < at(10, 1, 0)  # Teguran II and its wait are September's
    desk.at(at(10, 2))
    _teguran(desk, e3.case, 3)
    _not_complied(desk, e3, "tunggu_3")
    team = [desk.who(p).pk for p in ("petugas1.pptng", "petugas2.pptng")]
    order = desk.draft(e3.case, "perintah_penertiban", "kasat.pptng", {"data": {"personel": team}})
    desk.sign(desk.submit(order, "kasat.pptng"), "kasat.pptng")
    desk.complete(e3.case, "perintah_penertiban", "kasat.pptng")
    desk.complete(e3.case, "rencana_penertiban", "kabid.pptng", {"rencana": "Selasa 06.00"})
    desk.complete(e3.case, "siapkan_petugas", "kasie.pptng", {"personil": team})
    record = desk.draft(
        e3.case,
        "penertiban",
        "petugas2.pptng",
        {"data": {"tindakan": "Lapak dibongkar"}, "body": "Penertiban disaksikan pemilik."},
    )
    desk.sign(desk.submit(record, "petugas2.pptng"), "petugas2.pptng")
    desk.complete(
        e3.case, "penertiban", "petugas2.pptng", {"laporan": "Dibongkar"}, photo="dokumentasi"
    )
    e3.refresh_from_db()
    assert e3.status == Enforcement.Status.ENFORCED and e3.closed_at < at(11, 1, 0)
    for kind, day in (("pembongkaran", 6), ("denda", 7)):
        sanction_record(
            enforcement=e3, actor=officer, sanction=kind, applied_on=dt.date(2026, 10, day)
        )
    court_record(
        enforcement=e3,
        actor=officer,
        hearing_on=dt.date(2026, 10, 20),
        court="Pengadilan Negeri Tangerang",
        attendance="hadir",
        fine="500000",
    )

    # E2: September's finding, October's Surat Pernyataan, complies on 3 October.
    desk = Desk(demo_org, at(9, 30, 23, 59))
    e2 = _found(demo_org, desk, "Dua", [p14], at(9, 30, 23, 59))
    desk.at(at(10, 1, 8))
    _statement(desk, e2.case)
    _complied(desk, e2, at(10, 3, 10))
    sanction_record(
        enforcement=e2, actor=officer, sanction="penghentian", applied_on=dt.date(2026, 9, 30)
    )

    # E1: found at October's first minute, Teguran I, complies on 20 October.
    desk = Desk(demo_org, at(10, 1, 0))
    e1 = _found(demo_org, desk, "Satu", [p12, p14], at(10, 1, 0))
    desk.at(at(10, 1, 9))
    _statement(desk, e1.case)
    _not_complied(desk, e1, "tunggu_pernyataan")
    _teguran(desk, e1.case, 1)
    _complied(desk, e1, at(10, 20, 10))
    sanction_record(
        enforcement=e1, actor=officer, sanction="penyegelan", applied_on=dt.date(2026, 10, 10)
    )
    court_record(
        enforcement=e1,
        actor=officer,
        hearing_on=dt.date(2026, 11, 2),
        court="Pengadilan Negeri Tangerang",
        attendance="verstek",
    )

    # E4 and E5 on either side of the month's end; E6 in Karawaci.
    desk = Desk(demo_org, at(10, 31, 23, 59))
    _found(demo_org, desk, "Empat", [p9], at(10, 31, 23, 59))
    _found(demo_org, desk, "Lima", [p9], at(11, 1, 0, 0))
    support.ppw_in_karawaci(demo_org)
    krw_article = support.karawaci_catalogue(demo_org, at(8, 1))
    _found(demo_org, Desk(demo_org, at(10, 10)), "Enam", [krw_article], at(10, 10), unit="KRW")
    return {"e1": e1, "e2": e2, "e3": e3}


def _client(demo_org, login: str) -> Client:
    client = Client()
    client.force_login(demo_org.user(login))
    return client


def _values(row) -> list:
    return [c.value for c in row[1:]]


def _params(href: str) -> dict[str, str]:
    drop = {"laporan", "angka", "unit", "periode"}
    return {k: v for k, v in parse_qsl(urlsplit(href).query) if k not in drop}


def test_each_articles_figures_are_the_known_answer(demo_org, october):
    recap = enforcement_recap(scope_for(demo_org.user("kasat.pptng"), "PPTNG"), OCTOBER)
    table = recap.tables[0]
    rows = {row[0].text: _values(row) for row in table.rows}
    assert rows == {
        "Pasal 9 Perda 3/2020": PASAL_9,
        "Pasal 12 ayat (1) Perda 8/2018": PASAL_12,
        "Pasal 14 Perda 8/2018": PASAL_14,
    }
    assert table.rows[0][0].text == "Pasal 9 Perda 3/2020"  # the newest Perda first
    assert _values(table.total) == MONTH
    sanctions = {row[0]: row[1].value for row in recap.tables[1].rows}
    assert sanctions == {"Penyegelan": 1, "Pembongkaran": 1, "Denda administratif": 1}
    assert recap.tables[1].total[1].value == 2  # E3's two sanctions are one enforcement


def test_every_figure_equals_its_drill_and_the_drills_hold_the_right_cases(demo_org, october):
    kasat = demo_org.user("kasat.pptng")
    scope = scope_for(kasat, "PPTNG")
    recap = enforcement_recap(scope, OCTOBER)
    checked = 0
    for table in recap.tables:
        for row in [*table.rows, table.total]:
            for cell in row:
                if isinstance(cell, Figure) and cell.value:
                    figure = dict(parse_qsl(urlsplit(cell.href).query))["angka"]
                    found = drill_cases(
                        kasat, "recap_enforcement", figure, scope, OCTOBER, _params(cell.href)
                    )
                    assert found.count() == cell.value, (figure, cell.href)
                    checked += 1
    assert checked > 20
    e1, e2, e3 = (october[k].case_id for k in ("e1", "e2", "e3"))

    def cases(figure: str, **params: str) -> set[int]:
        found = drill_cases(kasat, "recap_enforcement", figure, scope, OCTOBER, params)
        return set(found.values_list("pk", flat=True))

    assert cases("taat_1") == {e1} and cases("taat_pernyataan") == {e2}
    assert cases("pernyataan") == {e1, e2} and cases("teguran_3") == {e3}
    assert cases("ditertibkan") == {e3} and cases("tipiring") == {e3}
    assert cases("sanksi") == {e1, e3} and cases("sanksi", jenis="denda") == {e3}
    pasal_14 = ladder.article(october["e2"].perda, "Pasal 14")
    assert cases("pernyataan", pasal=str(pasal_14.pk)) == {e1, e2}
    for bad in ({"pasal": "x"}, {"pasal": "99999999999999999999"}, {"jenis": "tembak"}):
        figure = "sanksi" if "jenis" in bad else "temuan"
        assert cases(figure, **bad) == set(), bad
    page = _client(demo_org, "kasat.pptng").get(
        reverse("reports:drill"),
        {"laporan": "recap_enforcement", "angka": "taat_1", "unit": "PPTNG", "periode": "2026-10"},
    )
    assert "1 kasus" in page.content.decode() and "Satu" in page.content.decode()


def test_the_xlsx_and_the_pdf_hold_the_pages_figures(demo_org, october):
    client = _client(demo_org, "kasat.pptng")
    url = reverse("reports:recap_enforcement")
    base = {"unit": "PPTNG", "periode": "2026-10"}
    xlsx = client.get(url, {**base, "format": "xlsx"})
    assert xlsx.status_code == 200
    rows = support.sheet_rows(xlsx.content, "Per pasal Perda")
    assert rows == [
        ["Pasal 9 Perda 3/2020", *PASAL_9],
        ["Pasal 12 ayat (1) Perda 8/2018", *PASAL_12],
        ["Pasal 14 Perda 8/2018", *PASAL_14],
        ["Jumlah", *MONTH],
    ]
    header = support.sheet_cell(xlsx.content, "Per pasal Perda", 0, 4).value
    assert header == "Surat diterbitkan: Teguran I"
    assert support.title_rows(xlsx.content, "Per pasal Perda") == [
        "Rekap Penegakan Perda",
        demo_org.unit("PPTNG").name,
        "Oktober 2026",
    ]
    pdf = client.get(url, {**base, "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    text = support.pdf_text(pdf.content)
    assert "Pasal 12 ayat (1) Perda 8/2018 1 1 1 0 1 1 0 1 0 0 1 2 1" in text
    assert "Pasal 14 Perda 8/2018 1 2 1 0 0 0 1 1 0 0 0 1 0" in text
    assert "Jumlah 2 2 1 0 1 1 1 1 0 0 1 2 1" in text
    assert "Pembongkaran 1" in text and "Oktober 2026" in text
    assert report_signer(demo_org.unit("PPTNG")).name in text
    assert len(COLUMNS) == len(MONTH)


def test_the_city_sums_its_units_and_shows_each_one(demo_org, october):
    recap = enforcement_recap(scope_for(demo_org.user("sekda.tng"), "PEMKOT-TNG"), OCTOBER)
    assert _values(recap.tables[0].total) == CITY
    per_unit = {row[0].text: _values(row) for row in recap.tables[-1].rows}
    assert per_unit == {
        demo_org.unit("CPD").name: [0] * 13,
        demo_org.unit("KRW").name: KARAWACI,
        demo_org.unit("PPTNG").name: MONTH,
    }
    assert _values(recap.tables[-1].total) == CITY
    # Karawaci's own recap: only its finding; Satpol PP's: never Karawaci's.
    own = enforcement_recap(scope_for(demo_org.user("camat.krw"), "KRW"), OCTOBER)
    assert _values(own.tables[0].total) == KARAWACI
    assert {row[0].text for row in own.tables[0].rows} == {"Pasal 3 Perda 5/2019"}


def test_a_sibling_or_an_outsider_gets_a_404_and_a_bad_period_a_message(demo_org, outsider):
    url = reverse("reports:recap_enforcement")
    assert _client(demo_org, "camat.cpd").get(url, {"unit": "PPTNG"}).status_code == 404
    client = Client()
    client.force_login(outsider)
    assert client.get(url, {"unit": "PPTNG"}).status_code == 404
    kasat = _client(demo_org, "kasat.pptng")
    page = kasat.get(url, {"unit": "PPTNG", "periode": "2026-00"})
    assert page.status_code == 200 and "tidak dapat dibaca" in page.content.decode()
    xlsx = kasat.get(url, {"unit": "PPTNG", "periode": "2026-00", "format": "xlsx"})
    assert xlsx["Content-Type"].startswith("text/html")
    empty = kasat.get(url, {"unit": "PPTNG", "periode": "2020-01"}).content.decode()
    assert "Tidak ada penegakan pada bulan ini." in empty


def test_the_page_reads_in_a_fixed_number_of_queries_whatever_the_scope(demo_org, october):
    """Measured 16 with the navigation; the city (more units and rows) reads no more
    than its unit (the navigation may differ by a query or two between readers)."""
    counts = []
    for unit, who in (("PPTNG", "kasat.pptng"), ("PEMKOT-TNG", "sekda.tng")):
        client = _client(demo_org, who)
        client.get(
            reverse("reports:recap_enforcement"), {"unit": unit, "periode": "2026-10"}
        )  # warm
        with CaptureQueriesContext(connection) as read:
            page = client.get(
                reverse("reports:recap_enforcement"), {"unit": unit, "periode": "2026-10"}
            )
        assert page.status_code == 200
        counts.append(len(read.captured_queries))
    assert counts[1] <= counts[0] + 2 and max(counts) <= 20, counts


def test_two_units_perda_that_read_the_same_are_told_apart_by_their_unit(demo_org, october):
    """Karawaci's own Perda 8/2018 with its own Pasal 14, found in October: the city's recap
    names each article's unit (the two rows would otherwise read the same); each unit's own
    recap keeps the article's plain name."""
    camat = demo_org.person("camat.krw")
    perda = perda_create(
        unit=demo_org.unit("KRW"),
        actor=camat,
        number="8",
        year=2018,
        title="Ketertiban",
        now=at(8, 1),
    )
    own_p14 = article_save(
        perda=perda, actor=camat, label="Pasal 14", text="Dilarang.", now=at(8, 1)
    )
    _found(demo_org, Desk(demo_org, at(10, 12)), "Tujuh", [own_p14], at(10, 12), unit="KRW")

    city = enforcement_recap(scope_for(demo_org.user("sekda.tng"), "PEMKOT-TNG"), OCTOBER)
    labels = [row[0].text for row in city.tables[0].rows]
    satpol, karawaci = demo_org.unit("PPTNG").name, demo_org.unit("KRW").name
    assert f"Pasal 14 Perda 8/2018 ({satpol})" in labels
    assert f"Pasal 14 Perda 8/2018 ({karawaci})" in labels
    assert "Pasal 14 Perda 8/2018" not in labels
    assert "Pasal 3 Perda 5/2019" in labels  # read by one unit only: as it is
    own = enforcement_recap(scope_for(demo_org.user("camat.krw"), "KRW"), OCTOBER)
    assert {row[0].text for row in own.tables[0].rows} == {
        "Pasal 3 Perda 5/2019",
        "Pasal 14 Perda 8/2018",
    }
