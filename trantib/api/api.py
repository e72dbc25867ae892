"""The REST API under /api/v1/ (django-ninja): token auth, one error shape, and each app's
router mounted. Operation ids are the operations' own names, ``<entity>_<action>``
(``case_list``, ``task_complete``), the same wherever their module lives."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any, cast

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation
from ninja.parser import Parser

from trantib.cases.apis import attachments_router, cases_router, tasks_router
from trantib.community.apis import community_router
from trantib.complaints.apis import complaints_router
from trantib.core.jsoninput import json_loads
from trantib.enforcement.apis import enforcement_router
from trantib.letters.apis import letters_router
from trantib.operations.apis import operations_router
from trantib.patrols.apis import patrols_router
from trantib.sops.apis import sops_router
from trantib.web.apis import search_router

from .apis import auth_router, fallback_router
from .auth import TokenAuth
from .errors import errors_install
from .types import JSON_VALUE_SCHEMA, MAX_ID, json_object_schemas_place


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _json_number(text: str) -> int | float:
    """A JSON number written with a fraction or an exponent. JSON (and JSON Schema's
    "integer") has one kind of number: ``7.0`` and ``7e0`` are the integer 7, so an id or a
    count sent so is taken as the document says; any other stays a float."""
    exact = Decimal(text)
    if exact.is_finite() and abs(exact) <= MAX_ID and exact == exact.to_integral_value():
        return int(exact)
    return float(text)


class StrictJsonParser(Parser):
    """JSON as the RFC has it: NaN and Infinity are not numbers a database can store; and
    nested no deeper than ``core.jsoninput`` allows (the multipart ``payload`` part too)."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = json_loads(request.body, parse_constant=_refuse_constant, parse_float=_json_number)
        if any(isinstance(v, float) and not math.isfinite(v) for v in _numbers(data)):
            raise ValueError("number out of range")
        return cast(dict[str, Any], data)


def _numbers(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [n for v in value.values() for n in _numbers(v)]
    if isinstance(value, list):
        return [n for v in value for n in _numbers(v)]
    return [value] if isinstance(value, float) else []


class TrantibApi(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        return operation.view_func.__name__

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> OpenAPISchema:
        # The free JSON of a step's fields refers to this recursive schema (types.JsonObject).
        schema = super().get_openapi_schema(*args, **kwargs)
        json_object_schemas_place(schema)
        schema.setdefault("components", {}).setdefault("schemas", {})["JsonValue"] = (
            JSON_VALUE_SCHEMA
        )
        return schema


api = TrantibApi(
    title="Trantib API",
    version="1",
    description=(
        "SOPs, cases, tasks, attachments and complaints of Trantib. Every operation but "
        "`POST /auth/token` needs `Authorization: Bearer <token>`. Errors are "
        '`{"message", "field", "kind"}`.'
    ),
    urls_namespace="api",
    auth=TokenAuth(),
    parser=StrictJsonParser(),
)
errors_install(api)
api.add_router("/auth", auth_router)
api.add_router("/sops", sops_router)
api.add_router("/cases", cases_router)
api.add_router("/tasks", tasks_router)
api.add_router("/attachments", attachments_router)
api.add_router("/complaints", complaints_router)
api.add_router("/letters", letters_router)
api.add_router("/enforcement", enforcement_router)
api.add_router("/patrols", patrols_router)
api.add_router("/operations", operations_router)
api.add_router("/polmas", community_router)
api.add_router("/search", search_router)
api.add_router("", fallback_router)  # last: unknown paths get the JSON 404
