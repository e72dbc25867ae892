"""A case's audit trail: every change to a case is an event, hash-chained to the case's
previous one (the hashing is :mod:`trantib.core.audit`'s, shared with every other record).

``audit_record()`` is called inside the service's transaction, with the case row locked, so the
chain has no forks. The hash covers the unit (who may see the event), the case, the sequence
number, the type, the time, the actor, the task, the data and the previous hash, so a changed,
deleted or reordered row breaks the chain at that row.

The chain head (``case.event_seq``/``event_hash``) lives on the case row, and ``audit_record``
saves it in the same write as the fields the service changed (``save=["state", …]``): one
write per business action, and no caller saves a head by hand. The unique (case, seq)
constraint is the net under that rule.
``chain_verify()`` recomputes every chain and names the first bad event of each case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from trantib.accounts.models import Person
from trantib.core.audit import ChainProblem as RecordProblem
from trantib.core.audit import (
    ChainReport,
    at_text,
    canonical,
    chain_check,
    chain_digest,
    events_grouped,
)

from .models import Case, Event, EventType, Task


def event_hash(
    *,
    unit_id: int,
    case_id: int,
    seq: int,
    type: str,
    at: dt.datetime,
    actor_id: int | None,
    task_id: int | None,
    data: Any,
    prev_hash: str,
) -> str:
    return chain_digest(
        [unit_id, case_id, seq, type, at_text(at), actor_id, task_id, data, prev_hash]
    )


def audit_record(
    *,
    case: Case,
    type: EventType,
    actor: Person | None,
    data: dict[str, Any],
    task: Task | None = None,
    at: dt.datetime | None = None,
    save: Sequence[str] = (),
) -> Event:
    """Append one event to ``case``'s chain and save the case row: the new chain head together
    with the fields in ``save`` that the service changed, in one write. Call inside the
    transaction that made the change, with the case row locked."""
    event = event_next(case=case, type=type, actor=actor, data=data, task=task, at=at)
    event.save(force_insert=True)
    case.event_seq, case.event_hash = event.seq, event.hash
    case.save(update_fields=[*dict.fromkeys(save), "event_seq", "event_hash"])
    return event


def event_next(
    *,
    case: Case,
    type: EventType,
    actor: Person | None,
    data: dict[str, Any],
    task: Task | None = None,
    at: dt.datetime | None = None,
) -> Event:
    """The next event of ``case``'s chain, hashed, not saved (the case's head unchanged):
    :func:`audit_record` saves it; the completion's fast path writes it in its batch."""
    at = at or timezone.now()
    payload = canonical(data)
    seq = case.event_seq + 1
    digest = event_hash(
        unit_id=case.unit_id,
        case_id=case.pk,
        seq=seq,
        type=str(type),
        at=at,
        actor_id=actor.pk if actor else None,
        task_id=task.pk if task else None,
        data=payload,
        prev_hash=case.event_hash,
    )
    return Event(
        unit_id=case.unit_id,
        case=case,
        seq=seq,
        type=type,
        at=at,
        actor=actor,
        task=task,
        data=payload,
        prev_hash=case.event_hash,
        hash=digest,
    )


@dataclass(frozen=True)
class ChainProblem:
    case_number: str
    case_id: int
    seq: int | None  # the first bad event's sequence number; None: events missing at the end
    event_id: int | None
    message: str

    def __str__(self) -> str:
        where = f"event #{self.seq} (id {self.event_id})" if self.seq is not None else "chain end"
        return f"{self.case_number}: {where}: {self.message}"


@dataclass(frozen=True)
class VerifyResult:
    cases: int
    events: int
    problems: list[ChainProblem]

    @property
    def ok(self) -> bool:
        return not self.problems


def _digest(ev: Event) -> str:
    return event_hash(
        unit_id=ev.unit_id,
        case_id=ev.case_id,
        seq=ev.seq,
        type=ev.type,
        at=ev.at,
        actor_id=ev.actor_id,
        task_id=ev.task_id,
        data=ev.data,
        prev_hash=ev.prev_hash,
    )


def _case_problem(case: Case, events: list[Event]) -> ChainProblem | None:
    problem = chain_check(
        subject=case.number,
        order=("", case.pk),
        events=events,
        digest=_digest,
        head=(case.event_seq, case.event_hash),
    )
    if problem is None:
        return None
    message = problem.message.replace("the head records", "the case records")
    return ChainProblem(case.number, case.pk, problem.seq, problem.event_id, message)


def chain_verify() -> VerifyResult:
    """Recompute every case's chain; one problem (the first bad event) per broken case."""
    cases = {c.pk: c for c in Case.objects.only("pk", "number", "event_seq", "event_hash")}
    problems: list[ChainProblem] = []
    seen: set[int] = set()
    total = 0
    for (case_id,), events in events_grouped(Event.objects.all(), by=("case_id",)):
        total += len(events)
        case = cases.get(case_id)
        if case is None:
            continue
        seen.add(case_id)
        problem = _case_problem(case, events)
        if problem:
            problems.append(problem)
    for case_id, case in cases.items():
        if case_id not in seen and case.event_seq:
            problems.append(
                ChainProblem(case.number, case_id, 1, None, "every event of the case is missing")
            )
    problems.sort(key=lambda p: (p.case_id, p.seq or 0))
    return VerifyResult(cases=len(cases), events=total, problems=problems)


class CaseChains:
    """The cases' chains, for ``trantib audit verify`` (registered in ``CasesConfig.ready``)."""

    def verify(self) -> ChainReport:
        result = chain_verify()
        problems = [
            RecordProblem(p.case_number, p.seq, p.event_id, p.message, ("", p.case_id))
            for p in result.problems
        ]
        return ChainReport("cases", result.cases, result.events, problems)
