"""The SPM Trantibum figures of one unit (and its subtree) for one quarter, from the cases.

Permendagri 59/2021 (applying SPM) asks a kabupaten/kota each quarter for the achievement of
its basic services; Permendagri 121/2018 sets the technical standard of the sub-urusan
trantibum. For "Pelayanan Ketenteraman dan Ketertiban Umum" Trantib can compute three
indicators; everything else the e-SPM application asks is marked as not recorded here.

**Which cases.** An SOP's kind comes from the contracts its steps bind
(:mod:`trantib.engine.bindings`), never from its code: *penegakan* — a case of an SOP that
binds ``violation_finding`` which ran that step (the ladder against one violator, PPW's
``beri_teguran``; a patrol month of the same SOP is not one); *operasi* — an SOP that binds
``operation_report`` (PPL, OPP, RTHM, PUR); *pengaduan* — an SOP that binds
``complaint_intake`` or ``reporter_answer`` (PGD). A code counts when any of its versions in the
library binds the contract, so a case pinned to a version older than the binding counts too.
Other cases (patrol months, Polmas activities) are not a service to a citizen and are left out.

**Which quarter.** The quarter's moments are the unit's (``period.bounds(zone)``); the
cut-off ``T`` is the quarter's end, or now while the quarter runs (figures are then
provisional). A case *runs in the quarter* when it was opened before ``T`` and not closed before
the quarter began; cancelled cases (a duplicate, a wrong entry) are never counted. At ``T`` it is

- *late* (terlambat): a work step of it was due before ``T`` and was done after its due time,
  or is still not done;
- *done within standard* (selesai sesuai standar): closed before ``T`` and not late;
- *running* (berjalan): neither closed nor late at ``T`` — it is judged in the quarter it ends.

The quarter's count (*ditangani*) is every case that is done or late; a case late at the end of
one quarter counts again in the next while it stays open. Waits (the violator's compliance
periods) and linked-case steps are not work of the unit: only work steps are compared.

**Penerima** (warga negara yang terkena dampak penegakan Perda/Perkada): one per *penegakan*
case (each is the ladder against one violator), plus one per person or business dealt with in
an *operasi* (a result of its operation file) that has no ladder case of its own. A recipient
is served to standard when the case behind them is done within standard.

**Complaints answered in time**: a complaint runs in the quarter when received before ``T``
and not answered before the quarter began; it counts when answered before ``T`` or when it is
late at ``T`` (``TRANTIB_COMPLAINT_ANSWER_DAYS`` working days on the complaint SOP's calendar,
"due today" not late: the clock stamped on the complaint, ``complaints.clock``, the same the
case page, the dashboard and the monthly recap read); it is in time when answered before its
late moment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models import Case as Choose
from django.db.models.functions import Coalesce
from django.utils import timezone

from trantib.cases.models import Case, CaseStatus, Task
from trantib.complaints.models import Complaint
from trantib.complaints.selectors import AnswerState, answer_state_q
from trantib.engine.bindings import ContractName
from trantib.engine.library import Library
from trantib.operations.models import Result
from trantib.sops import registry

from ..periods import Period
from ..scope import Scope

# The kinds of case the report counts, in the order the tables show them.
ENFORCEMENT = "penegakan"
OPERATION = "operasi"
COMPLAINT = "pengaduan"
KINDS = (ENFORCEMENT, OPERATION, COMPLAINT)

# The states of a case at the cut-off (the drills' ``ukuran``).
HANDLED = "ditangani"  # done or late: the quarter's count
DONE_OK = "sesuai"  # closed before the cut-off, no work step late
LATE = "terlambat"
RUNNING = "berjalan"  # neither: judged in the quarter it ends
MEASURES = (HANDLED, DONE_OK, LATE, RUNNING)

# Complaint answers.
ANSWER_DUE = "jatuh_tempo"  # answered, or the answer was due, before the cut-off
ANSWER_OK = "tepat"  # answered by its due time
ANSWER_LATE = "terlambat"
ANSWER_WAITING = "berjalan"  # not answered, not yet due
ANSWER_MEASURES = (ANSWER_DUE, ANSWER_OK, ANSWER_LATE, ANSWER_WAITING)

# The target of every indicator: the SPM is a minimum every citizen is owed (Permendagri
# 121/2018 sets 100 % for the penerima of the trantibum service; the quality indicators here
# take the same, since a standard met "mostly" is not met).
TARGET_PERCENT = 100


# -- which SOPs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SopKinds:
    """The SOP codes of each kind, read from the library's bindings."""

    enforcement: frozenset[str]
    enforcement_steps: frozenset[str]  # the step ids that bind ``violation_finding``
    # (step id, field) where those steps record the violator (a ``person`` value: {nama, …}).
    violator_fields: frozenset[tuple[str, str]]
    operation: frozenset[str]
    complaint: frozenset[str]


