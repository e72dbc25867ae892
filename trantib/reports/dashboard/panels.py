"""The dashboard's panels, each computed with a few aggregate queries over the scope's units.

1. **Work** — open cases per SOP, and those with a late step (a live work step past its due
   time, the case list's "terlambat"); live work steps waiting on a position (open) and claimed
   by a person, with the late ones.
2. **Mutu Baku** — of the work steps done in each week (or month) that had a Mutu Baku time,
   the share done by their due time (``completed_at <= due_at``).
3. **Complaints** — per month of receipt: received, told on time (by the complaints app's
   clock stamped on the complaint, ``complaints.clock``), late (told from its late moment on,
   or not told and past it), the share on time, and the median working days to the answer
   (``answer_days``): the app's own clock, read as the monthly recap reads it.
4. **The ladder** — the enforcement board's own rows (``board_standings``) for the scope, per rung
   and overdue: the very numbers ``/penegakan/?unit=…`` shows.
5. **The map** — complaints received and findings made this month, with a point.

Each panel also keeps its counts per child unit (``per_child``) for a parent's table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models import Case as Choose
from django.utils import timezone
from django.utils.translation import gettext as _

from trantib.accounts.models import Assignment, Person, Position
from trantib.accounts.selectors import UserLike
from trantib.cases.models import Case, CaseStatus, Task, TaskKind, TaskStatus
from trantib.complaints.models import Complaint
from trantib.complaints.selectors import AnswerState, answer_state_case, answer_state_q
from trantib.core.links import path_to
from trantib.enforcement.models import Enforcement
from trantib.enforcement.selectors import (
    TEMUAN,
    BoardFilters,
    board_counts,
    board_standings,
)
from trantib.sops import registry

from ..figures import Figure, histogram_median
from ..periods import Period
from ..scope import Scope
from .common import LIVE, Bucket, share, sum_by_child

REPORT = "dashboard"


# -- links ----------------------------------------------------------------------------------


def drill_link(figure: str, unit_code: str, period: Period, **params: str) -> str:
    """The foundation's list of the cases behind a figure (``/laporan/rincian/``), for the
    scope's unit or one of its children."""
    query = {"laporan": REPORT, "angka": figure, "unit": unit_code, "periode": period.code}
    query.update({k: v for k, v in params.items() if v})
    return f"{path_to('reports:drill')}?{urlencode(query)}"


def task_link(unit_code: str, **params: str) -> str:
    """The dashboard's list of the work steps behind a figure (``tasks.task_drill``)."""
    query = {"unit": unit_code, **{k: v for k, v in params.items() if v}}
    return f"{path_to('reports:dashboard_tasks')}?{urlencode(query)}"


def board_link(unit_code: str, **params: str) -> str:
    """The enforcement board, limited to the unit's subtree (and a rung, or the overdue)."""
    query = {**{k: v for k, v in params.items() if v}, "unit": unit_code}
    return f"{path_to('enforcement:board')}?{urlencode(query)}"


# -- 1. work ----------------------------------------------------------------------------------


@dataclass
class SopRow:
    code: str
    name: str
    open: Figure
    late: Figure


@dataclass
class PeopleRow:
    """A position with steps waiting to be claimed, or a person with claimed steps."""

    label: str
    detail: str  # the holders of a position, or the positions' unit of a person
    count: Figure
    late: Figure


@dataclass
class WorkPanel:
    sops: list[SopRow]
    open: Figure
    late: Figure
    waiting: list[PeopleRow]  # by position
    claimed: list[PeopleRow]  # by person
    steps: Figure  # live work steps in all
    steps_late: Figure
    per_child: dict[int, dict[str, int]] = field(default_factory=dict)


def _sop_names() -> dict[str, str]:
    return {spec.code: spec.name for spec in registry.current()}


