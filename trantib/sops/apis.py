"""The SOP operations of /api/v1/: the library's current SOPs, one SOP with its steps."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Router

from trantib.api.types import (
    E401,
    E404,
    E422,
)
from trantib.core.errors import NotFound

from . import registry
from .schemas import SopDetailOut, SopOut, sop_detail_out, sop_out

# -- SOPs ---------------------------------------------------------------------------------

sops_router = Router(tags=["sops"])


@sops_router.get("", response={200: list[SopOut], **E401}, summary="Daftar SOP")
def sop_list(request: HttpRequest) -> list[SopOut]:
    return [sop_out(spec) for spec in registry.current()]


@sops_router.get("/{code}", response={200: SopDetailOut, **E401, **E404, **E422})
def sop_detail(
    request: HttpRequest, code: Annotated[str, Path(max_length=40, examples=["PGD"])]
) -> SopDetailOut:
    try:
        spec = registry.get(code)
    except KeyError:
        raise NotFound(_("SOP %(code)s tidak ditemukan.") % {"code": code}, field="code") from None
    return sop_detail_out(spec)
