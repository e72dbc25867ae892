"""Domain rules on top of an SOP's steps, registered by the domain apps.

The engine knows steps, not complaints: the complaint app's rule "the reporter must be told
before the case ends" needs the complaint row. A domain app registers a :class:`StepHook`
in its ``AppConfig.ready()``; ``task_complete`` calls every hook inside its transaction, with
the case locked — ``prepare`` before the engine checks the data (it may fill fields or refuse
with ``Invalid``), ``completed`` after the step was persisted (it may write rows of its own,
e.g. an outbox message, in the same transaction).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Protocol

from trantib.engine.spec import SOPSpec, Step

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
        recorded: dict[str, Any],
        actor: Person | None,
        now: dt.datetime,
    ) -> None: ...


_HOOKS: list[StepHook] = []


def step_hook_register(hook: StepHook) -> None:
    if hook not in _HOOKS:
        _HOOKS.append(hook)


def step_hooks() -> tuple[StepHook, ...]:
    return tuple(_HOOKS)
