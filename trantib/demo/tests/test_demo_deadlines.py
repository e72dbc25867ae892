"""A new user's first screen after ``make run`` is a realistic mix, not a page of red: per unit
at most two live tasks past their step's Mutu Baku, some due later today, and no complaint late
on both clocks (its step's standard and its answer to the reporter).

The letters and incoming letters are loaded too: the case a disposition opens must not add to
the red. The demo is dated relative to the moment it loads; it is loaded here at fixed moments
of the office week (the clock is the outside world), as the worker's sweep would then find it."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from trantib.cases.models import Task, TaskKind
from trantib.cases.panels import case_clocks_for
from trantib.demo import (
    demo_cases_load,
    demo_complaints_load,
    demo_incoming_load,
    demo_letter_setup_load,
    demo_letters_load,
)

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")
LIVE = ("open", "claimed")


@pytest.mark.parametrize(
    "now",
    [
        dt.datetime(2026, 12, 3, 9, 30, tzinfo=WIB),  # a Thursday morning
        dt.datetime(2026, 12, 7, 14, 0, tzinfo=WIB),  # a Monday afternoon
    ],
    ids=["thursday-0930", "monday-1400"],
)
def test_the_demo_opens_on_a_realistic_mix_of_deadlines(demo_org, now):
    # As ``trantib demo`` loads it: the letters' settings and letters, the cases, the
    # complaints, then the incoming letters (one disposition opens a case).
    demo_letter_setup_load(now=now)
    demo_letters_load(now=now)
    loaded = demo_cases_load(now=now)
    demo_complaints_load(now=now)
    demo_incoming_load(now=now)
    work = list(
        Task.objects.filter(status__in=LIVE, kind=TaskKind.WORK).select_related(
            "case__unit", "case__sop_version"
        )
    )
    late = [t for t in work if t.due_at is not None and t.due_at < now]
    late_per_unit = Counter(t.case.unit.code for t in late)
    assert late, "one late task shows what a late task looks like"
    assert max(late_per_unit.values()) <= 2, late_per_unit
    assert loaded.overdue <= len(late)
    today = [
        t
        for t in work
        if t.due_at is not None
        and t.due_at >= now
        and timezone.localtime(t.due_at, t.case.unit.zone()).date()
        == timezone.localtime(now, t.case.unit.zone()).date()
    ]
    assert today, "some tasks fall due later today"
    assert len(today) + len(late) < len(work), "and the rest later"
    clocks = case_clocks_for([t.case for t in work], now)
    assert clocks, "the complaints' answer deadlines run"
    for task in late:
        for clock in clocks.get(task.case_id, []):
            assert not clock.late, (task.case.number, task.step_id, clock.text)
