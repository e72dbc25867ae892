"""/api/v1/enforcement/violators: the register, masked as on the pages (NIK, phone and street
address only for the enforcement roles of the violator's unit); another unit's violator is a
404. Creating one goes through ``violator_create`` acting as the token's Person."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from trantib.accounts.middleware import PersonRequest
from trantib.accounts.selectors import units_for_user
from trantib.api.types import (
    E400,
    E401,
    E403,
    E404,
    E422,
    MAX_ID,
    MAX_OFFSET,
    NO_NUL,
    QUERY_INT,
    api_actor,
    api_user,
)
from trantib.core.errors import Invalid, NotFound

from . import selectors, services
from .models import Violator
from .schemas_violators import ViolatorIn, ViolatorListOut, ViolatorOut, violator_out

violators_router = Router(tags=["enforcement"])
ViolatorId = Annotated[int, Path(ge=1, le=MAX_ID, description="Violator id")]


@violators_router.get(
    "", response={200: ViolatorListOut, **E401, **E422}, summary="Daftar pelanggar"
)
def violator_list(
    request: HttpRequest,
    q: Annotated[
        str,
        Query(
            max_length=100,
            pattern=NO_NUL,
            description="Name, NIB; NIK for the enforcement roles of the unit",
        ),
    ] = "",
    kind: Annotated[str, Query(pattern="^(|orang|usaha)$")] = "",
    desa: Annotated[str, Query(max_length=100, pattern=NO_NUL)] = "",
    repeat: bool = False,
    limit: Annotated[int, Query(ge=1, le=100), QUERY_INT] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET), QUERY_INT] = 0,
) -> ViolatorListOut:
    user = api_user(request)
    rows = selectors.violator_list_for_user(user, query=q, kind=kind, desa=desa, repeat=repeat)
    officer = selectors.enforcement_unit_ids_for_user(user)
    items = [
        violator_out(
            selectors.violator_display(v, person=None, officer_units=officer),
            enforcements=getattr(v, "enforcement_count", 0),
        )
        for v in rows[offset : offset + limit]
    ]
    return ViolatorListOut(count=rows.count(), items=items)


@violators_router.get(
    "/{posint:id}", response={200: ViolatorOut, **E401, **E404, **E422}, summary="Pelanggar"
)
def violator_detail(request: HttpRequest, id: ViolatorId) -> ViolatorOut:
    user = api_user(request)
    violator = selectors.violator_get_for_user(user, id)
    officer = selectors.enforcement_unit_ids_for_user(user)
    return violator_out(
        selectors.violator_display(violator, person=None, officer_units=officer),
        enforcements=selectors.violator_enforcement_count(violator),
    )


@violators_router.post(
    "",
    response={201: ViolatorOut, **E400, **E401, **E403, **E404, **E422},
    summary="Catat pelanggar",
)
def violator_create(request: PersonRequest, payload: ViolatorIn) -> Status[ViolatorOut]:
    user = api_user(request)
    actor = api_actor(request)
    unit = units_for_user(user).filter(code=payload.unit).first()
    if unit is None:
        raise NotFound(_("Unit %(unit)s tidak ditemukan.") % {"unit": payload.unit}, field="unit")
    owner = None
    if payload.owner_id is not None:
        owner = Violator.objects.filter(unit=unit, pk=payload.owner_id).first()
        if owner is None:
            raise Invalid(_("Pemilik usaha tidak ditemukan di unit ini."), field="owner_id")
    violator = services.violator_create(
        unit=unit,
        actor=actor,
        kind=payload.kind,
        name=payload.name,
        nik=payload.nik,
        phone=payload.phone,
        address=payload.address,
        desa=payload.desa,
        kecamatan=payload.kecamatan,
        nib=payload.nib,
        business_type=payload.business_type,
        owner=owner,
        latitude=payload.latitude,
        longitude=payload.longitude,
        note=payload.note,
    )
    return Status(201, violator_out(selectors.violator_display(violator, person=actor)))
