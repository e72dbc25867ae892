"""/api/v1/enforcement/perda: the Perda catalogue of the user's units (read only): each Perda
with its articles and its warning ladder. Another unit's Perda is a 404."""

from __future__ import annotations

from typing import Annotated

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router

from trantib.accounts.selectors import units_for_user
from trantib.api.types import E401, E404, E422, MAX_ID, MAX_OFFSET, QUERY_INT, api_user
from trantib.core.errors import NotFound

from .models import Perda
from .schemas_ladder import PerdaListOut, PerdaOut, perda_out

perda_router = Router(tags=["enforcement"])
PerdaId = Annotated[int, Path(ge=1, le=MAX_ID, description="Perda id")]


def _perda_for(request: HttpRequest) -> QuerySet[Perda]:
    return (
        Perda.objects.filter(unit__in=units_for_user(api_user(request)))
        .select_related("unit")
        .prefetch_related("articles__perda", "rungs")
        .order_by("unit__code", "-year", "number", "pk")
    )


@perda_router.get(
    "", response={200: PerdaListOut, **E401, **E422}, summary="Katalog Perda unit saya"
)
def perda_list(
    request: HttpRequest,
    active: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=100), QUERY_INT] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET), QUERY_INT] = 0,
) -> PerdaListOut:
    rows = _perda_for(request)
    if active is not None:
        rows = rows.filter(active=active)
    return PerdaListOut(
        count=rows.count(), items=[perda_out(p) for p in rows[offset : offset + limit]]
    )


@perda_router.get("/{posint:id}", response={200: PerdaOut, **E401, **E404, **E422}, summary="Perda")
def perda_detail(request: HttpRequest, id: PerdaId) -> PerdaOut:
    perda = _perda_for(request).filter(pk=id).first()
    if perda is None:
        raise NotFound(_("Peraturan tidak ditemukan."), field="id")
    return perda_out(perda)
