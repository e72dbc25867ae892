"""The audit trail of any record: one hash-chained list of events per subject.

Every change to something that matters as evidence — a case, a letter, a violator, an SOP
version, an assignment — is an event: who, when, what, before and after. Each event's hash
covers its fields and the previous event's hash, serialised canonically (sorted keys, UTC
microseconds, numbers as the database gives them back), so an edited, deleted or reordered
row breaks the chain at that row.

Two kinds of chain share this module's hashing:

- **cases** keep their events in ``cases.Event`` and the chain head on the case row (appending
  costs no extra write on the hot path; see :mod:`trantib.cases.audit`);
- **every other record** goes through :func:`audit_record` here: the events in
  :class:`~trantib.core.models.AuditEvent`, the head in :class:`~trantib.core.models.AuditHead`,
  locked while an event is appended and saved by the same call. Callers never save a head.

``chains_verify()`` recomputes every chain of every registered source (an app registers its
own chain kind with :func:`chain_source_register` in its ``AppConfig.ready()``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from .models import AuditEvent, AuditHead

E = TypeVar("E", bound=models.Model)


def canonical(value: Any) -> Any:
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


def at_text(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def chain_digest(fields: list[Any]) -> str:
    """The SHA-256 of an event's fields (the previous hash last), canonical JSON."""
    body = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


# -- chains of records other than cases ---------------------------------------------------


def subject_type(subject: models.Model) -> str:
    return subject._meta.label_lower


def record_hash(
    *,
    subject_type: str,
    subject_id: int,
    unit_id: int | None,
    seq: int,
    type: str,
    at: dt.datetime,
    actor_id: int | None,
    data: Any,
    prev_hash: str,
) -> str:
    return chain_digest(
        [subject_type, subject_id, unit_id, seq, type, at_text(at), actor_id, data, prev_hash]
    )


def audit_record(
    *,
    subject: models.Model,
    type: str,
    actor_id: int | None,
    data: dict[str, Any],
    unit_id: int | None = None,
    at: dt.datetime | None = None,
) -> AuditEvent:
    """Append one event to ``subject``'s chain and move the chain head, in the caller's
    transaction (the head row stays locked until it ends, so the chain has no forks)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record() must run inside the transaction of the change")
    if subject.pk is None:
        raise ValueError("save the record before auditing it")
    at = at or timezone.now()
    kind, pk = subject_type(subject), int(subject.pk)
    AuditHead.objects.bulk_create(
        [AuditHead(subject_type=kind, subject_id=pk)], ignore_conflicts=True
    )
    head = AuditHead.objects.select_for_update().get(subject_type=kind, subject_id=pk)
    payload = canonical(data)
    seq = head.seq + 1
    digest = record_hash(
        subject_type=kind,
        subject_id=pk,
        unit_id=unit_id,
        seq=seq,
        type=str(type),
        at=at,
        actor_id=actor_id,
        data=payload,
        prev_hash=head.hash,
    )
    event = AuditEvent.objects.create(
        subject_type=kind,
        subject_id=pk,
        seq=seq,
        unit_id=unit_id,
        type=str(type),
        at=at,
        actor_id=actor_id,
        data=payload,
        prev_hash=head.hash,
        hash=digest,
    )
    head.seq, head.hash = seq, digest
    head.save(update_fields=["seq", "hash"])
    return event


def audit_events(subject: models.Model) -> models.QuerySet[AuditEvent]:
    """The subject's events, oldest first."""
    return AuditEvent.objects.filter(
        subject_type=subject_type(subject), subject_id=subject.pk
    ).order_by("seq")


# -- verification ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainProblem:
    subject: str  # "PPTNG/PPW/2026/0002", "accounts.assignment #12"
    seq: int | None  # the first bad event's sequence number; None: events missing at the end
    event_id: int | None
    message: str
    order: tuple[str, int] = ("", 0)

    def __str__(self) -> str:
        where = f"event #{self.seq} (id {self.event_id})" if self.seq is not None else "chain end"
        return f"{self.subject}: {where}: {self.message}"


@dataclass(frozen=True)
class ChainReport:
    """One source's chains: ``label`` names what a subject is ("cases", "records")."""

    label: str
    subjects: int
    events: int
    problems: list[ChainProblem]


class ChainSource(Protocol):
    def verify(self) -> ChainReport: ...


class ChainEvent(Protocol):
    pk: Any
    seq: int
    prev_hash: str
    hash: str


