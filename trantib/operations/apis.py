"""/api/v1/operations: schema in, one selector or service call, schema out.

Reads go through ``operation_get_for_user`` (another unit's file is a 404); changes go through
one service each, acting as the Person behind the token. Errors are raised and mapped by
:mod:`trantib.api.errors`.
"""

from __future__ import annotations

from typing import Annotated

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from trantib.accounts.middleware import PersonRequest
from trantib.api.types import (
    E400,
    E401,
    E403,
    E404,
    E409,
    E422,
    MAX_ID,
    NO_NUL,
    QUERY_INT,
    api_actor,
    api_user,
)
from trantib.core.errors import Invalid
from trantib.enforcement.models import Violator

from . import selectors, services
from .schemas import (
    IncidentIn,
    IncidentOut,
    OperationListOut,
    OperationOut,
    ResultIn,
    ResultOut,
    operation_list_out,
    operation_out,
)

operations_router = Router(tags=["operations"])

OperationId = Annotated[int, Path(ge=1, le=MAX_ID, description="Operation file id")]


@operations_router.get(
    "", response={200: list[OperationListOut], **E401, **E422}, summary="Daftar berkas operasi"
)
def operation_list(
    request: PersonRequest,
    q: Annotated[str, Query(max_length=100, pattern=NO_NUL)] = "",
    limit: Annotated[int, Query(ge=1, le=200), QUERY_INT] = 50,
) -> list[OperationListOut]:
    ops = selectors.operation_list_for_user(api_user(request), query=q)[:limit]
    return [operation_list_out(op) for op in ops]


@operations_router.get(
    "/{posint:id}", response={200: OperationOut, **E401, **E404, **E422}, summary="Berkas operasi"
)
def operation_get(request: PersonRequest, id: OperationId) -> OperationOut:
    return operation_out(selectors.operation_get_for_user(api_user(request), id))


@operations_router.post(
    "/{posint:id}/incidents",
    response={201: IncidentOut, **E400, **E401, **E403, **E404, **E409, **E422},
    summary="Catat kejadian",
)
def incident_create(
    request: PersonRequest, payload: IncidentIn, id: OperationId
) -> Status[IncidentOut]:
    op = selectors.operation_get_for_user(api_user(request), id)
    if timezone.is_naive(payload.at):
        raise Invalid(_("Waktu ditulis dengan zona waktunya (+07:00)."), field="at")
    corrects = None
    if payload.corrects is not None:
        corrects = op.incidents.filter(pk=payload.corrects).first()
        if corrects is None:
            raise Invalid(_("Catatan yang dikoreksi tidak ditemukan."), field="corrects")
    row = services.incident_add(
        operation=op,
        actor=api_actor(request),
        at=payload.at,
        text=payload.text,
        corrects=corrects,
    )
    return Status(
        201,
        IncidentOut(
            id=row.pk,
            at=row.at,
            text=row.text,
            corrects=row.corrects_id,
            recorded_by=row.recorded_by.full_name,
        ),
    )


@operations_router.post(
    "/{posint:id}/results",
    response={201: ResultOut, **E400, **E401, **E403, **E404, **E409, **E422},
    summary="Catat hasil (pelanggar yang ditangani)",
)
def result_create(request: PersonRequest, payload: ResultIn, id: OperationId) -> Status[ResultOut]:
    op = selectors.operation_get_for_user(api_user(request), id)
    violator = Violator.objects.filter(unit=op.unit, pk=payload.violator).first()
    if violator is None:
        raise Invalid(_("Pelanggar tidak terdaftar di unit ini."), field="violator")
    row = services.result_add(
        operation=op,
        actor=api_actor(request),
        violator=violator,
        action=payload.action,
        note=payload.note,
    )
    return Status(
        201,
        ResultOut(
            id=row.pk,
            violator=violator.pk,
            violator_name=violator.name,
            action=row.action,
            note=row.note,
            enforcement=row.enforcement_id,
        ),
    )
