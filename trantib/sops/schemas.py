"""What the SOP operations of /api/v1/ answer: an SOP as its steps, roles and fields."""

from __future__ import annotations

from typing import Any

from ninja import Schema

from trantib.engine.spec import RecordField, SOPSpec, Step

# -- SOPs ---------------------------------------------------------------------------------


class RoleOut(Schema):
    id: str
    name: str
    external: bool


class RecordOut(Schema):
    name: str
    label: str
    type: str
    required: bool
    choices: list[str]


class BranchOut(Schema):
    label: str
    to: str


class StepOut(Schema):
    id: str
    no: str
    kind: str
    role: str
    title: str
    activity: str
    requirements: list[str]
    time: str
    output: str
    records: list[RecordOut]
    branches: list[BranchOut]
    next: str


class SopOut(Schema):
    code: str
    version: int
    status: str
    name: str
    domain: str
    calendar: str
    roles: list[RoleOut]


class SopDetailOut(SopOut):
    steps: list[StepOut]


def record_out(f: RecordField) -> RecordOut:
    return RecordOut(
        name=f.name, label=f.label, type=str(f.type), required=f.required, choices=list(f.choices)
    )


def _step_out(step: Step) -> StepOut:
    return StepOut(
        id=step.id,
        no=step.no,
        kind=str(step.kind),
        role=step.role,
        title=step.display_title,
        activity=step.activity,
        requirements=list(step.requirements),
        time=step.time.text,
        output=step.output,
        records=[record_out(f) for f in step.records],
        branches=[BranchOut(label=b.label, to=b.to) for b in step.branches],
        next=step.next,
    )


def sop_out(spec: SOPSpec) -> SopOut:
    return SopOut(**_sop_fields(spec))


def sop_detail_out(spec: SOPSpec) -> SopDetailOut:
    return SopDetailOut(**_sop_fields(spec), steps=[_step_out(s) for s in spec.steps])


def _sop_fields(spec: SOPSpec) -> dict[str, Any]:
    return {
        "code": spec.code,
        "version": spec.version,
        "status": spec.status,
        "name": spec.name,
        "domain": spec.domain,
        "calendar": str(spec.calendar.kind),
        "roles": [RoleOut(id=r.id, name=r.name, external=r.external) for r in spec.roles],
    }
