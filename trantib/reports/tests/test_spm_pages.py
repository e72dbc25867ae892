"""The SPM page, its workbook and its PDF hold the same known figures; a figure's link opens its
rows; a bad address is a message or a 404, never a 500; nobody sees a sibling's figures."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from trantib.core.xlsx import HEADER_ROW
from trantib.reports.figures import drill_cases
from trantib.reports.periods import Period
from trantib.reports.scope import scope_for
from trantib.reports.spm import compute
from trantib.reports.spm.report import build
from trantib.reports.tests import spm_support as support

pytestmark = pytest.mark.django_db

URL = "/laporan/spm/"


def client_for(demo_org, username: str) -> Client:
    client = Client()
    client.force_login(demo_org.user(username))
    return client


def _links(html: str) -> dict[str, str]:
    """Each link of the page whose text is a number: its address by its title or position."""
    return dict(re.findall(r'<a href="([^"]+)"[^>]*>([\d.,]+%?)</a>', html))


def _pdf_text(content: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],  # noqa: S607 — poppler-utils, a test tool
        input=content,
        capture_output=True,
        check=True,
    )
    return re.sub(r"[ \t]+", " ", done.stdout.decode("utf-8"))


def test_the_page_the_workbook_and_the_pdf_show_the_same_known_figures(demo_org):
    built = support.build_quarter(demo_org)
    client = client_for(demo_org, "sekda.tng")
    query = {"unit": "PEMKOT-TNG", "periode": "2026-T3"}
    assert reverse("reports:spm") == URL

    page = client.get(URL, query)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Pelayanan Ketenteraman dan Ketertiban Umum" in html
    assert "20 Oktober 2026" in html
    # The e-SPM tables: recipients 3 of 5 (60%), cases 5 of 8 (62,5%), complaints 3 of 4 (75%).
    for shown in ("60%", "62,5%", "75%"):
        assert f"<strong>{shown}</strong>" in html, shown
    assert html.count("Tidak Memenuhi") >= 3
    assert html.count("Tidak tercatat di Trantib — isi langsung di e-SPM") == 2
    for unit in ("Kecamatan Cipondoh", "Kecamatan Karawaci"):
        assert unit in html
    # A figure's link opens exactly its cases: "5 dari 8" → the 8 handled cases.
    handled = re.search(r'<a href="([^"]+)" title="Ditangani">8</a>', html)
    assert handled is not None
    listed = client.get(handled.group(1).replace("&amp;", "&"))
    assert listed.status_code == 200
    assert "8 kasus" in listed.content.decode()
    numbers = {built.cases[k].number for k in ("e_ok", "e_late", "e_open_late", "operation")}
    numbers |= {built.complaints[k].case.number for k in ("c_ok", "c_step_late")}
    numbers |= {built.complaints[k].case.number for k in ("c_answer_late", "k_ok")}
    for number in numbers:
        assert number in listed.content.decode()
    # The recipients' list: the five people, by name.
    people = re.search(r'<a href="([^"]+)" title="Warga terdampak[^"]*">5</a>', html)
    assert people is not None
    listed = client.get(people.group(1).replace("&amp;", "&")).content.decode()
    assert "5 warga" in listed
    for name in ("Sutarman", "Sukardi", "Sugiono", *built.people):
        assert name in listed
    assert "Suryadi" not in listed and "Suparman" not in listed

    # The workbook holds the same numbers, each count linked to its rows.
    response = client.get(URL, {**query, "format": "xlsx"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    recipients = book["Penerima Layanan Dasar"]
    first = HEADER_ROW + 1
    assert [c.value for c in recipients[HEADER_ROW]][:8] == [
        "No",
        "Jenis Pelayanan Dasar",
        "Indikator",
        "Target (%)",
        "Capaian (%)",
        "Pembilang",
        "Penyebut",
        "Simpulan",
    ]
    row = [c.value for c in recipients[first]]
    assert row[:8] == [
        "1",
        "Pelayanan Ketenteraman dan Ketertiban Umum",
        row[2],
        100,
        60.0,
        3,
        5,
        "Tidak Memenuhi",
    ]
    assert "/laporan/spm/penerima/" in recipients.cell(row=first, column=6).hyperlink.target
    quality = book["Mutu Minimal Layanan Dasar"]
    assert [c.value for c in quality[first]][3:8] == [100, 62.5, 5, 8, "Tidak Memenuhi"]
    assert [c.value for c in quality[first + 1]][3:8] == [100, 75.0, 3, 4, "Tidak Memenuhi"]
    assert "angka=ditangani" in quality.cell(row=first, column=7).hyperlink.target
    for line in (first + 2, first + 3):
        assert quality.cell(row=line, column=5).value is None
        assert "isi langsung di e-SPM" in quality.cell(row=line, column=8).value
    units = book["Per unit"]
    by_unit = {
        units.cell(row=r, column=1).value: [c.value for c in units[r]][1:]
        for r in range(first, units.max_row + 1)
    }
    assert by_unit["Kecamatan Cipondoh"] == [2, 2, 100.0, 3, 4, 75.0, 2, 3, 66.7, 1]
    assert by_unit["Kecamatan Karawaci"] == [0, 0, None, 1, 1, 100.0, 1, 1, 100.0, 0]
    people_sheet = book["Penerima"]
    names = {
        people_sheet.cell(row=r, column=2).value for r in range(first, people_sheet.max_row + 1)
    }
    assert names == {"Sutarman", "Sukardi", "Sugiono", *built.people}

    # The PDF prints them too, with the head's signature block.
    response = client.get(URL, {**query, "format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "Pelayanan Ketenteraman dan Ketertiban Umum" in text
    assert "Triwulan III 2026" in text and "20 Oktober 2026" in text
    assert re.search(r"100% 60% 3 5 Tidak Memenuhi", text), text[:3000]
    assert re.search(r"100% 62,5% 5 8 Tidak Memenuhi", text)
    assert re.search(r"100% 75% 3 4 Tidak Memenuhi", text)
    assert re.search(r"Kecamatan Cipondoh 2 2 100% 3 4 75% 2 3 66,7% 1", text)
    assert text.count("Tidak tercatat di Trantib") >= 2


def test_a_kecamatan_sees_only_itself_and_an_outsider_nothing(demo_org):
    support.build_quarter(demo_org)
    camat = client_for(demo_org, "camat.cpd")
    page = camat.get(URL, {"unit": "CPD", "periode": "2026-T3"}).content.decode()
    assert "Kecamatan Karawaci" not in page
    assert camat.get(URL, {"unit": "KRW", "periode": "2026-T3"}).status_code == 404
    assert camat.get(URL, {"unit": "PEMKOT-TNG"}).status_code == 404
    outsider = client_for(demo_org, "kasi.krw")
    for address in (URL, "/laporan/spm/penerima/"):
        assert outsider.get(address, {"unit": "CPD", "periode": "2026-T3"}).status_code == 404
    # A figure's list of Cipondoh asked by Karawaci: 404 as well.
    drill = "/laporan/rincian/?laporan=spm&angka=ditangani&unit=CPD&periode=2026-T3"
    assert outsider.get(drill).status_code == 404
    # Karawaci's own report counts its own complaint only.
    own = outsider.get(URL, {"unit": "KRW", "periode": "2026-T3"})
    assert own.status_code == 200
    scope = scope_for(demo_org.user("kasi.krw"), "KRW")
    assert build(scope, support.Q3).quality[1].denominator.value == 1


@pytest.mark.parametrize(
    ("periode", "message"),
    [
        ("2026-13", "tidak dapat dibaca"),
        ("2026-10", "Laporan ini per triwulan"),
        ("T3-2026", "tidak dapat dibaca"),
        ("1999-T1", "tidak dapat dibaca"),
    ],
)
def test_a_bad_quarter_is_a_clear_message_and_never_another_quarters_file(
    demo_org, periode, message
):
    client = client_for(demo_org, "camat.cpd")
    page = client.get(URL, {"unit": "CPD", "periode": periode})
    assert page.status_code == 200 and message in page.content.decode()
    for wanted in ("pdf", "xlsx"):
        response = client.get(URL, {"unit": "CPD", "periode": periode, "format": wanted})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        assert message in response.content.decode()


def test_odd_addresses_list_nothing_instead_of_failing(demo_org):
    client = client_for(demo_org, "sekda.tng")
    base = {"unit": "PEMKOT-TNG", "periode": "2026-T3"}
    assert client.get(URL, {"unit": "NOPE"}).status_code == 404
    assert client.get(URL, {**base, "format": "docx"}).status_code == 200  # the page
    odd = client.get("/laporan/spm/penerima/", {**base, "ukuran": "semua"})
    assert odd.status_code == 200 and "Ukuran penerima tidak dikenal." in odd.content.decode()
    assert client.get("/laporan/spm/penerima/", {**base, "bagian": "XXX"}).status_code == 200
    support.build_quarter(demo_org)
    scope = scope_for(demo_org.user("sekda.tng"), "PEMKOT-TNG")
    sekda = demo_org.user("sekda.tng")
    assert drill_cases(sekda, "spm", "ditangani", scope, support.Q3, {}).count() == 8
    for params in ({"jenis": "apa"}, {"bagian": "XXX"}, {"jenis": "x" * 500}):
        assert not drill_cases(sekda, "spm", "ditangani", scope, support.Q3, params).exists()
        drill = "/laporan/rincian/?laporan=spm&angka=ditangani&unit=PEMKOT-TNG&periode=2026-T3"
        response = client.get(drill, params)
        assert response.status_code in (200, 404)  # an over-long value: the drill page's 404
    anonymous = Client().get(URL)
    assert anonymous.status_code == 302


def test_the_due_date_is_the_20th_after_the_quarter_and_a_running_quarter_is_provisional(
    demo_org,
):
    assert compute.due_date(Period("quarter", 2026, 3)) == dt.date(2026, 10, 20)
    assert compute.due_date(Period("quarter", 2026, 4)) == dt.date(2027, 1, 20)
    assert compute.due_date(Period("quarter", 2027, 1)) == dt.date(2027, 4, 20)
    scope = scope_for(demo_org.user("camat.cpd"), "CPD")
    before = build(scope, support.Q3, now=support.at(10, 20, 23, 59))
    after = build(scope, support.Q3, now=support.at(10, 21, 0, 1))
    assert (before.overdue, after.overdue) == (False, True)
    assert not before.provisional
    running = build(scope, Period("quarter", 2026, 4), now=support.at(11, 15))
    assert running.provisional and running.window.cut == support.at(11, 15)
