"""What the cases say about each procedure row of an SOP in a unit over a period: the figures
Trantib pre-fills the monitoring form with (Permenpan RB 35/2012, Tabel 7).

**Which tasks.** The tasks of the unit's own cases of the SOP (``Task.unit``: a case handed
over takes its tasks along) whose task was *created* in the period, on the unit's clock. A
form belongs to one unit: a parent unit's form counts its own cases, not its kecamatan's.

**Which rows.** The document's numbered rows (``Step.no``, consecutive steps sharing a number
form one row) of the newest published version that had such tasks (else the version in force).
A task of an older version counts in the row of the same number; a row number the shown
version lacks is counted apart (``Prefill.unmatched``) and named above the form.

**The figures of a row** (each a count of tasks, and of the cases they belong to):

- *dijalankan*: tasks done (work, wait and linked steps alike);
- *dalam Mutu Baku*: done **work** tasks with a due time completed no later than it
  (``completed_at <= due_at``; the due time is the step's Mutu Baku counted on the SOP's
  calendar — working hours for a working-day SOP — from when the task began). The share is
  over the done work tasks that had a due time; a step without a Waktu has none;
- *median*: of the done work tasks' own durations (``duration_seconds``, wall clock), beside
  the row's Waktu as written;
- *dikoreksi*: "Isian dikoreksi" events on the row's tasks;
- *diulang*: tasks that run a step again that the case had already run at the same occurrence
  (a decision sent the flow back to an earlier row: a return for correction). The repeated
  occurrences of a repeat step (the daily patrols) are not returns;
- *dibatalkan*: tasks cancelled (the case moved on without them, or was cancelled);
- *terlambat*: work tasks marked late by the worker (``overdue_at``) or done after their due
  time, live or done;
- *masih berjalan*: tasks still open or claimed.

**The pre-filled assessment**: "Berjalan dengan baik" when the row ran (a task done) and its
share within the Mutu Baku is at least the unit's threshold (80 % by default,
``MonitoringSettings.threshold``), or when it ran and has no Waktu to be held to; "Tidak
berjalan dengan baik" when it ran below the threshold; nothing when no task of it is done in the
period — the assessor judges that row ("Tidak dijalankan dalam periode ini" when it had no task
at all). Shares are shown rounded down, so a row shown at 80 % is never below the threshold.

Four queries, whatever the number of tasks: the SOP's versions, one aggregate grouped by
version and row, the durations of the done work tasks, and the corrections.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

from django.db.models import Case as When_
from django.db.models import CharField, Count, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from trantib.accounts.models import OrgUnit
from trantib.cases.models import Case, Event, EventType, Task, TaskKind, TaskStatus
from trantib.engine.errors import SOPValidationError
from trantib.engine.loader import load_text
from trantib.engine.spec import SOPSpec, SopStatus, StepKind
from trantib.sops import registry
from trantib.sops.models import SopVersion

from ..periods import Period

BAIK = "baik"
TIDAK_BAIK = "tidak_baik"
DEFAULT_THRESHOLD = 80  # percent of done work tasks within their Mutu Baku
LIVE = (TaskStatus.OPEN, TaskStatus.CLAIMED)

# The figures of a row that count tasks, each with the cases behind it (the drills' names).
COUNTS = ("ran", "within", "corrected", "returned", "cancelled", "overdue", "live")


def assessment_label(value: str) -> str:
    return {BAIK: _("Berjalan dengan baik"), TIDAK_BAIK: _("Tidak berjalan dengan baik")}.get(
        value, ""
    )


# -- the SOP's versions and rows -------------------------------------------------------------


@dataclass(frozen=True)
class VersionRows:
    """One recorded version of the SOP: its row numbers, with the step ids of each row."""

    pk: int
    version: int
    published: bool
    rows: tuple[tuple[str, tuple[str, ...]], ...]  # (no, step ids) in document order
    steps: tuple[str, ...] = ()  # every step id of the version, in a row or not


@lru_cache(maxsize=256)
def _rows_of(pk: int, code: str, version: int, sha256: str) -> SOPSpec | None:
    try:
        spec = registry.get(code, version)
    except KeyError:
        spec = None
    if spec is not None:
        return spec
    row = SopVersion.objects.only("content").get(pk=pk)
    try:
        return load_text(row.content, f"{code}.v{version}.yaml")[0]
    except SOPValidationError:
        return None


def version_spec(row: SopVersion) -> SOPSpec | None:
    """The spec of a recorded version: the library's file, else the recorded text (a version
    whose file left the library); None when neither loads."""
    return _rows_of(row.pk, row.code, row.version, row.sha256)


def sop_versions(code: str) -> list[tuple[SopVersion, VersionRows]]:
    """Every recorded version of ``code`` with its rows, oldest first (one query)."""
    out = []
    for row in SopVersion.objects.filter(code=code).defer("content").order_by("version"):
        spec = version_spec(row)
        if spec is None:
            continue
        rows = tuple((r.no, tuple(s.id for s in r.steps)) for r in spec.rows)
        out.append(
            (
                row,
                VersionRows(
                    pk=row.pk,
                    version=row.version,
                    published=row.status == SopVersion.Status.PUBLISHED,
                    rows=rows,
                    steps=tuple(step.id for step in spec.steps),
                ),
            )
        )
    return out


def _row_parts(
    versions: Iterable[VersionRows],
) -> tuple[dict[str, list[str]], list[tuple[int, str, list[str]]]]:
    """Which step ids make each row: ``common`` for the step ids every version puts in the same
    row (most: versions rarely renumber), ``specific`` (version, row, ids) for the others. A
    short condition list keeps the SQL, and building it, cheap."""
    placed: dict[str, set[str]] = defaultdict(set)
    listed = list(versions)
    for v in listed:
        for no, ids in v.rows:
            for step_id in ids:
                placed[step_id].add(no)
    common: dict[str, list[str]] = defaultdict(list)
    specific: list[tuple[int, str, list[str]]] = []
    for v in listed:
        for no, ids in v.rows:
            odd = [i for i in ids if len(placed[i]) > 1]
            if odd:
                specific.append((v.pk, no, odd))
    for step_id, nos in placed.items():
        if len(nos) == 1:
            common[next(iter(nos))].append(step_id)
    return common, specific


def _row_expression(versions: Iterable[VersionRows], prefix: str = "") -> When_:
    """SQL giving each task the number of its document row (by its case's version)."""
    common, specific = _row_parts(versions)
    whens = [
        When(
            Q(**{f"{prefix}case__sop_version_id": pk, f"{prefix}step_id__in": ids}),
            then=Value(no),
        )
        for pk, no, ids in specific
    ]
    whens += [
        When(Q(**{f"{prefix}step_id__in": sorted(ids)}), then=Value(no))
        for no, ids in common.items()
    ]
    if not whens:
        return Value("", output_field=CharField())  # type: ignore[return-value]
    return When_(*whens, default=Value(""), output_field=CharField())


def row_q(versions: Iterable[VersionRows], no: str, prefix: str = "") -> Q:
    """The tasks of row ``no`` across the versions (for the drills)."""
    common, specific = _row_parts(versions)
    q = Q(**{f"{prefix}step_id__in": sorted(common.get(no, []))})
    for pk, row_no, ids in specific:
        if row_no == no:
            q |= Q(**{f"{prefix}case__sop_version_id": pk, f"{prefix}step_id__in": ids})
    return q


def task_bounds(period: Period, zone: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """The moments whose tasks count: the period, up to now. A task planned for a later day
    (a scheduled patrol, created for its day) has not begun, in a period still running."""
    start, end = period.bounds(zone)
    return start, min(end, timezone.now() + dt.timedelta(microseconds=1))


def period_tasks(
    unit_id: int,
    code: str,
    period: Period,
    zone: dt.tzinfo,
    versions: Iterable[VersionRows] | None = None,
) -> QuerySet[Task]:
    """The tasks a form over ``period`` reads: the unit's own cases of the SOP, created in it
    (and begun). Narrowed first to the step ids of the SOP's versions (``versions``, read when
    not given): a kecamatan's period holds tens of thousands of tasks of other SOPs, each of
    which would otherwise be joined to its case to be told apart."""
    start, end = task_bounds(period, zone)
    listed = list(versions) if versions is not None else [v for _r, v in sop_versions(code)]
    steps = sorted({step for v in listed for step in v.steps})
    return Task.objects.filter(
        unit_id=unit_id,
        step_id__in=steps,
        case__sop_code=code,
        created_at__gte=start,
        created_at__lt=end,
    )


def _returned() -> Exists:
    return Exists(
        Task.objects.filter(
            case_id=OuterRef("case_id"),
            step_id=OuterRef("step_id"),
            occurrence=OuterRef("occurrence"),
            pk__lt=OuterRef("pk"),
        )
    )


# The conditions of each counted figure, on Task fields.
def figure_q(name: str) -> Q:
    done = Q(status=TaskStatus.DONE)
    work = Q(kind=TaskKind.WORK)
    if name == "ran":
        return done
    if name == "timed":
        return done & work & Q(due_at__isnull=False)
    if name == "within":
        return done & work & Q(due_at__isnull=False, completed_at__lte=F("due_at"))
    if name == "returned":
        return Q(_returned())
    if name == "cancelled":
        return Q(status=TaskStatus.CANCELLED)
    if name == "overdue":
        return work & (Q(overdue_at__isnull=False) | (done & Q(completed_at__gt=F("due_at"))))
    if name == "live":
        return Q(status__in=LIVE)
    if name == "work_done":
        return done & work
    raise KeyError(name)


# -- the figures ------------------------------------------------------------------------------


@dataclass
class RowFigures:
    """The figures of one row, and what Trantib pre-fills from them."""

    no: str
    procedure: str
    standard: str  # the row's Mutu Baku Waktu as written ("15 menit"; several joined by " / ")
    tasks: int = 0
    ran: int = 0
    timed: int = 0
    within: int = 0
    corrected: int = 0
    returned: int = 0
    cancelled: int = 0
    overdue: int = 0
    live: int = 0
    median_seconds: int | None = None
    # The number of distinct cases behind each counted figure (what its drill lists).
    cases: dict[str, int] = field(default_factory=dict)
    assessment: str = ""  # BAIK, TIDAK_BAIK or "" (left to the assessor)
    note: str = ""

    @property
    def share(self) -> float | None:
        return self.within / self.timed if self.timed else None

    @property
    def share_percent(self) -> int | None:
        """Rounded down: a row shown at 80 % is never below an 80 % threshold."""
        return self.within * 100 // self.timed if self.timed else None

    @property
    def assessment_label(self) -> str:
        return assessment_label(self.assessment)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RowFigures:
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class Prefill:
    unit: OrgUnit
    code: str
    name: str  # the SOP's name (nama SOP)
    nomor: str  # its number as the document writes it
    period: Period
    version: SopVersion | None  # the version whose rows are shown (None: not recorded yet)
    version_number: int | None  # its number (the library's in force when not recorded)
    versions: list[int]  # the versions whose tasks the figures count
    rows: list[RowFigures]
    unmatched: int = 0  # tasks of an older version's row that the shown version lacks
    threshold: int = DEFAULT_THRESHOLD

    @property
    def digest(self) -> str:
        """A fingerprint of the pre-fill, so that finalising refuses figures that changed
        since the assessor read them."""
        counted = ("tasks", "ran", "timed", "within", "corrected", "returned", "cancelled")
        text = "|".join(
            ":".join([r.no, r.assessment, str(r.median_seconds)])
            + ":"
            + ",".join(str(getattr(r, k)) for k in (*counted, "overdue", "live"))
            for r in self.rows
        )
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def monitoring_prefill(
    *,
    unit: OrgUnit,
    code: str,
    period: Period,
    threshold: int = DEFAULT_THRESHOLD,
    shown_version: SopVersion | None = None,
) -> Prefill:
    """The figures and pre-filled assessments of every row of SOP ``code`` in ``unit`` over
    ``period``. ``shown_version``: the version whose rows to list (a saved form keeps its own);
    by default the newest published version with tasks in the period, else the one in
    force."""
    zone = unit.zone()
    versions = sop_versions(code)
    by_pk = {row.pk: (row, rows) for row, rows in versions}
    expression = _row_expression([v for _r, v in versions])
    listed = [v for _r, v in versions]
    tasks = period_tasks(unit.pk, code, period, zone, listed).annotate(row_no=expression)
    counted = {name: figure_q(name) for name in ("ran", "timed", "within")}
    counted |= {name: figure_q(name) for name in ("cancelled", "overdue", "live")}
    aggregates: dict[str, Any] = {"tasks": Count("pk")}
    for name, q in counted.items():
        aggregates[name] = Count("pk", filter=q)
        if name != "timed":
            aggregates[f"{name}_cases"] = Count("case_id", filter=q, distinct=True)
    grouped = tasks.values("case__sop_version_id", "row_no").annotate(**aggregates).order_by()
    per_row: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    seen_versions: set[int] = set()
    for entry in grouped:
        seen_versions.add(entry["case__sop_version_id"])
        target = per_row[entry["row_no"]]
        for key, value in entry.items():
            if key not in ("case__sop_version_id", "row_no"):
                target[key] += value  # cases are partitioned by version: distinct counts add
    # The returns, in a query of their own: the subquery runs once per task, not per figure.
    for entry in (
        tasks.filter(figure_q("returned"))
        .values("row_no")
        .annotate(n=Count("pk"), cases=Count("case_id", distinct=True))
        .order_by()
    ):
        per_row[entry["row_no"]]["returned"] += entry["n"]
        per_row[entry["row_no"]]["returned_cases"] += entry["cases"]
    # The durations of the done work tasks (medians need the values).
    durations: dict[str, list[int]] = defaultdict(list)
    for no, seconds in (
        tasks.filter(figure_q("work_done"), duration_seconds__isnull=False)
        .values_list("row_no", "duration_seconds")
        .order_by()
    ):
        if seconds is not None:
            durations[no].append(seconds)
    # The corrections of the period's tasks (made after the task began: in or after it).
    corrections = (
        Event.objects.filter(
            type=EventType.FIELD_CORRECTED,
            unit_id=unit.pk,
            at__gte=task_bounds(period, zone)[0],
            task__in=period_tasks(unit.pk, code, period, zone, listed),
        )
        .annotate(row_no=_row_expression([v for _r, v in versions], prefix="task__"))
        .values("row_no")
        .annotate(n=Count("pk"), cases=Count("case_id", distinct=True))
        .order_by()
    )
    for entry in corrections:
        per_row[entry["row_no"]]["corrected"] += entry["n"]
        per_row[entry["row_no"]]["corrected_cases"] += entry["cases"]

    shown = shown_version or _shown_version(code, versions, seen_versions)
    # No recorded version yet (no case ever started on it): the library's version in force.
    spec = version_spec(shown) if shown is not None else _in_force(code)
    rows: list[RowFigures] = []
    if spec is not None:
        for row in spec.rows:
            figures = per_row.get(row.no, {})
            rows.append(
                _row(row.no, row.steps, figures, durations.get(row.no, []), threshold=threshold)
            )
    shown_nos = {r.no for r in rows}
    unmatched = sum(
        per_row[no].get("tasks", 0) for no in per_row if no == "" or no not in shown_nos
    )
    return Prefill(
        unit=unit,
        code=code,
        name=spec.name if spec is not None else code,
        nomor=spec.identity.nomor if spec is not None else "",
        period=period,
        version=shown,
        version_number=shown.version if shown is not None else (spec.version if spec else None),
        versions=sorted(by_pk[pk][0].version for pk in seen_versions if pk in by_pk),
        rows=rows,
        unmatched=unmatched,
        threshold=threshold,
    )


def _in_force(code: str) -> SOPSpec | None:
    try:
        spec = registry.get(code)
    except KeyError:
        return None
    return spec if spec.status == SopStatus.PUBLISHED else None


def _shown_version(
    code: str, versions: list[tuple[SopVersion, VersionRows]], seen: set[int]
) -> SopVersion | None:
    published = [row for row, v in versions if v.published and row.pk in seen]
    if published:
        return max(published, key=lambda r: r.version)
    try:
        in_force = registry.get(code)
    except KeyError:
        in_force = None
    for row, _v in versions:
        if in_force is not None and row.version == in_force.version:
            return row
    fallback = [row for row, v in versions if v.published]
    return fallback[-1] if fallback else None


def _row(
    no: str,
    steps: tuple[Any, ...],
    figures: dict[str, int],
    durations: list[int],
    *,
    threshold: int,
) -> RowFigures:
    lead = steps[0]
    standards: list[str] = []
    for step in steps:
        text = step.time.text.strip()
        work = step.kind not in (StepKind.WAIT,)
        if work and text and text not in standards:
            standards.append(text)
    figures = dict(figures)
    out = RowFigures(
        no=no,
        procedure=lead.activity,
        standard=" / ".join(standards),
        tasks=figures.get("tasks", 0),
        ran=figures.get("ran", 0),
        timed=figures.get("timed", 0),
        within=figures.get("within", 0),
        corrected=figures.get("corrected", 0),
        returned=figures.get("returned", 0),
        cancelled=figures.get("cancelled", 0),
        overdue=figures.get("overdue", 0),
        live=figures.get("live", 0),
        median_seconds=_median(durations),
        cases={name: figures.get(f"{name}_cases", 0) for name in COUNTS},
    )
    out.assessment = _assessment(out, threshold)
    out.note = note_text(out)
    return out


def _median(values: list[int]) -> int | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) // 2


def _assessment(row: RowFigures, threshold: int) -> str:
    if row.ran == 0:
        return ""
    if row.timed == 0:
        return BAIK
    return BAIK if row.within * 100 >= threshold * row.timed else TIDAK_BAIK


def duration_text(seconds: int | None) -> str:
    """``5 jam``, ``2 hari 3 jam``, ``12 menit``, ``kurang dari 1 menit``."""
    if seconds is None:
        return "—"
    minutes = seconds // 60
    if minutes < 1:
        return _("kurang dari 1 menit")
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(_("%(n)s hari") % {"n": days})
    if hours:
        parts.append(_("%(n)s jam") % {"n": hours})
    if mins and not days:
        parts.append(_("%(n)s menit") % {"n": mins})
    return " ".join(parts) or _("%(n)s hari") % {"n": days}


def note_text(row: RowFigures) -> str:
    """The factual note, in plain words: "Dijalankan 42 kali; 38 dari 40 (95%) dalam Mutu
    Baku 15 menit; median 5 jam; 2 dikoreksi; 1 terlambat." Only the figures that are not
    zero, beyond the first."""
    if row.tasks == 0:
        return _("Tidak dijalankan dalam periode ini.")
    parts = []
    if row.ran:
        parts.append(_("Dijalankan %(n)s kali") % {"n": row.ran})
    else:
        parts.append(_("Belum ada yang selesai"))
    if row.timed:
        parts.append(
            _("%(within)s dari %(timed)s (%(pct)s%%) dalam Mutu Baku %(standard)s")
            % {
                "within": row.within,
                "timed": row.timed,
                "pct": row.share_percent,
                "standard": row.standard,
            }
        )
    elif row.ran and not row.standard:
        parts.append(_("tanpa Mutu Baku waktu"))
    if row.median_seconds is not None:
        parts.append(_("median %(d)s") % {"d": duration_text(row.median_seconds)})
    extras = (
        (row.corrected, _("%(n)s dikoreksi")),
        (row.returned, _("%(n)s diulang setelah dikembalikan")),
        (row.cancelled, _("%(n)s dibatalkan")),
        (row.overdue, _("%(n)s terlambat")),
        (row.live, _("%(n)s masih berjalan")),
    )
    parts.extend(text % {"n": n} for n, text in extras if n)
    return "; ".join(parts) + "."


# -- the cases behind a figure (drills) -------------------------------------------------------


def figure_cases(
    *, unit_id: int, code: str, period: Period, zone: dt.tzinfo, no: str, figure: str
) -> QuerySet[Case]:
    """The cases behind figure ``figure`` of row ``no``: exactly those the figure's
    ``cases`` count counts."""
    versions = [v for _r, v in sop_versions(code)]
    tasks = period_tasks(unit_id, code, period, zone, versions).filter(row_q(versions, no))
    if figure == "corrected":
        corrected = Event.objects.filter(
            type=EventType.FIELD_CORRECTED,
            unit_id=unit_id,
            at__gte=task_bounds(period, zone)[0],
            task__in=period_tasks(unit_id, code, period, zone, versions),
        ).filter(row_q(versions, no, prefix="task__"))
        return Case.objects.filter(pk__in=corrected.values("case_id"))
    return Case.objects.filter(pk__in=tasks.filter(figure_q(figure)).values("case_id"))