def work_panel(scope: Scope, period: Period, *, now: dt.datetime) -> WorkPanel:
    code = scope.unit.code
    late_step = Task.objects.filter(
        case_id=OuterRef("pk"), status__in=LIVE, kind=TaskKind.WORK, due_at__lt=now
    )
    case_rows = (
        Case.objects.filter(unit_id__in=scope.unit_ids, status=CaseStatus.OPEN)
        .annotate(late=Exists(late_step))
        .values("unit_id", "sop_code", "late")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_sop: dict[str, list[int]] = {}
    child_cases: list[tuple[int, int, int]] = []
    for row in case_rows:
        counts = by_sop.setdefault(row["sop_code"], [0, 0])
        counts[0] += row["n"]
        counts[1] += row["n"] if row["late"] else 0
        child_cases.append((row["unit_id"], row["n"], row["n"] if row["late"] else 0))
    names = _sop_names()
    sops = [
        SopRow(
            code=sop,
            name=names.get(sop, sop),
            open=Figure(
                _("Kasus berjalan"), n, drill_link("kasus_berjalan", code, period, sop=sop)
            ),
            late=Figure(
                _("Kasus terlambat"), late, drill_link("kasus_terlambat", code, period, sop=sop)
            ),
        )
        for sop, (n, late) in sorted(by_sop.items(), key=lambda item: (-item[1][0], item[0]))
    ]
    total_open = sum(n for n, _late in by_sop.values())
    total_late = sum(late for _n, late in by_sop.values())

    task_rows = list(
        Task.objects.filter(unit_id__in=scope.unit_ids, status__in=LIVE, kind=TaskKind.WORK)
        .values("unit_id", "unit__code", "role", "status", "assignee_id")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(due_at__lt=now)))
        .order_by()
    )
    positions: dict[tuple[int, str], dict[str, Any]] = {}
    people: dict[int, dict[str, Any]] = {}
    got: dict[str, Any]
    for row in task_rows:
        if row["status"] == TaskStatus.OPEN:
            key = (row["unit_id"], row["role"])
            got = positions.setdefault(key, {"n": 0, "late": 0, "code": row["unit__code"]})
        else:
            got = people.setdefault(row["assignee_id"], {"n": 0, "late": 0, "units": set()})
            got["units"].add(row["unit__code"])
        got["n"] += row["n"]
        got["late"] += row["late"]
    unit_ids = {uid for uid, _role in positions}
    position_names = {
        (p["unit_id"], p["code"]): p["name"]
        for p in Position.objects.filter(unit_id__in=unit_ids).values("unit_id", "code", "name")
    }
    today = timezone.localdate(now, scope.zone)
    holders: dict[tuple[int, str], list[str]] = {}
    for a in (
        Assignment.objects.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=today),
            position__unit_id__in=unit_ids,
            valid_from__lte=today,
        )
        .values("position__unit_id", "position__code", "person__full_name")
        .order_by("acting", "person__full_name")
    ):
        key = (a["position__unit_id"], a["position__code"])
        holders.setdefault(key, []).append(a["person__full_name"])
    waiting = []
    for (unit_id, role), got in sorted(
        positions.items(), key=lambda item: (-item[1]["n"], item[1]["code"], item[0][1])
    ):
        name = position_names.get((unit_id, role), role)
        if scope.is_parent:
            name = f"{name} · {got['code']}"
        ref = f"{got['code']}:{role}"
        waiting.append(
            PeopleRow(
                label=name,
                detail=", ".join(holders.get((unit_id, role), [])) or _("(tidak ada pemegang)"),
                count=Figure(
                    _("Menunggu diambil"), got["n"], task_link(code, status="menunggu", peran=ref)
                ),
                late=Figure(
                    _("Terlambat"),
                    got["late"],
                    task_link(code, status="menunggu", peran=ref, terlambat="ya"),
                ),
            )
        )
    person_names = dict(
        Person.objects.filter(pk__in=[p for p in people if p]).values_list("pk", "full_name")
    )
    claimed = [
        PeopleRow(
            label=person_names.get(pid, "—"),
            detail=", ".join(sorted(got["units"])),
            count=Figure(
                _("Dikerjakan"), got["n"], task_link(code, status="dikerjakan", orang=str(pid))
            ),
            late=Figure(
                _("Terlambat"),
                got["late"],
                task_link(code, status="dikerjakan", orang=str(pid), terlambat="ya"),
            ),
        )
        for pid, got in sorted(
            people.items(), key=lambda item: (-item[1]["n"], person_names.get(item[0], ""))
        )
        if pid
    ]
    steps = sum(r["n"] for r in task_rows)
    steps_late = sum(r["late"] for r in task_rows)
    per_child: dict[int, dict[str, int]] = {}
    for name, values in (
        ("open", sum_by_child(scope, ((u, n) for u, n, _l in child_cases))),
        ("late", sum_by_child(scope, ((u, late) for u, _n, late in child_cases))),
        ("steps", sum_by_child(scope, ((r["unit_id"], r["n"]) for r in task_rows))),
        ("steps_late", sum_by_child(scope, ((r["unit_id"], r["late"]) for r in task_rows))),
    ):
        for child_id, n in values.items():
            per_child.setdefault(child_id, {})[name] = n
    return WorkPanel(
        sops=sops,
        open=Figure(_("Kasus berjalan"), total_open, drill_link("kasus_berjalan", code, period)),
        late=Figure(
            _("Kasus dengan langkah terlambat"),
            total_late,
            drill_link("kasus_terlambat", code, period),
        ),
        waiting=waiting,
        claimed=claimed,
        steps=Figure(_("Langkah berjalan"), steps, task_link(code, status="berjalan")),
        steps_late=Figure(
            _("Langkah terlambat"), steps_late, task_link(code, status="berjalan", terlambat="ya")
        ),
        per_child=per_child,
    )


