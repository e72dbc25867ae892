"""The API's own operations: the token for a username and password, and the JSON 404 for any
path no app's router knows. Each app's operations are in its ``apis.py``."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.errors import AuthenticationError

from trantib.core.errors import NotFound

from .schemas import TokenIn, TokenOut
from .services import api_token_create
from .types import (
    E400,
    E401,
    E422,
)

# -- auth ---------------------------------------------------------------------------------

auth_router = Router(tags=["auth"])


@auth_router.post(
    "/token", auth=None, response={201: TokenOut, **E400, **E401, **E422}, summary="Buat token"
)
def token_create(request: HttpRequest, payload: TokenIn) -> Status[TokenOut]:
    """Exchange a username and password for a new API token (shown only this once)."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        raise AuthenticationError()  # answered as every other 401
    _row, token = api_token_create(user=user, name=payload.name or "api")
    return Status(201, TokenOut(token=token))


# -- anything else ------------------------------------------------------------------------

fallback_router = Router()


@fallback_router.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    "/{anypath:rest}",  # a newline included: never the site's HTML 404
    auth=None,
    include_in_schema=False,
)
def unknown_path(request: HttpRequest, rest: str) -> None:
    raise NotFound(_("Alamat API ini tidak ada."), field="")
