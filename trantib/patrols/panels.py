"""What the patrols app shows on a programme case's page and inside its tasks."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from trantib.cases.services import case_spec
from trantib.engine.bindings import ContractName

from . import selectors, services

SHOWN_AHEAD = 3  # days after today listed on the case page

if TYPE_CHECKING:
    from trantib.accounts.models import Person
    from trantib.cases.models import Case, Task
    from trantib.engine.spec import Step


def case_patrol_context(case: Case, person: Person | None) -> dict[str, Any] | None:
    """The month's plan and its reports, compactly, on the programme case's page."""
    if case.parent_id is not None:
        return None
    spec = case_spec(case)
    if services.schedule_step(spec) is None:
        return None
    plan = selectors.plan_for_case(case)
    if plan is None:
        return {
            "plan": None,
            "may_plan": services.may_plan(person, case.unit, spec),
            "create_url": reverse("patrols:plan_create", args=[case.pk]),
        }
    report = selectors.month_report(plan)
    # The days so far and the next few: the rest of the month is on the calendar.
    horizon = case.unit.today() + dt.timedelta(days=SHOWN_AHEAD)
    shown = [d for d in report.days if d.day <= horizon]
    return {
        "plan": plan,
        "month": report,
        "shown": shown,
        "more": len(report.days) - len(shown),
        "may_plan": services.may_plan(person, case.unit, spec),
    }


def _binds(step: Step, contract: str) -> bool:
    return any(b.contract == contract for b in step.bindings)


def task_patrol_context(task: Task, step: Step, person: Person | None) -> dict[str, Any] | None:
    """Inside a live task: the day's report link (a patrol), the plan (the schedule), or the
    monthly report (the steps that read it)."""
    plan = selectors.plan_for_case(task.case)
    if plan is None:
        return None
    if _binds(step, ContractName.PATROL_DAY):
        day = plan.days.filter(day=task.occurrence[:10]).first()
        if day is None:
            return None
        return {"kind": "day", "day": day, "plan": plan}
    if _binds(step, ContractName.PATROL_SCHEDULE):
        return {"kind": "schedule", "plan": plan, "count": plan.days.count()}
    # The steps after the patrols (receiving, evaluating, deciding) read the month's report.
    spec = case_spec(task.case)
    patrol = services.patrol_step(spec)
    ids = [s.id for s in spec.steps]
    if patrol is not None and step.id in ids and ids.index(step.id) > ids.index(patrol.id):
        month = selectors.month_report(plan)
        return {"kind": "month", "plan": plan, "month": month}
    return None