# -- 2. Mutu Baku compliance --------------------------------------------------------------------


@dataclass
class ComplianceRow:
    bucket: Bucket
    done: Figure
    within: Figure
    late: Figure
    share: Figure


@dataclass
class CompliancePanel:
    rows: list[ComplianceRow]
    month: Bucket  # the current month, for the per-child table
    per_child: dict[int, dict[str, int]] = field(default_factory=dict)


def compliance_panel(scope: Scope, buckets: list[Bucket], month: Bucket) -> CompliancePanel:
    """One query: per unit, the steps done with a Mutu Baku in each bucket (and this month), and
    how many of them by their due time. Each step is put in its bucket once (a ``CASE``) and
    grouped with whether it falls in this month and was on time — a few comparisons a step,
    read from one index (``task_unit_done_timed``) — rather than tested against every bucket."""
    code = scope.unit.code
    spans = [*buckets, month]
    which = Choose(
        *[
            When(completed_at__gte=b.start, completed_at__lt=b.end, then=Value(i))
            for i, b in enumerate(buckets)
        ],
        default=Value(-1),
        output_field=IntegerField(),
    )
    grouped = (
        Task.objects.filter(
            unit_id__in=scope.unit_ids,
            kind=TaskKind.WORK,
            status=TaskStatus.DONE,
            due_at__isnull=False,
            completed_at__gte=min(b.start for b in spans),
            completed_at__lt=max(b.end for b in spans),
        )
        .annotate(
            bucket=which,
            in_month=ExpressionWrapper(
                Q(completed_at__gte=month.start, completed_at__lt=month.end),
                output_field=BooleanField(),
            ),
            on_time=ExpressionWrapper(
                Q(completed_at__lte=F("due_at")), output_field=BooleanField()
            ),
        )
        .values("unit_id", "bucket", "in_month", "on_time")
        .annotate(n=Count("*"))  # not the id: the index holds every column read
        .order_by()
    )
    # The same figures as before, per unit: n<i>/w<i> for bucket i, and for this month (m).
    m = len(buckets)
    by_unit: dict[int, dict[str, int]] = {}
    for g in grouped:
        counts = by_unit.setdefault(g["unit_id"], {"unit_id": g["unit_id"]})
        keys = [g["bucket"]] if g["bucket"] >= 0 else []
        if g["in_month"]:
            keys.append(m)
        for i in keys:
            counts[f"n{i}"] = counts.get(f"n{i}", 0) + g["n"]
            if g["on_time"]:
                counts[f"w{i}"] = counts.get(f"w{i}", 0) + g["n"]
    rows = [
        {**{f"{k}{i}": 0 for i in range(len(spans)) for k in "nw"}, **counts}
        for counts in by_unit.values()
    ]
    out = []
    for i, b in enumerate(buckets):
        done = sum(r[f"n{i}"] for r in rows)
        within = sum(r[f"w{i}"] for r in rows)
        out.append(
            ComplianceRow(
                bucket=b,
                done=Figure(_("Langkah selesai"), done, task_link(code, waktu=b.code)),
                within=Figure(
                    _("Dalam Mutu Baku"), within, task_link(code, waktu=b.code, mutu="ya")
                ),
                late=Figure(
                    _("Melewati Mutu Baku"),
                    done - within,
                    task_link(code, waktu=b.code, mutu="tidak"),
                ),
                share=Figure(
                    _("Persentase dalam Mutu Baku"),
                    share(within, done),
                    task_link(code, waktu=b.code),
                    "%",
                ),
            )
        )
    m = len(buckets)
    per_child: dict[int, dict[str, int]] = {}
    for key, column in (("done", f"n{m}"), ("within", f"w{m}")):
        for child_id, n in sum_by_child(scope, ((r["unit_id"], r[column]) for r in rows)).items():
            per_child.setdefault(child_id, {})[key] = n
    return CompliancePanel(rows=out, month=month, per_child=per_child)