def sop_kinds_of(library: Library) -> SopKinds:
    enforcement: set[str] = set()
    steps: set[str] = set()
    fields: set[tuple[str, str]] = set()
    operation: set[str] = set()
    complaint: set[str] = set()
    for spec in library.specs:
        finding = spec.bound(ContractName.VIOLATION_FINDING)
        if finding:
            enforcement.add(spec.code)
            steps.update(step.id for step, _binding in finding)
            for step, binding in finding:
                if name := binding.field("violator"):
                    fields.add((step.id, name))
        if spec.bound(ContractName.OPERATION_REPORT):
            operation.add(spec.code)
        if spec.bound(ContractName.COMPLAINT_INTAKE) or spec.bound(ContractName.REPORTER_ANSWER):
            complaint.add(spec.code)
    return SopKinds(
        enforcement=frozenset(enforcement),
        enforcement_steps=frozenset(steps),
        violator_fields=frozenset(fields),
        operation=frozenset(operation - enforcement),
        complaint=frozenset(complaint - enforcement - operation),
    )


@lru_cache(maxsize=4)
def _kinds_cached(library_id: int) -> SopKinds:
    return sop_kinds_of(registry.library())


def sop_kinds() -> SopKinds:
    """The kinds for the library in use (recomputed when the library is reloaded)."""
    return _kinds_cached(id(registry.library()))


# -- the quarter --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """A quarter on the unit's clock: its first moment and the cut-off (its end, or now)."""

    start: dt.datetime
    end: dt.datetime
    cut: dt.datetime

    @property
    def provisional(self) -> bool:
        """The quarter has not ended: the figures will still change."""
        return self.cut < self.end


def window(scope: Scope, period: Period, now: dt.datetime | None = None) -> Window:
    start, end = period.bounds(scope.zone)
    now = now or timezone.now()
    return Window(start=start, end=end, cut=max(start, min(end, now)))


def due_date(period: Period) -> dt.date:
    """The 20th of the month after the quarter (Permendagri 59/2021, Pasal 24: 20 April,
    20 July, 20 October, 20 January)."""
    return dt.date(period.end.year, period.end.month, 20)


# -- cases --------------------------------------------------------------------------------------


def _units(scope: Scope, part: str) -> tuple[int, ...] | None:
    """The unit ids of child unit ``part`` of the scope (its whole subtree), ``()`` for an
    unknown one; None: the whole scope."""
    if not part:
        return None
    if part == scope.unit.code:
        return (scope.unit.pk,)
    for child, ids in scope.groups:
        if child.code == part:
            return ids
    return ()


def cases_annotated(
    scope: Scope, win: Window, *, part: str = "", unkinded: bool = False
) -> QuerySet[Any]:
    """Every counted case of the scope that runs in the quarter, with ``spm_kind``,
    ``spm_closed`` (closed before the cut-off) and ``spm_late`` (late at the cut-off).
    ``unkinded``: also the cases of the counted SOPs whose kind is ``""`` (a ladder case that
    never ran its entry step), for a caller that skips them itself — the test in SQL would
    repeat the kind's ``CASE`` for every row."""
    kinds = sop_kinds()
    units = _units(scope, part)
    ids = scope.unit_ids if units is None else tuple(i for i in units if i in scope.unit_ids)
    ran_entry = Task.objects.filter(case=OuterRef("pk"), step_id__in=kinds.enforcement_steps)
    kind = Choose(
        When(Q(sop_code__in=kinds.enforcement) & Exists(ran_entry), then=Value(ENFORCEMENT)),
        When(sop_code__in=kinds.operation, then=Value(OPERATION)),
        When(sop_code__in=kinds.complaint, then=Value(COMPLAINT)),
        default=Value(""),
    )
    counted = (
        Case.objects.filter(unit_id__in=ids, opened_at__lt=win.cut)
        .exclude(status=CaseStatus.CANCELLED)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=win.start))
        .annotate(
            spm_kind=kind,
            spm_closed=ExpressionWrapper(
                Q(status=CaseStatus.CLOSED, closed_at__lt=win.cut), output_field=BooleanField()
            ),
            # ``Case.late_from``: the first due time of a work step open or done late
            # (kept by the cases services), so "late at the cut-off" is one comparison; the
            # null test keeps it false, not unknown, for a case never late (``spm_late=False``).
            spm_late=ExpressionWrapper(
                Q(late_from__isnull=False, late_from__lt=win.cut), output_field=BooleanField()
            ),
        )
    )
    if unkinded:
        return counted.filter(sop_code__in=kinds.enforcement | kinds.operation | kinds.complaint)
    return counted.exclude(spm_kind="")


