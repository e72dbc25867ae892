"""The register (buku agenda surat keluar) as rows, and as PDF, XLSX and CSV files.

The page and the three exports share one row (:class:`RegisterRow`), so a filter gives the same
letters everywhere, masked alike for the reader (a confidential letter as its kind and number;
the addressee of a confidential reporter's letter blank: :func:`selectors.letter_shown`). XLSX
dates are real date cells; the CSV is UTF-8 with a byte-order mark so that Excel reads it as
UTF-8; the PDF is an A4 landscape table headed by the units' names and the period.

Text a spreadsheet would run as a formula ("=HYPERLINK(…)") stays text, in every export of the
app (the incoming agenda's too): :func:`csv_cell` for a CSV (which has no types: a leading
apostrophe), :func:`xlsx_append` for an XLSX (a string cell, written as typed).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from trantib.accounts.models import Position
from trantib.core.dates import date_id, datetime_id
from trantib.core.printing import css_string, pdf_from_html

from .models import Letter
from .selectors import letter_shown


@dataclass(frozen=True)
class RegisterRow:
    letter: Letter
    urut: int | None  # the serial in its register; None before numbering
    tanggal: dt.date  # the letter's date, or the day it was drafted
    dated: bool  # ``tanggal`` is the letter's own date (numbered), not the draft's
    nomor: str
    jenis: str
    hal: str
    tujuan: str
    penanda_tangan: str
    status: str
    kasus: str
    restricted: bool = False  # a confidential letter the reader may not open

    @property
    def tanggal_text(self) -> str:
        return date_id(self.tanggal)


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def register_rows(letters: Iterable[Letter]) -> list[RegisterRow]:
    """One row per letter (the letters with ``unit`` and ``case`` selected). The signer of a
    letter not signed yet is its jabatan, read in one query for all of them."""
    letters = list(letters)
    wanted = {(letter.unit_id, letter.signer_role) for letter in letters if not letter.signer_name}
    jabatan: dict[tuple[int, str], str] = {}
    if wanted:
        rows = Position.objects.filter(
            unit_id__in={u for u, _c in wanted}, code__in={c for _u, c in wanted}
        ).values_list("unit_id", "code", "name")
        jabatan = {(unit_id, code): name for unit_id, code, name in rows}
    out = []
    for letter in letters:
        zone = letter.unit.zone()
        shown = letter_shown(letter)
        out.append(
            RegisterRow(
                letter=letter,
                urut=letter.serial,
                tanggal=letter.dated or timezone.localtime(letter.created_at, zone).date(),
                dated=letter.dated is not None,
                nomor=letter.number,
                jenis=letter.kind_name,
                hal=shown.hal,
                tujuan=_first_line(shown.recipient),
                penanda_tangan=letter.signer_name
                or jabatan.get((letter.unit_id, letter.signer_role), letter.signer_role),
                status=str(letter.get_state_display()),
                kasus=shown.case,
                restricted=shown.restricted,
            )
        )
    return out


def headers() -> list[str]:
    return [
        _("No. urut"),
        _("Tanggal"),
        _("Nomor"),
        _("Jenis"),
        _("Hal"),
        _("Tujuan"),
        _("Penanda tangan"),
        _("Status"),
        _("Kasus"),
    ]


def _values(row: RegisterRow) -> list[object]:
    return [
        row.urut,
        row.tanggal,
        row.nomor,
        row.jenis,
        row.hal,
        row.tujuan,
        row.penanda_tangan,
        row.status,
        row.kasus,
    ]


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A CSV value a spreadsheet will not run as a formula: text starting like one gets a
    leading apostrophe (a CSV cell has no type to say "text")."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def xlsx_append(sheet: Any, values: Iterable[object]) -> int:
    """Append a row to an openpyxl sheet; a string is a string cell, written as typed (openpyxl
    would take "=…" for a formula). The row's number."""
    sheet.append(list(values))
    line = int(sheet.max_row)
    for cell in sheet[line]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
    return line


def register_csv(rows: list[RegisterRow]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers())
    for row in rows:
        values = [csv_cell(v) for v in _values(row)]
        values[0] = "" if row.urut is None else row.urut
        values[1] = row.tanggal.isoformat()
        writer.writerow(values)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


WIDTHS = (9, 13, 30, 26, 44, 32, 30, 24, 20)


def register_xlsx(rows: list[RegisterRow], *, title: str, period: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.create_sheet(_("Surat keluar"), 0)
    for other in book.worksheets[1:]:
        book.remove(other)
    sheet.append(headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E7ECF2")
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for row in rows:
        line = xlsx_append(sheet, _values(row))
        sheet.cell(row=line, column=2).number_format = "DD/MM/YYYY"
    for i, width in enumerate(WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(WIDTHS))}{max(1, sheet.max_row)}"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.oddHeader.center.text = f"{title} — {period}"
    book.properties.title = f"{_('Buku agenda surat keluar')} — {title}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def register_pdf(
    rows: list[RegisterRow], *, units: list[str], period: str, zone: dt.tzinfo
) -> bytes:
    html = render_to_string(
        "letters/register_pdf.html",
        {
            "rows": rows,
            "headers": headers(),
            "units": units,
            "period": period,
            "printed_css": css_string(
                _("Dicetak %(when)s") % {"when": datetime_id(timezone.now(), zone)}
            ),
            "page_css": css_string(_("Halaman")),
        },
    )
    return pdf_from_html(html)
