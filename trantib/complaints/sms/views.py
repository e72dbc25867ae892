"""The SMS gateway's webhook, ``POST /sms/masuk/``.

The gateway POSTs every message it receives (form-encoded or JSON: ``id`` the gateway's
message id, ``from`` the sender's number, ``text``, optional ``received_at`` in ISO 8601),
with the shared secret ``TRANTIB_SMS_WEBHOOK_SECRET`` in the ``X-Trantib-Secret`` header. An
empty secret switches the webhook off (503). The answer is JSON ``{"status":
"complaint"|"status"|"help", "tracking", "reply", "duplicate"}``; the reply itself goes back to
the sender through the outbox, never from inside the request (:func:`.services.sms_receive`).
"""

from __future__ import annotations

import hmac
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from trantib.core.errors import ServiceError
from trantib.core.jsoninput import JsonTooDeep, json_loads
from trantib.core.phones import phone_normalise
from trantib.core.text import has_control_characters

from .services import sms_receive

logger = logging.getLogger("trantib.complaints.sms")

# A long SMS is ten parts of 153 characters at most on most gateways; more is not an SMS.
TEXT_MAX = 1600


class BadField(Exception):
    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _error(status: int, message: str, field: str = "") -> JsonResponse:
    body = {"message": message, "field": field} if field else {"message": message}
    return JsonResponse(body, status=status)


def sms_unavailable(request: HttpRequest, message: str) -> JsonResponse:
    """The database cannot be reached: a 503 the gateway retries (trantib.core.dbdown)."""
    return _error(503, message)


def _body(request: HttpRequest) -> dict[str, Any]:
    try:
        if request.content_type == "application/json":
            try:
                data = json_loads(request.body or b"null")
            except JsonTooDeep as exc:
                raise BadField(exc.message, "body") from None
            except ValueError:
                raise BadField(_("Isi permintaan bukan JSON yang sah."), "body") from None
            if not isinstance(data, dict):
                raise BadField(_("Isi permintaan harus objek JSON."), "body")
            return data
        return {key: request.POST.get(key) for key in request.POST}
    except (RequestDataTooBig, SuspiciousOperation, MultiPartParserError):
        raise BadField(_("Isi permintaan terlalu besar atau rusak."), "body") from None


def _string(data: dict[str, Any], field: str, *, limit: int, required: bool = True) -> str:
    value = data.get(field)
    if value is None:
        if required:
            raise BadField(_("Kolom %(field)s wajib diisi.") % {"field": field}, field)
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise BadField(_("Kolom %(field)s harus teks.") % {"field": field}, field)
    text = str(value)
    if len(text) > limit:
        raise BadField(
            _("Kolom %(field)s paling panjang %(n)s karakter.") % {"field": field, "n": limit},
            field,
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise BadField(_("Kolom %(field)s bukan teks UTF-8.") % {"field": field}, field) from None
    if has_control_characters(text):
        raise BadField(_("Kolom %(field)s berisi karakter kendali.") % {"field": field}, field)
    return text


def sms_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The webhook's fields checked: gateway_id, sender (+62…), text, received_at."""
    gateway_id = _string(data, "id", limit=100).strip()
    if not gateway_id:
        raise BadField(_("Kolom id wajib diisi."), "id")
    raw_sender = _string(data, "from", limit=30).strip()
    if not raw_sender:
        raise BadField(_("Kolom from wajib diisi."), "from")
    try:
        sender = phone_normalise(raw_sender)
    except ValueError:
        raise BadField(
            _("Nomor pengirim “%(value)s” bukan nomor telepon Indonesia.") % {"value": raw_sender},
            "from",
        ) from None
    text = _string(data, "text", limit=TEXT_MAX)
    received_raw = _string(data, "received_at", limit=40, required=False).strip()
    received_at = None
    if received_raw:
        try:
            received_at = parse_datetime(received_raw)
            if received_at is not None and timezone.is_naive(received_at):
                received_at = timezone.make_aware(received_at)
        except (ValueError, OverflowError):
            received_at = None
        if received_at is None:
            raise BadField(
                _("Kolom received_at harus waktu ISO 8601, misalnya 2025-03-01T08:30:00+07:00."),
                "received_at",
            )
    return {"gateway_id": gateway_id, "sender": sender, "text": text, "received_at": received_at}


def _authorised(request: HttpRequest, secret: str) -> bool:
    given = request.headers.get("X-Trantib-Secret", "")
    return hmac.compare_digest(given.encode("utf-8", "replace"), secret.encode("utf-8"))


@csrf_exempt
def sms_webhook(request: HttpRequest) -> JsonResponse:
    """POST /sms/masuk/: one message from the SMS gateway (see the module docstring)."""
    if request.method != "POST":
        response = _error(405, _("Hanya POST."))
        response["Allow"] = "POST"
        return response
    secret = str(getattr(settings, "TRANTIB_SMS_WEBHOOK_SECRET", "") or "")
    if not secret:
        return _error(
            503,
            _("Webhook SMS tidak aktif: TRANTIB_SMS_WEBHOOK_SECRET belum diatur di server."),
        )
    if not _authorised(request, secret):
        return _error(403, _("Rahasia webhook (X-Trantib-Secret) salah atau tidak ada."))
    try:
        fields = sms_fields(_body(request))
    except BadField as exc:
        return _error(400, exc.message, exc.field)
    try:
        outcome = sms_receive(**fields)
    except ServiceError as exc:
        return _error(exc.status if exc.status != 422 else 400, exc.message, exc.field)
    logger.info(
        "sms %s: %s%s",
        fields["gateway_id"],
        outcome.result,
        " (again)" if outcome.duplicate else "",
    )
    return JsonResponse(outcome.as_json())
