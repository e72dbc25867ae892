"""What may happen next in a case, and what an action does — pure, no database.

A case's position in its SOP is a :class:`CaseState`: the steps that are active (waiting for an
officer, a deadline, or linked cases), the data recorded at each step, and counters for
repeated steps and loops. :func:`start` enters the SOP at its main entry (or another entry);
:func:`apply` takes one action and returns an :class:`Outcome` — the new state and the effects
the caller must carry out (offer a task to a role, start a timer, open linked cases, close the
case). An action that is not allowed raises :class:`ActionRefused` naming the field at fault,
and changes nothing.

Limits: the flows of Permenpan SOPs are sequential (one path at a time); parallel branches
are not modelled. Conditions are chosen by the officer (a decision's branch), never computed.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from trantib.core.text import has_control_characters

from .spec import (
    Branch,
    FieldType,
    Frequency,
    Period,
    RecordField,
    SOPSpec,
    Step,
    StepKind,
)
from .timing import TimeStandard
from .values import DATE_EXAMPLE, DATETIME_EXAMPLE, date_read, datetime_read


class CaseStatus(StrEnum):
    OPEN = "open"  # some step is active
    CLOSED = "closed"  # an end step was completed


@dataclass(frozen=True)
class CaseState:
    """Where a case stands. Immutable: every action returns a new state."""

    status: CaseStatus = CaseStatus.OPEN
    active: tuple[str, ...] = ()
    data: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    visits: Mapping[str, int] = field(default_factory=dict)  # entries per step (loops)
    occurrences: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # repeat: labels
    done_occurrences: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form, for storing beside the case row."""
        return {
            "status": self.status.value,
            "active": list(self.active),
            "data": {k: dict(v) for k, v in self.data.items()},
            "visits": dict(self.visits),
            "occurrences": {k: list(v) for k, v in self.occurrences.items()},
            "done_occurrences": {k: list(v) for k, v in self.done_occurrences.items()},
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> CaseState:
        return cls(
            status=CaseStatus(raw["status"]),
            active=tuple(raw["active"]),
            data={k: dict(v) for k, v in raw.get("data", {}).items()},
            visits=dict(raw.get("visits", {})),
            occurrences={k: tuple(v) for k, v in raw.get("occurrences", {}).items()},
            done_occurrences={k: tuple(v) for k, v in raw.get("done_occurrences", {}).items()},
        )


# -- actions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Complete:
    """An officer completes an active step: the fields it records, the branch of a decision,
    and for a repeated step which occurrence (e.g. the patrol of 2026-11-03)."""

    step: str
    data: Mapping[str, Any] = field(default_factory=dict)
    branch: str = ""
    occurrence: str = ""
    on: date | None = None  # the day it happens, in the unit's zone (plans daily/weekly repeats)


@dataclass(frozen=True)
class DeadlinePassed:
    """The deadline of an active wait step has passed."""

    step: str
    on: date | None = None


@dataclass(frozen=True)
class LinkedCasesClosed:
    """Every case a waiting sub-procedure step opened has closed."""

    step: str
    on: date | None = None


Action = Complete | DeadlinePassed | LinkedCasesClosed


# -- effects ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskOffered:
    """Offer a task for ``step`` to the holders of ``role``; due by ``time`` from now."""

    step: str
    role: str
    time: TimeStandard
    occurrence: str = ""


@dataclass(frozen=True)
class TaskDone:
    step: str
    occurrence: str = ""


@dataclass(frozen=True)
class TimerStarted:
    """Call back with DeadlinePassed(step) once ``deadline`` has passed."""

    step: str
    deadline: TimeStandard


@dataclass(frozen=True)
class LinkedCasesRequested:
    """Open one case of ``sop`` ("" = this SOP) at ``entry`` per item (one when no items)."""

    step: str
    sop: str
    entry: str
    items: tuple[Any, ...]
    wait: bool


@dataclass(frozen=True)
class CaseClosed:
    step: str


Effect = TaskOffered | TaskDone | TimerStarted | LinkedCasesRequested | CaseClosed


@dataclass(frozen=True)
class Outcome:
    state: CaseState
    effects: tuple[Effect, ...]


class ActionRefused(Exception):
    """The action is not allowed now. ``field`` names what is wrong (``step``, ``branch``,
    ``data.<name>``, ``occurrence``); ``code`` says why where the field alone does not
    (``control_character``, ``too_long``, ``not_yet``, ``year_range``), so callers can word it."""

    def __init__(self, message: str, *, field: str = "step", code: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


# An occurrence's label (a date, or a line of a schedule) is kept as a short key.
OCCURRENCE_MAX = 64
# The largest id a database row can have (a 64-bit BigAutoField on SQLite and PostgreSQL):
# a ``members`` value above it names nobody and cannot even be looked up.
MAX_ID = 2**63 - 1
# The years a recorded date may fall in. Wider than any case needs; it keeps a typed slip
# (9999, 0001) from reaching the calendar arithmetic, which overflows near the limits.
YEAR_MIN, YEAR_MAX = 1900, 2100


# -- the rules ----------------------------------------------------------------------------


def entries(spec: SOPSpec) -> tuple[Step, ...]:
    """The steps a case may start at: the first step, then every step marked entry."""
    return (spec.start, *(s for s in spec.steps if s.entry and s is not spec.start))


def start(
    spec: SOPSpec,
    *,
    entry: str = "",
    data: Mapping[str, Any] | None = None,
    on: date | None = None,
) -> Outcome:
    """A new case of ``spec``, at its main entry or at ``entry``.

    ``data`` seeds what is already known (e.g. the violator handed over by a patrol case),
    kept under the key ``"_start"``. ``on``: the day it starts (plans daily/weekly repeats).
    """
    step = spec.start
    if entry:
        allowed = {s.id: s for s in entries(spec)}
        if entry not in allowed:
            raise ActionRefused(
                f"'{entry}' is not an entry of {spec.code}; entries: {', '.join(allowed)}",
                field="entry",
            )
        step = allowed[entry]
    state = CaseState(data={"_start": dict(data)} if data else {})
    return _enter(spec, state, step, (), on)


def apply(spec: SOPSpec, state: CaseState, action: Action) -> Outcome:
    """The outcome of ``action`` on a case in ``state``, or ActionRefused."""
    if state.status is CaseStatus.CLOSED:
        raise ActionRefused("the case is closed")
    try:
        step = spec.step(action.step)
    except KeyError:
        raise ActionRefused(f"{spec.code} has no step '{action.step}'") from None
    if step.id not in state.active:
        raise ActionRefused(f"step '{step.id}' is not active now")
    if isinstance(action, DeadlinePassed):
        if step.kind is not StepKind.WAIT:
            raise ActionRefused(f"step '{step.id}' is not a wait")
        return _leave(spec, state, step, step.next, (), action.on)
    if isinstance(action, LinkedCasesClosed):
        if step.kind is not StepKind.SUBPROCEDURE or not step.subprocedure:
            raise ActionRefused(f"step '{step.id}' does not open linked cases")
        return _leave(spec, state, step, step.next, (), action.on)
    return _complete(spec, state, step, action)


def _complete(spec: SOPSpec, state: CaseState, step: Step, action: Complete) -> Outcome:
    if step.kind is StepKind.WAIT:
        raise ActionRefused(f"step '{step.id}' waits for its deadline; nobody completes it")
    sub = step.subprocedure
    if step.kind is StepKind.SUBPROCEDURE and sub and sub.wait and step.id in state.data:
        raise ActionRefused(f"step '{step.id}' waits for its linked cases to close")
    recorded = check_data(step, action.data)
    if step.kind is StepKind.REPEAT:
        return _complete_occurrence(spec, state, step, action, recorded)
    if action.occurrence:
        raise ActionRefused(f"step '{step.id}' is not repeated", field="occurrence")
    target = _target(step, action.branch)
    data = {**state.data, step.id: recorded}
    if action.branch:
        data[step.id] = {**recorded, "_branch": _branch_label(step, action.branch)}
    state = replace(state, data=data)
    done: tuple[Effect, ...] = (TaskDone(step.id),)
    if step.kind is StepKind.END:
        closed = replace(state, status=CaseStatus.CLOSED, active=())
        return Outcome(closed, (*done, CaseClosed(step.id)))
    if step.kind is StepKind.SUBPROCEDURE and step.subprocedure:
        sub = step.subprocedure
        items = _for_each_items(state, sub.for_each)
        request = LinkedCasesRequested(step.id, sub.sop, sub.entry, items, sub.wait)
        if sub.wait:
            return Outcome(state, (*done, request))
        return _leave(spec, state, step, target, (*done, request), action.on)
    return _leave(spec, state, step, target, done, action.on)


def _complete_occurrence(
    spec: SOPSpec, state: CaseState, step: Step, action: Complete, recorded: dict[str, Any]
) -> Outcome:
    planned = state.occurrences.get(step.id, ())
    done = state.done_occurrences.get(step.id, ())
    if action.occurrence not in planned:
        raise ActionRefused(
            f"'{action.occurrence}' is not a scheduled occurrence of '{step.id}'",
            field="occurrence",
        )
    if action.occurrence in done:
        raise ActionRefused(f"occurrence '{action.occurrence}' is already done", field="occurrence")
    day = _as_date(action.occurrence)
    if day is not None and action.on is not None and day > action.on:
        raise ActionRefused(
            f"occurrence '{action.occurrence}' is not due before {day.isoformat()}",
            field="occurrence",
            code="not_yet",
        )
    done = (*done, action.occurrence)
    per_step = dict(state.data.get(step.id, {}))
    per_step[action.occurrence] = recorded
    state = replace(
        state,
        data={**state.data, step.id: per_step},
        done_occurrences={**state.done_occurrences, step.id: done},
    )
    effects: tuple[Effect, ...] = (TaskDone(step.id, action.occurrence),)
    if len(done) < len(planned):
        return Outcome(state, effects)
    return _leave(spec, state, step, step.next, effects, action.on)


def _target(step: Step, branch: str) -> str:
    if step.kind is StepKind.DECISION:
        if not branch:
            labels = ", ".join(b.label for b in step.branches)
            raise ActionRefused(f"choose one of: {labels}", field="branch")
        return _find_branch(step, branch).to
    if branch:
        raise ActionRefused(f"step '{step.id}' is not a decision", field="branch")
    return step.next


def _find_branch(step: Step, label: str) -> Branch:
    for b in step.branches:
        if b.label.casefold() == label.strip().casefold():
            return b
    labels = ", ".join(b.label for b in step.branches)
    raise ActionRefused(
        f"'{label}' is not a branch of '{step.id}'; choose one of: {labels}", field="branch"
    )


def _branch_label(step: Step, label: str) -> str:
    return _find_branch(step, label).label


def _for_each_items(state: CaseState, ref: str) -> tuple[Any, ...]:
    if not ref:
        return ()
    step_id, name = ref.split(".", 1)
    value = state.data.get(step_id, {}).get(name)
    if isinstance(value, list):
        return tuple(value)
    return () if value in (None, "") else (value,)


def _leave(
    spec: SOPSpec,
    state: CaseState,
    step: Step,
    target: str,
    effects: tuple[Effect, ...],
    on: date | None,
) -> Outcome:
    state = replace(state, active=tuple(s for s in state.active if s != step.id))
    return _enter(spec, state, spec.step(target), effects, on)


def _enter(
    spec: SOPSpec, state: CaseState, step: Step, effects: tuple[Effect, ...], on: date | None
) -> Outcome:
    visits = {**state.visits, step.id: state.visits.get(step.id, 0) + 1}
    state = replace(state, active=(*state.active, step.id), visits=visits)
    if step.kind is StepKind.WAIT and step.deadline is not None:
        return Outcome(state, (*effects, TimerStarted(step.id, step.deadline)))
    if step.kind is StepKind.REPEAT and step.repeat is not None:
        planned = _plan_occurrences(state, step, on)
        state = replace(
            state,
            occurrences={**state.occurrences, step.id: planned},
            done_occurrences={**state.done_occurrences, step.id: ()},
        )
        offers = tuple(TaskOffered(step.id, step.role, step.time, occ) for occ in planned)
        return Outcome(state, (*effects, *offers))
    return Outcome(state, (*effects, TaskOffered(step.id, step.role, step.time)))


def _plan_occurrences(state: CaseState, step: Step, on: date | None) -> tuple[str, ...]:
    """The occurrences of a repeated step, labelled by ISO date where there is one.

    SCHEDULED: the dates an earlier step recorded, one per line. DAILY: every day from ``on``
    to the end of the period that contains it; WEEKLY: the same weekday each week until then.
    Without a schedule or a day, one occurrence, so the flow can go on.
    """
    repeat = step.repeat
    if repeat is None:
        return ()
    if repeat.frequency is Frequency.SCHEDULED and repeat.schedule_field:
        step_id, name = repeat.schedule_field.split(".", 1)
        value = state.data.get(step_id, {}).get(name)
        items = value if isinstance(value, list) else [value] if value else []
        planned = tuple(dict.fromkeys(str(v).strip() for v in items if str(v).strip()))
        for label in planned:
            if len(label) > OCCURRENCE_MAX:
                raise ActionRefused(
                    f"a line of the schedule '{name}' is longer than {OCCURRENCE_MAX} characters",
                    field=f"data.{name}",
                    code="too_long",
                )
            # A line that is not an ISO date would give a task with no day of its own (timed
            # from now, titled as typed): refused, never read as today.
            if _schedule_day(label) is None:
                raise ActionRefused(
                    f"'{label}' in the schedule '{name}' is not a date like 2026-12-03",
                    field=f"data.{name}",
                    code="not_a_date",
                )
        if planned:
            return planned
    if repeat.frequency in (Frequency.DAILY, Frequency.WEEKLY) and on is not None:
        stride = timedelta(days=1 if repeat.frequency is Frequency.DAILY else 7)
        last, day, days = _period_end(on, repeat.period), on, []
        while day <= last:
            days.append(day.isoformat())
            day += stride
        return tuple(days)
    return ("1",)


def _schedule_day(label: str) -> date | None:
    """The day of a schedule line: an ISO date (``2026-12-03``), optionally followed by a
    time or a note after a space or ``T``; None for anything else."""
    try:
        day = date.fromisoformat(label[:10]) if label[10:11] in ("", " ", "T") else None
    except ValueError:
        return None
    return day if day is not None and YEAR_MIN <= day.year <= YEAR_MAX else None


def _period_end(on: date, period: Period) -> date:
    """The last day of the day/week (Monday to Sunday)/month/year that contains ``on``."""
    if period is Period.DAY:
        return on
    if period is Period.WEEK:
        return on + timedelta(days=6 - on.weekday())
    if period is Period.MONTH:
        return date(on.year, on.month, calendar.monthrange(on.year, on.month)[1])
    return date(on.year, 12, 31)


def step_start(spec: SOPSpec, state: CaseState, step: Step, tz: str | ZoneInfo) -> datetime | None:
    """The moment ``step``'s time standard counts from when the step names a recorded field
    (``starts_at``) and the case holds a value there; None: from when the task is offered.

    A datetime is that moment in ``tz``, the unit's zone (a value written with an offset keeps
    its own); a date is that day at the calendar's opening hour (08:00 unless the SOP says
    otherwise, also on an around-the-clock calendar), as a scheduled patrol's day is. An empty or
    unreadable value falls back to None.
    """
    if not step.starts_at or step.starts_at.count(".") != 1:
        return None
    step_id, name = step.starts_at.split(".")
    value = state.data.get(step_id, {}).get(name)
    if not isinstance(value, str) or not value.strip():
        return None
    zone = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
    text = value.strip()
    try:
        if len(text) == 10:
            day = date_read(text)
            return datetime.combine(day, spec.calendar.opens, tzinfo=zone)
        moment = datetime_read(text)
    except ValueError:
        return None
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)


# -- recorded data ------------------------------------------------------------------------


def check_data(step: Step, data: Mapping[str, Any]) -> dict[str, Any]:
    """The step's record fields from ``data``, checked; unknown keys and bad values refused."""
    fields = {f.name: f for f in step.records}
    for key in data:
        if key not in fields:
            known = ", ".join(fields) or "none"
            raise ActionRefused(
                f"step '{step.id}' records no field '{key}' (fields: {known})", field=f"data.{key}"
            )
    out: dict[str, Any] = {}
    for f in step.records:
        value = data.get(f.name)
        if is_blank(value):
            if f.required:
                raise ActionRefused(f"'{f.label}' is required", field=f"data.{f.name}")
            continue
        if has_control_characters(value, unstorable_only=True):
            raise ActionRefused(
                f"'{f.label}' contains a NUL or other control character",
                field=f"data.{f.name}",
                code="control_character",
            )
        out[f.name] = _check_value(f, value)
    return out


def _as_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if len(text) >= 10 else None
    except ValueError:
        return None


def is_blank(value: Any) -> bool:
    """No value recorded: None, an empty string, list or mapping."""
    return value is None or value == "" or value == [] or value == {}


def _check_value(f: RecordField, value: Any) -> Any:
    def refuse(expected: str) -> ActionRefused:
        return ActionRefused(f"'{f.label}' must be {expected}", field=f"data.{f.name}")

    t = f.type
    if t in (FieldType.TEXT, FieldType.LONGTEXT):
        if not isinstance(value, str):
            raise refuse("text")
        return value.strip()
    if t is FieldType.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise refuse("a number")
        if isinstance(value, float) and not math.isfinite(value):
            raise refuse("a finite number")
        return value
    if t is FieldType.BOOLEAN:
        if not isinstance(value, bool):
            raise refuse("yes or no")
        return value
    if t is FieldType.DATE:
        try:
            day = date_read(value.strip() if isinstance(value, str) else value)
        except ValueError:
            raise refuse(f"a date like {DATE_EXAMPLE}") from None
        if not YEAR_MIN <= day.year <= YEAR_MAX:
            raise ActionRefused(
                f"'{f.label}' must fall between the years {YEAR_MIN} and {YEAR_MAX}",
                field=f"data.{f.name}",
                code="year_range",
            )
        return day.isoformat()
    if t is FieldType.DATETIME:
        text = value.strip() if isinstance(value, str) else value
        try:
            moment = datetime_read(text)  # the whole value, as step_start reads it
        except ValueError:
            raise refuse(f"a date and time like {DATETIME_EXAMPLE}") from None
        if not YEAR_MIN <= moment.year <= YEAR_MAX:
            raise ActionRefused(
                f"'{f.label}' must fall between the years {YEAR_MIN} and {YEAR_MAX}",
                field=f"data.{f.name}",
                code="year_range",
            )
        return text
    if t is FieldType.CHOICE:
        if value not in f.choices:
            raise refuse("one of: " + ", ".join(f.choices))
        return value
    if t is FieldType.LIST:
        items = value.splitlines() if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise refuse("a list of lines")
        return [i.strip() for i in items if i.strip()]
    if t is FieldType.LOCATION:
        return _check_location(f, value, refuse)
    if t is FieldType.MEMBERS:
        # Person ids; that each is a member of the case's unit is the service's check.
        items = value if isinstance(value, list) else [value]
        if not all(
            isinstance(i, int) and not isinstance(i, bool) and 0 < i <= MAX_ID for i in items
        ):
            raise refuse("a list of person ids")
        return list(dict.fromkeys(items))
    if t is FieldType.PERSON:
        if isinstance(value, str):
            value = {"nama": value}
        if not isinstance(value, dict) or not str(value.get("nama", "")).strip():
            raise refuse("a person with at least a name (nama)")
        return {k: str(v).strip() for k, v in value.items() if v not in (None, "")}
    # FILES: references to stored attachments (ids or names); the service checks the files.
    if not isinstance(value, list):
        value = [value]
    return [str(v) for v in value]


def _check_location(f: RecordField, value: Any, refuse: Any) -> dict[str, Any]:
    if isinstance(value, str):
        return {"address": value.strip()}
    if not isinstance(value, dict):
        raise refuse("a place: an address, or lat/lon")
    out: dict[str, Any] = {}
    if "lat" in value or "lon" in value:
        try:
            lat, lon = float(value["lat"]), float(value["lon"])
        except (KeyError, TypeError, ValueError):
            raise refuse("a place with numeric lat and lon") from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise refuse("a place with lat in -90..90 and lon in -180..180")
        out.update(lat=lat, lon=lon)
        # The device's accuracy in metres, when the point came from its location.
        accuracy = value.get("accuracy")
        if accuracy not in (None, ""):
            if isinstance(accuracy, bool) or not isinstance(accuracy, int | float | str):
                raise refuse("a place with a numeric accuracy in metres")
            try:
                metres = float(accuracy)
            except ValueError:
                raise refuse("a place with a numeric accuracy in metres") from None
            if not math.isfinite(metres) or metres < 0:
                raise refuse("a place with an accuracy of zero metres or more")
            out["accuracy"] = metres
    if value.get("address"):
        out["address"] = str(value["address"]).strip()
    if not out:
        raise refuse("a place: an address, or lat/lon")
    return out
