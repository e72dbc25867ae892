"""What every app's API shares: bounded input types, the error shape and the error answers
each operation declares, and who is behind a request.

Input types are strict and bounded so that bad input is refused here with 422, before a
database sees it: ids stay within a 64-bit integer, text holds no NUL character (PostgreSQL
refuses it) and no lone surrogate, JSON values hold no NaN or infinity.

An id in a path is written ``{posint:id}`` (``trantib.core.converters``): the route itself
matches only a plain positive integer (``1``, never ``01``, ``1.0``, `` 1``, ``1_0`` or ``+1``)
up to :data:`MAX_ID`, so any other spelling is the API's JSON 404, as for an id that does not
exist.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Annotated, Any, Literal

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, WithJsonSchema

from trantib.accounts.middleware import PersonRequest
from trantib.accounts.models import Person
from trantib.core.converters import MAX_ID
from trantib.core.errors import NotAllowed
from trantib.core.text import NO_NUL_PATTERN, has_control_characters
from trantib.engine.values import date_read

NO_NUL = NO_NUL_PATTERN


def text_check(value: str) -> str:
    if has_control_characters(value, unstorable_only=True):
        raise ValueError(_("Teks tidak boleh berisi karakter NUL atau bukan UTF-8 yang sah."))
    return value


def _json_check(value: Any) -> Any:
    """Walk a JSON value: every string (keys too) clean, every number finite."""
    if isinstance(value, str):
        text_check(value)
    elif isinstance(value, float) and not math.isfinite(value):
        raise ValueError(_("Angka harus terhingga."))
    elif isinstance(value, dict):
        for key, item in value.items():
            text_check(str(key))
            _json_check(item)
    elif isinstance(value, list):
        for item in value:
            _json_check(item)
    return value


def _iso_date_only(value: Any) -> Any:
    # Lax pydantic would read 0 as 1970-01-01 (a timestamp): a date is written YYYY-MM-DD,
    # read by the engine's reader, as a date field of a step is.
    if isinstance(value, dt.date):
        return value
    try:
        return date_read(value)
    except ValueError:
        raise ValueError(_("Tanggal ditulis TTTT-BB-HH.")) from None


_PLAIN_INT = re.compile(r"0|[1-9][0-9]{0,18}")


def _query_int(value: Any) -> Any:
    # Lax pydantic would read "1_0" as 10 and " +1" as 1: a count in a query string is
    # written in digits only, as a path id is (core.converters).
    if isinstance(value, str) and not _PLAIN_INT.fullmatch(value):
        raise ValueError(_("Bilangan bulat ditulis dengan angka saja, mis. 50."))
    return value


Text = Annotated[str, Field(pattern=NO_NUL), AfterValidator(text_check)]
Code = Annotated[str, Field(max_length=40, pattern=NO_NUL), AfterValidator(text_check)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_only)]
# A whole number in a query string (``limit``, ``offset``), placed after its ``Query(...)``:
# ``Annotated[int, Query(ge=1, le=100), QUERY_INT] = 50``. (Nested inside the type instead,
# ``Annotated[Annotated[int, …], Query(…)]``, ninja loses the parameter's default.)
QUERY_INT = BeforeValidator(_query_int)
# JSON values as the document states them: any JSON, but no string (nor key) holding NUL, at
# any depth. Recursive, so it lives in the document's components (``TrantibApi``).
JSON_VALUE_REF = "#/components/schemas/JsonValue"
_JSON_OBJECT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "propertyNames": {"pattern": NO_NUL},
    "additionalProperties": {"$ref": JSON_VALUE_REF},
}
JSON_VALUE_SCHEMA: dict[str, Any] = {
    "description": "Any JSON value; no string or key holds the NUL character.",
    "anyOf": [
        {"type": "string", "pattern": NO_NUL},
        {"type": "number"},
        {"type": "boolean"},
        {"type": "null"},
        {"type": "array", "items": {"$ref": JSON_VALUE_REF}},
        _JSON_OBJECT_SCHEMA,
    ],
}
# pydantic cannot point at a schema it did not make: it marks the place, and the document
# is given the reference (``json_object_schemas_place``).
_JSON_OBJECT_MARK = "x-trantib-json-object"
JsonObject = Annotated[
    dict[str, Any],
    AfterValidator(_json_check),
    WithJsonSchema({"type": "object", _JSON_OBJECT_MARK: True}),
]


def json_object_schemas_place(node: Any) -> None:
    """Put the JSON object's schema where ``JsonObject`` left its mark in an OpenAPI
    document, and the recursive ``JsonValue`` among its components."""
    if isinstance(node, dict):
        if node.pop(_JSON_OBJECT_MARK, False):
            node.update(_JSON_OBJECT_SCHEMA)
        for value in node.values():
            json_object_schemas_place(value)
    elif isinstance(node, list):
        for value in node:
            json_object_schemas_place(value)


class InSchema(Schema):
    # JSON bodies are taken as written: "1" is not a number, 1 is not a string; a key the
    # operation does not know is refused (a misspelt "entri" must not be silently dropped).
    model_config = ConfigDict(strict=True, extra="forbid")


# -- errors --------------------------------------------------------------------


ErrorKind = Literal["input", "refused", "not_found", "auth", "throttled", "unavailable"]


class ErrorOut(Schema):
    message: str
    field: str = Field(description="The input at fault (e.g. data.uraian, decision) or empty.")
    kind: ErrorKind = Field(
        description=(
            "input: the request does not fit this document (wrong type, form or field); "
            "refused: it fits, and the rules refuse it (the SOP's step, an unknown category, "
            "a task already done); not_found; auth: no valid token; throttled: wait and retry; "
            "unavailable: the database cannot be reached just now (503): retry after "
            "Retry-After seconds."
        )
    )


# The limits of the complaint's columns: longer text is a 422 here, never a database error.
_NoNul = AfterValidator(text_check)
Text120 = Annotated[str, Field(max_length=120, pattern=NO_NUL), _NoNul]
Text100 = Annotated[str, Field(max_length=100, pattern=NO_NUL), _NoNul]
Text300 = Annotated[str, Field(max_length=300, pattern=NO_NUL), _NoNul]
Text4000 = Annotated[str, Field(max_length=4000, pattern=NO_NUL), _NoNul]
Phone = Annotated[str, Field(max_length=30, pattern=NO_NUL), _NoNul]
Email = Annotated[str, Field(max_length=254, pattern=NO_NUL), _NoNul]

# The error answers an operation can give, declared in the OpenAPI document.
E400 = {400: ErrorOut}
E401 = {401: ErrorOut}
E403 = {403: ErrorOut}
E404 = {404: ErrorOut}
E409 = {409: ErrorOut}
E422 = {422: ErrorOut}
MAX_OFFSET = 10**9


def api_user(request: HttpRequest) -> AbstractBaseUser:
    return request.auth  # type: ignore[attr-defined, no-any-return]


def api_actor(request: PersonRequest) -> Person:
    person = request.person
    if person is None:
        raise NotAllowed(
            _("Akun ini tidak terhubung dengan data pegawai; perubahan tidak diizinkan."),
            field="Authorization",
        )
    return person