# -- 3. complaint answer times ------------------------------------------------------------------


# What each complaint figure counts, at the moment the dashboard is made: the complaints app's
# own clock, stamped on the complaint (``complaints.clock``), as the monthly recap reads it.
COMPLAINT_PICKS = ("received", "told", "on_time", "late")


# The answer states each figure sums (``complaint_pick_q`` as states: the same complaints).
COMPLAINT_STATES = {
    "received": frozenset(AnswerState),
    "told": frozenset({AnswerState.WITHIN, AnswerState.LATE}),
    "on_time": frozenset({AnswerState.WITHIN}),
    "late": frozenset({AnswerState.LATE, AnswerState.OVERDUE}),
}


def complaint_pick_q(pick: str, now: dt.datetime) -> Q:
    """The complaints a figure counts: all received, the reporter told, told in time, late
    (told late, or not told and past the late moment)."""
    if pick == "told":
        return Q(answered_at__lt=now)
    if pick == "on_time":
        return answer_state_q(AnswerState.WITHIN, now)
    if pick == "late":
        return answer_state_q(AnswerState.LATE, now) | answer_state_q(AnswerState.OVERDUE, now)
    return Q()


def complaints_received(
    unit_ids: tuple[int, ...], start: dt.datetime, end: dt.datetime
) -> QuerySet[Complaint]:
    """The complaints received in [start, end) by those units."""
    return Complaint.objects.filter(
        unit_id__in=unit_ids, received_at__gte=start, received_at__lt=end
    )


@dataclass
class ComplaintRow:
    bucket: Bucket
    received: Figure
    told: Figure
    on_time: Figure
    late: Figure
    share: Figure
    median: Figure


@dataclass
class ComplaintPanel:
    rows: list[ComplaintRow]
    per_child: dict[int, dict[str, int]] = field(default_factory=dict)

    @property
    def current(self) -> ComplaintRow:
        return self.rows[-1]


