"""The warning ladder as an SOP draws it, read without step names or labels.

An SOP marks its ladder by the waits that name a rung (``period:``): each such wait is one rung's
compliance period; the step whose letter prints that period (``letter: wait:``) issues the
rung's letter; the decision right after the wait checks compliance. An end step that one of
those decisions leads to is "the violator complied"; any other end (PPW's penertiban) means
the ladder ran out. This module reads that structure from a spec (pure, cached) and answers,
for one case's state, where it stands.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from trantib.engine.spec import SOPSpec, Step, StepKind
from trantib.engine.timing import TimeStandard

from .models import LadderRung, Rung

PENERTIBAN = "penertiban"  # the phase after the last rung: not a rung of the Perda's ladder


@dataclass(frozen=True)
class RungSteps:
    rung: str
    wait: str  # the wait step that counts its period
    letter: str = ""  # the step that issues its letter (prints the period)
    letter_key: str = ""  # the letter's key in the case
    check: str = ""  # the decision after the wait


@dataclass(frozen=True)
class Ladder:
    rungs: tuple[RungSteps, ...]
    complied_ends: frozenset[str]

    def by_step(self) -> dict[str, RungSteps]:
        out: dict[str, RungSteps] = {}
        for r in self.rungs:
            for step_id in (r.letter, r.wait, r.check):
                if step_id:
                    out[step_id] = r
        return out

    def rung(self, rung: str) -> RungSteps | None:
        return next((r for r in self.rungs if r.rung == rung), None)


@lru_cache(maxsize=64)
def ladder_of(spec: SOPSpec) -> Ladder:
    waits = [s for s in spec.steps if s.kind is StepKind.WAIT and s.period]
    rungs = []
    complied: set[str] = set()
    for wait in waits:
        letter = next(
            (s for s in spec.steps if s.letter is not None and s.letter.wait == wait.id), None
        )
        check = spec.step(wait.next) if wait.next else None
        if check is not None and check.kind is not StepKind.DECISION:
            check = None
        if check is not None:
            complied |= {b.to for b in check.branches if spec.step(b.to).kind is StepKind.END}
        rungs.append(
            RungSteps(
                rung=wait.period,
                wait=wait.id,
                letter=letter.id if letter else "",
                letter_key=letter.letter.key if letter and letter.letter else "",
                check=check.id if check else "",
            )
        )
    order = {r.value: i for i, r in enumerate(Rung)}
    rungs.sort(key=lambda r: order.get(r.rung, len(order)))
    return Ladder(rungs=tuple(rungs), complied_ends=frozenset(complied))


def rung_period(rung: LadderRung) -> TimeStandard:
    """A Perda's rung as a time standard: "7 hari kerja", "15 hari"."""
    return TimeStandard.parse(
        f"{rung.days} hari kerja" if rung.working_days else f"{rung.days} hari"
    )


def rung_reached(spec: SOPSpec, state: Mapping[str, Any]) -> str:
    """The highest rung whose letter step (or wait) the case has reached; ``penertiban`` once
    the last rung's check went past it without compliance; "" before the first rung."""
    ladder = ladder_of(spec)
    visits = state.get("visits") or {}
    active = set(state.get("active") or ())
    reached = ""
    for r in ladder.rungs:
        if any(visits.get(s) for s in (r.letter, r.wait)) or active & {r.letter, r.wait}:
            reached = r.rung
    if ladder.rungs:
        last = ladder.rungs[-1]
        checked = bool(last.check) and last.check in (state.get("data") or {})
        beyond = active - set(ladder.by_step()) - ladder.complied_ends
        if checked and beyond:
            return PENERTIBAN
    return reached


def ended_complied(spec: SOPSpec, state: Mapping[str, Any]) -> bool:
    """Whether a closed case ended at an end step a compliance check leads to."""
    visits = state.get("visits") or {}
    return any(visits.get(end) for end in ladder_of(spec).complied_ends)


def step_rung(spec: SOPSpec, step: Step) -> RungSteps | None:
    return ladder_of(spec).by_step().get(step.id)
