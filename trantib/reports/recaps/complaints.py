"""The monthly recap of complaints (pengaduan): per channel, per category, per desa/kelurahan
and, for a parent unit, per child unit — received, answered in time, answered late, not yet
answered, the median working days to the answer and the share answered in time.

What is counted, exactly (``docs/reports.md``):

- **received**: every complaint the scope's units handle (``Complaint.unit``, which follows a
  hand-over) whose ``received_at`` falls in the month, on the chosen unit's clock — duplicates
  and complaints closed as outside the unit's authority included, each as received;
- **answered**: the complaints app's own notion, ``Complaint.answered_at`` — set when the
  reporter is told (the SOP's last step, an answer sent outside a step, a duplicate told its
  original's outcome, "bukan kewenangan");
- **in time / late**: the app's own clock, stamped on the complaint at receipt
  (``complaints.clock``): an answer before ``answer_late_from`` is in time — 0 or more working
  days left at the moment of the answer (due that day included), as the case page counts it;
  the limit is ``TRANTIB_COMPLAINT_ANSWER_DAYS`` working days on the complaint SOP's calendar
  (national holidays, the SOP's days off), as it stood when the complaint was received;
- **not answered**, and of those **past due**: the same clock at the moment the report is
  made — an answer given after that moment is not counted yet;
- **share in time**: in time ÷ (in time + late + past due): a complaint still within its time
  is not judged yet;
- **working days to the answer**: ``answer_days``, stamped at the answer
  (:func:`complaints.clock.waited_days`), their median over the answered ones.

The standing is read when the report is made (the page, PDF and XLSX say when). Every figure
is the count of the complaint cases its drill lists (``drill_register`` below), so a number
on the page opens exactly the cases behind it. The reporter never appears: the rows carry
channel, category, desa and the case only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from config.dbrouter import report_page
from trantib.cases.models import Case
from trantib.complaints.models import Category, Channel, Complaint
from trantib.complaints.selectors import AnswerState, answer_state_case
from trantib.core.dates import datetime_id
from trantib.core.errors import Invalid
from trantib.core.xlsx import Sheet, xlsx_book, xlsx_response
from trantib.reports.figures import Figure, drill_href, drill_register, histogram_median
from trantib.reports.periods import Period, period_parse
from trantib.reports.printing import report_pdf
from trantib.reports.scope import Scope
from trantib.reports.templatetags.reports import figure_cell
from trantib.reports.views import Frame, report_frame

REPORT = "rekap_pengaduan"
NO_DESA = "-"  # the desa parameter of complaints that name none


# Where a complaint's answer stands when the report is made: the complaints app's own rule,
# read from the clock stamped on the complaint (``complaints.clock``).
State = AnswerState


# The figures' drill names. "belum" = waiting + overdue; "dijawab" = in time + late (the rows
# of the median).
RECEIVED, WITHIN, LATE, OPEN, OVERDUE, ANSWERED = (
    "diterima",
    "tepat",
    "terlambat",
    "belum",
    "lewat",
    "dijawab",
)
_STATES = {
    RECEIVED: frozenset(State),
    WITHIN: frozenset({State.WITHIN}),
    LATE: frozenset({State.LATE}),
    OPEN: frozenset({State.WAITING, State.OVERDUE}),
    OVERDUE: frozenset({State.OVERDUE}),
    ANSWERED: frozenset({State.WITHIN, State.LATE}),
}


@dataclass(frozen=True)
class Standing:
    """One complaint as the recap counts it: never its reporter."""

    case_id: int
    unit_id: int
    channel: str
    category: str  # the category's code
    category_name: str
    desa: str  # the grouping key (see ``desa_key``), NO_DESA when blank
    desa_name: str
    state: State
    days: int | None  # working days to the answer; None while not answered
    n: int = 1  # how many complaints alike (the recap reads them grouped; a drill one by one)


def desa_key(text: str) -> str:
    """The same desa however it was typed: spaces collapsed, case folded; blank is NO_DESA."""
    key = " ".join((text or "").split()).casefold()
    return key if key and key != NO_DESA else NO_DESA


def complaint_standings(
    unit_ids: Iterable[int],
    period: Period,
    zone: dt.tzinfo,
    *,
    now: dt.datetime | None = None,
    grouped: bool = False,
) -> list[Standing]:
    """The complaints of ``unit_ids`` received in ``period`` (on ``zone``'s clock), each with
    its answer's standing at ``now`` read in SQL from the clock stamped on it. ``grouped``:
    one standing per set of alike complaints with their number (``n``, ``case_id`` 0) — what
    the recap's tables count; a drill lists them one by one."""
    now = now or timezone.now()
    start, end = period.bounds(zone)
    found = Complaint.objects.filter(
        unit_id__in=list(unit_ids), received_at__gte=start, received_at__lt=end
    ).annotate(state=answer_state_case(now))
    fields = ("unit_id", "channel", "category__code", "category__name", "kelurahan", "state")
    rows: Any
    if grouped:
        rows = (
            found.values(*fields, "answer_days")
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("n", *fields, "answer_days")
        )
    else:
        rows = found.order_by("received_at", "pk").values_list("case_id", *fields, "answer_days")
    out = []
    spellings: dict[str, tuple[str, str]] = {}  # as typed → (its key, its name): once each
    for first, unit_id, channel, code, name, desa, state_value, days in rows:
        state = State(state_value)
        spelled = spellings.get(desa)
        if spelled is None:
            spelled = spellings[desa] = (desa_key(desa), " ".join(desa.split()))
        out.append(
            Standing(
                case_id=0 if grouped else first,
                unit_id=unit_id,
                channel=channel,
                category=code,
                category_name=name,
                desa=spelled[0],
                desa_name=spelled[1],
                state=state,
                days=days if state in (State.WITHIN, State.LATE) else None,
                n=first if grouped else 1,
            )
        )
    return out


@dataclass
class Tally:
    received: int = 0
    within: int = 0
    late: int = 0
    waiting: int = 0
    overdue: int = 0
    days: dict[int, int] = field(default_factory=dict)  # working days → how many answers

    def add(self, standing: Standing) -> None:
        n = standing.n
        self.received += n
        if standing.state is State.WITHIN:
            self.within += n
        elif standing.state is State.LATE:
            self.late += n
        elif standing.state is State.WAITING:
            self.waiting += n
        else:
            self.overdue += n
        if standing.days is not None:
            self.days[standing.days] = self.days.get(standing.days, 0) + n

    @property
    def open(self) -> int:
        return self.waiting + self.overdue

    @property
    def median(self) -> float | None:
        """The median working days to the answer of the answered ones (None: none answered)."""
        return histogram_median(self.days)

    @property
    def share(self) -> float | None:
        """Answered in time, in percent of those whose time is up: answered (in time or late)
        or past their due day unanswered. One still within its time is not judged yet (None:
        none to judge)."""
        judged = self.within + self.late + self.overdue
        return round(100 * self.within / judged, 1) if judged else None


# -- which complaints a row holds: the same test for the figure and for its drill -------------


def _matcher(scope: Scope, params: dict[str, str]) -> Callable[[Standing], bool]:
    """The standings a row's parameters select (an unknown child unit selects none)."""
    channel = params.get("saluran", "")
    category = params.get("kategori", "")
    desa = params.get("desa", "")
    sub = params.get("sub", "")
    ids: frozenset[int] | None = None
    if sub:
        ids = frozenset(next((group for child, group in scope.groups if child.code == sub), ()))

    def matches(s: Standing) -> bool:
        return (
            (not channel or s.channel == channel)
            and (not category or s.category == category)
            and (not desa or s.desa == desa_key(desa))
            and (ids is None or s.unit_id in ids)
        )

    return matches


def _drill(figure: str) -> Callable[[Scope, Period, dict[str, str]], QuerySet[Case]]:
    states = _STATES[figure]

    def drill(scope: Scope, period: Period, params: dict[str, str]) -> QuerySet[Case]:
        matches = _matcher(scope, params)
        ids = [
            s.case_id
            for s in complaint_standings(scope.unit_ids, period, scope.zone)
            if s.state in states and matches(s)
        ]
        return Case.objects.filter(pk__in=ids)

    return drill


_TITLES = {
    RECEIVED: _lazy("Pengaduan yang diterima"),
    WITHIN: _lazy("Pengaduan yang dijawab tepat waktu"),
    LATE: _lazy("Pengaduan yang dijawab terlambat"),
    OPEN: _lazy("Pengaduan yang belum dijawab"),
    OVERDUE: _lazy("Pengaduan yang belum dijawab dan lewat batas waktu"),
    ANSWERED: _lazy("Pengaduan yang sudah dijawab"),
}
for _figure, _title in _TITLES.items():
    drill_register(REPORT, _figure, _drill(_figure), title=_title)  # type: ignore[arg-type]


# -- the recap -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One row of a table: its label, its counts and a figure per column (linked)."""

    label: str
    tally: Tally
    figures: list[Figure]

    def page_cells(self) -> SafeString:
        """The row's figure cells as one piece of HTML: a province's month has some 300 desa
        rows, and a template tag per cell was a large part of the page's time."""
        return SafeString("".join(figure_cell(f) for f in self.figures))


@dataclass(frozen=True)
class Table:
    key: str  # "saluran", "kategori", "desa", "unit"
    title: str
    head: str  # the first column's header
    lines: list[Line]
    total: Line


@dataclass(frozen=True)
class ComplaintRecap:
    scope: Scope
    period: Period
    made_at: dt.datetime
    standard_days: int
    tables: list[Table]

    @property
    def total(self) -> Line:
        return self.tables[0].total


def columns() -> list[str]:
    return [
        _("Diterima"),
        _("Dijawab tepat waktu"),
        _("Dijawab terlambat"),
        _("Belum dijawab"),
        _("Belum dijawab, lewat batas waktu"),
        _("Median hari kerja sampai dijawab"),
        _("% tepat waktu"),
    ]


def _line(label: str, tally: Tally, scope: Scope, period: Period, **params: str) -> Line:
    def href(figure: str) -> str:
        return drill_href(REPORT, figure, scope, period, **params)

    names = columns()
    return Line(
        label=label,
        tally=tally,
        figures=[
            Figure(names[0], tally.received, href(RECEIVED)),
            Figure(names[1], tally.within, href(WITHIN)),
            Figure(names[2], tally.late, href(LATE)),
            Figure(names[3], tally.open, href(OPEN)),
            Figure(names[4], tally.overdue, href(OVERDUE)),
            Figure(names[5], tally.median, href(ANSWERED)),
            Figure(names[6], tally.share, href(WITHIN), unit="%"),
        ],
    )


def _table(
    key: str,
    title: str,
    head: str,
    groups: list[tuple[str, dict[str, str]]],
    standings: list[Standing],
    scope: Scope,
    period: Period,
) -> Table:
    """One table: each group's row holds the standings whose ``key`` value is the group's (the
    drill's ``_matcher`` with that one parameter), tallied in one pass over the standings."""
    child_code = {uid: child.code for child, ids in scope.groups for uid in ids}
    value_of: Callable[[Standing], str] = {
        "saluran": lambda s: s.channel,
        "kategori": lambda s: s.category,
        "desa": lambda s: s.desa,
        "sub": lambda s: child_code.get(s.unit_id, ""),
    }[_PARAM[key]]
    tallies: dict[str, Tally] = {}
    total = Tally()
    for s in standings:
        value = value_of(s)
        tally = tallies.get(value)
        if tally is None:
            tally = tallies[value] = Tally()
        tally.add(s)
        total.add(s)
    lines = []
    for label, params in groups:
        wanted = params[_PARAM[key]]
        tally = tallies.get(desa_key(wanted) if key == "desa" else wanted, Tally())
        lines.append(_line(label, tally, scope, period, **params))
    return Table(key, title, head, lines, _line(_("Jumlah"), total, scope, period))


# The table's key → the drill parameter its rows are told apart by.
_PARAM = {"saluran": "saluran", "kategori": "kategori", "desa": "desa", "unit": "sub"}


def complaint_recap(
    scope: Scope, period: Period, *, now: dt.datetime | None = None
) -> ComplaintRecap:
    """The recap of ``period`` with each answer's standing at ``now`` (default: this moment)."""
    now = now or timezone.now()
    standings = complaint_standings(scope.unit_ids, period, scope.zone, now=now, grouped=True)
    channels = [(str(c.label), {"saluran": c.value}) for c in Channel]
    # The categories the scope's units manage (a fixed form: zero rows too), and any other
    # category a complaint here was filed under (routing brings them in).
    named = {s.category: s.category_name for s in standings}
    own = Category.objects.filter(unit_id__in=scope.unit_ids, active=True).values_list(
        "code", "name"
    )
    named.update(dict(own))
    categories = [
        (name, {"kategori": code})
        for code, name in sorted(named.items(), key=lambda i: (i[1].casefold(), i[0]))
    ]
    spelled: dict[str, dict[str, int]] = {}
    for s in standings:
        counts = spelled.setdefault(s.desa, {})
        counts[s.desa_name] = counts.get(s.desa_name, 0) + s.n
    desas = []
    for key, counts in spelled.items():
        if key == NO_DESA:
            continue
        # The spelling most complaints used (the first such, alphabetically, on a tie).
        name = sorted(counts.items(), key=lambda i: (-i[1], i[0]))[0][0]
        desas.append((name, {"desa": key}))
    desas.sort(key=lambda d: d[0].casefold())
    if NO_DESA in spelled:
        desas.append((_("(tanpa desa/kelurahan)"), {"desa": NO_DESA}))
    tables = [
        _table("saluran", _("Per saluran"), _("Saluran"), channels, standings, scope, period),
        _table("kategori", _("Per kategori"), _("Kategori"), categories, standings, scope, period),
        _table(
            "desa", _("Per desa/kelurahan"), _("Desa/kelurahan"), desas, standings, scope, period
        ),
    ]
    if scope.is_parent:
        children = [(child.name, {"sub": child.code}) for child, _ids in scope.groups]
        tables.append(_table("unit", _("Per unit"), _("Unit"), children, standings, scope, period))
    return ComplaintRecap(
        scope=scope,
        period=period,
        made_at=now,
        standard_days=int(getattr(settings, "TRANTIB_COMPLAINT_ANSWER_DAYS", 5)),
        tables=tables,
    )


# -- the page, the PDF, the XLSX -------------------------------------------------------------


def month_frame(request: HttpRequest) -> Frame:
    """The recap's unit and month. The page shows the default month with a message when the
    month cannot be read; a download (PDF, XLSX) of such a month is a 404 instead — it never
    prints figures under a month nobody asked for."""
    frame = report_frame(request, kinds=("month",))
    raw = request.GET.get("periode", "")
    if raw and request.GET.get("format") in ("pdf", "xlsx"):
        try:
            period_parse(raw, kinds=("month",))
        except Invalid:
            raise Http404(_("Periode tidak dapat dibaca.")) from None
    return frame


@report_page
@login_required
def recap_complaints(request: HttpRequest) -> HttpResponse:
    """``/laporan/rekap/pengaduan/?unit=…&periode=YYYY-MM`` (``&format=pdf|xlsx``)."""
    frame = month_frame(request)
    context = {
        **frame.context(),
        "pdf_href": f"?{frame.query(format='pdf')}",
        "xlsx_href": f"?{frame.query(format='xlsx')}",
    }
    return recap_complaints_response(request, frame.scope, frame.period, context)


def _context(request: HttpRequest, recap: ComplaintRecap) -> dict[str, Any]:
    return {
        "recap": recap,
        "columns": columns(),
        "made_text": datetime_id(recap.made_at, recap.scope.zone),
    }


def recap_complaints_response(
    request: HttpRequest, scope: Scope, period: Period, context: dict[str, Any]
) -> HttpResponse:
    recap = complaint_recap(scope, period)
    context = {**context, **_context(request, recap)}
    fmt = request.GET.get("format", "")
    if fmt == "pdf":
        content = report_pdf(
            "reports/recap_complaints_pdf.html", context, scope=scope, period=period
        )
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'inline; filename="rekap-pengaduan-{scope.unit.code}-{period.code}.pdf"'
        )
        return response
    if fmt == "xlsx":
        return xlsx_response(
            recap_complaints_xlsx(recap, site=request.build_absolute_uri("/")[:-1]),
            f"rekap-pengaduan-{scope.unit.code}-{period.code}.xlsx",
        )
    return render(request, "reports/recap_complaints.html", context)


def recap_complaints_xlsx(recap: ComplaintRecap, *, site: str = "") -> bytes:
    headers = columns()
    sheets = []
    for table in recap.tables:
        rows: list[list[object]] = []
        links: list[list[str]] = []
        for line in table.lines:
            rows.append([line.label, *(f.value for f in line.figures)])
            links.append(["", *(f.href for f in line.figures)])
        total = recap_total_cells(table.total)
        sheets.append(
            Sheet(
                name=table.title[:31],
                headers=[table.head, *headers],
                rows=rows,
                links=links,
                total=total,
                widths=[34, 11, 14, 14, 13, 16, 16, 12],
            )
        )
    return xlsx_book(
        title=_("Rekap Pengaduan"),
        unit=recap.scope.unit.name,
        period=recap.period.label,
        sheets=sheets,
        site=site,
    )


def recap_total_cells(line: Line) -> list[object]:
    return [line.label, *(f.value for f in line.figures)]
