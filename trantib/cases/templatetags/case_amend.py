"""What the visitor of a case page may amend (``cases/case_actions.html``): read here so that
the case page's view stays as it is."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import template

from trantib.accounts.models import OrgUnit, Position
from trantib.engine.spec import FieldType
from trantib.sops.selectors import role_maps_by_unit

from ..models import Case, CaseStatus, Task, TaskKind, TaskStatus
from ..services import (
    case_spec,
    children_elsewhere_text,
    correctable_tasks,
    may_direct,
    may_end_wait,
    open_children,
    sop_internal_roles,
    step_filled,
)

register = template.Library()


@dataclass
class Correctable:
    task: Task
    fields: list[tuple[str, str]]  # (name, label) of the fields that may be corrected


@dataclass
class AmendActions:
    may_direct: bool = False
    children: list[Case] = field(default_factory=list)
    children_elsewhere: str = ""  # "n kasus terkait di unit lain tetap berjalan."
    units: list[OrgUnit] = field(default_factory=list)
    waits: list[Task] = field(default_factory=list)
    correctable: list[Correctable] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return self.may_direct or bool(self.waits or self.correctable)


@register.simple_tag(takes_context=True)
def case_amend_actions(context: dict[str, Any]) -> AmendActions:
    case: Case = context["case"]
    request = context.get("request")
    person = getattr(request, "person", None)
    actions = AmendActions()
    if person is None or case.status != CaseStatus.OPEN:
        return actions
    spec = case_spec(case)
    if may_direct(person, case):
        actions.may_direct = True
        actions.children, elsewhere = open_children(case, person)
        actions.children_elsewhere = children_elsewhere_text(elsewhere) if elsewhere else ""
        roles = sop_internal_roles(spec)
        adopted = role_maps_by_unit(spec.code, spec.version)  # a unit's own positions for them
        by_unit: dict[int, set[str]] = {}
        for unit_id, code in Position.objects.values_list("unit_id", "code"):
            by_unit.setdefault(unit_id, set()).add(code)
        ids = [
            u
            for u, codes in by_unit.items()
            if {adopted.get(u, {}).get(r, r) for r in roles} <= codes and u != case.unit_id
        ]
        actions.units = list(OrgUnit.objects.filter(pk__in=ids).order_by("name"))
    live_waits = Task.objects.filter(
        case=case, kind=TaskKind.WAIT, status__in=[TaskStatus.OPEN, TaskStatus.CLAIMED]
    )
    for wait in live_waits:
        wait.case = case
        if may_end_wait(person, wait):
            actions.waits.append(wait)
    for task in correctable_tasks(case, person):  # one query, however many steps are done
        step = spec.step(task.step_id)
        filled = step_filled(step, case=case)  # a letter's number is not corrected here
        fields = [
            (f.name, f.label)
            for f in step.records
            if f.type is not FieldType.FILES and f.name not in filled
        ]
        if fields:
            actions.correctable.append(Correctable(task=task, fields=fields))
    return actions
