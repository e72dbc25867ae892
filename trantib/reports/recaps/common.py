"""What the monthly recaps of patrols, enforcement and operations share: a recap is a few
tables of cells, shown as a page, printed as a PDF the unit head signs, and written as an XLSX
— the same cells in all three, so the three can never disagree.

A cell is a :class:`~trantib.reports.figures.Figure` (a number and the list of the rows behind
it), a :class:`Link` (a text that leads somewhere: a day to its patrol plan, an operation to
its file), a date, or a plain text or number. The page links every figure; the PDF prints only
the numbers and words (a signed report prints what it says); the XLSX keeps the links.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from config.dbrouter import report_page
from trantib.accounts.models import OrgUnit
from trantib.core.dates import MONTHS, date_id
from trantib.core.errors import Invalid
from trantib.core.links import path_to
from trantib.core.xlsx import Sheet, xlsx_book, xlsx_response

from ..figures import Figure
from ..periods import Period, period_parse
from ..printing import report_pdf
from ..scope import Scope
from ..templatetags.reports import esc, report_cell
from ..views import report_frame

# Indonesian day names, Monday first (``date.weekday()``): dates for people are Indonesian in
# every interface language, as in :mod:`trantib.core.dates`.
DAY_NAMES = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


@dataclass(frozen=True)
class Link:
    """A text cell that leads somewhere; ``more``: further (label, address) pairs shown small
    beside it (a day with the patrol plans of several units)."""

    text: str
    href: str = ""
    more: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Day:
    """A date cell: shown as "Kamis, 1 Oktober 2026", written to XLSX as a real date."""

    day: dt.date
    href: str = ""
    more: tuple[tuple[str, str], ...] = ()
    suffix: str = ""  # a mark after the date ("*": explained under the table)

    @property
    def text(self) -> str:
        return f"{DAY_NAMES[self.day.weekday()]}, {date_id(self.day)}{self.suffix}"

    @property
    def short(self) -> str:
        """ "Sel 1 Des": what a phone's narrow column shows (the whole date in its title)."""
        month = MONTHS[self.day.month - 1][:3]
        return f"{DAY_NAMES[self.day.weekday()][:3]} {self.day.day} {month}{self.suffix}"


Cell = Figure | Link | Day | str | int | float | dt.date | None


@dataclass
class Table:
    """One table of a recap. ``groups``: a header row above ``headers`` of (label, columns)
    spans; ``total``: the bold last row."""

    key: str
    title: str
    headers: list[str]
    rows: list[list[Cell]]
    total: list[Cell] | None = None
    groups: list[tuple[str, int]] = field(default_factory=list)
    note: str = ""
    empty: str = ""
    widths: list[int] | None = None  # the sheet's column widths (characters)
    print_widths: list[int] | None = None  # the printed columns' shares of the page (%)

    def page_rows(self) -> list[SafeString]:
        """Each row's cells as one piece of HTML (a province's month has hundreds of rows of
        a dozen cells: the template writes a row, not each cell)."""
        return [_cells_html(row) for row in self.rows]

    def page_total(self) -> SafeString:
        return _cells_html(self.total or [])

    def print_rows(self) -> list[list[tuple[str, bool]]]:
        return [[cell_print(c) for c in row] for row in self.rows]

    def print_total(self) -> list[tuple[str, bool]]:
        return [cell_print(c) for c in self.total or []]

    def sheet(self, zone: dt.tzinfo) -> Sheet:
        headers = list(self.headers)
        if self.groups:  # one header row in a sheet: a grouped column names its group
            headers, col = [], 0
            for label, span in self.groups:
                for name in self.headers[col : col + span]:
                    headers.append(f"{label}: {name}" if label and span > 1 else name)
                col += span
            headers.extend(self.headers[col:])
        return Sheet(
            name=self.title,
            headers=headers,
            rows=[[cell_value(c) for c in row] for row in self.rows],
            links=[[cell_link(c) for c in row] for row in self.rows],
            total=[cell_value(c) for c in self.total] if self.total is not None else None,
            widths=self.widths,
            zone=zone,
        )


@dataclass
class Recap:
    """A recap ready to show: its tables and what each column counts (``notes``)."""

    key: str  # the report's name in the drills: "recap_patrols"
    title: str  # "Rekap Patroli"
    scope: Scope
    period: Period
    tables: list[Table]
    notes: list[str] = field(default_factory=list)
    landscape: bool = True


# -- cells ----------------------------------------------------------------------------------------


def cell_html(cell: Cell, *, header: bool = False) -> SafeString:
    """The page's cell: a figure linked to its rows, a link, a date the Indonesian way."""
    if isinstance(cell, Figure):
        return report_cell(cell)
    if isinstance(cell, (Link, Day)):
        tag = "th" if header else "td"
        attrs = ' scope="row"' if header else ""
        text = esc(cell.text)
        if isinstance(cell, Day):
            text = (
                f'<time datetime="{cell.day.isoformat()}" title="{text}">{esc(cell.short)}</time>'
            )
        main = f'<a href="{esc(cell.href)}">{text}</a>' if cell.href else text
        extra = "".join(
            f' <a class="tag" href="{esc(href)}">{esc(label)}</a>' for label, href in cell.more
        )
        return SafeString(f"<{tag}{attrs}>{main}{extra}</{tag}>")
    if isinstance(cell, dt.date):
        return SafeString(f"<td>{esc(date_id(cell))}</td>")
    if header and isinstance(cell, str):
        return SafeString(f'<th scope="row">{esc(cell)}</th>')
    return report_cell(cell)


