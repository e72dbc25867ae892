"""Domain rules on top of an SOP's steps, registered by the domain apps.

The engine knows steps, not complaints: the complaint app's rule "the reporter must be told
before the case ends" needs the complaint row. A domain app registers a :class:`StepHook`
for a contract (:mod:`trantib.engine.bindings`) in its ``AppConfig.ready()``;
``task_complete`` calls it only for a step that declares that contract in ``binds:``, inside
its transaction, with the case locked and the step's binding in hand — ``prepare`` before the
engine checks the data (it may fill fields or refuse with ``Invalid``), ``completed`` after the
step was persisted (it may write rows of its own, e.g. an outbox message, in the same
transaction). A step that binds nothing runs no hook at all: the hot path stays as short as
the SOP allows.

A **step guard** is a rule a step declares outside its fields, in a key of its own that a domain
app reads (an SOP's ``letter:``, which the letters app keeps): it may hold the step until
something happened elsewhere (the letter is signed) and fill fields of the step from it (the
letter's number). A domain app registers one with :func:`step_guard_register`; ``task_complete``
runs ``prepare`` for every guard that ``applies`` to the step, inside its transaction, before the
engine checks the data. The step form shows the fields a guard fills (``filled``) read-only,
with the guard's note, and neither the form nor the API asks the officer for them. A first step
that a guard holds cannot be done at the moment its case starts (the letter it waits for cannot
exist yet): the case opens with it as a live task, the start form's values kept for it.

A **wait period** provider says how long a wait that names a ``period:`` lasts for one case
(the enforcement app: the rung's period in the case's Perda, "7 hari kerja"); without one, or
when it answers None, the wait's own ``deadline`` counts. The case's flow uses it for the wait
task's due time, and the letters app for the period a letter prints.

A **case end listener** hears that a case closed (its end step done) or was cancelled, inside
the transaction that ended it (the enforcement app sets its enforcement's outcome).

A **start guard** keeps an SOP from being started by hand: the complaint SOP is started only by
the complaint service (which gives the case its complaint, tracking number and routing), so the
generic start refuses it with the guard's message and the start page does not offer it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from trantib.engine.spec import Binding, SOPSpec, Step
from trantib.engine.timing import TimeStandard

if TYPE_CHECKING:
    from trantib.accounts.models import Person

    from ..models import Case, Task


class StepHook(Protocol):
    def prepare(
        self,
        *,
        spec: SOPSpec,
        case: Case,
        task: Task,
        step: Step,
        binding: Binding,
        data: dict[str, Any],
        actor: Person | None,
        now: dt.datetime,
    ) -> dict[str, Any]: ...

    def completed(
        self,
        *,
        spec: SOPSpec,
        case: Case,
        task: Task,
        step: Step,
        binding: Binding,
        recorded: dict[str, Any],
        actor: Person | None,
        now: dt.datetime,
    ) -> None: ...


class StepGuard(Protocol):
    def applies(self, step: Step) -> bool: ...

    def filled(self, step: Step) -> Mapping[str, str]:
        """The fields of ``step`` this guard fills, each with a note for the form."""
        ...

    def prepare(
        self,
        *,
        spec: SOPSpec,
        case: Case,
        task: Task,
        step: Step,
        data: dict[str, Any],
        decision: str,
        actor: Person | None,
        now: dt.datetime,
    ) -> dict[str, Any]:
        """The data with the guard's fields filled, or Invalid/Conflict: the step must wait."""
        ...


_GUARDS_STEP: list[StepGuard] = []


def step_guard_register(guard: StepGuard) -> None:
    if guard not in _GUARDS_STEP:
        _GUARDS_STEP.append(guard)


def step_guards(step: Step) -> tuple[StepGuard, ...]:
    """The guards that hold or fill ``step`` (none for most steps: the hot path stays short)."""
    return tuple(guard for guard in _GUARDS_STEP if guard.applies(step))


def step_filled(step: Step, *, case: Case | None = None, start: bool = False) -> dict[str, str]:
    """The fields of ``step`` that a guard fills, with the note the form shows beside each.
    A guard that fills only some cases' steps (the enforcement register's finding, not a case
    started by hand) answers ``filled_for(step, case, start)`` for the form of ``case``'s task
    or, ``start``, of the start form; everywhere else its ``filled(step)`` counts."""
    out: dict[str, str] = {}
    for guard in step_guards(step):
        filled_for = getattr(guard, "filled_for", None)
        if filled_for is not None and (start or case is not None):
            out.update(filled_for(step, case, start))
        else:
            out.update(guard.filled(step))
    return out


