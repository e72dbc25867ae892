"""What the enforcement register shows on an enforcement's case page and on its tasks.

- the case panel: the finding (violator, articles, place, source, repeat), where the ladder
  stands with the Perda's periods, and the compliance visits, with "Periksa kepatuhan";
- the task panel of the finding's step (PPW beri_teguran): the values the register fills, so
  the Kasat sees them read-only instead of typing them;
- the task panel of a compliance check (PPW cek_*): the visits recorded since the rung began.
"""

from __future__ import annotations

from typing import Any

from trantib.accounts.models import Person
from trantib.cases.models import Case, Task
from trantib.cases.services import case_spec
from trantib.engine.bindings import ContractName
from trantib.engine.spec import Step

from .ladder import ladder_of, rung_reached
from .models import ComplianceCheck, EnforcementStatus, LadderRung, Rung
from .selectors.board import rung_label
from .selectors.ladder import articles_text, enforcement_for_case
from .selectors.violators import violator_display
from .services.checks import may_check


def case_enforcement_context(case: Case, person: Person | None) -> dict[str, Any] | None:
    enforcement = enforcement_for_case(case)
    if enforcement is None:
        return None
    spec = case_spec(case)
    rung = rung_reached(spec, case.state or {})
    periods = {r.rung: r for r in LadderRung.objects.filter(perda_id=enforcement.perda_id)}
    return {
        "enforcement": enforcement,
        "violator": violator_display(enforcement.violator, person=person),
        "articles": articles_text(enforcement.articles.select_related("perda")),
        "rung": rung,
        "rung_label": rung_label(rung),
        "ladder": [(r.label, periods.get(r.value), r.value == rung) for r in Rung],
        "checks": list(
            ComplianceCheck.objects.filter(enforcement=enforcement)
            .select_related("visited_by")
            .order_by("-visited_at", "-pk")[:10]
        ),
        "may_check": (
            person is not None
            and enforcement.status == EnforcementStatus.OPEN
            and may_check(person, enforcement)
        ),
    }


def task_enforcement_context(
    task: Task, step: Step, person: Person | None
) -> dict[str, Any] | None:
    case = task.case
    binding = step.binds.get(ContractName.VIOLATION_FINDING)
    checks_of = {r.check: r for r in ladder_of(case_spec(case)).rungs if r.check}
    if binding is None and step.id not in checks_of:
        return None
    enforcement = enforcement_for_case(case)
    if enforcement is None:
        return None
    context: dict[str, Any] = {"enforcement": enforcement, "finding_step": binding is not None}
    if binding is not None:
        context.update(
            violator=violator_display(enforcement.violator, person=person),
            articles=articles_text(enforcement.articles.select_related("perda")),
        )
    else:
        context["checks"] = list(
            ComplianceCheck.objects.filter(enforcement=enforcement, visited_at__gte=_since(case))
            .select_related("visited_by", "photo")
            .order_by("-visited_at", "-pk")[:5]
        )
    return context


def _since(case: Case) -> Any:
    from trantib.cases.models import TaskKind

    wait = Task.objects.filter(case=case, kind=TaskKind.WAIT).order_by("-pk").first()
    return wait.created_at if wait is not None else case.opened_at
