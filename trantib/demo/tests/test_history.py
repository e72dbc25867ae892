"""The demo's history: six months of closed work in Kerjo, Cipondoh, Satpol PP Kota Tangerang
and Satbinmas Gorontalo, made through the services after the stories — there after a load,
the same on every load of the same day, made once, and no red added to the first screen.

Loaded as ``trantib demo`` loads it, at a fixed moment of the office week (the clock is the
outside world), after the parts of the demo the first-screen test loads."""

from __future__ import annotations

import copy
import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from trantib.cases.audit import chain_verify
from trantib.cases.models import Case, CaseStatus, Event, Notification, Task, TaskKind
from trantib.cases.panels import case_clocks_for
from trantib.community.models import Activity, ActivityStatus, Issue
from trantib.complaints.models import Complaint
from trantib.complaints.selectors import answer_due
from trantib.demo import (
    demo_cases_load,
    demo_complaints_load,
    demo_incoming_load,
    demo_letter_setup_load,
    demo_letters_load,
)
from trantib.demo.history import demo_history_load, history_conf
from trantib.demo.history.complaints import complaints_load, complaints_plan
from trantib.demo.history.orders import orders_plan
from trantib.demo.history.pace import Pace, seeded
from trantib.demo.history.patrols import patrols_plan
from trantib.demo.history.polmas import polmas_days
from trantib.enforcement.models import Enforcement, EnforcementStatus, SanctionApplied
from trantib.letters.models import Letter
from trantib.outbox.models import OutboxMessage
from trantib.patrols.models import Plan, Report

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")
NOW = dt.datetime(2026, 12, 3, 9, 30, tzinfo=WIB)  # a Thursday morning
MONTHS = [dt.date(2026, m, 1) for m in range(6, 12)]  # June to November 2026
LIVE = ("open", "claimed")
MODELS = [
    Case,
    Task,
    Event,
    Complaint,
    Letter,
    Plan,
    Report,
    Enforcement,
    SanctionApplied,
    Activity,
    Issue,
    Notification,
    OutboxMessage,
    DBTaskResult,
]


def _month(moment: dt.datetime) -> dt.date:
    return moment.astimezone(WIB).date().replace(day=1)


@pytest.fixture
def loaded(demo_org):
    """The first screen's parts of the demo at NOW (as the first-screen test loads them), then
    the history; the cases that existed before the history are returned with it."""
    demo_letter_setup_load(now=NOW)
    demo_letters_load(now=NOW)
    demo_cases_load(now=NOW)
    demo_complaints_load(now=NOW)
    demo_incoming_load(now=NOW)
    before = set(Case.objects.values_list("pk", flat=True))
    lines: list[str] = []
    result = demo_history_load(now=NOW, progress=lines.append)
    return result, before, lines


