"""The monthly recap of Polmas activities in the report frame: per Bhabinkamtibmas and desa,
per Pos and, for a parent unit, per child unit — activities planned, held, not held, not yet
recorded, attendance, topics, residents' issues and the complaints they opened.

The counting is the community app's own: :func:`community.selectors.recap_month`, called for
each Polmas unit of the scope (a unit with a Banit position, or with activities that month)
and summed here — nothing is counted twice or another way. What this module adds is the frame:
unit and period pickers, the PDF the unit head signs, the XLSX, a parent unit's view, and a
link behind every number:

- a figure of one unit opens the community app's own list
  (``/polmas/kegiatan/?unit=…&bulan=…&petugas=…&desa=…&pos=…&status=…``);
- a figure summed over several units opens the POLMAS cases of those activities through the
  report drill (``drill_register``: every activity has its case);
- issues and complaints open the list of those issues (:func:`polmas_issues_page`), which the
  community app does not have (its recap links the activities that have issues).

A resident's name and contact, noted on an issue, never appear here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from config.dbrouter import report_page
from trantib.accounts.models import OrgUnit, Person
from trantib.cases.models import Case
from trantib.community import selectors as polmas_selectors
from trantib.community.models import Activity, ActivityStatus, Issue, Pos
from trantib.core.dates import datetime_id
from trantib.core.links import path_to
from trantib.core.xlsx import Sheet, xlsx_book, xlsx_response
from trantib.reports.figures import Figure, drill_href, drill_register
from trantib.reports.periods import Period
from trantib.reports.printing import report_pdf
from trantib.reports.recaps.complaints import month_frame
from trantib.reports.scope import Scope

REPORT = "rekap_polmas"
# The figures (drill names) and the activity status each lists ("" = every status).
PLANNED, HELD, MISSED, OPEN = "rencana", "laksana", "tidak", "belum"
STATUS_OF = {
    PLANNED: "",
    HELD: ActivityStatus.HELD.value,
    MISSED: ActivityStatus.MISSED.value,
    OPEN: ActivityStatus.PLANNED.value,
}


def polmas_units(scope: Scope, period: Period) -> list[OrgUnit]:
    """The scope's units that keep a Polmas programme (a position filling POLMAS's Banit: the
    unit's mapping, or the position coded ``banit``) or had activities in the period, in tree
    order."""
    first, last = period.start, period.end - dt.timedelta(days=1)
    busy = set(
        Activity.objects.filter(
            unit_id__in=scope.unit_ids, day__gte=first, day__lte=last
        ).values_list("unit_id", flat=True)
    )
    busy |= set(
        OrgUnit.objects.filter(polmas_selectors.polmas_units_q(), pk__in=scope.unit_ids)
        .values_list("pk", flat=True)
        .distinct()
    )
    return [u for u in scope.units if u.pk in busy]


def _units_of(scope: Scope, units: list[OrgUnit], sub: str) -> list[OrgUnit]:
    """``units`` within the child unit ``sub`` ("" = all; an unknown child = none)."""
    if not sub:
        return units
    ids = next((set(group) for child, group in scope.groups if child.code == sub), set())
    return [u for u in units if u.pk in ids]


def _month(period: Period) -> tuple[dt.date, dt.date]:
    return period.start, period.end - dt.timedelta(days=1)


def _activity_drill(figure: str) -> Callable[[Scope, Period, dict[str, str]], QuerySet[Case]]:
    """The POLMAS cases of the activities a figure counts: the community app's own selector
    (``activities_between``), unit by unit."""

    def drill(scope: Scope, period: Period, params: dict[str, str]) -> QuerySet[Case]:
        first, last = _month(period)
        pos = params.get("pos", "")
        ids: list[int] = []
        for unit in _units_of(scope, polmas_units(scope, period), params.get("sub", "")):
            rows = polmas_selectors.activities_between(
                unit,
                first,
                last,
                pos=pos if pos in Pos.values else "",
                status=STATUS_OF[figure],
            )
            ids += [a.case_id for a in rows if a.case_id]
        return Case.objects.filter(pk__in=ids)

    return drill


_TITLES = {
    PLANNED: _lazy("Kegiatan Polmas yang direncanakan"),
    HELD: _lazy("Kegiatan Polmas yang dilaksanakan"),
    MISSED: _lazy("Kegiatan Polmas yang tidak dilaksanakan"),
    OPEN: _lazy("Kegiatan Polmas yang belum dicatat"),
}
for _figure, _title in _TITLES.items():
    drill_register(REPORT, _figure, _activity_drill(_figure), title=_title)  # type: ignore[arg-type]


# -- the recap -----------------------------------------------------------------------------------


@dataclass
class Counts:
    planned: int = 0
    held: int = 0
    missed: int = 0
    open: int = 0
    attendance: int = 0
    issues: int = 0
    complaints: int = 0
    topics: list[str] = field(default_factory=list)

    def add(self, other: Counts) -> None:
        self.planned += other.planned
        self.held += other.held
        self.missed += other.missed
        self.open += other.open
        self.attendance += other.attendance
        self.issues += other.issues
        self.complaints += other.complaints
        for topic in other.topics:
            if topic not in self.topics:
                self.topics.append(topic)


@dataclass(frozen=True)
class Line:
    """One row: its label (and desa), the counts, a linked figure per column."""

    label: str
    desa: str
    unit: OrgUnit | None
    counts: Counts
    figures: list[Figure]


@dataclass(frozen=True)
class Table:
    key: str  # "petugas", "pos", "unit"
    title: str
    heads: list[str]  # the label columns' headers
    lines: list[Line]
    total: Line


@dataclass(frozen=True)
class PolmasRecap:
    scope: Scope
    period: Period
    made_at: dt.datetime
    units: list[OrgUnit]
    tables: list[Table]
    issues: list[Issue]

    @property
    def total(self) -> Line:
        return self.tables[0].total


def columns(*, with_topics: bool = True) -> list[str]:
    names = [
        _("Direncanakan"),
        _("Dilaksanakan"),
        _("Tidak dilaksanakan"),
        _("Belum dicatat"),
        _("Jumlah hadir"),
        _("Permasalahan warga"),
        _("Diteruskan sebagai pengaduan"),
    ]
    return [*names, _("Topik")] if with_topics else names


class _Links:
    """Where each figure of a row leads; see the module docstring."""

    def __init__(self, scope: Scope, period: Period, units: list[OrgUnit]) -> None:
        self.scope, self.period, self.units = scope, period, units
        self.month = f"{period.year:04d}-{period.index:02d}"

    def activities(self, figure: str, units: list[OrgUnit], **params: str) -> str:
        if len(units) == 1:
            query = {"unit": units[0].code, "bulan": self.month, **params}
            query.pop("sub", None)
            if STATUS_OF[figure]:
                query["status"] = STATUS_OF[figure]
            return f"{path_to('community:activities')}?{urlencode(query)}"
        return drill_href(REPORT, figure, self.scope, self.period, **params)

    def issues(self, complaints: bool, **params: str) -> str:
        query = {**self.scope.query(), "periode": self.period.code, **params}
        if complaints:
            query["pengaduan"] = "1"
        return f"{path_to('reports:recap_polmas_issues')}?{urlencode(query)}"


def _figures(
    links: _Links,
    counts: Counts,
    units: list[OrgUnit],
    activity: dict[str, str],
    issue: dict[str, str],
) -> list[Figure]:
    names = columns(with_topics=False)
    return [
        Figure(names[0], counts.planned, links.activities(PLANNED, units, **activity)),
        Figure(names[1], counts.held, links.activities(HELD, units, **activity)),
        Figure(names[2], counts.missed, links.activities(MISSED, units, **activity)),
        Figure(names[3], counts.open, links.activities(OPEN, units, **activity)),
        # Attendance is counted over the activities held: they are its rows.
        Figure(names[4], counts.attendance, links.activities(HELD, units, **activity)),
        Figure(names[5], counts.issues, links.issues(False, **issue)),
        Figure(names[6], counts.complaints, links.issues(True, **issue)),
    ]


def polmas_recap(scope: Scope, period: Period) -> PolmasRecap:
    units = polmas_units(scope, period)
    links = _Links(scope, period, units)
    recaps = [polmas_selectors.recap_month(u, period.year, period.index) for u in units]
    officer_lines: list[Line] = []
    per_pos = {p.value: Counts() for p in Pos}
    per_unit: dict[int, Counts] = {}
    total = Counts()
    for unit, recap in zip(units, recaps, strict=True):
        unit_counts = per_unit.setdefault(unit.pk, Counts())
        for row in recap.rows:
            cell = row.total()
            counts = Counts(
                planned=cell.planned,
                held=cell.held,
                missed=cell.missed,
                open=cell.open,
                attendance=row.attendance,
                issues=row.issues,
                complaints=row.complaints,
                topics=list(row.topics),
            )
            who = {"petugas": str(row.officer.pk), "desa": row.desa}
            issue_params = {"satuan": unit.code, **who}
            officer_lines.append(
                Line(
                    label=row.officer.full_name,
                    desa=row.desa,
                    unit=unit,
                    counts=counts,
                    figures=_figures(links, counts, [unit], who, issue_params),
                )
            )
            unit_counts.add(counts)
            total.add(counts)
            for pos, pos_cell in row.per_pos.items():
                per_pos[pos].add(
                    Counts(
                        planned=pos_cell.planned,
                        held=pos_cell.held,
                        missed=pos_cell.missed,
                        open=pos_cell.open,
                    )
                )
    pos_lines = []
    for pos in Pos:
        counts = per_pos[pos.value]
        figures = _figures(links, counts, units, {"pos": pos.value}, {})[:4]
        pos_lines.append(Line(str(pos.label), "", None, counts, figures))
    tables = [
        Table(
            "petugas",
            _("Per Bhabinkamtibmas dan desa/kelurahan"),
            [_("Bhabinkamtibmas"), _("Desa/kelurahan")],
            officer_lines,
            Line(_("Jumlah"), "", None, total, _figures(links, total, units, {}, {})),
        ),
        Table(
            "pos",
            _("Per kegiatan"),
            [_("Kegiatan")],
            pos_lines,
            Line(_("Jumlah"), "", None, total, _figures(links, total, units, {}, {})[:4]),
        ),
    ]
    if scope.is_parent:
        child_lines = []
        for child, ids in scope.groups:
            counts = Counts()
            for unit in units:
                if unit.pk in ids:
                    counts.add(per_unit[unit.pk])
            inside = [u for u in units if u.pk in ids]
            child_lines.append(
                Line(
                    child.name,
                    "",
                    child,
                    counts,
                    _figures(links, counts, inside, {"sub": child.code}, {"sub": child.code}),
                )
            )
        tables.append(
            Table(
                "unit",
                _("Per unit"),
                [_("Unit")],
                child_lines,
                Line(_("Jumlah"), "", None, total, _figures(links, total, units, {}, {})),
            )
        )
    issues = sorted(
        (i for recap in recaps for i in recap.issues),
        key=lambda i: (i.activity.day, i.activity.unit_id, i.pk),
    )
    return PolmasRecap(
        scope=scope,
        period=period,
        made_at=timezone.now(),
        units=units,
        tables=tables,
        issues=issues,
    )


# -- the issues behind a number ---------------------------------------------------------------


def issues_matching(recap: PolmasRecap, params: dict[str, str]) -> list[Issue]:
    """The issues a figure counts: those of the activities of the row's unit (``satuan``),
    child unit (``sub``), officer (``petugas``) and desa, and with ``pengaduan`` only those
    that opened a complaint — as ``recap_month`` groups them (by the activity's officer and
    desa)."""
    units = _units_of(recap.scope, recap.units, params.get("sub", ""))
    code = params.get("satuan", "")
    ids = {u.pk for u in units if not code or u.code == code}
    officer = params.get("petugas", "")
    desa = params.get("desa", "")
    only_complaints = bool(params.get("pengaduan"))
    return [
        i
        for i in recap.issues
        if i.activity.unit_id in ids
        and (not officer or str(i.activity.officer_id) == officer)
        and (not desa or i.activity.desa == desa)
        and (not only_complaints or i.complaint_id is not None)
    ]


# -- the page, the PDF, the XLSX -------------------------------------------------------------


def _made(recap: PolmasRecap) -> str:
    return datetime_id(recap.made_at, recap.scope.zone)


@report_page
@login_required
def recap_polmas(request: HttpRequest) -> HttpResponse:
    """``/laporan/rekap/polmas/?unit=…&periode=YYYY-MM`` (``&format=pdf|xlsx``)."""
    frame = month_frame(request)
    context = {
        **frame.context(),
        "pdf_href": f"?{frame.query(format='pdf')}",
        "xlsx_href": f"?{frame.query(format='xlsx')}",
    }
    return recap_polmas_response(request, frame.scope, frame.period, context)


@report_page
@login_required
def recap_polmas_issues(request: HttpRequest) -> HttpResponse:
    """``/laporan/rekap/polmas/permasalahan/``: the residents' issues behind a figure."""
    frame = month_frame(request)
    return polmas_issues_response(request, frame.scope, frame.period, frame.context())


