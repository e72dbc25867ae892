"""Every error the API answers, in one shape: ``{"message": …, "field": …, "kind": …}``.

``kind`` is ``input`` when the request does not fit what the operation's OpenAPI document
says (a body that is not JSON, a field of the wrong type or form, an unknown field): only
this module's reading of a request gives it, so a request the document allows never gets it
(schemathesis checks this). A request that fits the document may still be refused by the
rules (``refused``: a step the SOP does not allow, an unknown category, a closed task),
``not_found``, ``auth`` (no valid token) or ``throttled``; ``unavailable`` (503 with
``Retry-After``) when the database cannot be reached, whatever the request
(:mod:`trantib.core.dbdown`).

``ServiceError`` keeps its status (Invalid 422, NotAllowed 403, NotFound 404, Conflict 409,
TooMany 429);
ninja's input validation is 422 naming the first field at fault; a body that is not JSON, a
broken multipart upload or an oversized request is 400; a missing or unknown token is 401.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from trantib.core.dbdown import unavailable
from trantib.core.errors import ServiceError
from trantib.core.jsoninput import JsonTooDeep

Handler = Callable[[HttpRequest, Any], HttpResponse]

# Where ninja found the input: the first element of an error's ``loc``.
_SOURCES = {"body", "query", "path", "form", "file", "header", "cookie"}


def error_body(message: str, field: str = "", kind: str = "input") -> dict[str, str]:
    return {"message": message, "field": field, "kind": kind}


def unavailable_answer(request: HttpRequest, message: str) -> HttpResponse:
    """The API's 503 while the database cannot be reached (status and ``Retry-After`` are
    set by :func:`trantib.core.dbdown.unavailable`, which also answers for a failure before
    the API's view, e.g. in a middleware)."""
    return JsonResponse(error_body(message, "", "unavailable"), status=503)


def _field_of(loc: list[Any] | tuple[Any, ...], body_params: set[str]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in _SOURCES:
        source = parts.pop(0)
        # A JSON body is validated under the name of its parameter: drop it.
        if source == "body" and parts and parts[0] in body_params:
            parts.pop(0)
    return ".".join(parts)


def _message_of(error: dict[str, Any]) -> str:
    kind = str(error.get("type", ""))
    if kind == "missing":
        return _("Wajib diisi.")
    if kind == "extra_forbidden":
        return _("Isian ini tidak dikenal oleh operasi ini.")
    if kind in ("model_attributes_type", "model_type", "dict_type"):
        return _("Harus berupa objek JSON.")
    if kind == "value_error":
        # Our own validators (schemas._text_check …): their message is already ours.
        ctx = error.get("ctx") or {}
        return str(ctx.get("error", error.get("msg", "")))
    ctx = error.get("ctx") or {}
    if kind in _KIND_MESSAGES:
        return str(_KIND_MESSAGES[kind]) % {k: ctx.get(k, "") for k in ("max_length", "ge", "le")}
    # Pydantic's own text is English: name the rule instead.
    return _("Nilai tidak sah (%(kind)s).") % {"kind": kind}


_KIND_MESSAGES = {
    "string_type": gettext_lazy("Harus berupa teks."),
    "int_type": gettext_lazy("Harus berupa bilangan bulat."),
    "int_parsing": gettext_lazy("Harus berupa bilangan bulat."),
    "bool_type": gettext_lazy("Harus true atau false."),
    "float_type": gettext_lazy("Harus berupa angka."),
    "float_parsing": gettext_lazy("Harus berupa angka."),
    "list_type": gettext_lazy("Harus berupa daftar."),
    "string_too_long": gettext_lazy("Terlalu panjang: paling banyak %(max_length)s karakter."),
    "string_pattern_mismatch": gettext_lazy("Bentuknya tidak sah."),
    "greater_than_equal": gettext_lazy("Paling kecil %(ge)s."),
    "less_than_equal": gettext_lazy("Paling besar %(le)s."),
    "date_type": gettext_lazy("Harus tanggal TTTT-BB-HH."),
    "date_from_datetime_parsing": gettext_lazy("Harus tanggal TTTT-BB-HH."),
}


def validation_error_body(errors: list[dict[str, Any]]) -> dict[str, str]:
    if not errors:
        return error_body(_("Masukan tidak sah."))
    first = errors[0]
    return error_body(_message_of(first), _field_of(first.get("loc", ()), {"payload"}))


def errors_install(api: NinjaAPI) -> None:
    def service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
        return api.create_response(
            request, error_body(exc.message, exc.field, exc.kind), status=exc.status
        )

    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return api.create_response(request, validation_error_body(exc.errors), status=422)

    def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = api.create_response(
            request,
            error_body(_("Token API tidak ada atau tidak berlaku."), "Authorization", "auth"),
            status=401,
        )
        response["WWW-Authenticate"] = 'Bearer realm="trantib"'
        return response

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja's 400 is a body it could not parse; its other HttpErrors carry their text.
        message = _("Isi permintaan bukan JSON yang sah.") if exc.status_code == 400 else str(exc)
        if isinstance(exc.__cause__, JsonTooDeep):
            message = exc.__cause__.message
        kind = "input" if exc.status_code == 400 else "refused"
        return api.create_response(request, error_body(message, "", kind), status=exc.status_code)

    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(
            request, error_body(_("Tidak ditemukan."), "", "not_found"), status=404
        )

    def bad_upload(request: HttpRequest, exc: Exception) -> HttpResponse:
        return api.create_response(
            request, error_body(_("Permintaan rusak atau terlalu besar.")), status=400
        )

    handlers: list[tuple[type[Exception], Handler]] = [
        (ServiceError, service_error),
        (ValidationError, validation_error),
        (AuthenticationError, authentication_error),
        (HttpError, http_error),
        (Http404, not_found),
        (MultiPartParserError, bad_upload),
        # RequestDataTooBig, TooManyFieldsSent …: Django would answer them with an HTML 400.
        (SuspiciousOperation, bad_upload),
        # The database cannot be reached: 503, kind "unavailable" (unavailable_answer).
        (OperationalError, unavailable),
        (InterfaceError, unavailable),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)