def measure_filter(measure: str) -> Q | None:
    """The condition of one measure on :func:`cases_annotated`; None for an unknown one."""
    return {
        HANDLED: Q(spm_closed=True) | Q(spm_late=True),
        DONE_OK: Q(spm_closed=True, spm_late=False),
        LATE: Q(spm_late=True),
        RUNNING: Q(spm_closed=False, spm_late=False),
    }.get(measure)


def cases_for(
    scope: Scope, win: Window, *, measure: str, kind: str = "", part: str = ""
) -> QuerySet[Case]:
    """The cases of one measure (and kind, and child unit): what a figure counts."""
    condition = measure_filter(measure)
    if condition is None or (kind and kind not in KINDS):
        return Case.objects.none()
    found = cases_annotated(scope, win, part=part).filter(condition)
    return found.filter(Q(spm_kind=kind)) if kind else found


# -- recipients ---------------------------------------------------------------------------------


def recipient_results(cases: QuerySet[Case]) -> QuerySet[Result]:
    """The people and businesses dealt with in the operations among ``cases`` that have no
    ladder case of their own (one with a ladder is counted through that case)."""
    return Result.objects.filter(
        operation__case__in=cases.filter(Q(spm_kind=OPERATION)).values("pk"),
        enforcement__isnull=True,
    )


def recipient_cases(scope: Scope, win: Window, *, measure: str, part: str = "") -> QuerySet[Case]:
    """The cases behind the recipients of a measure: the enforcement cases, and the operation
    cases with at least one recipient."""
    if measure not in (HANDLED, DONE_OK):
        return Case.objects.none()
    found = cases_for(scope, win, measure=measure, part=part)
    with_people = Result.objects.filter(operation__case=OuterRef("pk"), enforcement__isnull=True)
    return found.alias(has_people=Exists(with_people)).filter(
        Q(spm_kind=ENFORCEMENT) | Q(spm_kind=OPERATION, has_people=True)
    )


@dataclass(frozen=True)
class Recipient:
    """One citizen served: a ladder case's violator, or a person dealt with in an operation."""

    name: str
    source: str  # ENFORCEMENT or OPERATION
    action: str  # what was done (an operation result's action), "" for a ladder
    case: Case
    violator_id: int | None
    done_ok: bool


def recipients(scope: Scope, win: Window, *, measure: str, part: str = "") -> list[Recipient]:
    """The recipients of a measure (HANDLED or DONE_OK), ladder cases first, by case number."""
    if measure not in (HANDLED, DONE_OK):
        return []
    cases = cases_for(scope, win, measure=measure, part=part)
    rows: list[Recipient] = []
    ladder = (
        cases.filter(Q(spm_kind=ENFORCEMENT))
        .select_related("unit", "enforcement__violator")
        .order_by("opened_at", "pk")
    )
    fields = sop_kinds().violator_fields
    for case in ladder:
        enforcement = getattr(case, "enforcement", None)
        violator = enforcement.violator if enforcement is not None else None
        rows.append(
            Recipient(
                name=violator.name if violator is not None else _recorded_name(case, fields),
                source=ENFORCEMENT,
                action="",
                case=case,
                violator_id=violator.pk if violator is not None else None,
                done_ok=bool(case.spm_closed and not case.spm_late),  # type: ignore[attr-defined]
            )
        )
    operation_cases = {c.pk: c for c in cases.filter(Q(spm_kind=OPERATION)).select_related("unit")}
    results = (
        Result.objects.filter(
            operation__case_id__in=list(operation_cases), enforcement__isnull=True
        )
        .select_related("violator", "operation")
        .order_by("operation__case__opened_at", "pk")
    )
    for result in results:
        case = operation_cases[result.operation.case_id]
        rows.append(
            Recipient(
                name=result.violator.name,
                source=OPERATION,
                action=result.get_action_display(),
                case=case,
                violator_id=result.violator_id,
                done_ok=bool(case.spm_closed and not case.spm_late),  # type: ignore[attr-defined]
            )
        )
    return rows


