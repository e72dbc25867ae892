"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) at ``/open311/v2/``.

Services are the active complaint categories; a service request is a complaint, its
``service_request_id`` the complaint's database id. Every resource comes as ``.xml`` (required
by the spec) and ``.json`` (the spec's Spark mapping of the XML: a list element becomes an
array). Errors use the spec's ``errors``/``error`` shape with the HTTP status (400 bad input,
403 bad ``api_key``, 404 unknown thing, 429 too many).

Ids are public, tracking numbers are secrets. ``GET requests`` lists every request to anyone,
so its ids must be enumerable without harm; the tracking number (``K7QM-4RTZ``) is what opens
a complaint's status page ``/lacak/<tracking>/`` (the answer to the reporter, a confidential
one's too) and must never be listable. So the tracking number appears only where the caller
has just created the request or already proves to know it: the ``service_notice`` of the POST
response, and ``tokens/{tracking}``. No list, record, notice or note of any other resource
carries one — not even a duplicate's, which names its original by id.

Privacy: a request carries what the citizen wrote (description, place) and public status text
only — never a reporter's name or contact, an officer or an internal note. Status and notes
are the labels of the public status page (:func:`selectors.complaint_public_status`), computed
here for a whole list with one query more; the answer to the reporter joins the notes only
when neither the complaint nor, for a duplicate, its original is confidential (a confidential
reporter reads the outcome on the status page, behind the tracking number). Free text that
leaves (answer, description) has any tracking number in it replaced.

Posting needs an ``api_key`` of an :class:`Open311Client`; only its SHA-256 digest is stored.
Service type is ``realtime``: the POST answers with the ``service_request_id`` and, as the spec
asks, no ``token``. ``tokens/{token}`` takes the tracking number as the token and answers the
request's id, for clients that always ask or that only know the number the citizen holds.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from trantib.cases.models import CaseStatus, Task, TaskStatus
from trantib.cases.services import case_spec
from trantib.core.errors import Conflict, Invalid, NotAllowed, NotFound, ServiceError, TooMany
from trantib.core.keys import key_digest, key_new
from trantib.core.ratelimit import client_address
from trantib.core.text import XML_INVALID, has_control_characters

from . import selectors, services
from .models import Category, Channel, Complaint, Open311Client

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# Sortable date of the last change to the discovery document or the service definitions
# (categories carry no timestamp of their own).
CHANGESET = "2025-01-01T00:00:00Z"
CONTENT_TYPES = {
    "xml": "text/xml; charset=utf-8",
    "json": "application/json; charset=utf-8",
}
KEY_PREFIX = "o311_"
# The spec's defaults for GET requests: a span of 90 days, at most 1000 requests.
REQUESTS_SPAN = dt.timedelta(days=90)
REQUESTS_MAX = 1000

# The order of the spec's response tables (the tests hold the same lists).
REQUEST_FIELDS = (
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
)
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
# The dates GET requests takes: nothing before the system, nothing past next year.
DATE_EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
DATE_AHEAD = dt.timedelta(days=366)
_ATTRIBUTE = re.compile(r"^attribute\[(?P<code>[^\]]*)\](?:\[\])?$")
# A tracking number as the system writes it (K7QM-4RTZ), inside free text.


class Open311Error(Exception):
    """An answer in the spec's error format."""

    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


# -- the one service attribute ------------------------------------------------------------------

# Every category offers the same optional attribute: the kelurahan/desa, which routing uses.
KELURAHAN = "kelurahan"


def _attributes() -> list[dict[str, Any]]:
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


# -- API keys (kept beside the endpoint that checks them) ---------------------------------------


@transaction.atomic
def open311_client_create(
    *, name: str, now: dt.datetime | None = None
) -> tuple[Open311Client, str]:
    """A new client: the row (only the key's digest) and the key, which cannot be shown again."""
    name = (name or "").strip()
    if not name or len(name) > 100 or XML_INVALID.search(name):
        raise Invalid(
            _("Nama aplikasi 1 sampai 100 karakter, tanpa karakter kendali."), field="name"
        )
    if Open311Client.objects.filter(name=name).exists():
        raise Conflict(_("Aplikasi “%(name)s” sudah ada.") % {"name": name}, field="name")
    key = KEY_PREFIX + key_new()
    client = Open311Client.objects.create(
        name=name, key_digest=key_digest(key), active=True, created_at=now or timezone.now()
    )
    return client, key


