"""Reads of the retention schedule: per JRA line, how many records are finished and how many
are past their retention period (active + inactive years after they were finished).

Only counts: nothing here or anywhere else deletes, moves or marks a record. A record still
running (an open case, an unsigned draft) is not finished and never past its period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from trantib.cases.models import Case
from trantib.complaints.models import Complaint
from trantib.core.models import AuditEvent
from trantib.letters.models import IncomingLetter, Letter

from .models import RecordType, RetentionRule


@dataclass(frozen=True)
class RetentionLine:
    rule: RetentionRule
    finished: int  # records whose period has started
    past: int  # of those, past active + inactive years on the report's day
    cutoff: dt.date  # finished before this day = past


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _cases(rule: RetentionRule, others: list[str]) -> QuerySet[Case]:
    """A rule's cases: its SOP's, or (the rule without a code) those of every SOP that has no
    line of its own."""
    cases = Case.objects.filter(closed_at__isnull=False)
    if rule.sop_code:
        return cases.filter(sop_code=rule.sop_code)
    return cases.exclude(sop_code__in=others)


def _count(rule: RetentionRule, cutoff: dt.date, others: list[str]) -> tuple[int, int]:
    before = _start_of(cutoff)
    kinds: dict[str, Callable[[], tuple[QuerySet[Any], Q]]] = {
        RecordType.CASE: lambda: (_cases(rule, others), Q(closed_at__lt=before)),
        RecordType.COMPLAINT: lambda: (
            Complaint.objects.filter(case__closed_at__isnull=False),
            Q(case__closed_at__lt=before),
        ),
        RecordType.LETTER: lambda: (
            Letter.objects.annotate(finished_at=Coalesce("signed_at", "cancelled_at")).filter(
                finished_at__isnull=False
            ),
            Q(finished_at__lt=before),
        ),
        RecordType.INCOMING_LETTER: lambda: (
            IncomingLetter.objects.all(),
            Q(received_on__lt=cutoff),
        ),
        RecordType.AUDIT_EVENT: lambda: (AuditEvent.objects.all(), Q(at__lt=before)),
    }
    finished, past = kinds[rule.record_type]()
    return finished.count(), finished.filter(past).count()


def retention_report(*, on: dt.date | None = None) -> list[RetentionLine]:
    """Every JRA line with its counts as of ``on`` (today by default)."""
    on = on or timezone.localdate()
    rules = list(RetentionRule.objects.all())
    coded = [r.sop_code for r in rules if r.record_type == RecordType.CASE and r.sop_code]
    lines = []
    for rule in rules:
        cutoff = years_before(on, rule.years)
        finished, past = _count(rule, cutoff, coded)
        lines.append(RetentionLine(rule, finished, past, cutoff))
    return lines