def recap_polmas_response(
    request: HttpRequest, scope: Scope, period: Period, context: dict[str, Any]
) -> HttpResponse:
    recap = polmas_recap(scope, period)
    context = {
        **context,
        "recap": recap,
        "columns": columns(),
        "made_text": _made(recap),
        "issue_rows": _issue_rows(recap.issues, recap.units),
    }
    fmt = request.GET.get("format", "")
    name = f"rekap-polmas-{scope.unit.code}-{period.code}"
    if fmt == "pdf":
        content = report_pdf("reports/recap_polmas_pdf.html", context, scope=scope, period=period)
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
        return response
    if fmt == "xlsx":
        return xlsx_response(
            recap_polmas_xlsx(recap, site=request.build_absolute_uri("/")[:-1]), f"{name}.xlsx"
        )
    return render(request, "reports/recap_polmas.html", context)


@dataclass(frozen=True)
class IssueRow:
    day: dt.date
    pos: str
    unit: OrgUnit
    officer: Person
    desa: str
    text: str
    complaint: str  # "<case number> (<unit code>)", or ""
    href: str


def _issue_rows(issues: Iterable[Issue], units: Iterable[OrgUnit]) -> list[IssueRow]:
    by_id = {u.pk: u for u in units}
    rows = []
    for issue in issues:
        complaint = issue.complaint
        rows.append(
            IssueRow(
                day=issue.activity.day,
                pos=str(Pos(issue.activity.pos).label),
                unit=by_id[issue.activity.unit_id],
                officer=issue.activity.officer,
                desa=issue.desa or issue.activity.desa,
                text=issue.text,
                complaint=f"{complaint.case.number} ({complaint.unit.code})" if complaint else "",
                href=path_to("community:activity", issue.activity_id),
            )
        )
    return rows