@transaction.atomic
def open311_client_revoke(*, name: str) -> Open311Client:
    """Stop a client's key from working (the row stays: its complaints name it)."""
    client = Open311Client.objects.select_for_update().filter(name=(name or "").strip()).first()
    if client is None:
        raise NotFound(_("Aplikasi “%(name)s” tidak ada.") % {"name": name}, field="name")
    if client.active:
        client.active = False
        client.save(update_fields=["active"])
    return client


def _client_for(key: str) -> Open311Client:
    key = (key or "").strip()
    client = (
        Open311Client.objects.filter(key_digest=key_digest(key), active=True).first()
        if key
        else None
    )
    if client is None:
        raise Open311Error(403, _("api_key tidak ada atau tidak sah."))
    return client


# -- rendering ----------------------------------------------------------------------------------


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


def _render(
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


def _error(fmt: str, status: int, description: str) -> HttpResponse:
    return _render(fmt, "errors", [{"code": status, "description": description}], status)


def _w3(value: dt.datetime | None, zone: Any) -> str | None:
    """W3C/ISO 8601 with the unit's offset: ``2025-03-04T09:15:00+07:00``."""
    if value is None:
        return None
    return timezone.localtime(value, zone).isoformat(timespec="seconds")


def _blank(value: str) -> str | None:
    return value or None


def _untracked(text: str, *known: Complaint | None) -> str:
    """Free text of a public record without tracking numbers (``services.untracked``): the
    numbers of the complaints at hand in any spelling, any other in the written form."""
    return services.untracked(text, *(c.tracking for c in known if c is not None))


# -- the views ----------------------------------------------------------------------------------

View = Callable[..., HttpResponse]


def _endpoint(*methods: str) -> Callable[[View], View]:
    """One Open311 resource: the format checked, the jurisdiction checked, every refusal in
    the spec's error format."""

    def wrap(view: View) -> View:
        @csrf_exempt
        @functools.wraps(view)
        def handle(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
            if fmt not in CONTENT_TYPES:
                return _error(
                    "xml",
                    404,
                    _("Format “%(fmt)s” tidak dikenal; pakai xml atau json.") % {"fmt": fmt[:20]},
                )
            if request.method not in methods:
                response = _error(
                    fmt,
                    405,
                    _("Metode %(method)s tidak didukung di sini.") % {"method": request.method},
                )
                response["Allow"] = ", ".join(methods)
                return response
            try:
                params = request.POST if request.method == "POST" else request.GET
                _control_check(params, request.GET, kwargs)
                _jurisdiction_check(
                    params.get("jurisdiction_id") or request.GET.get("jurisdiction_id")
                )
                return view(request, fmt, params, **kwargs)
            except (SuspiciousOperation, MultiPartParserError):
                return _error(fmt, 400, _("Permintaan tidak dapat dibaca."))
            except Open311Error as exc:
                return _error(fmt, exc.status, exc.description)
            except ServiceError as exc:
                return _error(fmt, _status_of(exc), _described(exc))

        return handle

    return wrap


def _status_of(exc: ServiceError) -> int:
    if isinstance(exc, TooMany):
        return 429
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, NotAllowed):
        return 403
    return 400  # Invalid, Conflict, anything else: the spec's "request cannot be fulfilled"


def _described(exc: ServiceError) -> str:
    argument = _ARGUMENT.get(exc.field, exc.field)
    return f"{argument}: {exc.message}" if argument else exc.message


# The URL keywords (open311_urls.py) → the spec's name of the value in the path.
_PATH_ARGUMENT = {"code": "service_code", "tracking": "service_request_id", "token": "token"}


def _control_check(params: QueryDict, query: QueryDict, path: Mapping[str, Any]) -> None:
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


def _jurisdiction_check(value: str | None) -> None:
    if value and value.strip() != settings.TRANTIB_OPEN311_JURISDICTION:
        raise Open311Error(
            404, _("jurisdiction_id “%(id)s” tidak dilayani di sini.") % {"id": value[:60]}
        )


@csrf_exempt
def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """Anything under /open311/v2/ that is no resource: the spec's 404, in its format."""
    fmt = path.rsplit(".", 1)[-1] if "." in path else "xml"
    return _error(fmt if fmt in CONTENT_TYPES else "xml", 404, _("Sumber tidak ditemukan."))


@_endpoint("GET")
def discovery(request: HttpRequest, fmt: str, params: QueryDict) -> HttpResponse:
    base = str(getattr(settings, "TRANTIB_PUBLIC_URL", "")).rstrip("/")
    root = reverse("open311-discovery", kwargs={"fmt": fmt}).rsplit("/", 1)[0]
    url = f"{base}{root}" if base else request.build_absolute_uri(root)
    document = {
        "changeset": CHANGESET,
        "contact": _("Hubungi kantor kecamatan yang menangani pengaduan Anda."),
        "key_service": _(
            "api_key diberikan oleh pengelola Trantib (perintah: trantib open311 key create NAMA)."
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": url,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return _render(fmt, "discovery", document)


def _service(category: Category) -> dict[str, Any]:
    keywords = ", ".join(k.strip() for k in category.keywords.split(",") if k.strip())
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": True,
        "type": "realtime",
        "keywords": keywords,
        "group": category.unit.name,
    }


@_endpoint("GET")
def service_list(request: HttpRequest, fmt: str, params: QueryDict) -> HttpResponse:
    return _render(fmt, "services", [_service(c) for c in selectors.categories_active()])


def _category(code: str) -> Category:
    category = selectors.categories_active().filter(code=(code or "").strip()).first()
    if category is None:
        raise Open311Error(
            404, _("service_code “%(code)s” tidak dikenal.") % {"code": (code or "")[:40]}
        )
    return category


@_endpoint("GET")
def service_definition(
    request: HttpRequest, fmt: str, params: QueryDict, *, code: str
) -> HttpResponse:
    category = _category(code)
    return _render(
        fmt, "service_definition", {"service_code": category.code, "attributes": _attributes()}
    )


# -- service requests ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Public:
    status: str  # "open" or "closed"
    notes: str
    updated: dt.datetime


def _public_states(complaints: list[Complaint]) -> dict[int, _Public]:
    """The public status of each complaint (the status page's labels) in one query: its done
    steps. A duplicate or cancelled complaint is closed; the notes say why."""
    done: dict[int, list[tuple[str, dt.datetime | None]]] = {}
    rows = Task.objects.filter(
        case_id__in=[c.case_id for c in complaints], status=TaskStatus.DONE
    ).values_list("case_id", "step_id", "completed_at")
    for case_id, step_id, completed_at in rows:
        done.setdefault(case_id, []).append((step_id, completed_at))
    states = {}
    for c in complaints:
        start = case_spec(c.case).start.id
        steps = [(s, at) for s, at in done.get(c.case_id, []) if s != start and at is not None]
        original = c.duplicate_of
        # An answer written to a confidential reporter stays on the status page, behind the
        # tracking number; so does a duplicate's of a confidential original, which repeats it.
        private = c.confidential or (original is not None and original.confidential)
        answer = "" if private else c.answer_text
        if original is not None:
            status = "closed"
            # The original's id: its tracking number is the other reporter's secret.
            label = _("Digabung dengan permintaan %(id)s") % {"id": original.pk}
            if not answer and not private and original.answered_at is not None:
                answer = original.answer_text
        elif c.case.status == CaseStatus.CLOSED:
            status, label = "closed", _("Selesai")
        elif c.case.status == CaseStatus.CANCELLED:
            status, label = "closed", _("Dibatalkan")
        elif not steps:
            status, label = "open", _("Diterima, menunggu tindak lanjut")
        else:
            status, label = "open", _("Sedang ditindaklanjuti")
        moments = [c.received_at, c.case.closed_at, c.answered_at, *(at for _s, at in steps)]
        states[c.pk] = _Public(
            status=status,
            notes=f"{label}. {_untracked(answer, c, c.duplicate_of)}" if answer else label,
            updated=max(m for m in moments if m is not None),
        )
    return states


def _notice(complaint: Complaint, due: dt.datetime | None) -> str:
    """The notice of every record: who handles it and by when — no tracking number, as records
    are public."""
    if due is None:
        return _("Ditangani %(unit)s.") % {"unit": complaint.unit.name}
    return _("Ditangani %(unit)s; jawaban kepada pelapor paling lambat %(date)s.") % {
        "unit": complaint.unit.name,
        "date": timezone.localtime(due, complaint.unit.zone()).strftime("%d-%m-%Y"),
    }


def _request_record(complaint: Complaint, state: _Public) -> dict[str, Any]:
    zone = complaint.unit.zone()
    due = selectors.answer_due(complaint)
    address = ", ".join(p for p in (complaint.address, complaint.kelurahan) if p)
    # The order of the spec's response table (REQUEST_FIELDS).
    return {
        "service_request_id": str(complaint.pk),
        "status": state.status,
        "status_notes": state.notes,
        "service_name": complaint.category.name,
        "service_code": complaint.category.code,
        "description": _untracked(complaint.description, complaint),
        "agency_responsible": complaint.unit.name,
        "service_notice": _notice(complaint, due),
        "requested_datetime": _w3(complaint.received_at, zone),
        "updated_datetime": _w3(state.updated, zone),
        "expected_datetime": _w3(due, zone),
        "address": _blank(address),
        "address_id": None,
        "zipcode": None,
        "lat": float(complaint.latitude) if complaint.latitude is not None else None,
        "long": float(complaint.longitude) if complaint.longitude is not None else None,
        "media_url": None,
    }


def _complaints() -> QuerySet[Complaint]:
    return Complaint.objects.select_related(
        "unit", "category", "case__sop_version", "duplicate_of"
    ).order_by("-received_at", "-pk")


def _records(complaints: Iterable[Complaint]) -> list[dict[str, Any]]:
    rows = list(complaints)
    states = _public_states(rows)
    return [_request_record(c, states[c.pk]) for c in rows]


def _moment(params: QueryDict, name: str) -> dt.datetime | None:
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


def _list(params: QueryDict, name: str) -> list[str]:
    return [v.strip() for v in ",".join(params.getlist(name)).split(",") if v.strip()]


_ID = re.compile(r"^[0-9]{1,18}$")  # ASCII digits only, and within a 64-bit key


def _pk(text: str) -> int | None:
    """A ``service_request_id`` as the complaint's id, or None for anything else."""
    text = (text or "").strip()
    return int(text) if _ID.match(text) else None


def _span(start: dt.datetime | None, end: dt.datetime | None) -> tuple[dt.datetime, dt.datetime]:
    """The spec's default: the most recent 90 days, or 90 days from the one date given."""
    if end is None:
        end = start + REQUESTS_SPAN if start is not None else timezone.now()
    if start is None:
        start = end - REQUESTS_SPAN
    return start, end


def _requests_query(params: QueryDict) -> list[dict[str, Any]]:
    ids = _list(params, "service_request_id")
    if ids:
        # The spec: service_request_id overrides every other argument.
        wanted = {_pk(i) for i in ids[:REQUESTS_MAX]} - {None}
        return _records(_complaints().filter(pk__in=wanted)[:REQUESTS_MAX])
    qs = _complaints()
    codes = _list(params, "service_code")
    if codes:
        qs = qs.filter(category__code__in=codes)
    statuses = set(_list(params, "status"))
    if statuses - {"open", "closed"}:
        raise Open311Error(400, _("status hanya open atau closed (boleh keduanya, dipisah koma)."))
    is_open = Q(case__status=CaseStatus.OPEN, duplicate_of__isnull=True)
    if statuses == {"open"}:
        qs = qs.filter(is_open)
    elif statuses == {"closed"}:
        qs = qs.exclude(is_open)
    start, end = _span(_moment(params, "start_date"), _moment(params, "end_date"))
    if end < start:
        raise Open311Error(400, _("end_date lebih awal dari start_date."))
    if end - start > REQUESTS_SPAN:
        raise Open311Error(400, _("Rentang start_date–end_date paling lama 90 hari."))
    qs = qs.filter(received_at__gte=start, received_at__lte=end)
    return _records(qs[:REQUESTS_MAX])


@_endpoint("GET", "POST")
def request_list(request: HttpRequest, fmt: str, params: QueryDict) -> HttpResponse:
    if request.method == "POST":
        return _request_post(request, fmt, params)
    return _render(fmt, "service_requests", _requests_query(params))


def _one(service_request_id: str) -> Complaint:
    pk = _pk(service_request_id)
    complaint = _complaints().filter(pk=pk).first() if pk is not None else None
    if complaint is None:
        raise Open311Error(
            404,
            _("service_request_id “%(id)s” tidak ditemukan.") % {"id": service_request_id[:20]},
        )
    return complaint


@_endpoint("GET")
def request_detail(
    request: HttpRequest, fmt: str, params: QueryDict, *, tracking: str
) -> HttpResponse:
    # The URL keyword is named ``tracking`` (open311_urls.py); it holds the service_request_id.
    return _render(fmt, "service_requests", _records([_one(tracking)]))


@_endpoint("GET")
def token_detail(request: HttpRequest, fmt: str, params: QueryDict, *, token: str) -> HttpResponse:
    # Requests are realtime: the token of a request is its tracking number. Whoever sends it
    # knows the secret already, so it may be echoed beside the id.
    normal = services.tracking_normalise(token)
    complaint = (
        Complaint.objects.filter(tracking=normal).only("pk", "tracking").first() if normal else None
    )
    if complaint is None:
        raise Open311Error(404, _("token “%(token)s” tidak ditemukan.") % {"token": token[:20]})
    return _render(
        fmt,
        "service_requests",
        [{"service_request_id": str(complaint.pk), "token": complaint.tracking}],
    )


def _attribute_values(params: QueryDict) -> dict[str, str]:
    known = {a["code"] for a in _attributes()}
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


def _media_url(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(value) > 500:
        raise Open311Error(400, _("media_url harus alamat http(s) yang sah."))
    return value


def _request_post(request: HttpRequest, fmt: str, params: QueryDict) -> HttpResponse:
    client = _client_for(params.get("api_key", ""))
    code = (params.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, _("service_code wajib diisi."))
    category = _category(code)
    lat, lon = (params.get("lat") or "").strip(), (params.get("long") or "").strip()
    address = (params.get("address_string") or "").strip()
    if not (lat or lon or address):
        if (params.get("address_id") or "").strip():
            raise Open311Error(
                400,
                _(
                    "address_id tidak dikenal di sini (tidak ada daftar alamat induk); "
                    "kirim lat dan long atau address_string."
                ),
            )
        raise Open311Error(400, _("Lokasi wajib diisi: lat dan long, atau address_string."))
    attributes = _attribute_values(params)
    description = params.get("description") or ""
    media = _media_url(params.get("media_url", ""))
    if media:
        # No place for a link of its own: the officers read it with the description.
        description = f"{description.strip()}\n\nMedia: {media}"
    name = " ".join(
        p
        for p in ((params.get("first_name") or "").strip(), (params.get("last_name") or "").strip())
        if p
    )
    device = (params.get("device_id") or "").strip()[:60]
    with transaction.atomic():
        # Per app as well as per device: a device id is the app's word, and an app (or whoever
        # holds its key) resets a per-device count by sending another one.
        services.rate_limit_take(
            client=f"open311-key|{client.pk}", limit=settings.TRANTIB_OPEN311_RATE_LIMIT
        )
        complaint = services.complaint_file(
            channel=Channel.OPEN311,
            category=category,
            description=description,
            latitude=lat,
            longitude=lon,
            address=address,
            kelurahan=attributes.get(KELURAHAN, ""),
            reporter_name=name,
            reporter_phone=params.get("phone") or "",
            reporter_email=params.get("email") or "",
            # The public rate limit counts per device where the app names one, else per
            # address.
            client=f"open311|{client.pk}|{device or client_address(request)}",
            source_ref=f"{client.name}|{device}" if device else client.name,
        )
    complaint = _complaints().get(pk=complaint.pk)
    account = (params.get("account_id") or "").strip()[:100]
    # The one answer that names the tracking number: the app has just created the request
    # and must hand the number to the citizen, who follows the complaint with it.
    notice = _("Nomor pelacakan %(tracking)s; ikuti di %(url)s. %(notice)s") % {
        "tracking": complaint.tracking,
        # Absolute even without TRANTIB_PUBLIC_URL: the app shows it outside this site.
        "url": request.build_absolute_uri(services.status_url(complaint.tracking)),
        "notice": _notice(complaint, selectors.answer_due(complaint)),
    }
    response = {
        "service_request_id": str(complaint.pk),
        "service_notice": notice,
        "account_id": account or None,
    }
    return _render(fmt, "service_requests", [response])
