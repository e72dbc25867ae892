"""The API's own operations: the token for a username and password (throttled with the login
page, :mod:`trantib.accounts.services.logins`), the caller's tokens and their revocation, and
the JSON 404 for any path no app's router knows. Each app's operations are in its
``apis.py``."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Router, Status

from trantib.accounts.models import AccessDoor
from trantib.accounts.services import (
    LockedOut,
    login_password_check,
    login_succeeded,
    two_factor_device,
    two_factor_required,
    two_factor_verify,
)
from trantib.core.errors import NotAllowed, NotFound, ServiceError
from trantib.core.ratelimit import client_address

from .errors import error_body
from .schemas import TokenIn, TokenInfoOut, TokenOut, TokenRevokedOut
from .selectors import api_token_get_for_user, api_token_list_for_user
from .services import api_token_create, api_token_revoke
from .types import E400, E401, E403, E404, E422, ErrorOut, Id, api_user

# -- auth ---------------------------------------------------------------------------------

auth_router = Router(tags=["auth"])
E429 = {429: ErrorOut}


class WrongLogin(ServiceError):
    """The username, password or second-factor code is wrong (or the user is inactive)."""

    status = 401
    kind = "auth"


def _locked(refusal: LockedOut) -> HttpResponse:
    response = JsonResponse(error_body(refusal.message, refusal.field, refusal.kind), status=429)
    response["Retry-After"] = str(refusal.seconds)
    return response


@auth_router.post(
    "/token",
    auth=None,
    response={201: TokenOut, **E400, **E401, **E403, **E422, **E429},
    summary="Buat token",
)
def token_create(request: HttpRequest, payload: TokenIn) -> Status[TokenOut] | HttpResponse:
    """Exchange a username and password (and the authenticator's code, for a user with
    two-factor login) for a new API token, shown only this once. Repeated failures lock the
    account and the client for a while: 429 with the wait in the message and `Retry-After`."""
    client = client_address(request)
    door = AccessDoor.API
    try:
        user = login_password_check(
            username=payload.username, password=payload.password, client=client, door=door
        )
        if user is None:
            raise WrongLogin(_("Nama pengguna atau kata sandi salah."), field="password")
        if two_factor_device(user) is not None:
            if not payload.otp:
                raise WrongLogin(
                    _(
                        "Akun ini memakai verifikasi dua langkah: kirim kode dari aplikasi "
                        "autentikator di otp."
                    ),
                    field="otp",
                )
            if two_factor_verify(user=user, code=payload.otp, client=client, door=door) is None:
                raise WrongLogin(_("Kode verifikasi salah atau sudah dipakai."), field="otp")
        elif two_factor_required(user):
            raise NotAllowed(
                _("Unit Anda mewajibkan verifikasi dua langkah: aktifkan dulu di halaman Akun."),
                field="otp",
            )
    except LockedOut as refusal:
        return _locked(refusal)
    login_succeeded(user=user, client=client, door=door, two_factor=bool(payload.otp))
    row, token = api_token_create(
        user=user, name=payload.name or "api", days=payload.days, door=door, client=client
    )
    return Status(201, TokenOut(token=token, expires_at=row.expires_at))


@auth_router.get("/tokens", response={200: list[TokenInfoOut], **E401}, summary="Token saya")
def token_list(request: HttpRequest) -> list[TokenInfoOut]:
    """The caller's own tokens that still work, newest first."""
    current = getattr(request, "api_token", None)
    return [
        TokenInfoOut(
            id=row.pk,
            name=row.name,
            created_at=row.created_at,
            expires_at=row.expires_at,
            last_used_at=row.last_used_at,
            current=current is not None and row.pk == current.pk,
        )
        for row in api_token_list_for_user(api_user(request))
    ]


@auth_router.delete(
    "/tokens/{posint:id}",
    response={200: TokenRevokedOut, **E401, **E404, **E422},
    summary="Cabut token",
)
def token_revoke(request: HttpRequest, id: Id) -> TokenRevokedOut:
    """Revoke a token now: one's own (this one too), or any for an administrator."""
    user = api_user(request)
    found = api_token_get_for_user(user, id)
    if found is None:
        raise NotFound(_("Token tidak ditemukan."), field="id")
    revoked = api_token_revoke(
        token=found, actor=user, door=AccessDoor.API, client=client_address(request)
    )
    # A revoked token always has its time (api_token_revoke sets it or found it set).
    return TokenRevokedOut(id=revoked.pk, revoked_at=cast(dt.datetime, revoked.revoked_at))


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
