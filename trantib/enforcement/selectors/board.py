"""The ladder board: every open enforcement of the user's units, where it stands on the ladder.

One row per enforcement: the violator (as the reader may see it), the articles, the current
rung, the rung letter's number and delivery day (the letters of the case, read in one query),
the deadline with the days left on the rung's own calendar (working days for a working-day
rung), the next action and who owns it (the live task's assignee, else the holders of its
position). Filters by rung, article, desa and overdue; sorted by deadline, soonest first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from trantib.accounts.models import OrgUnit, Person
from trantib.accounts.selectors import holders_of, person_for_user, units_for_user
from trantib.cases.models import Task, TaskKind, TaskStatus
from trantib.cases.services import case_spec, spec_of_version_row
from trantib.engine.spec import SOPSpec
from trantib.letters.models import Letter, LetterState

from ..ladder import PENERTIBAN, RungSteps, ladder_of, rung_reached
from ..models import Article, ComplianceCheck, Enforcement, EnforcementStatus, LadderRung, Rung
from .violators import ViolatorView, enforcement_unit_ids, violator_display

LIVE = (TaskStatus.OPEN, TaskStatus.CLAIMED)
RUNG_LABELS: dict[str, str] = {**{r.value: str(r.label) for r in Rung}}
RUNG_ORDER = [r.value for r in Rung] + [PENERTIBAN]
# The board's filter value for the rows before the first rung (the finding only): "" is no filter.
TEMUAN = "temuan"
# The map's colours by rung (the legend shows them; the list says the rung in words too).
RUNG_COLOURS = {
    "": "#6b7280",
    Rung.PERNYATAAN.value: "#2563eb",
    Rung.TEGURAN_1.value: "#ca8a04",
    Rung.TEGURAN_2.value: "#ea580c",
    Rung.TEGURAN_3.value: "#dc2626",
    PENERTIBAN: "#7c3aed",
}


def rung_label(rung: str) -> str:
    from django.utils.translation import gettext as _

    if rung == PENERTIBAN:
        return _("Penertiban")
    if not rung:
        return _("Temuan")
    return str(Rung(rung).label)


@dataclass
class BoardRow:
    enforcement: Enforcement
    violator: ViolatorView
    articles: list[Article]
    rung: str
    letter: Letter | None = None
    delivered_at: dt.datetime | None = None
    deadline: dt.datetime | None = None
    deadline_is_wait: bool = False
    working_days: bool = False
    days_left: int | None = None
    overdue: bool = False
    task: Task | None = None
    owners: list[str] = field(default_factory=list)
    last_check: ComplianceCheck | None = None
    needs_delivery: bool = False  # the rung's letter is delivered (a Surat Teguran)

    @property
    def rung_label(self) -> str:
        return rung_label(self.rung)

    @property
    def colour(self) -> str:
        return RUNG_COLOURS.get(self.rung, RUNG_COLOURS[""])

    @property
    def case_url(self) -> str:
        return reverse("cases:detail", args=[self.enforcement.case_id])

    @property
    def desa(self) -> str:
        return self.enforcement.violator.desa


@dataclass(frozen=True)
class BoardFilters:
    """``rung``: a value of ``RUNG_ORDER`` or ``TEMUAN`` ("" = every rung); ``unit``: the id of
    a unit whose whole subtree is shown (a report's unit; not counted in ``any``, which is
    about the filters a reader narrows the board with)."""

    rung: str = ""
    article: int | None = None
    desa: str = ""
    overdue: bool = False
    unit: int | None = None

    @property
    def any(self) -> bool:
        return bool(self.rung or self.article or self.desa or self.overdue)


def board_enforcements_for_user(user: Any) -> QuerySet[Enforcement]:
    """The open enforcements of the user's units (each with its case)."""
    return (
        Enforcement.objects.filter(
            unit__in=units_for_user(user),
            status=EnforcementStatus.OPEN,
            case__isnull=False,
        )
        .select_related("violator__owner", "perda", "unit", "case__unit", "case__sop_version")
        .defer("case__sop_version__content")
        .prefetch_related(
            Prefetch("articles", queryset=Article.objects.select_related("perda").order_by("pk")),
            Prefetch("perda__rungs", queryset=LadderRung.objects.all()),
        )
    )


def _days_left(
    spec: SOPSpec, deadline: dt.datetime, today: dt.date, working: bool, zone: Any
) -> int:
    day = timezone.localtime(deadline, zone).date()
    if working:
        return spec.calendar.working_days_between(today, day)
    return (day - today).days


class _Timed(Protocol):
    @property
    def kind(self) -> str: ...

    @property
    def step_id(self) -> str: ...

    @property
    def due_at(self) -> dt.datetime | None: ...