_HOOKS: dict[str, list[StepHook]] = {}


def step_hook_register(contract: str, hook: StepHook) -> None:
    """Run ``hook`` on the completion of every step that binds ``contract``."""
    hooks = _HOOKS.setdefault(contract, [])
    if hook not in hooks:
        hooks.append(hook)


def step_hooks(step: Step) -> tuple[tuple[StepHook, Binding], ...]:
    """The hooks of the contracts ``step`` binds, each with its binding."""
    return tuple(
        (hook, binding) for binding in step.bindings for hook in _HOOKS.get(binding.contract, ())
    )


# A guard answers the refusal message for an SOP that may not be started by hand, else None.
StartGuard = Callable[[SOPSpec], "str | None"]
_GUARDS: list[StartGuard] = []


def start_guard_register(guard: StartGuard) -> None:
    if guard not in _GUARDS:
        _GUARDS.append(guard)


def start_refusal(spec: SOPSpec) -> str | None:
    for guard in _GUARDS:
        message = guard(spec)
        if message:
            return message
    return None


# A provider answers the period of a wait that names a ``period:`` for one case, else None.
WaitPeriod = Callable[[SOPSpec, "Case", Step], "TimeStandard | None"]
_PERIODS: list[WaitPeriod] = []


def wait_period_register(provider: WaitPeriod) -> None:
    if provider not in _PERIODS:
        _PERIODS.append(provider)


def wait_period(spec: SOPSpec, case: Case, step: Step) -> TimeStandard | None:
    """How long the wait ``step`` lasts in ``case``: a provider's period for the rung it
    names (``period:``), else its own ``deadline``. A wait without ``period:`` asks nobody."""
    if step.period:
        for provider in _PERIODS:
            found = provider(spec, case, step)
            if found is not None and found.has_deadline:
                return found
    return step.deadline


# A listener hears each case that ended (``case.status`` says how), in the same transaction.
CaseEndListener = Callable[["Case", "Person | None", dt.datetime], None]
_END_LISTENERS: list[CaseEndListener] = []


def case_end_listener_register(listener: CaseEndListener) -> None:
    if listener not in _END_LISTENERS:
        _END_LISTENERS.append(listener)


def case_ended(case: Case, actor: Person | None, now: dt.datetime) -> None:
    for listener in _END_LISTENERS:
        listener(case, actor, now)


# -- record maskers: what a reader may see of the people a case records ------------------------
#
# A ``person`` field records a party ({nama, nik, alamat, telepon}): PPW's violator. Whether a
# reader may see its NIK, address and phone is a domain rule (the enforcement app: only the
# enforcement roles of the case's unit), so cases asks the registered maskers. A masker takes
# the case's unit id and the reader and answers a function that masks one party value, or None
# when the reader sees it whole. Every surface that shows recorded values (the case page's
# parties, the case file on the page and in the PDF, ``GET /api/v1/cases/{id}``, its events and
# the task lists) passes them through :func:`records_masked`.

PersonMask = Callable[[dict[str, Any]], dict[str, Any]]
RecordMasker = Callable[[int, Any], "PersonMask | None"]
_MASKERS: list[RecordMasker] = []
PARTY_DETAILS = frozenset({"nik", "alamat", "telepon"})


def record_masker_register(masker: RecordMasker) -> None:
    """Add a masker (in ``AppConfig.ready()``)."""
    if masker not in _MASKERS:
        _MASKERS.append(masker)


def record_mask_for(unit_id: int, reader: Any) -> PersonMask | None:
    """The mask of party values for ``reader`` of a case of ``unit_id``; None: nothing hidden."""
    masks = [m for m in (masker(unit_id, reader) for masker in _MASKERS) if m is not None]
    if not masks:
        return None

    def mask(value: dict[str, Any]) -> dict[str, Any]:
        for one in masks:
            value = one(value)
        return value

    return mask


def _is_party(value: dict[str, Any]) -> bool:
    return "nama" in value and bool(PARTY_DETAILS & value.keys())


def records_masked(value: Any, mask: PersonMask | None) -> Any:
    """``value`` (a task's data, an event's data, any JSON) with every party value in it
    masked; the same object when there is nothing to mask."""
    if mask is None:
        return value
    if isinstance(value, dict):
        if _is_party(value):
            return mask(dict(value))
        return {k: records_masked(v, mask) for k, v in value.items()}
    if isinstance(value, list):
        return [records_masked(v, mask) for v in value]
    return value
