"""The inbound SMS service: one message from the gateway → a complaint, a status reply or
the help reply (the language is in :mod:`.language`, the webhook in :mod:`.views`).

Idempotency: the gateway may deliver a message twice (a timeout on its side, a retry). The
first delivery inserts the :class:`SmsInbound` row with the gateway's id *first*, in the same
transaction as the complaint and the reply; the unique index makes a concurrent second
delivery wait and then fail, and it answers from the row the first one committed — one
complaint, one reply. The reply itself goes back to the sender through the outbox, never from
inside the request.

Privacy: for an anonymous report the number reaches only the outbox (the receipt or the help
reply, blanked after sending); neither the complaint nor the kept SMS holds it, whether the
report was filed or refused. A ``CEK`` of an anonymous complaint is not kept with the asker's
number either: whoever asks is probably the reporter. Anonymous reports are rate limited per
number like the others, through the intake counter, which keeps a salted hash of the number
and points to no complaint; a ``CEK`` counts against the limit of lookups by tracking number
per number (past it, the help reply says so and nothing is looked up).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trantib.accounts.models import OrgUnit
from trantib.core.errors import Invalid, NotFound, TooMany
from trantib.core.phones import mobile_number
from trantib.outbox.models import OutboxMessage
from trantib.outbox.services import outbox_enqueue

from .. import selectors, services
from ..models import Category, Channel, Complaint, RoutingRule, SmsInbound
from .language import (
    Parsed,
    category_match,
    help_text,
    kelurahan_find,
    place_find,
    sms_parse,
    status_text,
)

logger = logging.getLogger("trantib.complaints.sms")

FALLBACK_CATEGORY = "lainnya"
REPORT_MIN = 10
# A gateway's time of receipt before this is a broken clock (or a probe), not an SMS.
RECEIVED_EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def _routing_kelurahan(rules: list[RoutingRule]) -> list[str]:
    return sorted({r.kelurahan.strip() for r in rules if r.kelurahan.strip()})


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
    try:
        with transaction.atomic():
            inbound = _handle(gateway_id=gateway_id, sender=sender, text=text, at=at)
    except IntegrityError:
        # Delivered before (the row with its id is the first thing written, so nothing else
        # was), or a concurrent delivery of the same message committed first: its answer is
        # ours. Not looked up beforehand: nearly every message is new, and the unique index
        # answers the question in the same statement that writes the row.
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
    categories = selectors.categories_active_list()
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
    rules = services.routing_rules()  # the desa names, and then the routing itself
    desa = _routing_kelurahan(rules)
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
            routing=rules,
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
    inbound.reply = complaint.receipt_text or _(
        "Pengaduan Anda diterima dengan nomor %(tracking)s."
    ) % {"tracking": complaint.tracking}


def _status(
    inbound: SmsInbound,
    parsed: Parsed,
    categories: list[Category],
    at: dt.datetime,
    *,
    sender: str,
) -> None:
    try:
        # A CEK is a lookup by tracking number, limited per number like the status page.
        services.lookup_rate_take(client=f"sms|{sender}")
    except TooMany as exc:
        _help(inbound, categories, at, sender=sender, reason=exc.message)
        return
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
