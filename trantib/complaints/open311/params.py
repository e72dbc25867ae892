"""Open311 parameters: the checks every resource makes (control characters, jurisdiction)
and the parsing of what GET and POST requests send (dates, lists, ids, attributes, media).
Bad input is an :class:`Open311Error` with status 400 (404 for another jurisdiction).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from trantib.core.text import XML_INVALID, has_control_characters

from .render import Open311Error

# The spec's defaults for GET requests: a span of 90 days, at most 1000 requests.
REQUESTS_SPAN = dt.timedelta(days=90)
REQUESTS_MAX = 1000
# The dates GET requests takes: nothing before the system, nothing past next year.
DATE_EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
DATE_AHEAD = dt.timedelta(days=366)
_ATTRIBUTE = re.compile(r"^attribute\[(?P<code>[^\]]*)\](?:\[\])?$")
# Every category offers the same optional attribute: the kelurahan/desa, which routing uses.
KELURAHAN = "kelurahan"


def service_attributes() -> list[dict[str, Any]]:
    return [
        {
            "variable": True,
            "code": KELURAHAN,
            "datatype": "string",
            "required": False,
            "datatype_description": _("Nama kelurahan atau desa, misalnya Botok."),
            "order": 1,
            "description": _("Kelurahan/desa tempat kejadian"),
            "values": [],
        }
    ]


# The URL keywords (urls.py) → the spec's name of the value in the path.
_PATH_ARGUMENT = {"code": "service_code", "tracking": "service_request_id", "token": "token"}


def control_check(params: QueryDict, query: QueryDict, path: Mapping[str, Any]) -> None:
    """No parameter (body, query or path) may hold a control character: checked here once
    for every resource, so none reaches a query or a column."""
    named = [(_PATH_ARGUMENT.get(k, k), v) for k, v in path.items() if isinstance(v, str)]
    for given in (params, query) if params is not query else (params,):
        named += [(k, v) for k, values in given.lists() for v in values]
    for name, value in named:
        if has_control_characters(name) or has_control_characters(value):
            raise Open311Error(
                400,
                _("%(name)s berisi karakter kendali.") % {"name": XML_INVALID.sub("?", name[:60])},
            )


def jurisdiction_check(value: str | None) -> None:
    if value and value.strip() != settings.TRANTIB_OPEN311_JURISDICTION:
        raise Open311Error(
            404, _("jurisdiction_id “%(id)s” tidak dilayani di sini.") % {"id": value[:60]}
        )


def moment(params: QueryDict, name: str) -> dt.datetime | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    value: dt.datetime | None
    try:
        # An unescaped "+" of an offset arrives as a space.
        value = parse_datetime(raw) or parse_datetime(raw.replace(" ", "+"))
        if value is None:
            day = parse_date(raw)
            value = dt.datetime.combine(day, dt.time()) if day else None
    except ValueError:
        value = None
    bad = Open311Error(
        400,
        _(
            "%(name)s harus tanggal W3C antara tahun %(year)s dan setahun ke depan, misalnya "
            "2025-01-31T00:00:00+07:00."
        )
        % {"name": name, "year": DATE_EARLIEST.year},
    )
    if value is None:
        raise bad
    try:
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        # In UTC too: the database and the 90-day span compute with it.
        inside = DATE_EARLIEST <= value.astimezone(dt.UTC) <= timezone.now() + DATE_AHEAD
    except (OverflowError, ValueError):  # year 1 or 9999 once its offset is applied
        inside = False
    if not inside:
        raise bad
    return value


def comma_list(params: QueryDict, name: str) -> list[str]:
    return [v.strip() for v in ",".join(params.getlist(name)).split(",") if v.strip()]


_ID = re.compile(r"^[0-9]{1,18}$")  # ASCII digits only, and within a 64-bit key


def request_pk(text: str) -> int | None:
    """A ``service_request_id`` as the complaint's id, or None for anything else."""
    text = (text or "").strip()
    return int(text) if _ID.match(text) else None


def span(start: dt.datetime | None, end: dt.datetime | None) -> tuple[dt.datetime, dt.datetime]:
    """The spec's default: the most recent 90 days, or 90 days from the one date given."""
    if end is None:
        end = start + REQUESTS_SPAN if start is not None else timezone.now()
    if start is None:
        start = end - REQUESTS_SPAN
    return start, end


def attribute_values(params: QueryDict) -> dict[str, str]:
    known = {a["code"] for a in service_attributes()}
    values: dict[str, str] = {}
    for key in params:
        match = _ATTRIBUTE.match(key)
        if match is None:
            continue
        code = match["code"]
        if code not in known:
            raise Open311Error(
                400, _("%(key)s: atribut itu tidak dikenal untuk layanan ini.") % {"key": key[:60]}
            )
        values[code] = ", ".join(v.strip() for v in params.getlist(key) if v.strip())
    return values


def media_url(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(value) > 500:
        raise Open311Error(400, _("media_url harus alamat http(s) yang sah."))
    return value