def chain_check(
    *,
    subject: str,
    order: tuple[str, int],
    events: list[Any],
    digest: Callable[[Any], str],
    head: tuple[int, str],
) -> ChainProblem | None:
    """The first problem of one chain (events in seq order; ``head`` = the recorded last seq
    and hash), or None when it is intact."""
    prev, expected = "", 1
    for ev in events:

        def bad(message: str, ev: Any = ev) -> ChainProblem:
            return ChainProblem(subject, ev.seq, ev.pk, message, order)

        if ev.seq != expected:
            return bad(
                f"sequence jumps from {expected - 1} to {ev.seq}: an event was deleted or reordered"
            )
        if ev.prev_hash != prev:
            return bad("does not link to the previous event: an event was deleted or reordered")
        if digest(ev) != ev.hash:
            return bad("its content does not match its hash: the event was edited")
        prev, expected = ev.hash, expected + 1
    if head != (expected - 1, prev):
        if not events:
            return ChainProblem(subject, 1, None, "every event is missing", order)
        return ChainProblem(
            subject,
            None,
            None,
            f"the head records {head[0]} events but the chain has {expected - 1}: "
            "events at the end were deleted",
            order,
        )
    return None


def _record_digest(ev: AuditEvent) -> str:
    return record_hash(
        subject_type=ev.subject_type,
        subject_id=ev.subject_id,
        unit_id=ev.unit_id,
        seq=ev.seq,
        type=ev.type,
        at=ev.at,
        actor_id=ev.actor_id,
        data=ev.data,
        prev_hash=ev.prev_hash,
    )


def events_grouped(
    events: models.QuerySet[E], *, by: tuple[str, ...], batch: int = 2000
) -> Iterator[tuple[tuple[Any, ...], list[E]]]:
    """Every event of ``events`` grouped per chain (the fields ``by`` name), each chain in
    ``seq`` order, read in keyset pages so that memory stays flat however long the trail."""
    order = (*by, "seq")
    last: tuple[Any, ...] | None = None
    key: tuple[Any, ...] | None = None
    current: list[E] = []
    while True:
        page = list(events.filter(_after(order, last)).order_by(*order)[:batch])
        if not page:
            break
        for ev in page:
            ev_key = tuple(getattr(ev, f) for f in by)
            if ev_key != key and current and key is not None:
                yield key, current
                current = []
            key = ev_key
            current.append(ev)
        last = tuple(getattr(page[-1], f) for f in order)
    if current and key is not None:
        yield key, current


def _after(fields: tuple[str, ...], last: tuple[Any, ...] | None) -> Q:
    """Rows ordered after ``last`` on ``fields`` (lexicographically); every row when None."""
    if last is None:
        return Q()
    condition = Q()
    for n, name in enumerate(fields):
        equal = dict(zip(fields[:n], last[:n], strict=True))
        condition |= Q(**equal, **{f"{name}__gt": last[n]})
    return condition


class RecordChains:
    """The chains of :func:`audit_record` (every record that is not a case)."""

    def verify(self) -> ChainReport:
        heads = {(h.subject_type, h.subject_id): h for h in AuditHead.objects.all()}
        problems: list[ChainProblem] = []
        seen: set[tuple[str, int]] = set()
        total = 0
        for key, events in events_grouped(
            AuditEvent.objects.all(), by=("subject_type", "subject_id")
        ):
            total += len(events)
            seen.add(key)
            head = heads.get(key)
            problem = chain_check(
                subject=f"{key[0]} #{key[1]}",
                order=key,
                events=events,
                digest=_record_digest,
                head=(head.seq, head.hash) if head else (0, ""),
            )
            if problem:
                problems.append(problem)
        for key, head in heads.items():
            if key not in seen and head.seq:
                problems.append(
                    ChainProblem(f"{key[0]} #{key[1]}", 1, None, "every event is missing", key)
                )
        problems.sort(key=lambda p: (p.order, p.seq or 0))
        return ChainReport("records", len(heads | dict.fromkeys(seen)), total, problems)


_SOURCES: list[ChainSource] = [RecordChains()]


def chain_source_register(source: ChainSource) -> None:
    """Add a kind of chain to ``trantib audit verify`` (in ``AppConfig.ready()``)."""
    if not any(type(s) is type(source) for s in _SOURCES):
        _SOURCES.insert(len(_SOURCES) - 1, source)


def chains_verify() -> list[ChainReport]:
    """Recompute every chain; one problem (the first bad event) per broken chain."""
    return [source.verify() for source in _SOURCES]
