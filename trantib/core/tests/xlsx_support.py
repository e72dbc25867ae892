"""Reading an exported workbook in a test, the way a reader's spreadsheet would: openpyxl."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from trantib.core.xlsx import HEADER_ROW

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_sheet(response: Any, index: int = 0) -> Worksheet:
    """The workbook of an export response (asserted to be one), its ``index``-th sheet."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"].startswith("attachment;")
    book = load_workbook(io.BytesIO(response.content))
    return book.worksheets[index]


def xlsx_title(sheet: Worksheet) -> list[str]:
    """Rows 1-3: the title, the unit(s), the period or filters."""
    return [str(sheet.cell(row=r, column=1).value or "") for r in (1, 2, 3)]


def xlsx_headers(sheet: Worksheet) -> list[str]:
    return [c.value for c in sheet[HEADER_ROW] if c.value is not None]


def xlsx_rows(sheet: Worksheet) -> list[list[Any]]:
    """The data rows' values, below the header."""
    return [
        [c.value for c in row]
        for row in sheet.iter_rows(min_row=HEADER_ROW + 1)
        if any(c.value is not None for c in row)
    ]


def xlsx_column(sheet: Worksheet, header: str) -> list[Any]:
    """One column's values, found by its header."""
    index = xlsx_headers(sheet).index(header)
    return [row[index] for row in xlsx_rows(sheet)]


def xlsx_cell(sheet: Worksheet, row: int, header: str) -> Any:
    """The cell of the ``row``-th data row (0 first) under ``header``."""
    index = xlsx_headers(sheet).index(header)
    return sheet.cell(row=HEADER_ROW + 1 + row, column=index + 1)


def xlsx_text(content: bytes) -> str:
    """Every cell of every sheet as one text (what a privacy test searches)."""
    book = load_workbook(io.BytesIO(content))
    return "\n".join(
        str(cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    )