def test_the_history_fills_six_months_through_the_services_adds_no_red_and_is_made_once(loaded):
    """One load (it takes a while) for the three: what the history holds, the first screen
    after it, and a second load of the same day."""
    result, before, lines = loaded
    conf = history_conf()
    # Complaints: Kerjo and Cipondoh, 12 to 20 a month, nearly all answered, some late.
    for code in ("KRJ", "CPD"):
        plan = complaints_plan(code, conf, NOW, WIB, int(conf["seed"]))
        found = Complaint.objects.filter(
            unit__code=code, description__in=[p.description for p in plan]
        ).select_related("case__sop_version", "unit")
        assert len(found) == len(plan)
        # 12 to 20 a month were planned; a counter complaint of a Saturday is taken on the
        # Monday, and the last days' running ones come on top.
        per_month = Counter(_month(c.received_at) for c in found if c.case.status != "open")
        assert all(10 <= per_month[m] <= 22 for m in MONTHS), per_month
        assert {c.channel for c in found} == {"counter", "phone", "sms", "web"}
        assert len({c.kelurahan for c in found}) >= 8
        running = [c for c in found if c.case.status == CaseStatus.OPEN]
        assert len(running) == len(conf["complaints"][code]["running"])
        for c in running:  # received in the last days, waiting for the action (no deadline)
            assert NOW - c.received_at < dt.timedelta(days=5)
            live = Task.objects.get(case=c.case, status__in=LIVE)
            assert live.step_id == "koordinasi_tindak" and live.due_at is None
        closed = [c for c in found if c.case.status == CaseStatus.CLOSED]
        assert len(closed) == len(found) - len(running)
        assert all(c.answered_at is not None for c in closed)
        late = [c for c in closed if c.answered_at > answer_due(c)]
        assert 0 < len(late) < 0.25 * len(closed)
    # The steps: mostly within their Mutu Baku, some late, and one week worse than the rest.
    done = Task.objects.filter(
        case__sop_code="PGD",
        case__unit__code__in=["KRJ", "CPD"],
        kind=TaskKind.WORK,
        status="done",
        due_at__isnull=False,
    ).exclude(case__in=before)
    weeks = Counter()
    lates = Counter()
    for task in done:
        week = (NOW - task.created_at).days // 7
        weeks[week] += 1
        lates[week] += task.completed_at > task.due_at
        if task.completed_at > task.due_at:
            assert task.overdue_at is not None  # the worker marked it late at its deadline
    share = sum(lates.values()) / sum(weeks.values())
    assert 0.04 < share < 0.2, share
    bad = conf["late"]["bad_week"]
    assert lates[bad] / weeks[bad] > 2 * share
    # Cipondoh's PPL and PUR orders: every month, closed, one draft corrected.
    orders = Case.objects.filter(unit__code="CPD", sop_code__in=["PPL", "PUR"]).exclude(
        pk__in=before
    )
    assert {_month(c.opened_at) for c in orders} == set(MONTHS)
    assert {c.status for c in orders} == {CaseStatus.CLOSED}
    drafts = Counter(
        Task.objects.filter(
            case__in=orders, step_id__in=["draft_surat_perintah", "draft_laporan"]
        ).values_list("case_id", flat=True)
    )
    assert any(n > 2 for n in drafts.values())
    assert Letter.objects.filter(case__in=orders, kind="surat_perintah", number__gt="").exists()
    # Satpol PP's patrol months: every day reported, the month closed; the ladders walked.
    plans = Plan.objects.filter(unit__code="PPTNG").select_related("case")
    months = {p.month for p in plans}
    assert months == set(MONTHS) - {dt.date(2026, 11, 1)}  # November is the story's programme
    for p in plans:
        assert p.case.status == CaseStatus.CLOSED
        assert Report.objects.filter(day__plan=p).count() == p.days.count() >= 28
    enforcements = Enforcement.objects.filter(case__parent__in=[p.case for p in plans])
    assert enforcements.count() >= 10
    rungs = Counter()
    for enforcement in enforcements:
        assert enforcement.status in (EnforcementStatus.COMPLIED, EnforcementStatus.ENFORCED)
        steps = set(Task.objects.filter(case=enforcement.case).values_list("step_id", flat=True))
        top = max((s for s in steps if s.startswith("teguran_")), default="pernyataan")
        rungs[(enforcement.status, top)] += 1
    assert rungs[(EnforcementStatus.COMPLIED, "pernyataan")] >= 2
    assert rungs[(EnforcementStatus.COMPLIED, "teguran_1")] >= 1
    assert rungs[(EnforcementStatus.COMPLIED, "teguran_2")] >= 1
    assert rungs[(EnforcementStatus.ENFORCED, "teguran_3")] == 1
    assert SanctionApplied.objects.filter(enforcement__in=enforcements).count() == 1
    assert enforcements.filter(repeat=True).exists()  # a violator found again
    # Polmas: every activity of the history's weeks held or (a few) missed.
    first, last = polmas_days(conf, NOW, ZoneInfo("Asia/Makassar"))
    activities = Activity.objects.filter(unit__code="BINMAS", day__gte=first, day__lte=last)
    status = Counter(activities.values_list("status", flat=True))
    assert status[ActivityStatus.HELD] >= 80 and 1 <= status[ActivityStatus.MISSED] <= 8
    assert set(status) == {ActivityStatus.HELD, ActivityStatus.MISSED}
    assert Issue.objects.filter(activity__in=activities).count() >= 5
    # Every case's audit chain holds; the command's progress lines name each part.
    assert chain_verify().ok
    assert [line.split(":")[0].strip() for line in lines] == [
        "KRJ complaints (PGD)",
        "CPD complaints (PGD)",
        "CPD orders (PPL, PUR)",
        "PPTNG patrol months (PPW)",
        "BINMAS Polmas",
    ]
    assert result.created > 300

    # The first screen: the history leaves no live work late, nor a complaint late to its
    # reporter; per unit at most two late tasks (the stories').
    work = list(
        Task.objects.filter(status__in=LIVE, kind=TaskKind.WORK).select_related(
            "case__unit", "case__sop_version"
        )
    )
    late = [t for t in work if t.due_at is not None and t.due_at < NOW]
    assert not [t for t in late if t.case_id not in before], "the history leaves nothing late"
    assert max(Counter(t.case.unit.code for t in late).values()) <= 2
    clocks = case_clocks_for([t.case for t in work], NOW)
    for task in late:
        for clock in clocks.get(task.case_id, []):
            assert not clock.late, (task.case.number, task.step_id, clock.text)
    # No complaint of the history is late to its reporter either.
    running = [t.case for t in work if t.case_id not in before]
    for case_clocks in case_clocks_for(running, NOW).values():
        assert not any(clock.late for clock in case_clocks)

    # A second load of the same day makes nothing.
    counts = {m.__name__: m.objects.count() for m in MODELS}
    again = demo_history_load(now=NOW)
    assert again.created == 0
    assert {m.__name__: m.objects.count() for m in MODELS} == counts


