"""The register's exports (PDF, XLSX, CSV) hold the letters the filters select, read back the
way their readers read them: openpyxl, Python's csv, pdftotext."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess

from django.urls import reverse
from openpyxl import load_workbook

from trantib.letters.tests.test_pages import client_for, draft, signed

HEADERS = [
    "No. urut",
    "Tanggal",
    "Nomor",
    "Jenis",
    "Hal",
    "Tujuan",
    "Penanda tangan",
    "Status",
    "Kasus",
]


def _run(tool: str, *args: str) -> str:
    found = shutil.which(tool) or tool
    # A fixed poppler tool on a file the test wrote.
    return subprocess.run([found, *args], capture_output=True, text=True, check=True).stdout  # noqa: S603


def _letters(demo_org):
    first = signed(demo_org, hal="Teguran warung Budi")
    second = signed(demo_org, hal="Teguran toko Sari", recipient="Sdri. Sari")
    nota = draft(demo_org, kind="nota_dinas", hal="Nota rapat", data={"dari": "Kasi Trantib"})
    return first, second, nota


def test_the_xlsx_has_a_bold_header_real_dates_and_the_rows_the_filter_selects(demo_org):
    first, second, nota = _letters(demo_org)
    client = client_for(demo_org, "camat.cpd")
    url = reverse("letters:register_export", args=["xlsx"])
    response = client.get(url, {"jenis": "surat_teguran"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.content)).active
    # The shared layout (trantib.core.xlsx): title, units, period, a blank row, the header.
    assert sheet["A1"].value == "Buku agenda surat keluar" and sheet["A1"].font.bold
    assert sheet["A2"].value == "Kecamatan Cipondoh"
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    assert list(rows[0]) == HEADERS
    assert all(cell.font.bold for cell in sheet[5])
    assert sheet.column_dimensions["E"].width >= 30
    numbers = {row[2] for row in rows[1:]}
    assert numbers == {first.number, second.number}  # the nota dinas is filtered out
    for row in rows[1:]:
        assert isinstance(row[1], dt.datetime)  # a date cell (openpyxl reads it as a datetime)
        assert row[1].date() == first.dated
        assert isinstance(row[0], int)
    assert {row[4] for row in rows[1:]} == {"Teguran warung Budi", "Teguran toko Sari"}
    assert sheet["B6"].number_format == "DD/MM/YYYY"
    assert sheet["C6"].hyperlink.target.startswith("http://testserver/surat/")

    everything = load_workbook(io.BytesIO(client.get(url).content)).active
    assert everything.max_row == 8  # five rows of head and three letters, not one page
    assert nota.hal in {row[4] for row in everything.iter_rows(min_row=6, values_only=True)}


def test_the_csv_is_utf8_with_a_bom_and_parses_back_to_the_same_rows(demo_org):
    first, second, nota = _letters(demo_org)
    response = client_for(demo_org, "camat.cpd").get(
        reverse("letters:register_export", args=["csv"]), {"q": first.number}
    )
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == HEADERS
    assert len(rows) == 2
    [row] = rows[1:]
    assert row[2] == first.number and row[1] == first.dated.isoformat()
    assert row[6] == "H. Rahmat Hidayat, S.STP., M.Si."  # the signer
    assert row[5] == "Sdr. Budi Santoso"  # the first line of the addressee
    assert second.number not in response.content.decode() and nota.hal not in rows[1]


def test_the_pdf_is_a_landscape_table_headed_by_the_unit_and_the_period(demo_org, tmp_path):
    first, second, _nota = _letters(demo_org)
    day = first.dated
    response = client_for(demo_org, "camat.cpd").get(
        reverse("letters:register_export", args=["pdf"]),
        {"dari": day.isoformat(), "sampai": day.isoformat(), "status": "signed"},
    )
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "agenda.pdf"
    path.write_bytes(response.content)
    text = _run("pdftotext", "-layout", str(path), "-")
    assert "BUKU AGENDA SURAT KELUAR" in text
    assert "Kecamatan Cipondoh" in text
    from trantib.core.dates import date_id

    assert f"{date_id(day)} s.d. {date_id(day)}" in text
    assert first.number in text and second.number in text
    assert "Nota rapat" not in text
    info = _run("pdfinfo", str(path))
    width, height = (float(v) for v in info.split("Page size:")[1].split("pts")[0].split(" x "))
    assert width > height  # landscape


def test_a_hal_that_looks_like_a_formula_stays_text_in_both_spreadsheets(demo_org):
    formula = '=HYPERLINK("http://example.invalid","klik")'
    draft(demo_org, hal=formula)
    client = client_for(demo_org, "camat.cpd")
    book = client.get(reverse("letters:register_export", args=["xlsx"])).content
    cell = load_workbook(io.BytesIO(book)).active["E6"]
    assert cell.value == formula and cell.data_type == "s"
    raw = client.get(reverse("letters:register_export", args=["csv"])).content.decode("utf-8-sig")
    [row] = list(csv.reader(io.StringIO(raw)))[1:]
    assert row[4] == "'" + formula


def test_an_xlsx_above_the_bound_goes_back_to_the_register_with_a_message(demo_org, settings):
    _letters(demo_org)
    settings.TRANTIB_EXPORT_MAX_ROWS = 2
    client = client_for(demo_org, "camat.cpd")
    url = reverse("letters:register_export", args=["xlsx"])
    refused = client.get(url)
    assert refused.status_code == 302 and refused["Location"] == reverse("letters:register")
    assert "Daftar ini berisi 3 baris" in client.get(refused["Location"]).content.decode()
    assert client.get(url, {"jenis": "surat_teguran"}).status_code == 200
    # The CSV and the PDF are not bounded here: they stay as they were.
    assert client.get(reverse("letters:register_export", args=["csv"])).status_code == 200
