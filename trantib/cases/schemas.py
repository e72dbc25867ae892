"""What the case, task and attachment operations of /api/v1/ take and answer."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated, Any

from django.urls import reverse
from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field

from trantib.accounts.models import Person
from trantib.api.types import (
    NO_NUL,
    Code,
    Id,
    InSchema,
    JsonObject,
    Text,
    _json_check,
    text_check,
)
from trantib.engine.spec import SOPSpec, Step
from trantib.sops.schemas import RecordOut, record_out

from .casefile import CaseFile
from .models import Attachment, Case, CaseStatus, Event, Task
from .selectors import task_is_overdue
from .services import PersonMask, records_masked, step_filled

# -- tasks and cases ----------------------------------------------------------------------

# A status filter takes one of the statuses (CaseStatus), or nothing.
CASE_STATUS_VALUES = ", ".join(CaseStatus.values)
CASE_STATUS_PATTERN = "^(" + "|".join(CaseStatus.values) + ")?$"


class TaskOut(Schema):
    id: int
    case: int
    case_number: str
    step: str
    occurrence: str
    kind: str
    role: str
    title: str
    status: str
    assignee: str | None
    due_at: dt.datetime | None
    overdue: bool
    completed_at: dt.datetime | None
    completed_by: str | None
    standard: str
    duration_seconds: int | None
    decision: str
    data: dict[str, Any]
    requirements_checked: list[str]
    step_requirements: list[str]
    records: list[RecordOut]
    branches: list[str]


class CaseRefOut(Schema):
    id: int
    number: str
    status: str


class CaseOut(Schema):
    id: int
    number: str
    sop: str
    sop_version: int
    unit: str
    subject: str
    status: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    parent: str | None
    children: list[CaseRefOut]
    tasks: list[TaskOut]


class FieldRecordOut(Schema):
    name: str
    label: str
    type: str
    value: Any = Field(description="As recorded (dates ISO, a place or a party as an object)")
    text: str = Field(description="Written for people: 3 Desember 2026 14.05 WIB, Ya/Tidak …")
    corrected: bool = Field(description="Changed after the step was completed")


class FileRecordOut(Schema):
    id: int
    name: str
    field: str = Field(description="The field that holds it; empty for one added to the step")
    field_label: str
    content_type: str
    url: str


class StepRecordOut(Schema):
    """What one completed step (one occurrence of a repeated one) recorded."""

    step: str
    no: str
    title: str
    occurrence: str
    task: int | None
    completed_by: str | None = Field(description="The person's name")
    position: str
    completed_at: dt.datetime | None
    decision: str
    requirements: list[str]
    fields: list[FieldRecordOut]
    attachments: list[FileRecordOut]


class CaseDetailOut(CaseOut):
    file: list[StepRecordOut] = Field(description="The case file: each completed step's record")


class CaseListOut(Schema):
    count: int
    items: list[CaseOut]


class EventOut(Schema):
    seq: int
    type: str
    at: dt.datetime
    actor: str | None
    task: int | None
    data: dict[str, Any]
    hash: str


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    task: int | None
    uploaded_by: str | None
    uploaded_at: dt.datetime


def username(person: Person | None) -> str | None:
    """The login of a person (None for nobody, or for a person without a login). The caller
    selects ``person__user`` so that this reads no row."""
    if person is None or person.user is None:
        return None
    return person.user.get_username()


def task_out(
    task: Task, spec: SOPSpec, *, now: dt.datetime | None = None, mask: PersonMask | None = None
) -> TaskOut:
    """``task.case`` must be loaded; ``spec`` is the SOP version of that case; ``mask``: the
    reader's mask of party values (:func:`~trantib.cases.services.record_mask_for`)."""
    try:
        step: Step | None = spec.step(task.step_id)
    except KeyError:
        step = None
    return TaskOut(
        id=task.pk,
        case=task.case_id,
        case_number=task.case.number,
        step=task.step_id,
        occurrence=task.occurrence,
        kind=task.kind,
        role=task.role,
        title=task.title,
        status=task.status,
        assignee=username(task.assignee),
        due_at=task.due_at,
        overdue=task_is_overdue(task, now),
        completed_at=task.completed_at,
        completed_by=username(task.completed_by),
        standard=task.standard,
        duration_seconds=task.duration_seconds,
        decision=task.decision,
        data=records_masked(task.data, mask) if isinstance(task.data, dict) else {},
        requirements_checked=list(task.requirements_checked or []),
        step_requirements=list(step.requirements) if step else [],
        records=_records_out(step, task.case) if step else [],
        branches=[b.label for b in step.branches] if step else [],
    )


def _records_out(step: Step, case: Case) -> list[RecordOut]:
    """The step's fields; one a step guard fills (a letter's number) is not asked of the
    caller, so it is never required here."""
    filled = step_filled(step, case=case)
    return [
        record_out(dataclasses.replace(f, required=False) if f.name in filled else f)
        for f in step.records
    ]


def case_out(
    case: Case,
    spec: SOPSpec,
    *,
    tasks: list[Task],
    children: list[Case],
    now: dt.datetime | None = None,
    mask: PersonMask | None = None,
) -> CaseOut:
    for task in tasks:
        task.case = case  # every task is of this case: no query for its number
    return CaseOut(
        id=case.pk,
        number=case.number,
        sop=case.sop_code,
        sop_version=case.sop_version.version,
        unit=case.unit.code,
        subject=case.subject,
        status=case.status,
        opened_at=case.opened_at,
        closed_at=case.closed_at,
        parent=case.parent.number if case.parent is not None else None,
        children=[CaseRefOut(id=c.pk, number=c.number, status=c.status) for c in children],
        tasks=[task_out(t, spec, now=now, mask=mask) for t in tasks],
    )


