"""Complaints by SMS: the gateway's webhook, the SMS language, and the reply.

The SMS gateway POSTs every message it receives to ``/sms/masuk/`` (form-encoded or JSON:
``id`` the gateway's message id, ``from`` the sender's number, ``text``, optional
``received_at`` in ISO 8601), with the shared secret ``TRANTIB_SMS_WEBHOOK_SECRET`` in the
``X-Trantib-Secret`` header. An empty secret switches the webhook off (503). The answer is
JSON ``{"status": "complaint"|"status"|"help", "tracking", "reply", "duplicate"}``; the reply
itself goes back to the sender through the outbox, never from inside the request.

The SMS language (one keyword first, upper or lower case; ``#``, ``.``, ``:`` or spaces
between the first words, as people type them on a phone)::

    LAPOR <kode> <uraian dan lokasi>          a complaint, the sender's number kept for the answer
    LAPOR ANONIM <kode> <uraian dan lokasi>   a complaint without name or number
    CEK <nomor pelacakan>                     the public status of a complaint
    INFO / BANTUAN / anything else           the help reply: the format and the category codes

- ``LAPORAN``, ``ADU`` and ``ADUAN`` mean ``LAPOR``; ``STATUS`` and ``LACAK`` mean ``CEK``.
- ``<kode>`` is a category's code or one of its SMS keywords (``Category.keywords``), without
  regard to case. A code is taken off the description; a keyword is a word of the report
  (``LAPOR SPANDUK liar di pohon``) and stays in it. No known code: the category ``lainnya``
  takes the whole text if it still reads as a report (10 characters or more), else the sender
  gets the help reply.
- The place: the words after ``di`` (up to the end of the sentence) become the address, and a
  desa/kelurahan named in the text that a routing rule knows becomes the complaint's
  kelurahan, so the complaint is routed by where it happened.

Idempotency: the gateway may deliver a message twice (a timeout on its side, a retry). The
first delivery inserts the :class:`SmsInbound` row with the gateway's id *first*, in the same
transaction as the complaint and the reply; the unique index makes a concurrent second
delivery wait and then fail, and it answers from the row the first one committed — one
complaint, one reply.

Privacy: for an anonymous report the number reaches only the outbox (the receipt or the help
reply, blanked after sending); neither the complaint nor the kept SMS holds it, whether the
report was filed or refused. A ``CEK`` of an anonymous complaint is not kept with the asker's
number either: whoever asks is probably the reporter. Anonymous reports are rate limited per
number like the others, through the intake counter, which keeps a salted hash of the number
and points to no complaint.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import IntegrityError, transaction
from django.http import HttpRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from trantib.accounts.models import OrgUnit
from trantib.core.errors import Invalid, NotFound, ServiceError, TooMany
from trantib.core.phones import mobile_number, phone_normalise
from trantib.core.text import has_control_characters
from trantib.outbox.models import OutboxMessage
from trantib.outbox.services import outbox_enqueue

from . import selectors, services
from .models import Category, Channel, Complaint, RoutingRule, SmsInbound

logger = logging.getLogger("trantib.complaints.sms")

REPORT_WORDS = frozenset({"LAPOR", "LAPORAN", "ADU", "ADUAN"})
STATUS_WORDS = frozenset({"CEK", "STATUS", "LACAK"})
ANONYMOUS_WORD = "ANONIM"
FALLBACK_CATEGORY = "lainnya"
REPORT_MIN = 10
# A long SMS is ten parts of 153 characters at most on most gateways; more is not an SMS.
TEXT_MAX = 1600
STATUS_REPLY_MAX = 300
HELP_REPLY_MAX = 320
ADDRESS_MAX = 300
# A gateway's time of receipt before this is a broken clock (or a probe), not an SMS.
RECEIVED_EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)

# The first words of an SMS are separated by spaces or by what people type instead.
_WORD = re.compile(r"[\s#*:;,.]*([^\s#*:;,.]+)[\s#*:;,.]*(.*)\Z", re.S)
# "… di depan Pasar Kerjo, Desa Kuto. Sudah seminggu" → "depan Pasar Kerjo, Desa Kuto".
_PLACE = re.compile(r"(?:^|\s)di\s+(.+?)(?:[.!?;](?:\s|\Z)|\n|\Z)", re.I | re.S)


# -- the language -------------------------------------------------------------------------


@dataclass(frozen=True)
class Parsed:
    """What an SMS asks for. ``kind``: "report", "status" or "help"."""

    kind: str
    anonymous: bool = False
    code: str = ""  # the first word after LAPOR [ANONIM], as written
    rest: str = ""  # everything after it (report), or the tracking text (status)
    whole: str = ""  # everything after LAPOR [ANONIM] (for the fallback category)


def _first_word(text: str) -> tuple[str, str]:
    match = _WORD.match(text)
    if match is None:
        return "", ""
    return match.group(1), match.group(2).strip()


def sms_parse(text: str) -> Parsed:
    """Read the keyword, ``ANONIM`` and the category word; the rest is left as written."""
    word, rest = _first_word((text or "").strip())
    keyword = word.upper()
    if keyword in STATUS_WORDS:
        return Parsed(kind="status", rest=rest)
    if keyword not in REPORT_WORDS:
        return Parsed(kind="help")
    anonymous = False
    word, after = _first_word(rest)
    if word.upper() == ANONYMOUS_WORD:
        anonymous, rest = True, after
        word, after = _first_word(rest)
    return Parsed(kind="report", anonymous=anonymous, code=word, rest=after, whole=rest)


def category_match(word: str, categories: list[Category]) -> tuple[Category | None, bool]:
    """The category named by ``word`` and whether it was its code (not a keyword)."""
    wanted = word.casefold()
    if not wanted:
        return None, False
    for category in categories:
        if category.code.casefold() == wanted:
            return category, True
    for category in categories:
        keywords = {k.strip().casefold() for k in category.keywords.split(",") if k.strip()}
        if wanted in keywords:
            return category, False
    return None, False


def place_find(text: str) -> str:
    """The words after ``di`` up to the end of the sentence: the address as written."""
    match = _PLACE.search(text)
    if match is None:
        return ""
    place = " ".join(match.group(1).split()).strip(" ,")
    return place[:ADDRESS_MAX]


def kelurahan_find(text: str, names: list[str]) -> str:
    """A desa/kelurahan of the routing rules named in ``text`` as a whole word (the longest
    name first: "Karangrejo" before "Rejo"); its spelling from the rule."""
    folded = text.casefold()
    for name in sorted(names, key=len, reverse=True):
        if re.search(rf"(?<!\w){re.escape(name.casefold())}(?!\w)", folded):
            return name
    return ""


def _routing_kelurahan() -> list[str]:
    names = RoutingRule.objects.exclude(kelurahan="").values_list("kelurahan", flat=True)
    return sorted({n.strip() for n in names if n.strip()})


# -- the replies --------------------------------------------------------------------------


def help_text(categories: list[Category], reason: str = "") -> str:
    """The format and the active category codes, short enough for two SMS parts."""
    text = _(
        "Format: LAPOR <kode> <uraian> di <lokasi>. Tanpa identitas: LAPOR ANONIM <kode> "
        "<uraian>. Cek status: CEK <nomor pelacakan>."
    )
    if reason:
        text = f"{reason} {text}"
    codes = sorted({c.code for c in categories})
    if not codes:
        return text
    listed = _("Kode:")
    for code in codes:
        more = f"{listed} {code}" if listed.endswith(":") else f"{listed}, {code}"
        if len(text) + 1 + len(more) > HELP_REPLY_MAX:
            break
        listed = more
    return text if listed.endswith(":") else f"{text} {listed}"


def status_text(status: selectors.PublicStatus, zone: dt.tzinfo | None = None) -> str:
    """The public status in one SMS or two: label, last update, the answer if any."""
    last = status.updates[-1] if status.updates else None
    parts = [
        _("Pengaduan %(tracking)s: %(label)s.")
        % {"tracking": status.tracking, "label": status.status_label}
    ]
    if last is not None:
        day = timezone.localtime(last.at, zone).strftime("%d-%m-%Y")
        parts.append(_("Terakhir: %(text)s (%(day)s).") % {"text": last.text, "day": day})
    if status.answer:
        parts.append(_("Hasil: %(answer)s") % {"answer": " ".join(status.answer.split())})
    text = " ".join(parts)
    if len(text) > STATUS_REPLY_MAX:
        text = text[: STATUS_REPLY_MAX - 1].rstrip() + "…"
    return text


# -- the service --------------------------------------------------------------------------


@dataclass(frozen=True)
class SmsOutcome:
    result: str  # SmsInbound.Result
    tracking: str
    reply: str
    duplicate: bool
    inbound: SmsInbound

    def as_json(self) -> dict[str, Any]:
        return {
            "status": self.result,
            "tracking": self.tracking,
            "reply": self.reply,
            "duplicate": self.duplicate,
        }


def _outcome(inbound: SmsInbound, *, duplicate: bool) -> SmsOutcome:
    complaint = inbound.complaint
    return SmsOutcome(
        result=inbound.result,
        tracking=complaint.tracking if complaint is not None else "",
        reply=inbound.reply,
        duplicate=duplicate,
        inbound=inbound,
    )


def _reply_key(gateway_id: str) -> str:
    # The outbox key alphabet is narrow; the gateway's id is anything up to 100 characters.
    return "sms-reply:" + hashlib.sha256(gateway_id.encode()).hexdigest()[:40]


def _reply(
    *,
    unit: OrgUnit | None,
    sender: str,
    body: str,
    kind: str,
    gateway_id: str,
    now: dt.datetime,
    redact: bool = False,
) -> None:
    """Queue a help or status reply; nothing when no number can get an SMS or no unit exists
    to send it from (no active category at all) — the reply is still kept on the SMS row."""
    if unit is None or mobile_number(sender) is None:
        logger.warning("sms %s: reply not queued (no unit or not a mobile number)", gateway_id)
        return
    outbox_enqueue(
        unit=unit,
        channel=OutboxMessage.Channel.SMS,
        recipient=sender,
        body=body,
        kind=kind,
        ref=f"sms:{gateway_id}"[:64],
        idempotency_key=_reply_key(gateway_id),
        redact_after_send=redact,
        now=now,
    )


def sms_receive(
    *,
    gateway_id: str,
    sender: str,
    text: str,
    received_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> SmsOutcome:
    """Act on one SMS from the gateway: file a complaint, answer a status question, or send
    the help reply — once per ``gateway_id`` (a second delivery gets the first answer).

    ``sender`` is a number ``phone_normalise`` accepts. ``received_at``: the
    gateway's time of receipt, the complaint's time (never later than ``now``; before 2000 is
    ``Invalid``).
    """
    now = now or timezone.now()
    at = _received(received_at, now)
    found = _inbound(gateway_id)
    if found is not None:
        return _outcome(found, duplicate=True)
    try:
        with transaction.atomic():
            inbound = _handle(gateway_id=gateway_id, sender=sender, text=text, at=at)
    except IntegrityError:
        # A concurrent delivery of the same message committed first: its answer is ours.
        found = _inbound(gateway_id)
        if found is None:
            raise
        return _outcome(found, duplicate=True)
    return _outcome(inbound, duplicate=False)


def _received(received_at: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    """The complaint's time: the gateway's, bounded to 2000 .. ``now``."""
    if received_at is None:
        return now
    try:
        if received_at.astimezone(dt.UTC) >= RECEIVED_EARLIEST:
            return min(received_at, now)
    except OverflowError:  # beyond datetime's range once in UTC (year 1 or 9999 with an offset)
        if received_at.year > RECEIVED_EARLIEST.year:
            return now
    raise Invalid(
        _("Kolom received_at harus waktu sejak tahun %(year)s.") % {"year": RECEIVED_EARLIEST.year},
        field="received_at",
    )


def _inbound(gateway_id: str) -> SmsInbound | None:
    return SmsInbound.objects.select_related("complaint").filter(gateway_id=gateway_id).first()


def _handle(*, gateway_id: str, sender: str, text: str, at: dt.datetime) -> SmsInbound:
    parsed = sms_parse(text)
    # The row goes in first: on PostgreSQL a concurrent delivery of the same id blocks on the
    # unique index here, before it files anything, and fails once this one commits. An
    # anonymous report is kept without its number whatever becomes of it (filed, refused, or
    # answered with the help reply); the number travels on in ``sender`` to the reply only.
    inbound = SmsInbound.objects.create(
        gateway_id=gateway_id,
        sender="" if parsed.anonymous else sender,
        text=text,
        received_at=at,
        result=SmsInbound.Result.HELP,
    )
    categories = list(selectors.categories_active())
    if parsed.kind == "report":
        _report(inbound, parsed, categories, at, sender=sender)
    elif parsed.kind == "status":
        _status(inbound, parsed, categories, at, sender=sender)
    else:
        _help(inbound, categories, at, sender=sender)
    inbound.save(update_fields=["sender", "result", "complaint", "reply"])
    return inbound


def _help(
    inbound: SmsInbound,
    categories: list[Category],
    at: dt.datetime,
    *,
    sender: str,
    reason: str = "",
    unit: OrgUnit | None = None,
    redact: bool = False,
) -> None:
    inbound.result = SmsInbound.Result.HELP
    inbound.reply = help_text(categories, reason)
    if unit is None and categories:
        unit = categories[0].unit
    _reply(
        unit=unit,
        sender=sender,
        body=inbound.reply,
        kind="sms_help",
        gateway_id=inbound.gateway_id,
        now=at,
        redact=redact,
    )


def _report(
    inbound: SmsInbound,
    parsed: Parsed,
    categories: list[Category],
    at: dt.datetime,
    *,
    sender: str,
) -> None:
    category, by_code = category_match(parsed.code, categories)
    if category is not None:
        description = parsed.rest if by_code else f"{parsed.code} {parsed.rest}".strip()
    else:
        category = next((c for c in categories if c.code == FALLBACK_CATEGORY), None)
        description = parsed.whole
        if category is None or len(description) < REPORT_MIN:
            reason = _("Kode kategori tidak dikenal.") if parsed.code else _("Uraian belum ada.")
            _help(inbound, categories, at, sender=sender, reason=reason, redact=parsed.anonymous)
            return
    address = place_find(description)
    desa = _routing_kelurahan()
    # The desa named in the place first ("di depan balai Desa Kuto"), else anywhere.
    kelurahan = (kelurahan_find(address, desa) if address else "") or kelurahan_find(
        description, desa
    )
    try:
        complaint = services.complaint_file(
            channel=Channel.SMS,
            category=category,
            description=description,
            address=address,
            kelurahan=kelurahan,
            reporter_phone="" if parsed.anonymous else sender,
            anonymous=parsed.anonymous,
            reply_to=sender if parsed.anonymous else "",
            source_ref=inbound.gateway_id,
            # A flood from one number is limited like the web form, anonymous or not. The
            # counter keeps only a salted hash of its client and no complaint points to it, so
            # counting an anonymous number does not tie the report to it.
            client=f"sms-anon|{sender}" if parsed.anonymous else f"sms|{sender}",
            now=at,
        )
    except (Invalid, TooMany) as exc:
        # Too short, too many, or a text the service cannot keep: the sender learns why.
        _help(
            inbound,
            categories,
            at,
            sender=sender,
            reason=exc.message,
            unit=category.unit,
            redact=parsed.anonymous,
        )
        return
    inbound.result = SmsInbound.Result.COMPLAINT
    inbound.complaint = complaint
    receipt = (
        OutboxMessage.objects.filter(ref=f"complaint:{complaint.pk}", kind="complaint_received")
        .order_by("pk")
        .first()
    )
    inbound.reply = (
        receipt.body
        if receipt is not None
        else _("Pengaduan Anda diterima dengan nomor %(tracking)s.")
        % {"tracking": complaint.tracking}
    )


def _status(
    inbound: SmsInbound,
    parsed: Parsed,
    categories: list[Category],
    at: dt.datetime,
    *,
    sender: str,
) -> None:
    tracking = services.tracking_normalise(parsed.rest)
    complaint = (
        Complaint.objects.select_related("unit").filter(tracking=tracking).first()
        if tracking
        else None
    )
    if complaint is None:
        if parsed.rest:
            reason = _("Nomor pelacakan %(tracking)s tidak ditemukan.") % {
                "tracking": parsed.rest[:20]
            }
        else:
            reason = _("Tulis nomor pelacakan setelah CEK.")
        _help(inbound, categories, at, sender=sender, reason=reason)
        return
    try:
        status = selectors.complaint_public_status(complaint.tracking)
    except NotFound:  # pragma: no cover - the complaint was just read
        _help(inbound, categories, at, sender=sender)
        return
    inbound.result = SmsInbound.Result.STATUS
    inbound.complaint = complaint
    inbound.reply = status_text(status, complaint.unit.zone())
    if complaint.anonymous:
        inbound.sender = ""  # whoever asks about an anonymous complaint is likely its reporter
    _reply(
        unit=complaint.unit,
        sender=sender,
        body=inbound.reply,
        kind="sms_status",
        gateway_id=inbound.gateway_id,
        now=at,
        redact=complaint.anonymous,
    )


# -- the webhook --------------------------------------------------------------------------


class BadField(Exception):
    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _error(status: int, message: str, field: str = "") -> JsonResponse:
    body = {"message": message, "field": field} if field else {"message": message}
    return JsonResponse(body, status=status)


def _body(request: HttpRequest) -> dict[str, Any]:
    try:
        if request.content_type == "application/json":
            try:
                data = json.loads(request.body or b"null")
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