def _cells_html(cells: list[Cell]) -> SafeString:
    return SafeString("".join(cell_html(c, header=i == 0) for i, c in enumerate(cells)))


def cell_print(cell: Cell) -> tuple[str, bool]:
    """The printed cell: its text and whether it is a number (right-aligned)."""
    if isinstance(cell, Figure):
        return cell.shown, True
    if isinstance(cell, (Link, Day)):
        return cell.text, False
    if isinstance(cell, dt.date):
        return date_id(cell), False
    if isinstance(cell, bool) or cell is None:
        return "", False
    if isinstance(cell, (int, float)):
        return Figure(label="", value=cell).shown, True
    return str(cell), False


def cell_value(cell: Cell) -> Any:
    """The spreadsheet's cell: numbers as numbers, dates as dates."""
    if isinstance(cell, Figure):
        return cell.value
    if isinstance(cell, Day):
        return cell.day
    if isinstance(cell, Link):
        return cell.text
    return cell


def cell_link(cell: Cell) -> str:
    if isinstance(cell, (Figure, Link, Day)):
        return cell.href
    return ""


def lazy_title(text: Any) -> str:
    """A drill's title, translated when the list is shown (not at import): ``drill_register``
    types it ``str``; a lazy string is one until it is read."""
    return cast(str, text)


def figure(label: str, value: int, href: str) -> Figure:
    """A count; nothing to open behind a zero."""
    return Figure(label=label, value=value, href=href if value else "")


# -- addresses ------------------------------------------------------------------------------------


def address(name: str, *args: Any, **query: Any) -> str:
    """``reverse(name)`` with a query string of the non-empty ``query`` values."""
    params = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in query.items()}
    kept = {k: v for k, v in params.items() if v not in ("", None)}
    base = path_to(name, *args)
    return f"{base}?{urlencode(kept)}" if kept else base


def child_scope(scope: Scope, child: OrgUnit, ids: Iterable[int]) -> Scope:
    """The scope of one child unit of a parent's report (for the links of its row)."""
    wanted = set(ids)
    return dataclasses.replace(
        scope,
        unit=child,
        units=tuple(u for u in scope.units if u.pk in wanted),
        groups=(),
        zone=zoneinfo.ZoneInfo(child.timezone),
    )


def recap_href(name: str, scope: Scope, period: Period) -> str:
    return address(name, unit=scope.unit.code, periode=period.code)


def day_param(params: dict[str, str], period: Period) -> tuple[bool, dt.date | None]:
    """A drill's ``tanggal=YYYY-MM-DD`` inside the period: (readable, day). Absent: the whole
    period; unreadable or outside it: not readable (the drill lists nothing)."""
    text = params.get("tanggal", "")
    if not text:
        return True, None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return False, None
    return (True, day) if period.contains(day) else (False, None)


def whole_param(params: dict[str, str], key: str) -> tuple[bool, int | None]:
    """A drill's id parameter: (readable, id); absent → (True, None)."""
    text = params.get(key, "")
    if not text:
        return True, None
    if not (text.isascii() and text.isdigit() and len(text) <= 18):
        return False, None
    return True, int(text)


# -- the page, the PDF and the workbook -----------------------------------------------------------

FORMATS = ("pdf", "xlsx")


def recap_view(
    build: Callable[[Scope, Period], Recap], url_name: str, slug: str
) -> Callable[[HttpRequest], HttpResponse]:
    """The view of one recap: the page, ``?format=pdf`` and ``?format=xlsx``. A period that
    cannot be read shows the page of the default month with the message (never a file of
    another month than the one asked for); a unit the reader may not see is a 404."""

    @report_page
    @login_required
    def view(request: HttpRequest) -> HttpResponse:
        frame = report_frame(request, kinds=("month",))
        fmt = request.GET.get("format", "")
        asked = request.GET.get("periode", "")
        readable = True
        if asked:
            try:
                period_parse(asked, kinds=("month",))
            except Invalid:
                readable = False
        recap = build(frame.scope, frame.period)
        name = f"rekap-{slug}-{frame.scope.unit.code}-{frame.period.code}"
        if fmt == "pdf" and readable:
            content = report_pdf(
                "reports/recap_sheet_pdf.html",
                {"recap": recap},
                scope=frame.scope,
                period=frame.period,
            )
            response = HttpResponse(content, content_type="application/pdf")
            response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
            return response
        if fmt == "xlsx" and readable:
            content = xlsx_book(
                title=recap.title,
                unit=frame.scope.unit.name,
                period=frame.period.label,
                sheets=[t.sheet(frame.scope.zone) for t in recap.tables],
                site=request.build_absolute_uri("/")[:-1],
            )
            return xlsx_response(content, name)
        if fmt and fmt not in FORMATS:
            messages.error(request, _("Format unduhan tidak dikenal: pilih PDF atau XLSX."))
        here = reverse(url_name)
        query = {"unit": frame.scope.unit.code, "periode": frame.period.code}
        context = {
            **frame.context(),
            "recap": recap,
            "pdf_href": f"{here}?{urlencode({**query, 'format': 'pdf'})}",
            "xlsx_href": f"{here}?{urlencode({**query, 'format': 'xlsx'})}",
        }
        return render(request, "reports/recap_sheet.html", context)

    return view