def _recorded_name(case: Case, fields: frozenset[tuple[str, str]]) -> str:
    """The violator's name as the case's finding step recorded it (a case started without the
    register: a patrol's finding, or by hand); the case's subject when none was recorded."""
    data = (case.state or {}).get("data") or {}
    for step, name in sorted(fields):
        for source in (data.get(step), data.get("_start")):
            value = source.get(name) if isinstance(source, dict) else None
            if isinstance(value, dict) and str(value.get("nama", "")).strip():
                return str(value["nama"]).strip()
    return case.subject


# -- complaints ---------------------------------------------------------------------------------


def answer_days() -> int:
    return int(getattr(settings, "TRANTIB_COMPLAINT_ANSWER_DAYS", 5))


def complaints_running(scope: Scope, win: Window, *, part: str = "") -> QuerySet[Complaint]:
    """The complaints that run in the quarter: received before the cut-off and not answered
    before the quarter began (their case not cancelled)."""
    units = _units(scope, part)
    ids = scope.unit_ids if units is None else tuple(i for i in units if i in scope.unit_ids)
    running = Complaint.objects.filter(
        Q(answered_at__isnull=True) | Q(answered_at__gte=win.start),
        unit_id__in=ids,
        received_at__lt=win.cut,
    )
    # ``Complaint.unit`` is its case's unit (a hand-over moves both). The few cancelled cases
    # are left out by their ids, not by joining every complaint to its case.
    cancelled = Case.objects.filter(unit_id__in=ids, status=CaseStatus.CANCELLED)
    return running.exclude(case_id__in=cancelled.values("pk"))


def answer_q(measure: str, cut: dt.datetime) -> Q | None:
    """Where a complaint's answer stands at the cut-off (the complaints app's clock, stamped on
    the complaint: ``complaints.clock``); None for an unknown measure."""
    ok = answer_state_q(AnswerState.WITHIN, cut)
    late = answer_state_q(AnswerState.LATE, cut) | answer_state_q(AnswerState.OVERDUE, cut)
    return {
        ANSWER_DUE: ok | late,
        ANSWER_OK: ok,
        ANSWER_LATE: late,
        ANSWER_WAITING: answer_state_q(AnswerState.WAITING, cut),
    }.get(measure)


def answer_cases(scope: Scope, win: Window, *, measure: str, part: str = "") -> QuerySet[Case]:
    condition = answer_q(measure, win.cut)
    if condition is None:
        return Case.objects.none()
    chosen = complaints_running(scope, win, part=part).filter(condition)
    return Case.objects.filter(pk__in=chosen.values("case_id"))


# -- the figures in one pass ------------------------------------------------------------------


@dataclass
class Tally:
    """Counts of one slice (the whole scope, a child unit, a kind)."""

    handled: int = 0
    done_ok: int = 0
    late: int = 0
    running: int = 0

    def add(self, other: Tally) -> None:
        self.handled += other.handled
        self.done_ok += other.done_ok
        self.late += other.late
        self.running += other.running

    @property
    def percent(self) -> float | None:
        return percent(self.done_ok, self.handled)


@dataclass
class AnswerTally:
    due: int = 0
    ok: int = 0
    late: int = 0
    waiting: int = 0

    @property
    def percent(self) -> float | None:
        return percent(self.ok, self.due)


@dataclass
class Slice:
    """The figures of the scope or of one child unit's subtree."""

    cases: Tally = field(default_factory=Tally)
    by_kind: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k in KINDS})
    recipients: Tally = field(default_factory=Tally)  # handled / done_ok only
    recipient_cases: Tally = field(default_factory=Tally)  # the cases behind them
    answers: AnswerTally = field(default_factory=AnswerTally)


