"""What goes in and out of the API: pydantic schemas, and how models and specs become them.

Input types are strict and bounded so that bad input is refused here with 422, before a
database sees it: ids stay within a 64-bit integer, text holds no NUL character (PostgreSQL
refuses it) and no lone surrogate, JSON values hold no NaN or infinity.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field

from trantib.accounts.models import Person
from trantib.cases.models import Attachment, Case, Event, Task
from trantib.cases.selectors import task_is_overdue
from trantib.complaints.models import Complaint
from trantib.complaints.selectors import Reporter
from trantib.engine.spec import RecordField, SOPSpec, Step

MAX_ID = 2**63 - 1  # the largest BigAutoField value on SQLite and PostgreSQL
NO_NUL = r"^[^\x00]*$"
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _text_check(value: str) -> str:
    if "\x00" in value:
        raise ValueError(_("Teks tidak boleh berisi karakter NUL."))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(_("Teks bukan UTF-8 yang sah.")) from None
    return value


def _json_check(value: Any) -> Any:
    """Walk a JSON value: every string (keys too) clean, every number finite."""
    if isinstance(value, str):
        _text_check(value)
    elif isinstance(value, float) and not math.isfinite(value):
        raise ValueError(_("Angka harus terhingga."))
    elif isinstance(value, dict):
        for key, item in value.items():
            _text_check(str(key))
            _json_check(item)
    elif isinstance(value, list):
        for item in value:
            _json_check(item)
    return value


def _iso_date_only(value: Any) -> Any:
    # Lax pydantic would read 0 as 1970-01-01 (a timestamp): a date is written YYYY-MM-DD.
    if isinstance(value, str) and not ISO_DATE.fullmatch(value):
        raise ValueError(_("Tanggal ditulis TTTT-BB-HH."))
    if not isinstance(value, str | dt.date):
        raise ValueError(_("Tanggal ditulis TTTT-BB-HH."))
    return value


Text = Annotated[str, Field(pattern=NO_NUL), AfterValidator(_text_check)]
Code = Annotated[str, Field(max_length=40, pattern=NO_NUL), AfterValidator(_text_check)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_only)]
JsonObject = Annotated[dict[str, Any], AfterValidator(_json_check)]


class InSchema(Schema):
    # JSON bodies are taken as written: "1" is not a number, 1 is not a string; a key the
    # operation does not know is refused (a misspelt "entri" must not be silently dropped).
    model_config = ConfigDict(strict=True, extra="forbid")


# -- errors and tokens --------------------------------------------------------------------


class ErrorOut(Schema):
    message: str
    field: str = Field(description="The input at fault (e.g. data.uraian, decision) or empty.")


class TokenIn(InSchema):
    username: Annotated[str, Field(max_length=150, pattern=NO_NUL), AfterValidator(_text_check)]
    password: Annotated[str, Field(max_length=256, pattern=NO_NUL), AfterValidator(_text_check)]
    name: Annotated[str, Field(max_length=100, pattern=NO_NUL), AfterValidator(_text_check)] = ""


class TokenOut(Schema):
    token: str


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


def _record_out(f: RecordField) -> RecordOut:
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
        records=[_record_out(f) for f in step.records],
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


# -- tasks and cases ----------------------------------------------------------------------


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


def task_out(task: Task, spec: SOPSpec, *, now: dt.datetime | None = None) -> TaskOut:
    """``task.case`` must be loaded; ``spec`` is the SOP version of that case."""
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
        data=task.data if isinstance(task.data, dict) else {},
        requirements_checked=list(task.requirements_checked or []),
        step_requirements=list(step.requirements) if step else [],
        records=[_record_out(f) for f in step.records] if step else [],
        branches=[b.label for b in step.branches] if step else [],
    )


def case_out(
    case: Case,
    spec: SOPSpec,
    *,
    tasks: list[Task],
    children: list[Case],
    now: dt.datetime | None = None,
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
        tasks=[task_out(t, spec, now=now) for t in tasks],
    )


def event_out(event: Event) -> EventOut:
    return EventOut(
        seq=event.seq,
        type=event.type,
        at=event.at,
        actor=username(event.actor),
        task=event.task_id,
        data=event.data if isinstance(event.data, dict) else {"value": event.data},
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
    subject: Annotated[str, Field(max_length=300, pattern=NO_NUL), AfterValidator(_text_check)]
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
    decision: Annotated[str, Field(max_length=100, pattern=NO_NUL), AfterValidator(_text_check)] = (
        ""
    )
    requirements: list[Text] = Field(default_factory=list)
    attachments: list[Id] = Field(default_factory=list)


class TaskReassignIn(InSchema):
    model_config = ConfigDict(
        strict=True, json_schema_extra={"examples": [{"assignee": "kasi.cpd"}]}
    )

    assignee: Annotated[str, Field(max_length=150, pattern=NO_NUL), AfterValidator(_text_check)]


# -- complaints ---------------------------------------------------------------------------


# The limits of the complaint's columns: longer text is a 422 here, never a database error.
_NoNul = AfterValidator(_text_check)
Text120 = Annotated[str, Field(max_length=120, pattern=NO_NUL), _NoNul]
Text100 = Annotated[str, Field(max_length=100, pattern=NO_NUL), _NoNul]
Text300 = Annotated[str, Field(max_length=300, pattern=NO_NUL), _NoNul]
Text4000 = Annotated[str, Field(max_length=4000, pattern=NO_NUL), _NoNul]
Phone = Annotated[str, Field(max_length=30, pattern=NO_NUL), _NoNul]
Email = Annotated[str, Field(max_length=254, pattern=NO_NUL), _NoNul]


class ComplaintIn(InSchema):
    """A complaint taken at the counter or on the phone by the officer behind the token."""

    model_config = ConfigDict(
        strict=True,
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "channel": "phone",
                    "category": "hiburan",
                    "description": "Karaoke di Dusun Ngasem buka sampai pukul 02.00",
                    "kelurahan": "Tamansari",
                    "latitude": -7.5901,
                    "longitude": 111.0512,
                    "reporter_name": "Sri Wahyuni",
                    "reporter_phone": "0812 3456 7890",
                    "confidential": True,
                }
            ]
        },
    )

    # Staff tokens take the channels where an officer hears the reporter; the public ones
    # (web form, SMS, Open311) have their own doors.
    channel: Annotated[str, Field(pattern=r"^(counter|phone)$", description="counter, phone")]
    category: Code = Field(description="Category code, e.g. hiburan")
    description: Text4000
    latitude: Annotated[float, Field(ge=-90, le=90)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180)] | None = None
    address: Text300 = ""
    kelurahan: Text100 = ""
    reporter_name: Text120 = ""
    reporter_phone: Phone = ""
    reporter_email: Email = ""
    anonymous: bool = False
    confidential: bool = False


class CategoryRefOut(Schema):
    code: str
    name: str


class ReporterOut(Schema):
    shown: bool = Field(description="False: masked (confidential) or anonymous; see label")
    label: str
    name: str
    phone: str
    email: str


class ComplaintOut(Schema):
    tracking: str
    channel: str
    received_at: dt.datetime
    unit: str
    category: CategoryRefOut
    description: str
    latitude: float | None
    longitude: float | None
    address: str
    kelurahan: str
    anonymous: bool
    confidential: bool
    reporter: ReporterOut
    case: CaseRefOut
    working_days_left: int | None = Field(description="Until the answer is due; None: answered")
    duplicate_of: str | None
    answered_at: dt.datetime | None


class ComplaintListOut(Schema):
    count: int
    items: list[ComplaintOut]


def complaint_out(
    complaint: Complaint, reporter: Reporter, *, working_days_left: int | None
) -> ComplaintOut:
    """``reporter`` comes from ``complaints.selectors.reporter_for``: this never reads the
    reporter's fields itself. The caller loads category, unit, case and duplicate_of."""
    case = complaint.case
    return ComplaintOut(
        tracking=complaint.tracking,
        channel=complaint.channel,
        received_at=complaint.received_at,
        unit=complaint.unit.code,
        category=CategoryRefOut(code=complaint.category.code, name=complaint.category.name),
        description=complaint.description,
        latitude=float(complaint.latitude) if complaint.latitude is not None else None,
        longitude=float(complaint.longitude) if complaint.longitude is not None else None,
        address=complaint.address,
        kelurahan=complaint.kelurahan,
        anonymous=complaint.anonymous,
        confidential=complaint.confidential,
        reporter=ReporterOut(
            shown=reporter.shown,
            label=reporter.label,
            name=reporter.name,
            phone=reporter.phone,
            email=reporter.email,
        ),
        case=CaseRefOut(id=case.pk, number=case.number, status=case.status),
        working_days_left=working_days_left,
        duplicate_of=complaint.duplicate_of.tracking if complaint.duplicate_of else None,
        answered_at=complaint.answered_at,
    )