def event_out(event: Event, mask: PersonMask | None = None) -> EventOut:
    return EventOut(
        seq=event.seq,
        type=event.type,
        at=event.at,
        actor=username(event.actor),
        task=event.task_id,
        data=records_masked(event.data, mask)
        if isinstance(event.data, dict)
        else {"value": event.data},
        hash=event.hash,
    )


def attachment_out(attachment: Attachment) -> AttachmentOut:
    return AttachmentOut(
        id=attachment.pk,
        name=attachment.name,
        content_type=attachment.content_type,
        size=attachment.size,
        sha256=attachment.sha256,
        task=attachment.task_id,
        uploaded_by=username(attachment.uploaded_by),
        uploaded_at=attachment.uploaded_at,
    )


# -- inputs -------------------------------------------------------------------------------


class CaseStartIn(InSchema):
    model_config = ConfigDict(
        strict=True,
        json_schema_extra={
            "examples": [
                {
                    "sop": "PGD",
                    "unit": "CPD",
                    "subject": "Warung buka melewati jam malam",
                    "data": {"saluran": "SMS", "uraian": "Warung karaoke buka sampai 02.00"},
                }
            ]
        },
    )

    sop: Code = Field(description="SOP code, e.g. PGD")
    unit: Code = Field(description="Unit code, e.g. KRJ")
    subject: Annotated[str, Field(max_length=300, pattern=NO_NUL), AfterValidator(text_check)]
    data: JsonObject = Field(default_factory=dict, description="The first step's fields")
    requirements: list[Text] = Field(default_factory=list)
    entry: Annotated[str, Field(max_length=64, pattern=r"^([a-z][a-z0-9_]*)?$")] = Field(
        default="", description="Start at this entry step (default: the SOP's first step)"
    )


class TaskCompleteIn(InSchema):
    model_config = ConfigDict(
        strict=True,
        json_schema_extra={
            "examples": [{"data": {"arahan": "Segera tindak lanjuti"}, "decision": ""}]
        },
    )

    data: JsonObject = Field(default_factory=dict, description="The step's fields")
    decision: Annotated[str, Field(max_length=100, pattern=NO_NUL), AfterValidator(text_check)] = ""
    requirements: list[Text] = Field(default_factory=list)
    attachments: list[Id] = Field(default_factory=list)


class TaskReassignIn(InSchema):
    model_config = ConfigDict(
        strict=True, json_schema_extra={"examples": [{"assignee": "kasi.cpd"}]}
    )

    assignee: Annotated[str, Field(max_length=150, pattern=NO_NUL), AfterValidator(text_check)]


# -- amending a case (cases/services/amend.py) ----------------------------------------------

Reason = Annotated[str, Field(max_length=500, pattern=NO_NUL), AfterValidator(text_check)]


class TaskCorrectIn(InSchema):
    model_config = ConfigDict(
        strict=True,
        json_schema_extra={
            "examples": [
                {"field": "uraian", "value": "Buka sampai pukul 03.00", "reason": "Salah ketik"}
            ]
        },
    )

    field: Annotated[str, Field(max_length=64, pattern=r"^[a-z][a-z0-9_]*$")]
    value: Annotated[Any, AfterValidator(_json_check)] = Field(
        description="The new value, as the step's completion takes it (null clears it)"
    )
    reason: Reason


class CaseCancelIn(InSchema):
    model_config = ConfigDict(
        strict=True,
        json_schema_extra={"examples": [{"reason": "Dilaporkan dua kali", "children": "keep"}]},
    )

    reason: Reason
    children: Annotated[str, Field(pattern=r"^(cancel|keep)?$")] = Field(
        default="",
        description="Open linked cases: 'cancel' them too or 'keep' them running "
        "(required when there are any)",
    )


class CaseHandoverIn(InSchema):
    model_config = ConfigDict(
        strict=True,
        json_schema_extra={"examples": [{"to_unit": "CPD", "reason": "Lokasi di Cipondoh"}]},
    )

    to_unit: Code = Field(description="Code of the unit that takes the case over")
    reason: Reason


class WaitEndIn(InSchema):
    model_config = ConfigDict(
        strict=True,
        json_schema_extra={"examples": [{"evidence": "Lapak sudah dibongkar pada hari ke-2"}]},
    )

    evidence: Annotated[str, Field(max_length=2000, pattern=NO_NUL), AfterValidator(text_check)]


def case_file_out(casefile: CaseFile) -> list[StepRecordOut]:
    return [
        StepRecordOut(
            step=r.step_id,
            no=r.no,
            title=r.title,
            occurrence=r.occurrence,
            task=r.task.pk if r.task else None,
            completed_by=r.completed_by or None,
            position=r.position,
            completed_at=r.completed_at,
            decision=r.decision,
            requirements=list(r.requirements),
            fields=[
                FieldRecordOut(
                    name=f.name,
                    label=f.label,
                    type=f.type,
                    value=f.value,
                    text=f.text,
                    corrected=f.corrected,
                )
                for f in r.fields
            ],
            attachments=[
                FileRecordOut(
                    id=a.id,
                    name=a.name,
                    field=a.field,
                    field_label=a.field_label,
                    content_type=a.content_type,
                    url=reverse("cases:attachment", args=[a.id]),
                )
                for a in r.attachments
            ],
        )
        for r in casefile.records
    ]
