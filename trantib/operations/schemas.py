"""The API's shapes of an operation file. A violator is named only (no NIK, phone or address:
those are read through the enforcement app's masking, on its own pages and API)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Schema
from pydantic import Field

from trantib.api.types import Id, InSchema, Text300, Text4000

from .models import Operation
from .selectors import operation_basis


class PlaceOut(Schema):
    name: str
    latitude: float | None
    longitude: float | None


class TeamOut(Schema):
    name: str
    leader: str
    members: list[str]
    task: str


class PartnerOut(Schema):
    agency: str
    contact: str
    personnel: int | None


class ReadinessOut(Schema):
    item: str
    ready: bool
    note: str
    checked_by: str
    checked_at: dt.datetime


class IncidentOut(Schema):
    id: int
    at: dt.datetime
    text: str
    corrects: int | None
    recorded_by: str


class ResultOut(Schema):
    id: int
    violator: int
    violator_name: str
    action: str
    note: str
    enforcement: int | None


class EscalationOut(Schema):
    level: str
    at: dt.datetime
    note: str


class ItemOut(Schema):
    id: int
    description: str
    quantity: int
    measure: str
    owner: str
    storage: str
    state: str
    seizure_letter: str
    returned_to: str
    ended_on: dt.date | None
    end_letter: str


class OperationListOut(Schema):
    id: int
    case: str
    unit: str
    sop: str
    subject: str
    day: dt.date | None


class OperationOut(OperationListOut):
    basis_number: str
    basis_date: dt.date | None
    starts_at: dt.time | None
    ends_at: dt.time | None
    commander: str
    crowd_group: str
    crowd_estimate: int | None
    demands: str
    places: list[PlaceOut]
    teams: list[TeamOut]
    partners: list[PartnerOut]
    readiness: list[ReadinessOut]
    incidents: list[IncidentOut]
    results: list[ResultOut]
    escalations: list[EscalationOut]
    items: list[ItemOut]


class IncidentIn(InSchema):
    at: dt.datetime = Field(strict=False, description="With its offset (2026-08-05T21:15:00+07:00)")
    text: Annotated[Text4000, Field(min_length=1, max_length=2000)]
    corrects: Id | None = None


class ResultIn(InSchema):
    violator: Id = Field(description="A violator of the operation's unit (enforcement register)")
    action: Annotated[str, Field(max_length=12)]
    note: Text300 = ""


def operation_list_out(op: Operation) -> OperationListOut:
    return OperationListOut(
        id=op.pk,
        case=op.case.number,
        unit=op.unit.code,
        sop=op.case.sop_code,
        subject=op.case.subject,
        day=op.day,
    )


def operation_out(op: Operation) -> OperationOut:
    number, dated = operation_basis(op)
    return OperationOut(
        **operation_list_out(op).dict(),
        basis_number=number,
        basis_date=dated,
        starts_at=op.starts_at,
        ends_at=op.ends_at,
        commander=op.commander.full_name if op.commander else "",
        crowd_group=op.crowd_group,
        crowd_estimate=op.crowd_estimate,
        demands=op.demands,
        places=[
            PlaceOut(name=p.name, latitude=p.latitude, longitude=p.longitude)
            for p in op.places.all()
        ],
        teams=[
            TeamOut(
                name=t.name,
                leader=t.leader.full_name if t.leader else "",
                members=[m.full_name for m in t.members.all()],
                task=t.task,
            )
            for t in op.teams.all()
        ],
        partners=[
            PartnerOut(agency=p.agency, contact=p.contact, personnel=p.personnel)
            for p in op.partners.all()
        ],
        readiness=[
            ReadinessOut(
                item=c.item,
                ready=c.ready,
                note=c.note,
                checked_by=c.checked_by.full_name,
                checked_at=c.checked_at,
            )
            for c in op.readiness.all()
        ],
        incidents=[
            IncidentOut(
                id=i.pk,
                at=i.at,
                text=i.text,
                corrects=i.corrects_id,
                recorded_by=i.recorded_by.full_name,
            )
            for i in op.incidents.all()
        ],
        results=[
            ResultOut(
                id=r.pk,
                violator=r.violator_id,
                violator_name=r.violator.name,
                action=r.action,
                note=r.note,
                enforcement=r.enforcement_id,
            )
            for r in op.results.all()
        ],
        escalations=[
            EscalationOut(level=e.level, at=e.at, note=e.note) for e in op.escalations.all()
        ],
        items=[
            ItemOut(
                id=i.pk,
                description=i.description,
                quantity=i.quantity,
                measure=i.measure,
                owner=i.owner.name if i.owner else "",
                storage=i.storage,
                state=i.state,
                seizure_letter=i.seizure_letter.number if i.seizure_letter else "",
                returned_to=i.returned_to,
                ended_on=i.ended_on,
                end_letter=i.end_letter.number if i.end_letter else "",
            )
            for i in op.items.all()
        ],
    )