def deadline_of(
    task: _Timed | None, steps: RungSteps | None, wait: _Timed | None
) -> tuple[dt.datetime | None, bool]:
    """The deadline of an enforcement on the board, and whether it is a wait's (the violator's
    period): ``task`` is its live step, ``wait`` the last wait its case ran."""
    if task is not None and task.kind == TaskKind.WAIT:
        return task.due_at, True
    if (
        task is not None
        and steps is not None
        and task.step_id == steps.check
        and wait is not None
        and wait.step_id == steps.wait
    ):
        # The period ran out and the check waits: the deadline was the wait's.
        return wait.due_at, True
    if task is not None:
        return task.due_at, False
    return None, False


def board_rows(
    user: Any, filters: BoardFilters | None = None, *, now: dt.datetime | None = None
) -> list[BoardRow]:
    """The board's rows for ``user``, filtered and sorted by deadline (none last)."""
    filters = filters or BoardFilters()
    now = now or timezone.now()
    person: Person | None = person_for_user(user)
    enforcements = board_enforcements_for_user(user)
    if filters.unit:
        top = OrgUnit.objects.filter(pk=filters.unit).values_list("path", flat=True).first()
        enforcements = enforcements.filter(unit__path__startswith=top or "-")
    if filters.article:
        enforcements = enforcements.filter(articles__id=filters.article).distinct()
    if filters.desa:
        enforcements = enforcements.filter(violator__desa__iexact=filters.desa)
    items = list(enforcements)
    case_ids = [e.case_id for e in items]
    tasks: dict[int, list[Task]] = {}
    for live_task in (
        Task.objects.filter(case_id__in=case_ids, status__in=LIVE)
        .select_related("assignee")
        .order_by("pk")
    ):
        tasks.setdefault(live_task.case_id, []).append(live_task)
    letters: dict[tuple[int, str], Letter] = {}
    found: Letter
    for found in (
        Letter.objects.filter(case_id__in=case_ids)
        .exclude(state=LetterState.CANCELLED)
        .prefetch_related("deliveries")
        .order_by("pk")
    ):
        if found.case_id is not None:
            letters[(found.case_id, found.key)] = found
    last_waits: dict[int, Task] = {}
    for waited in Task.objects.filter(case_id__in=case_ids, kind=TaskKind.WAIT).order_by("pk"):
        last_waits[waited.case_id] = waited
    checks: dict[int, ComplianceCheck] = {}
    for check in ComplianceCheck.objects.filter(enforcement__in=items).order_by("visited_at", "pk"):
        checks[check.enforcement_id] = check
    officer = enforcement_unit_ids(person)
    holders: dict[tuple[int, str], list[str]] = {}
    rows: list[BoardRow] = []
    for e in items:
        case = e.case
        if case is None:
            continue
        spec = case_spec(case)
        ladder = ladder_of(spec)
        rung = rung_reached(spec, case.state or {})
        steps = ladder.rung(rung) if rung and rung != PENERTIBAN else None
        letter: Letter | None = (
            letters.get((case.pk, steps.letter_key)) if steps and steps.letter_key else None
        )
        delivered = None
        if letter is not None:
            first = min(letter.deliveries.all(), key=lambda d: d.received_at, default=None)
            delivered = first.received_at if first else None
        live = tasks.get(case.pk, [])
        task: Task | None = next((t for t in live if t.kind != TaskKind.LINKED), None)
        row = BoardRow(
            enforcement=e,
            violator=violator_display(e.violator, person=person, officer_units=officer),
            articles=list(e.articles.all()),
            rung=rung,
            letter=letter,
            delivered_at=delivered,
            task=task,
            last_check=checks.get(e.pk),
            needs_delivery=bool(steps and steps.delivered),
        )
        period = next((r for r in e.perda.rungs.all() if r.rung == rung), None)
        row.working_days = bool(period and period.working_days)
        row.deadline, row.deadline_is_wait = deadline_of(task, steps, last_waits.get(case.pk))
        if row.deadline is not None:
            zone = case.unit.zone()
            today = timezone.localtime(now, zone).date()
            working = row.working_days and row.deadline_is_wait
            row.days_left = _days_left(spec, row.deadline, today, working, zone)
            row.overdue = row.deadline < now
        if task is not None:
            if task.assignee is not None:
                row.owners = [task.assignee.full_name]
            else:
                key = (case.unit_id, task.role)
                if key not in holders:
                    holders[key] = [p.full_name for p in holders_of(case.unit, task.role)]
                row.owners = holders[key]
        rows.append(row)
    if filters.rung:
        wanted = "" if filters.rung == TEMUAN else filters.rung
        rows = [r for r in rows if r.rung == wanted]
    if filters.overdue:
        rows = [r for r in rows if r.overdue]
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    rows.sort(key=lambda r: (r.deadline or far, r.enforcement.pk))
    return rows


class Standing(NamedTuple):
    """Where one enforcement stands, without the row's details: what a count needs."""

    enforcement_id: int
    unit_id: int
    rung: str
    overdue: bool


class _Step(NamedTuple):
    kind: str
    step_id: str
    due_at: dt.datetime | None


