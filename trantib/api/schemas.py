"""The auth operations' schemas: a token for a username and password, and the token list."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Schema
from pydantic import AfterValidator, Field

from .types import NO_NUL, InSchema, text_check


class TokenIn(InSchema):
    username: Annotated[str, Field(max_length=150, pattern=NO_NUL), AfterValidator(text_check)]
    password: Annotated[str, Field(max_length=256, pattern=NO_NUL), AfterValidator(text_check)]
    name: Annotated[str, Field(max_length=100, pattern=NO_NUL), AfterValidator(text_check)] = ""
    days: Annotated[
        int | None,
        Field(
            ge=1,
            le=3650,
            description="How long the token works, in days (default 30; the server's maximum "
            "applies, 365 unless configured).",
        ),
    ] = None
    otp: Annotated[
        str,
        Field(
            max_length=6,
            pattern=r"^[0-9]{6}$|^$",
            description="The 6-digit code of the authenticator app, for a user with two-factor "
            "login.",
        ),
    ] = ""


class TokenOut(Schema):
    token: str
    expires_at: dt.datetime


class TokenInfoOut(Schema):
    id: int
    name: str
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    current: bool = Field(description="The token this request was made with.")


class TokenRevokedOut(Schema):
    id: int
    revoked_at: dt.datetime