def issue_headers() -> list[str]:
    return [
        _("Tanggal"),
        _("Kegiatan"),
        _("Unit"),
        _("Bhabinkamtibmas"),
        _("Desa/kelurahan"),
        _("Uraian"),
        _("Pengaduan (nomor kasus, unit)"),
    ]


def _issue_sheet(rows: list[IssueRow]) -> Sheet:
    return Sheet(
        name=_("Permasalahan warga")[:31],
        headers=issue_headers(),
        rows=[
            [r.day, r.pos, r.unit.code, r.officer.full_name, r.desa, r.text, r.complaint]
            for r in rows
        ],
        links=[[r.href, "", "", "", "", "", ""] for r in rows],
        widths=[12, 14, 12, 26, 20, 60, 30],
    )


def recap_polmas_xlsx(recap: PolmasRecap, *, site: str = "") -> bytes:
    sheets = []
    for table in recap.tables:
        with_topics = table.key == "petugas"
        heads = columns(with_topics=with_topics)[: len(table.total.figures)] + (
            [_("Topik")] if with_topics else []
        )
        rows: list[list[object]] = []
        links: list[list[str]] = []
        for line in table.lines:
            labels = [line.label, line.desa] if table.key == "petugas" else [line.label]
            values = [f.value for f in line.figures]
            extra = ["; ".join(line.counts.topics)] if with_topics else []
            rows.append([*labels, *values, *extra])
            links.append(
                [*([""] * len(labels)), *(f.href for f in line.figures), *([""] * len(extra))]
            )
        total_labels = [table.total.label, ""] if table.key == "petugas" else [table.total.label]
        sheets.append(
            Sheet(
                name=table.title[:31],
                headers=[*table.heads, *heads],
                rows=rows,
                links=links,
                total=[
                    *total_labels,
                    *(f.value for f in table.total.figures),
                    *([""] if with_topics else []),
                ],
            )
        )
    sheets.append(_issue_sheet(_issue_rows(recap.issues, recap.units)))
    return xlsx_book(
        title=_("Rekap Kegiatan Polmas"),
        unit=recap.scope.unit.name,
        period=recap.period.label,
        sheets=sheets,
        site=site,
    )


