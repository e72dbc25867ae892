"""What the cases app asks the enforcement register: a wait's period, and a case's end.

- :func:`ladder_wait_period` (a cases wait-period provider): a wait that names a rung takes the
  period the case's Perda sets for it ("7 hari kerja", "15 hari"); a case without an
  enforcement (or a Perda without that rung) keeps the SOP's ``deadline``.
- :func:`enforcement_case_ended` (a cases case-end listener): the enforcement's status follows
  its case — complied at a rung, enforced after the ladder ran out, or cancelled.
"""

from __future__ import annotations

import datetime as dt

from trantib.accounts.models import Person
from trantib.cases.models import Case, CaseStatus
from trantib.core.audit import audit_record
from trantib.engine.spec import SOPSpec, Step
from trantib.engine.timing import TimeStandard

from ..ladder import ended_complied, rung_period
from ..models import Enforcement, EnforcementStatus, LadderRung
from .findings import AuditType


def ladder_wait_period(spec: SOPSpec, case: Case, step: Step) -> TimeStandard | None:
    if not step.period or case.pk is None:
        return None
    rung = (
        LadderRung.objects.filter(perda__enforcements__case_id=case.pk, rung=step.period)
        .only("days", "working_days")
        .first()
    )
    return rung_period(rung) if rung is not None else None


def enforcement_case_ended(case: Case, actor: Person | None, now: dt.datetime) -> None:
    enforcement = Enforcement.objects.filter(case_id=case.pk).first()
    if enforcement is None or enforcement.status != EnforcementStatus.OPEN:
        return
    if case.status == CaseStatus.CANCELLED:
        status = EnforcementStatus.CANCELLED
    else:
        from trantib.cases.services import case_spec

        spec = case_spec(case)
        complied = ended_complied(spec, case.state or {})
        status = EnforcementStatus.COMPLIED if complied else EnforcementStatus.ENFORCED
    before = enforcement.status
    enforcement.status, enforcement.closed_at = status, now
    enforcement.save(update_fields=["status", "closed_at"])
    audit_record(
        subject=enforcement,
        type=AuditType.STATUS_CHANGED,
        actor_id=actor.pk if actor else None,
        unit_id=enforcement.unit_id,
        at=now,
        data={"case": case.number, "before": {"status": before}, "after": {"status": status}},
    )