def percent(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in percent, one decimal; None when there is nothing to divide."""
    if whole <= 0:
        return None
    return round(100.0 * part / whole, 1)


def meets(value: float | None, target: int = TARGET_PERCENT) -> bool | None:
    """Memenuhi (True) when the achievement reaches the target; None without data."""
    if value is None:
        return None
    return value >= target


@dataclass
class Figures:
    """Everything the page, the PDF and the workbook show, in counts."""

    window: Window
    total: Slice
    parts: list[tuple[str, str, Slice]]  # (unit code, unit name, its slice), per child unit


def figures(scope: Scope, period: Period, now: dt.datetime | None = None) -> Figures:
    """All counts in two queries: the cases grouped by unit, kind and state, with the people
    of their operations (a count per operation case) and how many of them have any (the cases
    behind the recipients); the complaints grouped by unit and where their answer stands."""
    win = window(scope, period, now)
    # The people of an operation case: its results not counted through a ladder case of their
    # own (a subquery, not a join: a join would multiply the cases).
    people_of = (
        Result.objects.filter(operation__case=OuterRef("pk"), enforcement__isnull=True)
        .order_by()
        .values("operation__case")
        .annotate(c=Count("pk"))
        .values("c")
    )
    counted = cases_annotated(scope, win, unkinded=True).alias(
        spm_people=Choose(
            # By the SOP, as ``spm_kind`` tells an operation: written out on ``spm_kind``
            # the kind's whole CASE (with its EXISTS) would be repeated in each aggregate.
            When(
                Q(sop_code__in=sop_kinds().operation),
                then=Coalesce(Subquery(people_of, output_field=IntegerField()), 0),
            ),
            default=Value(0),
            output_field=IntegerField(),
        )
    )
    # Two reads that add up, the cases still open and those closed since the quarter began:
    # each is a range of one index (``case_unit_closed``, which carries every column counted),
    # where their OR would make PostgreSQL visit the rows themselves.
    grouped = [
        row
        for part in (Q(closed_at__isnull=True), Q(closed_at__gte=win.start))
        for row in counted.filter(part)
        .values("unit_id", "spm_kind", "spm_closed", "spm_late")
        .order_by()
        .annotate(
            n=Count("pk"),
            people=Coalesce(Sum("spm_people"), 0),
            with_people=Count("pk", filter=Q(spm_people__gt=0)),
        )
    ]
    slices: dict[int | None, Slice] = {}

    def slice_of(unit_id: int) -> Slice:
        child = scope.group_of(unit_id)
        key = child.pk if child is not None else None
        return slices.setdefault(key, Slice())

    total = Slice()
    for row in grouped:
        if not row["spm_kind"]:
            continue  # a ladder case that never ran its entry step: not counted
        closed, late, n = bool(row["spm_closed"]), bool(row["spm_late"]), int(row["n"])
        tally = Tally(
            handled=n if (closed or late) else 0,
            done_ok=n if (closed and not late) else 0,
            late=n if late else 0,
            running=n if not (closed or late) else 0,
        )
        kind = row["spm_kind"]
        # Recipients: a ladder case's violator, or an operation's people; the cases behind
        # them: the ladder cases, and the operation cases with anyone (``recipient_cases``).
        if kind == ENFORCEMENT:
            served, behind = n, n
        elif kind == OPERATION:
            served, behind = int(row["people"]), int(row["with_people"])
        else:
            served, behind = 0, 0
        for target in (total, slice_of(row["unit_id"])):
            target.cases.add(tally)
            target.by_kind[kind].add(tally)
            target.recipients.add(
                Tally(
                    handled=served if (closed or late) else 0,
                    done_ok=served if (closed and not late) else 0,
                )
            )
            if closed or late:
                target.recipient_cases.add(
                    Tally(handled=behind, done_ok=behind if (closed and not late) else 0)
                )
    measures = (ANSWER_OK, ANSWER_LATE, ANSWER_WAITING)
    # Again two reads that add up (not answered; answered since the quarter began), each a
    # range of ``complaint_unit_answered``, which carries the columns counted.
    answered = [
        row
        for part in (Q(answered_at__isnull=True), Q(answered_at__gte=win.start))
        for row in complaints_running(scope, win)
        .filter(part)
        .values("unit_id")
        .annotate(**{m: Count("pk", filter=answer_q(m, win.cut)) for m in measures})
        .order_by()
    ]
    for row in answered:
        for target in (total, slice_of(row["unit_id"])):
            _count_answers(target.answers, row[ANSWER_OK], row[ANSWER_LATE], row[ANSWER_WAITING])
    parts: list[tuple[str, str, Slice]] = []
    if scope.is_parent:
        if None in slices:  # cases of the chosen unit itself, above its children
            parts.append((scope.unit.code, scope.unit.name, slices[None]))
        for child, _ids in scope.groups:
            parts.append((child.code, child.name, slices.get(child.pk, Slice())))
    return Figures(window=win, total=total, parts=parts)


def _count_answers(tally: AnswerTally, ok: int, late: int, waiting: int) -> None:
    tally.due += ok + late
    tally.ok += ok
    tally.late += late
    tally.waiting += waiting


def kinds_present(figs: Figures) -> Iterable[str]:
    return [k for k in KINDS if figs.total.by_kind[k].handled or figs.total.by_kind[k].running]