def test_a_month_is_planned_the_same_way_whatever_the_day_and_differently_with_another_seed():
    conf = history_conf()
    seed = int(conf["seed"])
    plans = {
        "complaints": lambda now, s: [
            (p.received, p.description, p.channel, p.handle_days)
            for p in complaints_plan("CPD", conf, now, WIB, s)
            if not p.running
        ],
        "orders": lambda now, s: [(o.start, o.subject) for o in orders_plan(conf, now, WIB, s)],
        "patrols": lambda now, s: patrols_plan(conf, now, WIB, s),
    }
    for plan in plans.values():
        assert plan(NOW, seed) == plan(NOW, seed)
        assert plan(NOW, seed) != plan(NOW, seed + 1)
    # A load a month later plans July (in both windows) as this one does: it finds July there.
    july = (dt.datetime(2026, 7, 1, tzinfo=WIB), dt.datetime(2026, 8, 1, tzinfo=WIB))
    for name in ("complaints", "orders"):
        now, later = (
            [p for p in plans[name](moment, seed) if july[0] <= p[0] < july[1]]
            for moment in (NOW, NOW + dt.timedelta(days=31))
        )
        assert now == later and len(now) >= 1, name


def test_two_loads_on_the_same_day_make_the_same_complaints_step_by_step(demo_org):
    conf = copy.deepcopy(history_conf())
    conf["months"] = 2
    conf["complaints"]["KRJ"]["per_month"] = [4, 4]

    def load() -> list[tuple]:
        pace = Pace(now=NOW, rng=seeded(7, "pace"), share=0.3, bad_week=1, bad_share=0.6)
        complaints_load("KRJ", conf, pace, 7)
        return [
            (
                c.description,
                c.received_at,
                c.channel,
                c.answered_at,
                tuple(
                    Task.objects.filter(case=c.case)
                    .order_by("pk")
                    .values_list("step_id", "completed_at", "overdue_at")
                ),
            )
            for c in Complaint.objects.order_by("received_at", "pk")
        ]

    class Undo(Exception):
        pass

    runs = []
    for _ in range(2):
        try:
            with transaction.atomic():
                runs.append(load())
                raise Undo
        except Undo:
            pass
    planned = complaints_plan("KRJ", conf, NOW, WIB, 7)
    assert len(runs[0]) == len(planned) >= 8
    assert runs[0] == runs[1]
