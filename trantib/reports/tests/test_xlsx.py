"""The shared Excel writer: title rows, real date cells, text that stays text, links."""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo

from openpyxl import load_workbook

from trantib.core.xlsx import HEADER_ROW, Sheet, xlsx_book, xlsx_response

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")


def _book(**kwargs):
    sheet = Sheet(
        name="Rekap: Oktober/2026",
        headers=["Tanggal", "Waktu", "Nama", "Jumlah"],
        rows=[
            [dt.date(2026, 10, 1), dt.datetime(2026, 10, 1, 1, 30, tzinfo=dt.UTC), "=1+1", 3],
            [dt.date(2026, 10, 2), None, "Budi", 4],
        ],
        links=[["", "", "/kasus/1/", ""], ["", "", "", ""]],
        total=["Jumlah", None, None, 7],
        zone=WIB,
    )
    content = xlsx_book(
        title="Rekap Patroli",
        unit="Kecamatan Cipondoh",
        period="Oktober 2026",
        sheets=[sheet],
        site="https://trantib.example",
        **kwargs,
    )
    return load_workbook(io.BytesIO(content))


def test_title_rows_name_the_report_unit_and_period():
    sheet = _book().worksheets[0]
    assert [sheet.cell(row=r, column=1).value for r in (1, 2, 3)] == [
        "Rekap Patroli",
        "Kecamatan Cipondoh",
        "Oktober 2026",
    ]
    assert [c.value for c in sheet[HEADER_ROW]] == ["Tanggal", "Waktu", "Nama", "Jumlah"]
    assert sheet.title == "Rekap- Oktober-2026"  # Excel refuses ":" and "/" in a sheet's name


def test_dates_are_date_cells_and_moments_are_on_the_units_clock():
    sheet = _book().worksheets[0]
    first = HEADER_ROW + 1
    assert sheet.cell(row=first, column=1).is_date
    assert sheet.cell(row=first, column=1).value == dt.datetime(2026, 10, 1)
    moment = sheet.cell(row=first, column=2)
    assert moment.is_date and moment.value == dt.datetime(
        2026, 10, 1, 8, 30
    )  # 01.30 UTC = 08.30 WIB


def test_a_text_like_a_formula_stays_text_and_links_are_absolute():
    sheet = _book().worksheets[0]
    cell = sheet.cell(row=HEADER_ROW + 1, column=3)
    assert cell.value == "=1+1" and cell.data_type == "s"
    assert cell.hyperlink.target == "https://trantib.example/kasus/1/"


def test_the_total_row_is_last_and_bold():
    sheet = _book().worksheets[0]
    last = HEADER_ROW + 3
    assert [c.value for c in sheet[last]] == ["Jumlah", None, None, 7]
    assert sheet.cell(row=last, column=1).font.bold


def test_a_download_has_a_safe_file_name():
    response = xlsx_response(b"x", 'rekap "CPD"/2026-10')
    assert response["Content-Disposition"] == 'attachment; filename="rekap--CPD--2026-10.xlsx"'
