"""The register (buku agenda surat keluar) as rows, and as PDF, XLSX and CSV files.

The page and the three exports share one row (:class:`RegisterRow`), so a filter gives the same
letters everywhere, masked alike for the reader (a confidential letter as its kind and number;
the addressee of a confidential reporter's letter blank: :func:`selectors.letter_shown`). XLSX
dates are real date cells; the CSV is UTF-8 with a byte-order mark so that Excel reads it as
UTF-8; the PDF is an A4 landscape table headed by the units' names and the period.

Text a spreadsheet would run as a formula ("=HYPERLINK(…)") stays text, in every export of the
app (the incoming agenda's too): :func:`csv_cell` for a CSV (which has no types: a leading
apostrophe); an XLSX is written by ``trantib.core.xlsx``, whose text cells are always text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from trantib.accounts.models import Position
from trantib.core.dates import date_id, datetime_id
from trantib.core.printing import css_string, pdf_from_html
from trantib.core.xlsx import Sheet, xlsx_book

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


WIDTHS = [9, 13, 30, 26, 44, 32, 30, 24, 20]


def register_xlsx(rows: list[RegisterRow], *, title: str, period: str, site: str = "") -> bytes:
    """The book through the shared writer (``trantib.core.xlsx``): title, units, period, then
    the header and the rows; the date a real date cell; each number linked to its letter."""
    sheet = Sheet(
        name=_("Surat keluar"),
        headers=headers(),
        rows=[_values(row) for row in rows],
        links=[["", "", reverse("letters:letter", args=[row.letter.pk])] for row in rows],
        widths=WIDTHS,
    )
    period = period[:1].upper() + period[1:]  # "semua tanggal" heads its row
    return xlsx_book(
        title=_("Buku agenda surat keluar"), unit=title, period=period, sheets=[sheet], site=site
    )


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
