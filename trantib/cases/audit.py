"""The audit trail: every change to a case is an event, hash-chained to the case's previous one.

``audit_record()`` is called inside the service's transaction, with the case row locked, so the
chain has no forks. The hash covers the unit (who may see the event), the case, the sequence
number, the type, the time, the actor, the task, the data and the previous hash, serialised
canonically (sorted keys, UTC microseconds), so a changed, deleted or reordered row breaks the
chain at that row.
``chain_verify()`` recomputes every chain and names the first bad event of each case.

The caller saves ``case.event_seq``/``case.event_hash`` (the chain head) with its own update
of the case row: one write instead of two. The unique (case, seq) constraint catches a caller
that forgets.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from trantib.accounts.models import Person

from .models import Case, Event, EventType, Task


def _canonical(value: Any) -> Any:
    """JSON-native data exactly as the database will give it back: PostgreSQL's jsonb keeps
    numbers as numerics, so 1e20 returns as 100000000000000000000 and -0.0 as 0; integral
    floats are stored as integers so that the hash reads back the same on every database."""
    return _numbers(json.loads(json.dumps(value, default=str, ensure_ascii=False)))


def _numbers(value: Any) -> Any:
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("audit data must not hold NaN or infinity")
        return int(value) if value.is_integer() else value
    if isinstance(value, dict):
        return {k: _numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers(v) for v in value]
    return value


def _at_text(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


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
    body = json.dumps(
        [unit_id, case_id, seq, type, _at_text(at), actor_id, task_id, data, prev_hash],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


def audit_record(
    *,
    case: Case,
    type: EventType,
    actor: Person | None,
    data: dict[str, Any],
    task: Task | None = None,
    at: dt.datetime | None = None,
) -> Event:
    """Append one event to ``case``'s chain. Call inside the transaction that made the change,
    with the case row locked; then save the case's ``event_seq`` and ``event_hash``."""
    at = at or timezone.now()
    payload = _canonical(data)
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
    event = Event.objects.create(
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
    case.event_seq, case.event_hash = seq, digest
    return event


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


def _case_problem(case: Case, events: list[Event]) -> ChainProblem | None:
    prev, expected_seq = "", 1
    for ev in events:

        def bad(message: str, ev: Event = ev) -> ChainProblem:
            return ChainProblem(case.number, case.pk, ev.seq, ev.pk, message)

        if ev.seq != expected_seq:
            return bad(
                f"sequence jumps from {expected_seq - 1} to {ev.seq}: "
                "an event was deleted or reordered"
            )
        if ev.prev_hash != prev:
            return bad("does not link to the previous event: an event was deleted or reordered")
        digest = event_hash(
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
        if digest != ev.hash:
            return bad("its content does not match its hash: the event was edited")
        prev, expected_seq = ev.hash, expected_seq + 1
    if case.event_seq != expected_seq - 1 or case.event_hash != prev:
        return ChainProblem(
            case.number,
            case.pk,
            None,
            None,
            f"the case records {case.event_seq} events but the chain has {expected_seq - 1}: "
            "events at the end were deleted",
        )
    return None


def _events_by_case(batch: int = 2000) -> Iterator[tuple[int, list[Event]]]:
    """Every event, grouped per case, read in keyset pages (memory stays flat)."""
    last: tuple[int, int] = (0, 0)
    current_case, current = 0, list[Event]()
    while True:
        page = list(
            Event.objects.filter(
                Q(case_id__gt=last[0]) | Q(case_id=last[0], seq__gt=last[1])
            ).order_by("case_id", "seq")[:batch]
        )
        if not page:
            break
        for ev in page:
            if ev.case_id != current_case and current:
                yield current_case, current
                current = []
            current_case = ev.case_id
            current.append(ev)
        last = (page[-1].case_id, page[-1].seq)
    if current:
        yield current_case, current


def chain_verify() -> VerifyResult:
    """Recompute every case's chain; one problem (the first bad event) per broken case."""
    cases = {c.pk: c for c in Case.objects.only("pk", "number", "event_seq", "event_hash")}
    problems: list[ChainProblem] = []
    seen: set[int] = set()
    total = 0
    for case_id, events in _events_by_case():
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
