"""The Open311 endpoints under ``/open311/v2/`` (``urls.py``): discovery, services, service
definitions, requests (GET and POST), one request, tokens.

Every resource goes through :func:`_endpoint`: the format and the jurisdiction checked, no
control character in any parameter, every refusal in the spec's error format. Service type is
``realtime``: the POST answers with the ``service_request_id`` and, as the spec asks, no
``token``. The POST's ``service_notice`` is the one answer that names the tracking number: the
app has just created the request and hands it to the citizen.

Only public complaints are read back (``selectors.request_complaints``), ``tokens/`` included.
Reads of service requests count against a per-client limit
(``services.open311_read_rate_take``), ``tokens/`` against the limit of lookups by tracking
number that the status page shares (``services.lookup_rate_take``); past either, a 429 with
``Retry-After``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from trantib.core.errors import ServiceError, TooMany
from trantib.core.jsoninput import JsonTooDeep, json_depth_exceeds
from trantib.core.links import absolute_url
from trantib.core.ratelimit import client_address

from .. import selectors, services
from ..models import Category, Channel, Complaint
from .keys import client_for
from .params import (
    KELURAHAN,
    attribute_values,
    control_check,
    jurisdiction_check,
    media_url,
    service_attributes,
)
from .render import CONTENT_TYPES, Open311Error, described, render, render_error, status_of
from .selectors import (
    category_for_code,
    request_notice,
    request_one,
    request_records,
    requests_query,
)

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# Sortable date of the last change to the discovery document or the service definitions
# (categories carry no timestamp of their own).
CHANGESET = "2025-01-01T00:00:00Z"

View = Callable[..., HttpResponse]


def _endpoint(*methods: str) -> Callable[[View], View]:
    """One Open311 resource: the format checked, the jurisdiction checked, every refusal in
    the spec's error format."""

    def wrap(view: View) -> View:
        @csrf_exempt
        @functools.wraps(view)
        def handle(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
            if fmt not in CONTENT_TYPES:
                return render_error(
                    "xml",
                    404,
                    _("Format “%(fmt)s” tidak dikenal; pakai xml atau json.") % {"fmt": fmt[:20]},
                )
            if request.method not in methods:
                response = render_error(
                    fmt,
                    405,
                    _("Metode %(method)s tidak didukung di sini.") % {"method": request.method},
                )
                response["Allow"] = ", ".join(methods)
                return response
            try:
                # No resource reads JSON, but no JSON body may be deeper than any door allows.
                if "json" in (request.content_type or "") and json_depth_exceeds(request.body):
                    raise Open311Error(400, JsonTooDeep().message)
                params = request.POST if request.method == "POST" else request.GET
                control_check(params, request.GET, kwargs)
                jurisdiction_check(
                    params.get("jurisdiction_id") or request.GET.get("jurisdiction_id")
                )
                return view(request, fmt, params, **kwargs)
            except (SuspiciousOperation, MultiPartParserError):
                return render_error(fmt, 400, _("Permintaan tidak dapat dibaca."))
            except Open311Error as exc:
                response = render_error(fmt, exc.status, exc.description)
                if exc.retry_after is not None:
                    response["Retry-After"] = str(exc.retry_after)
                return response
            except ServiceError as exc:
                return render_error(fmt, status_of(exc), described(exc))

        return handle

    return wrap


@csrf_exempt
def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """Anything under /open311/v2/ that is no resource: the spec's 404, in its format."""
    fmt = path.rsplit(".", 1)[-1] if "." in path else "xml"
    return render_error(fmt if fmt in CONTENT_TYPES else "xml", 404, _("Sumber tidak ditemukan."))


def open311_unavailable(request: HttpRequest, message: str) -> HttpResponse:
    """The database cannot be reached: the spec's error format, in the format asked for, with
    503 (trantib.core.dbdown)."""
    fmt = request.path.rsplit(".", 1)[-1] if "." in request.path else "xml"
    return render_error(fmt if fmt in CONTENT_TYPES else "xml", 503, message)


@_endpoint("GET")
def discovery(request: HttpRequest, fmt: str, params: QueryDict) -> HttpResponse:
    root = reverse("open311-discovery", kwargs={"fmt": fmt}).rsplit("/", 1)[0]
    url = absolute_url(root, request)
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
    return render(fmt, "discovery", document)


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
    return render(fmt, "services", [_service(c) for c in selectors.categories_active()])


@_endpoint("GET")
def service_definition(
    request: HttpRequest, fmt: str, params: QueryDict, *, code: str
) -> HttpResponse:
    category = category_for_code(code)
    return render(
        fmt,
        "service_definition",
        {"service_code": category.code, "attributes": service_attributes()},
    )


def _read_counted(request: HttpRequest) -> None:
    try:
        services.open311_read_rate_take(client=client_address(request))
    except TooMany as exc:
        raise Open311Error(
            429, exc.message, retry_after=services.open311_read_rate_window()
        ) from None


@_endpoint("GET", "POST")
def request_list(request: HttpRequest, fmt: str, params: QueryDict) -> HttpResponse:
    if request.method == "POST":
        return _request_post(request, fmt, params)
    _read_counted(request)
    return render(fmt, "service_requests", requests_query(params))


@_endpoint("GET")
def request_detail(
    request: HttpRequest, fmt: str, params: QueryDict, *, tracking: str
) -> HttpResponse:
    _read_counted(request)
    # The URL keyword is named ``tracking`` (urls.py); it holds the service_request_id.
    return render(fmt, "service_requests", request_records([request_one(tracking)]))


@_endpoint("GET")
def token_detail(request: HttpRequest, fmt: str, params: QueryDict, *, token: str) -> HttpResponse:
    try:
        services.lookup_rate_take(client=client_address(request))
    except TooMany as exc:
        raise Open311Error(429, exc.message, retry_after=services.lookup_rate_window()) from None
    # Requests are realtime: the token of a request is its tracking number. Whoever sends it
    # knows the secret already, so it may be echoed beside the id. A request that is not
    # public has no public id to give: the same 404 as an unknown token.
    normal = services.tracking_normalise(token)
    complaint = (
        Complaint.objects.filter(tracking=normal, public=True).only("pk", "tracking").first()
        if normal
        else None
    )
    if complaint is None:
        raise Open311Error(404, _("token “%(token)s” tidak ditemukan.") % {"token": token[:20]})
    return render(
        fmt,
        "service_requests",
        [{"service_request_id": str(complaint.pk), "token": complaint.tracking}],
    )


def _request_post(request: HttpRequest, fmt: str, params: QueryDict) -> HttpResponse:
    client = client_for(params.get("api_key", ""))
    code = (params.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, _("service_code wajib diisi."))
    category = category_for_code(code)
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
    attributes = attribute_values(params)
    description = params.get("description") or ""
    media = media_url(params.get("media_url", ""))
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
    # Re-read with the unit and the SOP version the notice needs.
    complaint = Complaint.objects.select_related("unit", "case__sop_version").get(pk=complaint.pk)
    account = (params.get("account_id") or "").strip()[:100]
    # The one answer that names the tracking number: the app has just created the request
    # and must hand the number to the citizen, who follows the complaint with it.
    notice = _("Nomor pelacakan %(tracking)s; ikuti di %(url)s. %(notice)s") % {
        "tracking": complaint.tracking,
        # Absolute even without TRANTIB_PUBLIC_URL: the app shows it outside this site.
        "url": services.status_url(complaint.tracking, request=request),
        "notice": request_notice(complaint, selectors.answer_due(complaint)),
    }
    response = {
        "service_request_id": str(complaint.pk),
        "service_notice": notice,
        "account_id": account or None,
    }
    return render(fmt, "service_requests", [response])