def polmas_issues_response(
    request: HttpRequest, scope: Scope, period: Period, context: dict[str, Any]
) -> HttpResponse:
    recap = polmas_recap(scope, period)
    params = {k: request.GET.get(k, "") for k in ("satuan", "sub", "petugas", "desa", "pengaduan")}
    rows = _issue_rows(issues_matching(recap, params), recap.units)
    if request.GET.get("format") == "xlsx":
        content = xlsx_book(
            title=_("Permasalahan Warga dari Kegiatan Polmas"),
            unit=scope.unit.name,
            period=period.label,
            sheets=[_issue_sheet(rows)],
            site=request.build_absolute_uri("/")[:-1],
        )
        return xlsx_response(content, f"permasalahan-polmas-{scope.unit.code}-{period.code}.xlsx")
    context = {
        **context,
        "rows": rows,
        "headers": issue_headers(),
        "only_complaints": bool(params["pengaduan"]),
        "filter_text": " · ".join(
            t
            for t in (
                rows[0].officer.full_name if rows and params["petugas"] else "",
                params["desa"],
                params["satuan"] or params["sub"],
            )
            if t
        ),
        "made_text": _made(recap),
        "recap_href": f"{path_to('reports:recap_polmas')}?"
        + urlencode({**scope.query(), "periode": period.code}),
    }
    return render(request, "reports/recap_polmas_issues.html", context)