def board_standings(
    user: Any, filters: BoardFilters | None = None, *, now: dt.datetime | None = None
) -> list[Standing]:
    """The rung and overdue flag of each row :func:`board_rows` gives (same enforcements, same
    rung, same deadline), read in three queries of plain values: for the dashboard's counts
    over a whole province. Only the unit, rung and overdue filters apply."""
    filters = filters or BoardFilters()
    now = now or timezone.now()
    enforcements = Enforcement.objects.filter(
        unit__in=units_for_user(user), status=EnforcementStatus.OPEN, case__isnull=False
    )
    if filters.unit:
        top = OrgUnit.objects.filter(pk=filters.unit).values_list("path", flat=True).first()
        enforcements = enforcements.filter(unit__path__startswith=top or "-")
    # The SOP versions the cases run on, and the step each one's last rung is checked at: the
    # one thing the ladder reads from the case's recorded data (``rung_reached``).
    specs = {
        row[0]: spec_of_version_row(*row)
        for row in enforcements.values_list(
            "case__sop_version_id",
            "case__sop_version__code",
            "case__sop_version__version",
            "case__sop_version__sha256",
        )
        .order_by()
        .distinct()
    }
    checks = sorted(
        {ladder.rungs[-1].check for ladder in map(ladder_of, specs.values()) if ladder.rungs} - {""}
    )
    flags = {
        f"checked_{i}": ExpressionWrapper(
            Q(case__state__data__has_key=step), output_field=BooleanField()
        )
        for i, step in enumerate(checks)
    }
    items = list(
        enforcements.annotate(**flags)
        .values_list(
            "pk",
            "unit_id",
            "case_id",
            "case__sop_version_id",
            "case__state__visits",
            "case__state__active",
            *flags,
        )
        .order_by()
    )
    cases = enforcements.values("case_id")
    live: dict[int, _Step] = {}
    for case_id, kind, step_id, due_at in (
        Task.objects.filter(case_id__in=cases, status__in=LIVE)
        .exclude(kind=TaskKind.LINKED)
        .order_by("-pk")
        .values_list("case_id", "kind", "step_id", "due_at")
    ):
        live[case_id] = _Step(kind, step_id, due_at)  # the first by pk wins (read last)
    waits: dict[int, _Step] = {}
    for case_id, step_id, due_at in (
        Task.objects.filter(case_id__in=cases, kind=TaskKind.WAIT)
        .order_by("pk")
        .values_list("case_id", "step_id", "due_at")
    ):
        waits[case_id] = _Step(TaskKind.WAIT, step_id, due_at)  # the last by pk wins
    out = []
    for pk, unit_id, case_id, version_id, visits, active, *checked in items:
        spec = specs[version_id]
        data = {step: True for step, found in zip(checks, checked, strict=True) if found}
        state = {"visits": visits, "active": active, "data": data}
        rung = rung_reached(spec, state)
        steps = ladder_of(spec).rung(rung) if rung and rung != PENERTIBAN else None
        deadline, _wait = deadline_of(live.get(case_id), steps, waits.get(case_id))
        out.append(Standing(pk, unit_id, rung, deadline is not None and deadline < now))
    if filters.rung:
        wanted = "" if filters.rung == TEMUAN else filters.rung
        out = [r for r in out if r.rung == wanted]
    if filters.overdue:
        out = [r for r in out if r.overdue]
    return out


@dataclass(frozen=True)
class BoardCounts:
    total: int
    by_rung: list[tuple[str, str, int]]  # (rung, label, count)
    overdue: int


def board_counts(rows: Iterable[BoardRow | Standing]) -> BoardCounts:
    rows = list(rows)
    counted = dict.fromkeys(RUNG_ORDER, 0)
    for r in rows:
        counted[r.rung] = counted.get(r.rung, 0) + 1
    by_rung = [(rung, rung_label(rung), n) for rung, n in counted.items() if n or rung]
    return BoardCounts(total=len(rows), by_rung=by_rung, overdue=sum(1 for r in rows if r.overdue))


def board_articles_for_user(user: Any) -> QuerySet[Article]:
    return (
        Article.objects.filter(perda__unit__in=units_for_user(user))
        .select_related("perda")
        .order_by("-perda__year", "perda__number", "pk")
    )


def board_desa_for_user(user: Any) -> list[str]:
    values = (
        Enforcement.objects.filter(unit__in=units_for_user(user), status=EnforcementStatus.OPEN)
        .exclude(violator__desa="")
        .values_list("violator__desa", flat=True)
        .distinct()
    )
    return sorted(set(values))


def board_geojson(rows: Iterable[BoardRow]) -> dict[str, Any]:
    """The rows with a map point (the finding's, else the violator's as the reader may see it)
    as GeoJSON for the board's map."""
    features = []
    for r in rows:
        lat, lon = r.enforcement.latitude, r.enforcement.longitude
        if lat is None or lon is None:
            lat, lon = r.violator.latitude, r.violator.longitude
        if lat is None or lon is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {
                    "name": r.violator.name,
                    "rung": r.rung,
                    "rung_label": r.rung_label,
                    "colour": r.colour,
                    "case": r.enforcement.case.number if r.enforcement.case else "",
                    "url": r.case_url,
                    "overdue": r.overdue,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
