"""The auth operation's schemas."""

from __future__ import annotations

from typing import Annotated

from ninja import Schema
from pydantic import AfterValidator, Field

from .types import NO_NUL, InSchema, text_check


class TokenIn(InSchema):
    username: Annotated[str, Field(max_length=150, pattern=NO_NUL), AfterValidator(text_check)]
    password: Annotated[str, Field(max_length=256, pattern=NO_NUL), AfterValidator(text_check)]
    name: Annotated[str, Field(max_length=100, pattern=NO_NUL), AfterValidator(text_check)] = ""


class TokenOut(Schema):
    token: str
