"""Rekap Patroli: the unit's patrol month across its plans, one row per day.

Per day of the month, on the unit's clock:

- **Patroli** — the daily reports filed for that patrol day (``patrols.Report``, by the plan
  day's date); its link lists them (``/patroli/laporan/``).
- **Wilayah** — the named wilayah (``patrols.Area``) of those reported patrol days, each
  counted once a day; the same list shows them. A day patrolled on a route alone counts none.
- **Temuan** — the enforcements recorded as found on patrol (``source = patroli``) at a moment
  of that day, each with its case: from a daily report or recorded directly as a patrol
  finding. Its link is the list of their cases (a drill).
- **Pelanggar** — the different violators of those findings; the violators register filtered
  by the same unit, source and day.
- **Surat** — the letters signed with that date (``dated``) in the cases of the patrol SOP
  (Surat Tugas, Surat Pernyataan, Surat Teguran, Surat Perintah Penertiban, Berita Acara,
  the monthly report): the letters register filtered by unit, SOP, state and day.

The totals row counts the month: reports, findings and letters add up; wilayah and violators
are counted once in the month (one wilayah patrolled on ten days is one wilayah).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trantib.cases.models import Case
from trantib.core.links import path_to
from trantib.enforcement.models import Enforcement, FindingSource
from trantib.letters.models import Letter, LetterState
from trantib.patrols.models import PlanDay, Report
from trantib.patrols.services import patrol_specs

from ..figures import drill_href, drill_register
from ..periods import Period
from ..scope import Scope
from .common import (
    Cell,
    Day,
    Link,
    Recap,
    Table,
    address,
    child_scope,
    day_param,
    figure,
    lazy_title,
)

REPORT = "recap_patrols"
URL_NAME = "reports:recap_patrols"
COLUMNS = ("patroli", "wilayah", "temuan", "pelanggar", "surat")


def patrol_sop_codes() -> list[str]:
    """The SOPs that run a patrol programme (PPW): their cases' letters are the patrol's."""
    return sorted({spec.code for spec in patrol_specs()})


@dataclass
class Counted:
    """The ids behind each figure, per day and per unit: a figure is the size of a set."""

    # column → day → unit id → ids
    cells: dict[str, dict[dt.date, dict[int, set[int]]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(lambda: defaultdict(set)))
    )
    plan_days: dict[dt.date, list[tuple[int, int, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )  # day → (plan day id, unit id, unit code)

    def add(self, column: str, day: dt.date, unit_id: int, item: int) -> None:
        self.cells[column][day][unit_id].add(item)

    def ids(
        self, column: str, *, day: dt.date | None = None, units: set[int] | None = None
    ) -> set[int]:
        found: set[int] = set()
        days = [day] if day is not None else list(self.cells[column])
        for d in days:
            for unit_id, ids in self.cells[column].get(d, {}).items():
                if units is None or unit_id in units:
                    found |= ids
        return found


def _findings(scope: Scope, period: Period) -> QuerySet[Enforcement]:
    start, end = period.bounds(scope.zone)
    return Enforcement.objects.filter(
        unit_id__in=scope.unit_ids,
        source=FindingSource.PATROL,
        found_at__gte=start,
        found_at__lt=end,
    )


def patrols_counted(scope: Scope, period: Period) -> Counted:
    """The month's rows in five queries, each tagged with its day and unit."""
    counted = Counted()
    ids = scope.unit_ids
    for pk, unit_id, day in Report.objects.filter(
        unit_id__in=ids, day__day__gte=period.start, day__day__lt=period.end
    ).values_list("pk", "unit_id", "day__day"):
        counted.add("patroli", day, unit_id, pk)
    through = PlanDay.areas.through.objects.filter(
        planday__unit_id__in=ids,
        planday__day__gte=period.start,
        planday__day__lt=period.end,
        planday__report__isnull=False,
    )
    for unit_id, day, area_id in through.values_list("planday__unit_id", "planday__day", "area_id"):
        counted.add("wilayah", day, unit_id, area_id)
    for unit_id, found_at, violator_id, case_id in _findings(scope, period).values_list(
        "unit_id", "found_at", "violator_id", "case_id"
    ):
        day = found_at.astimezone(scope.zone).date()
        counted.add("pelanggar", day, unit_id, violator_id)
        if case_id is not None:
            counted.add("temuan", day, unit_id, case_id)
    letters = Letter.objects.filter(
        unit_id__in=ids,
        state=LetterState.SIGNED,
        dated__gte=period.start,
        dated__lt=period.end,
        case__sop_code__in=patrol_sop_codes(),
    )
    for pk, unit_id, dated in letters.values_list("pk", "unit_id", "dated"):
        if dated is not None:  # a signed letter always has its date
            counted.add("surat", dated, unit_id, pk)
    for pk, unit_id, day, code in (
        PlanDay.objects.filter(unit_id__in=ids, day__gte=period.start, day__lt=period.end)
        .order_by("day", "unit__path", "pk")
        .values_list("pk", "unit_id", "day", "unit__code")
    ):
        counted.plan_days[day].append((pk, unit_id, code))
    return counted


# -- the drill: the cases of the findings --------------------------------------------------------


