"""Rekap Patroli against a month whose answer is known by construction.

October 2026 of Satpol PP Kota Tangerang, built through the patrol and enforcement services:

- a September programme whose 30 September patrol starts at 23.59 WIB and reports a finding
  (Aminah): its report and finding belong to September;
- the October programme (its Surat Tugas signed on 28 September), planned on 1 October
  (00.00-03.00, Pasar Anyar), 2 October (Pasar Anyar and Jl. Sudirman) and 31 October (a route
  only); the 1 October report finds Budi at 00.00 WIB, the 2 October report finds Budi again and
  Cahya, whose Surat Pernyataan is signed that day; 31 October is nihil, and Dedi is recorded
  directly as a patrol finding at 23.59 WIB; Fajar at 00.00 on 1 November is not October's;
- a Nota Dinas of the Kasat signed on 2 October (no patrol case: not a patrol letter);
- Karawaci (the sibling under Pemerintah Kota Tangerang) patrols Pasar Lama on 2 October and
  finds Eko.

By hand, per day (patrols, wilayah, findings, violators, letters): 1 Oct 1/1/1/1/0; 2 Oct
1/2/2/2/1; 31 Oct 1/0/1/1/0; the month 3 reports, 2 wilayah, 4 findings, 3 violators (Budi
twice), 1 letter. The city: 4/3/5/4/1.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from trantib.enforcement.services import finding_open
from trantib.enforcement.tests import ladder_support as ladder
from trantib.letters.services import letter_draft
from trantib.reports.figures import Figure, drill_cases
from trantib.reports.periods import period_parse
from trantib.reports.printing import report_signer
from trantib.reports.recaps.common import Day
from trantib.reports.recaps.patrols import patrol_recap
from trantib.reports.scope import scope_for

from . import recaps_support as support
from .recaps_support import WIB

pytestmark = pytest.mark.django_db
OCTOBER = period_parse("2026-10")
D1, D2, D31 = dt.date(2026, 10, 1), dt.date(2026, 10, 2), dt.date(2026, 10, 31)
T = dt.time
KNOWN = {D1: [1, 1, 1, 1, 0], D2: [1, 2, 2, 2, 1], D31: [1, 0, 1, 1, 0]}
MONTH = [3, 2, 4, 3, 1]
KARAWACI = [1, 1, 1, 1, 0]
CITY = [4, 3, 5, 4, 1]


@pytest.fixture
def october(demo_org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    tibum, _reklame = ladder.catalogue(demo_org, dt.datetime(2026, 8, 1, 9, 0, tzinfo=WIB))
    pasal_12 = ladder.article(tibum, "Pasal 12 ayat (1)")
    pasal_14 = ladder.article(tibum, "Pasal 14")
    names = ("Aminah", "Budi", "Cahya", "Dedi", "Fajar")
    v = {
        n: support.violator(demo_org, "PPTNG", n, f"36710101018000{i:02d}")
        for i, n in enumerate(names, start=1)
    }
    september = support.patrol_month(
        demo_org,
        unit="PPTNG",
        month=dt.date(2026, 9, 1),
        start=dt.datetime(2026, 9, 1, 8, 30, tzinfo=WIB),
        people=support.PPTNG,
        areas=("Pasar Anyar", "Jl. Sudirman"),
    )
    support.schedule(september, {dt.date(2026, 9, 30): (T(23, 59), T(2, 0), ("Pasar Anyar",), "")})
    month = support.patrol_month(
        demo_org,
        unit="PPTNG",
        month=D1,
        start=dt.datetime(2026, 9, 28, 9, 0, tzinfo=WIB),
        people=support.PPTNG,
        areas=("Pasar Anyar", "Jl. Sudirman"),
    )
    support.schedule(
        month,
        {
            D1: (T(0, 0), T(3, 0), ("Pasar Anyar",), ""),
            D2: (T(8, 0), T(12, 0), ("Pasar Anyar", "Jl. Sudirman"), ""),
            D31: (T(8, 0), T(12, 0), (), "Keliling Cikokol"),
        },
    )
    support.ppw_in_karawaci(demo_org)
    karawaci = support.patrol_month(
        demo_org,
        unit="KRW",
        month=D1,
        start=dt.datetime(2026, 9, 28, 10, 0, tzinfo=WIB),
        people=support.KRW,
        areas=("Pasar Lama",),
    )
    support.schedule(karawaci, {D2: (T(8, 0), T(12, 0), ("Pasar Lama",), "")})
    eko = support.violator(demo_org, "KRW", "Eko", "3671010101800099")
    krw_article = support.karawaci_catalogue(demo_org, karawaci.desk.now)
    # 30 September 23.59 WIB: September's (16.59 UTC — the same UTC day as 1 October 00.00 WIB).
    support.report(
        september,
        dt.date(2026, 9, 30),
        started=T(23, 59),
        ended=T(2, 0),
        at=dt.datetime(2026, 10, 1, 2, 30, tzinfo=WIB),
        findings=((v["Aminah"], pasal_12),),
    )
    support.report(
        month,
        D1,
        started=T(0, 0),
        ended=T(3, 0),
        at=dt.datetime(2026, 10, 1, 3, 30, tzinfo=WIB),
        findings=((v["Budi"], pasal_12),),
    )
    second = support.report(
        month,
        D2,
        started=T(8, 0),
        ended=T(12, 0),
        at=dt.datetime(2026, 10, 2, 13, 0, tzinfo=WIB),
        findings=((v["Budi"], pasal_14), (v["Cahya"], pasal_12)),
    )
    cahya = next(
        f.enforcement for f in second.findings.all() if f.enforcement.violator == v["Cahya"]
    )
    desk = month.desk
    statement = desk.draft(cahya.case, "beri_teguran", "kasat.pptng")
    desk.sign(desk.submit(statement, "kasat.pptng"), "kasat.pptng")
    nota = letter_draft(
        unit=demo_org.unit("PPTNG"),
        kind="nota_dinas",
        actor=desk.who("kasat.pptng"),
        hal="Rapat evaluasi",
        recipient="Kabid Trantibum",
        body="Mohon hadir pada rapat evaluasi.",
        signer_role="kasat_pol_pp",
        data={"dari": "Kasat Pol PP"},
        now=desk.now,
    )
    desk.sign(desk.submit(nota, "kasat.pptng"), "kasat.pptng")
    assert statement.case_id and nota.case_id is None
    support.report(
        karawaci,
        D2,
        started=T(8, 0),
        ended=T(12, 0),
        at=dt.datetime(2026, 10, 2, 13, 30, tzinfo=WIB),
        findings=((eko, krw_article),),
    )
    support.report(
        month, D31, started=T(8, 0), ended=T(12, 0), at=dt.datetime(2026, 10, 31, 13, 0, tzinfo=WIB)
    )
    for name, at in (
        ("Dedi", dt.datetime(2026, 10, 31, 23, 59, tzinfo=WIB)),
        ("Fajar", dt.datetime(2026, 11, 1, 0, 0, tzinfo=WIB)),
    ):
        finding_open(
            unit=demo_org.unit("PPTNG"),
            actor=demo_org.person("petugas1.pptng"),
            violator=v[name],
            articles=[pasal_14],
            place="Jl. Ki Samaun",
            found_at=at,
            source="patroli",
            now=at + dt.timedelta(minutes=10),
        )
    return month


def _client(demo_org, login: str) -> Client:
    client = Client()
    client.force_login(demo_org.user(login))
    return client


def _values(row) -> list:
    return [c.value for c in row[1:]]


def _days(recap) -> dict[dt.date, list]:
    return {row[0].day: row for row in recap.tables[0].rows}


def test_each_days_figures_are_the_known_answer_and_the_sibling_never_counts(demo_org, october):
    kasat = demo_org.user("kasat.pptng")
    scope = scope_for(kasat, "PPTNG")
    recap = patrol_recap(scope, OCTOBER)
    days = _days(recap)
    assert list(days) == OCTOBER.days()  # every day of the month, in order
    for day, row in days.items():
        assert _values(row) == KNOWN.get(day, [0, 0, 0, 0, 0]), day
    assert _values(recap.tables[0].total) == MONTH
    assert len(recap.tables) == 1  # a leaf unit: no per-unit table


def test_each_figure_opens_exactly_its_rows(demo_org, october):
    kasat = demo_org.user("kasat.pptng")
    scope = scope_for(kasat, "PPTNG")
    recap = patrol_recap(scope, OCTOBER)
    client = _client(demo_org, "kasat.pptng")
    rows = [*(_days(recap)[d] for d in KNOWN), recap.tables[0].total]
    for row in rows:
        patrols, wilayah, temuan, pelanggar, surat = row[1:]
        assert isinstance(temuan, Figure)
        if temuan.value:
            params = dict(p.split("=", 1) for p in temuan.href.split("?", 1)[1].split("&"))
            extra = {k: v for k, v in params.items() if k == "tanggal"}
            assert drill_cases(kasat, "recap_patrols", "temuan", scope, OCTOBER, extra).count() == (
                temuan.value
            )
            page = client.get(temuan.href).content.decode()
            assert f"{temuan.value} kasus" in page
        for fig, noun in ((patrols, "laporan harian"), (pelanggar, "pelanggar"), (surat, "surat")):
            if fig.value:
                page = client.get(fig.href).content.decode()
                assert f"{fig.value} {noun}" in page, (fig, fig.href)
        if wilayah.value:
            assert wilayah.href == patrols.href  # the reports whose wilayah are counted
    # The findings of 2 October are Budi's and Cahya's cases, nobody else's.
    d2 = _days(recap)[D2][3]
    page = client.get(d2.href).content.decode()
    assert "Budi" in page and "Cahya" in page and "Aminah" not in page and "Eko" not in page
    # The day's date leads to its patrol plan day.
    date_cell = _days(recap)[D2][0]
    assert isinstance(date_cell, Day) and date_cell.href.startswith("/patroli/hari/")
    assert client.get(date_cell.href).status_code == 200


def test_a_drill_with_a_bad_or_outside_day_lists_nothing(demo_org, october):
    kasat = demo_org.user("kasat.pptng")
    scope = scope_for(kasat, "PPTNG")
    for bad in ("2026-11-01", "2026-09-30", "kemarin", "2026-02-31"):
        assert (
            drill_cases(kasat, "recap_patrols", "temuan", scope, OCTOBER, {"tanggal": bad}).count()
            == 0
        )
    client = _client(demo_org, "kasat.pptng")
    page = client.get(
        reverse("reports:drill"),
        {
            "laporan": "recap_patrols",
            "angka": "temuan",
            "unit": "PPTNG",
            "periode": "2026-10",
            "tanggal": "x\x00",
        },
    )
    text = page.content.decode()
    assert page.status_code == 200 and "Budi" not in text and "Cahya" not in text


def test_the_xlsx_and_the_pdf_hold_the_pages_figures(demo_org, october):
    client = _client(demo_org, "kasat.pptng")
    base = {"unit": "PPTNG", "periode": "2026-10"}
    url = reverse("reports:recap_patrols")
    xlsx = client.get(url, {**base, "format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")
    rows = support.sheet_rows(xlsx.content, "Per hari")
    assert len(rows) == 31 + 1
    by_day = {r[0].date(): r[1:6] for r in rows[:-1]}
    for day in OCTOBER.days():
        assert by_day[day] == KNOWN.get(day, [0, 0, 0, 0, 0])
    assert rows[-1][:6] == ["Jumlah", *MONTH]
    first = support.sheet_cell(xlsx.content, "Per hari", 1, 1)
    assert first.is_date and first.value.date() == D1
    figure_cell = support.sheet_cell(xlsx.content, "Per hari", 2, 4)  # 2 October's findings
    assert figure_cell.value == 2 and "/laporan/rincian/" in figure_cell.hyperlink.target
    top = support.title_rows(xlsx.content, "Per hari")
    assert top == ["Rekap Patroli", demo_org.unit("PPTNG").name, "Oktober 2026"]
    pdf = client.get(url, {**base, "format": "pdf"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = support.pdf_text(pdf.content)
    assert "REKAP PATROLI" in text.upper() and "Oktober 2026" in text
    assert "Jumat, 2 Oktober 2026 1 2 2 2 1" in text
    assert "Kamis, 1 Oktober 2026 1 1 1 1 0" in text
    assert "Sabtu, 31 Oktober 2026 1 0 1 1 0" in text
    assert "Jumlah 3 2 4 3 1" in text
    signer = report_signer(demo_org.unit("PPTNG"))
    assert signer.name and signer.name in text and signer.number in text
    assert "rincian" not in text  # the printed report carries no product links


def test_the_city_sums_its_units_and_shows_each_one(demo_org, october):
    sekda = demo_org.user("sekda.tng")
    recap = patrol_recap(scope_for(sekda, "PEMKOT-TNG"), OCTOBER)
    assert _values(recap.tables[0].total) == CITY
    assert _values(_days(recap)[D2]) == [2, 3, 3, 3, 1]
    per_unit = {row[0].text: _values(row) for row in recap.tables[1].rows}
    assert per_unit == {
        demo_org.unit("CPD").name: [0, 0, 0, 0, 0],
        demo_org.unit("KRW").name: KARAWACI,
        demo_org.unit("PPTNG").name: MONTH,
    }
    assert _values(recap.tables[1].total) == CITY
    client = _client(demo_org, "sekda.tng")
    karawaci = next(r for r in recap.tables[1].rows if r[0].text == demo_org.unit("KRW").name)
    page = client.get(karawaci[3].href).content.decode()  # Karawaci's findings: Eko's case
    assert "1 kasus" in page and "Eko" in page
    page = client.get(karawaci[0].href).content.decode()  # its own recap
    assert "Kecamatan Karawaci" in page and "Per unit" not in page


def test_a_sibling_or_an_outsider_gets_a_404_and_a_bad_period_a_message(demo_org, outsider):
    url = reverse("reports:recap_patrols")
    assert _client(demo_org, "camat.cpd").get(url, {"unit": "PPTNG"}).status_code == 404
    client = Client()
    client.force_login(outsider)
    assert client.get(url, {"unit": "PPTNG"}).status_code == 404
    assert client.get(url, {"unit": "TIDAK-ADA"}).status_code == 404
    assert client.get(url, {"unit": "PP\x00TNG"}).status_code == 404
    kasat = _client(demo_org, "kasat.pptng")
    for bad in ("2026-13", "kemarin", "2026-T3"):
        page = kasat.get(url, {"unit": "PPTNG", "periode": bad})
        assert page.status_code == 200
        text = page.content.decode()
        assert "Periode" in text and ("tidak dapat dibaca" in text or "per bulan" in text), bad
        pdf = kasat.get(url, {"unit": "PPTNG", "periode": bad, "format": "pdf"})
        assert pdf["Content-Type"].startswith("text/html")  # never another month's file
    assert Client().get(url).status_code == 302  # to the login


def test_the_page_reads_in_a_fixed_number_of_queries_whatever_the_scope(demo_org, october):
    """Measured 12 with the navigation; the city (more units and rows) reads no more
    than its unit (the navigation may differ by a query or two between readers)."""
    counts = []
    for unit, who in (("PPTNG", "kasat.pptng"), ("PEMKOT-TNG", "sekda.tng")):
        client = _client(demo_org, who)
        client.get(reverse("reports:recap_patrols"), {"unit": unit, "periode": "2026-10"})  # warm
        with CaptureQueriesContext(connection) as read:
            page = client.get(
                reverse("reports:recap_patrols"), {"unit": unit, "periode": "2026-10"}
            )
        assert page.status_code == 200
        counts.append(len(read.captured_queries))
    assert counts[1] <= counts[0] + 2 and max(counts) <= 16, counts
