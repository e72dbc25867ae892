"""Excel workbooks for every list and report: the same shape everywhere.

Row 1 the title, row 2 the unit(s), row 3 the period or the filter, row 4 empty, row 5 the
headers, the rows from row 6. Dates are real date cells and moments real date-time cells on
the unit's clock (Excel has no time zones: an aware moment is converted to ``zone`` and
written as the local time), so a spreadsheet can sort and sum them. A text is always a text: a
name starting with "=" is never run as a formula.
"""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import HttpResponse

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_ROW = 5  # the header's row; the data start below it
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
SHEET_NAME_MAX = 31  # Excel's limit
_SHEET_NAME_BAD = set("[]:*?/\\")


@dataclass
class Sheet:
    name: str
    headers: list[str]
    rows: list[list[Any]]
    widths: list[int] | None = None
    # Per row, per column: a link ("" none); relative links get ``site`` in front.
    links: list[list[str]] | None = None
    total: list[Any] | None = None  # a bold last row ("Jumlah", …)
    zone: dt.tzinfo = field(default_factory=lambda: zoneinfo.ZoneInfo("Asia/Jakarta"))


def sheet_name(text: str) -> str:
    """A name Excel accepts: no []:*?/\\, at most 31 characters, never empty."""
    name = "".join("-" if ch in _SHEET_NAME_BAD else ch for ch in text).strip("' ")
    return name[:SHEET_NAME_MAX] or "Data"


def _cell_value(value: Any, zone: dt.tzinfo) -> tuple[Any, str]:
    """The value as openpyxl should store it, and its number format ("" = default)."""
    if isinstance(value, dt.datetime):
        local = value.astimezone(zone) if value.tzinfo is not None else value
        return local.replace(tzinfo=None), DATETIME_FORMAT
    if isinstance(value, dt.date):
        return value, DATE_FORMAT
    if isinstance(value, Decimal):
        return value, "#,##0.##"
    if isinstance(value, bool):
        return value, ""
    if isinstance(value, (int, float)) or value is None:
        return value, ""
    return str(value), ""


def xlsx_book(*, title: str, unit: str, period: str, sheets: list[Sheet], site: str = "") -> bytes:
    """The workbook's bytes; one worksheet per ``Sheet`` (at least one, even if empty)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for spec in sheets or [Sheet(name=title, headers=[], rows=[])]:
        name = sheet_name(spec.name)
        base, n = name, 2
        while name.lower() in used:  # Excel's names are unique, ignoring case
            suffix = f" ({n})"
            name, n = base[: SHEET_NAME_MAX - len(suffix)] + suffix, n + 1
        used.add(name.lower())
        sheet = book.create_sheet(name)
        for line, text in enumerate((title, unit, period), start=1):
            cell = sheet.cell(row=line, column=1, value=str(text))
            cell.data_type = "s"
            cell.font = Font(bold=line == 1, size=13 if line == 1 else 11)
        for col, header in enumerate(spec.headers, start=1):
            cell = sheet.cell(row=HEADER_ROW, column=col, value=str(header))
            cell.data_type = "s"
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="E7ECF2")
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        rows = list(spec.rows) + ([spec.total] if spec.total is not None else [])
        for i, values in enumerate(rows):
            line = HEADER_ROW + 1 + i
            links = spec.links[i] if spec.links is not None and i < len(spec.links) else []
            for col, raw in enumerate(values, start=1):
                value, number_format = _cell_value(raw, spec.zone)
                cell = sheet.cell(row=line, column=col, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # never a formula
                if number_format:
                    cell.number_format = number_format
                if spec.total is not None and i == len(rows) - 1:
                    cell.font = Font(bold=True)
                target = links[col - 1] if col - 1 < len(links) else ""
                if target:
                    cell.hyperlink = target if "://" in target else site + target
                    cell.style = "Hyperlink"
                    if number_format:
                        cell.number_format = number_format
        widths = spec.widths or [min(60, max(10, len(str(h)) + 2)) for h in spec.headers]
        for col, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(col)].width = width
        if spec.headers:
            last = get_column_letter(len(spec.headers))
            sheet.freeze_panes = f"A{HEADER_ROW + 1}"
            sheet.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + len(spec.rows)}"
            sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.fitToWidth = 1
        sheet.oddFooter.center.text = "&P / &N"
    book.properties.title = title
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """A download of the workbook; the file name is made safe for the header."""
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in filename) or "ekspor"
    if not safe.endswith(".xlsx"):
        safe += ".xlsx"
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    return response
