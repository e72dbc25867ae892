"""Open311 answers: the spec's XML and its JSON mapping, and the spec's error format.

Every resource comes as ``.xml`` (required by the spec) and ``.json`` (the spec's Spark
mapping of the XML: a list element becomes an array). Errors use the spec's
``errors``/``error`` shape with the HTTP status (400 bad input, 403 bad ``api_key``, 404
unknown thing, 429 too many); :class:`Open311Error` is such an answer raised, and a
``ServiceError`` of ``complaint_file`` is mapped here too, naming the Open311 argument.
"""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

from trantib.core.errors import NotAllowed, NotFound, ServiceError, TooMany
from trantib.core.text import XML_INVALID

CONTENT_TYPES = {
    "xml": "text/xml; charset=utf-8",
    "json": "application/json; charset=utf-8",
}
# The XML element of one item of each list (Spark convention: the list is the plural).
_ITEM = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}
# complaint_file's parameter names → the Open311 argument a client sent.
_ARGUMENT = {
    "category": "service_code",
    "latitude": "lat",
    "longitude": "long",
    "address": "address_string",
    "kelurahan": "attribute[kelurahan]",
    "reporter_name": "first_name",
    "reporter_phone": "phone",
    "reporter_email": "email",
    "description": "description",
}


class Open311Error(Exception):
    """An answer in the spec's error format (``retry_after``: seconds, sent with a 429)."""

    def __init__(self, status: int, description: str, *, retry_after: int | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


def _xml_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return XML_INVALID.sub("", str(value))


def _xml_fill(parent: ET.Element, name: str, value: Any) -> None:
    element = ET.SubElement(parent, name)
    if isinstance(value, Mapping):
        for key, item in value.items():
            _xml_fill(element, key, item)
    elif isinstance(value, list):
        for item in value:
            _xml_fill(element, _ITEM[name], item)
    else:
        element.text = _xml_text(value)


def render(
    fmt: str, root: str, value: Mapping[str, Any] | list[Any], status: int = 200
) -> HttpResponse:
    """``value`` as the spec's XML (root element ``root``) or its JSON mapping."""
    if fmt == "json":
        body = json.dumps(value, ensure_ascii=False).encode("utf-8")
    else:
        fmt = "xml"
        element = ET.Element(root)
        if isinstance(value, list):
            for item in value:
                _xml_fill(element, _ITEM[root], item)
        else:
            for key, item in value.items():
                _xml_fill(element, key, item)
        body = b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(
            element, encoding="utf-8", xml_declaration=False
        )
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def render_error(fmt: str, status: int, description: str) -> HttpResponse:
    return render(fmt, "errors", [{"code": status, "description": description}], status)


def w3(value: dt.datetime | None, zone: Any) -> str | None:
    """W3C/ISO 8601 with the unit's offset: ``2025-03-04T09:15:00+07:00``."""
    if value is None:
        return None
    return timezone.localtime(value, zone).isoformat(timespec="seconds")


def blank(value: str) -> str | None:
    return value or None


def status_of(exc: ServiceError) -> int:
    if isinstance(exc, TooMany):
        return 429
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, NotAllowed):
        return 403
    return 400  # Invalid, Conflict, anything else: the spec's "request cannot be fulfilled"


def described(exc: ServiceError) -> str:
    argument = _ARGUMENT.get(exc.field, exc.field)
    return f"{argument}: {exc.message}" if argument else exc.message