def complaint_panel(scope: Scope, months: list[Bucket], *, now: dt.datetime) -> ComplaintPanel:
    """One grouped query: per unit, month, answer state (at ``now``) and working days waited,
    how many complaints — read from one covering index (``complaint_unit_received``). Each
    figure is a sum of those groups (``COMPLAINT_STATES``); the median's histogram too."""
    code = scope.unit.code
    rows = complaints_received(scope.unit_ids, months[0].start, months[-1].end)
    bucket = Choose(
        *[
            When(received_at__gte=b.start, received_at__lt=b.end, then=Value(i))
            for i, b in enumerate(months)
        ],
        default=Value(-1),
        output_field=IntegerField(),
    )
    grouped = (
        rows.annotate(bucket=bucket, state=answer_state_case(now))
        .values("unit_id", "bucket", "state", "answer_days")
        .annotate(n=Count("*"))
        .order_by()
    )
    by_unit_map: dict[int, dict[str, int]] = {}
    days: list[dict[int, int]] = [{} for _b in months]
    for g in grouped:
        i, state, n = g["bucket"], AnswerState(g["state"]), g["n"]
        if i < 0:
            continue
        counts = by_unit_map.setdefault(g["unit_id"], {"unit_id": g["unit_id"]})
        for pick in COMPLAINT_PICKS:
            if state in COMPLAINT_STATES[pick]:
                counts[f"{pick}{i}"] = counts.get(f"{pick}{i}", 0) + n
        if state in COMPLAINT_STATES["told"] and g["answer_days"] is not None:
            days[i][g["answer_days"]] = days[i].get(g["answer_days"], 0) + n
    by_unit = [
        {**{f"{p}{i}": 0 for i in range(len(months)) for p in COMPLAINT_PICKS}, **counts}
        for counts in by_unit_map.values()
    ]
    out = []
    for i, b in enumerate(months):
        got = {pick: sum(r[f"{pick}{i}"] for r in by_unit) for pick in COMPLAINT_PICKS}
        on_time, late = got["on_time"], got["late"]
        period = Period("month", int(b.code[:4]), int(b.code[5:7]))

        def link(figure: str, period: Period = period) -> str:
            return drill_link(figure, code, period)

        out.append(
            ComplaintRow(
                bucket=b,
                received=Figure(_("Diterima"), got["received"], link("pengaduan_diterima")),
                told=Figure(_("Pelapor diberi tahu"), got["told"], link("pengaduan_dijawab")),
                on_time=Figure(_("Tepat waktu"), on_time, link("pengaduan_tepat")),
                late=Figure(_("Terlambat"), late, link("pengaduan_terlambat")),
                share=Figure(
                    _("Persentase tepat waktu"),
                    share(on_time, on_time + late),
                    link("pengaduan_diterima"),
                    "%",
                ),
                median=Figure(
                    _("Median hari kerja"),
                    histogram_median(days[i]),
                    link("pengaduan_dijawab"),
                    _("hari kerja"),
                ),
            )
        )
    m = len(months) - 1
    per_child: dict[int, dict[str, int]] = {}
    for key, pick in (("received", "received"), ("on_time", "on_time"), ("late", "late")):
        pairs = ((r["unit_id"], r[f"{pick}{m}"]) for r in by_unit)
        for child_id, n in sum_by_child(scope, pairs).items():
            per_child.setdefault(child_id, {})[key] = n
    return ComplaintPanel(rows=out, per_child=per_child)


# -- 4. the ladder ------------------------------------------------------------------------------


@dataclass
class LadderPanel:
    by_rung: list[tuple[str, Figure]]  # (rung, figure)
    total: Figure
    overdue: Figure
    per_child: dict[int, dict[str, int]] = field(default_factory=dict)