def _drill_findings(scope: Scope, period: Period, params: dict[str, str]) -> QuerySet[Case]:
    readable, day = day_param(params, period)
    if not readable:
        return Case.objects.none()
    found = _findings(scope, period).filter(case__isnull=False)
    if day is not None:
        start = dt.datetime.combine(day, dt.time(), scope.zone)
        found = found.filter(found_at__gte=start, found_at__lt=start + dt.timedelta(days=1))
    return Case.objects.filter(pk__in=found.values("case_id"))


drill_register(
    REPORT,
    "temuan",
    _drill_findings,
    title=lazy_title(gettext_lazy("Temuan patroli: kasus penegakannya")),
)


# -- the figures' addresses ----------------------------------------------------------------------


def _hrefs(scope: Scope, period: Period, day: dt.date | None) -> dict[str, str]:
    first = day or period.start
    last = day or period.end - dt.timedelta(days=1)
    unit = scope.unit.code
    reports = address("patrols:reports", unit=unit, dari=first, sampai=last)
    return {
        "patroli": reports,
        "wilayah": reports,
        "temuan": drill_href(
            REPORT, "temuan", scope, period, tanggal=day.isoformat() if day else ""
        ),
        "pelanggar": address(
            "enforcement:violators", unit=unit, sumber=FindingSource.PATROL, dari=first, sampai=last
        ),
        "surat": address(
            "letters:register",
            unit=unit,
            sop=",".join(patrol_sop_codes()),
            status=LetterState.SIGNED,
            dari=first,
            sampai=last,
        ),
    }


LABELS = {
    "patroli": gettext_lazy("Patroli"),
    "wilayah": gettext_lazy("Wilayah"),
    "temuan": gettext_lazy("Temuan"),
    "pelanggar": gettext_lazy("Pelanggar"),
    "surat": gettext_lazy("Surat diterbitkan"),
}


def _figures(
    counted: Counted,
    scope: Scope,
    period: Period,
    *,
    day: dt.date | None = None,
    units: set[int] | None = None,
) -> list[Cell]:
    hrefs = _hrefs(scope, period, day)
    return [
        figure(str(LABELS[c]), len(counted.ids(c, day=day, units=units)), hrefs[c]) for c in COLUMNS
    ]


def _day_cell(counted: Counted, day: dt.date) -> Day:
    """The date, leading to the day's patrol plan (one) or to each unit's (several)."""
    planned = counted.plan_days.get(day, [])
    if len(planned) == 1:
        return Day(day, href=reverse("patrols:day", args=[planned[0][0]]))
    return Day(day, more=tuple((code, path_to("patrols:day", pk)) for pk, _u, code in planned))


def patrol_recap(scope: Scope, period: Period) -> Recap:
    counted = patrols_counted(scope, period)
    headers = [
        _("Tanggal"),
        _("Patroli"),
        _("Wilayah"),
        _("Temuan"),
        _("Pelanggar"),
        _("Surat diterbitkan"),
    ]
    rows: list[list[Cell]] = [
        [_day_cell(counted, day), *_figures(counted, scope, period, day=day)]
        for day in period.days()
    ]
    total: list[Cell] = [_("Jumlah"), *_figures(counted, scope, period)]
    tables = [
        Table(
            key="harian",
            title=_("Per hari"),
            headers=headers,
            rows=rows,
            total=total,
            widths=[26, 10, 10, 10, 11, 12],
            print_widths=[40, 12, 12, 12, 12, 12],
            note=_(
                "Baris Jumlah: wilayah dan pelanggar dihitung sekali dalam sebulan, bukan "
                "dijumlahkan per hari."
            ),
        )
    ]
    if scope.is_parent:
        child_rows: list[list[Cell]] = []
        for child, ids in scope.groups:
            sub = child_scope(scope, child, ids)
            child_rows.append(
                [
                    Link(child.name, address(URL_NAME, unit=child.code, periode=period.code)),
                    *_figures(counted, sub, period, units=set(ids)),
                ]
            )
        tables.append(
            Table(
                key="per-unit",
                title=_("Per unit"),
                headers=[_("Unit"), *headers[1:]],
                rows=child_rows,
                total=list(total),
                widths=[34, 10, 10, 10, 11, 12],
            )
        )
    return Recap(
        key=REPORT,
        title=_("Rekap Patroli"),
        scope=scope,
        period=period,
        tables=tables,
        notes=notes(),
        landscape=False,
    )


def notes() -> list[str]:
    return [
        _(
            "Patroli: laporan patroli harian yang dicatat untuk tanggal itu (semua rencana "
            "patroli unit)."
        ),
        _(
            "Wilayah: wilayah patroli bernama pada hari patroli yang dilaporkan; patroli "
            "dengan rute saja tidak menambah wilayah."
        ),
        _(
            "Temuan: penegakan bersumber patroli yang ditemukan pada tanggal itu (menurut jam "
            "unit), dari laporan harian maupun dicatat langsung; angkanya membuka kasusnya."
        ),
        _("Pelanggar: pelanggar yang berbeda dari temuan itu."),
        _(
            "Surat diterbitkan: surat yang ditandatangani dengan tanggal itu pada kasus SOP "
            "patroli (Surat Tugas, Surat Pernyataan, Surat Teguran, Surat Perintah Penertiban, "
            "Berita Acara, laporan)."
        ),
    ]