def ladder_panel(user: UserLike, scope: Scope, *, now: dt.datetime) -> LadderPanel:
    """The board's rows for the scope's unit and below, counted as the board counts them
    (``board_standings``: the board's own rung and deadline, without the row's details)."""
    code = scope.unit.code
    rows = board_standings(user, BoardFilters(unit=scope.unit.pk), now=now)
    rows = [r for r in rows if r.unit_id in scope.unit_ids]
    counts = board_counts(rows)
    by_rung = [
        (rung, Figure(label, n, board_link(code, tingkat=rung or TEMUAN)))
        for rung, label, n in counts.by_rung
    ]
    per_child: dict[int, dict[str, int]] = {}
    for key, pairs in (
        ("open", ((r.unit_id, 1) for r in rows)),
        ("overdue", ((r.unit_id, int(r.overdue)) for r in rows)),
    ):
        for child_id, n in sum_by_child(scope, pairs).items():
            per_child.setdefault(child_id, {})[key] = n
    return LadderPanel(
        by_rung=by_rung,
        total=Figure(_("Penegakan berjalan"), counts.total, board_link(code)),
        overdue=Figure(_("Lewat tenggat"), counts.overdue, board_link(code, terlambat="1")),
        per_child=per_child,
    )


# -- 5. the map ---------------------------------------------------------------------------------

MAP_POINTS = 2000  # per layer: a month of one province stays well under it


@dataclass
class MapPanel:
    complaints: Figure
    findings: Figure
    complaints_shown: int
    findings_shown: int
    geojson: dict[str, Any]
    outline: dict[str, Any] | None


def _point(lon: float, lat: float, properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": properties,
    }


def findings_in(unit_ids: tuple[int, ...], start: dt.datetime, end: dt.datetime) -> Any:
    """The findings (enforcements with their case) made in [start, end) by those units."""
    return Enforcement.objects.filter(
        unit_id__in=unit_ids, found_at__gte=start, found_at__lt=end, case__isnull=False
    )


def map_panel(scope: Scope, month: Bucket, period: Period, received: Figure) -> MapPanel:
    """This month's complaints (``received``: the complaint panel's own figure) and findings,
    those with a point as GeoJSON: a category or a place and the case number, never a
    reporter's or a violator's identity."""
    code = scope.unit.code
    complaints = (
        Complaint.objects.filter(
            unit_id__in=scope.unit_ids,
            received_at__gte=month.start,
            received_at__lt=month.end,
            latitude__isnull=False,
        )
        .values("pk", "latitude", "longitude", "category__name", "case__number")
        .order_by("received_at", "pk")[:MAP_POINTS]
    )
    features = [
        _point(
            float(c["longitude"] or 0),  # both set: filtered above
            float(c["latitude"] or 0),
            {
                "kind": "pengaduan",
                "label": c["category__name"],
                "number": c["case__number"],
                "url": path_to("complaints:detail", c["pk"]),
            },
        )
        for c in complaints
    ]
    complaints_shown = len(features)
    findings = findings_in(scope.unit_ids, month.start, month.end)
    found = 0
    for f in (
        findings.filter(latitude__isnull=False, longitude__isnull=False)
        .values("case_id", "latitude", "longitude", "place", "case__number")
        .order_by("found_at", "pk")[:MAP_POINTS]
    ):
        found += 1
        features.append(
            _point(
                f["longitude"],
                f["latitude"],
                {
                    "kind": "temuan",
                    "label": f["place"],
                    "number": f["case__number"],
                    "url": path_to("cases:detail", f["case_id"]),
                },
            )
        )
    outlines = [
        {"type": "Feature", "properties": {"name": u.name}, "geometry": u.outline}
        for u in scope.units
        if u.outline
    ]
    return MapPanel(
        complaints=received,
        findings=Figure(
            _("Temuan bulan ini"),
            findings.count(),
            drill_link("temuan", code, period),
        ),
        complaints_shown=complaints_shown,
        findings_shown=found,
        geojson={"type": "FeatureCollection", "features": features},
        outline={"type": "FeatureCollection", "features": outlines} if outlines else None,
    )
