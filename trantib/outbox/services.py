"""The outbox's services: enqueue in the caller's transaction, deliver at least once, retry.

Why an outbox. A complaint that is saved must be acknowledged, and an acknowledgement must
never go out for a complaint that was rolled back. Calling the SMS gateway inside the
transaction gets both wrong (the gateway is slow or down; the transaction may still fail).
So ``outbox_enqueue`` only writes a row, in the caller's transaction: the message exists
exactly when the change that caused it does. The worker sends it later.

Delivery is *at least once*, made *exactly once* by an idempotency key:

1. **Claim** (one short transaction, committed): due messages — pending with
   ``next_attempt_at <= now``, or sending whose ``lease_until`` passed — are locked with
   ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL (SQLite's ``BEGIN IMMEDIATE`` already
   serialises writers), and marked ``sending``, ``attempts += 1``, ``lease_until = now +
   TRANTIB_OUTBOX_LEASE_SECONDS``. Two workers never claim the same message.
2. **Send**, outside any transaction (a slow gateway holds no lock and no connection state):
   ``gateway.send(message)`` with the message's ``idempotency_key``.
3. **Record** (one UPDATE): sent (``sent_at``, ``gateway_ref``; the recipient blanked when
   ``redact_after_send``), or failed: back to pending at ``now + backoff * 2 ** (attempts -
   1)``, or dead after ``TRANTIB_OUTBOX_MAX_ATTEMPTS`` attempts or a permanent refusal.

A worker that dies between 2 and 3 leaves the message ``sending``. Nothing is lost: after the
lease another pass claims it again and sends it with the *same* key, which a gateway that
honours keys (the file gateway, an HTTP gateway with ``Idempotency-Key``) turns into one
delivery. A message whose worker keeps dying while sending it (a poison message) is
dead-lettered when its attempts are used up, instead of killing workers forever.

If a pass runs so long that its lease would lapse (a gateway timing out message after
message), it stops sending and hands the rest of its batch back as pending, so no other worker
ever takes a message that this one is still going to send.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from trantib.accounts.models import OrgUnit
from trantib.core.errors import Conflict, Invalid
from trantib.core.phones import mobile_number

from .gateways import GatewayError, gateways_configured
from .models import OutboxMessage, idempotency_key_new

if TYPE_CHECKING:
    from trantib.accounts.selectors import UserLike
    from trantib.cases.models import Case

logger = logging.getLogger("trantib.outbox")

Status = OutboxMessage.Status
Channel = OutboxMessage.Channel

# The key names a file (the file gateway) and travels in headers: a safe, short alphabet.
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,63}$")
_ERROR_MAX = 2000
# The pass's own stopwatch for its lease (the database's ``now`` may be a test's fixed time).
_stopwatch = time.monotonic


@dataclass(frozen=True)
class DeliveryResult:
    """What one pass did: sent, failed and scheduled again, dead-lettered."""

    sent: int = 0
    failed: int = 0
    dead: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.failed + self.dead


# -- enqueue --------------------------------------------------------------------------------


def _recipient_clean(channel: str, recipient: str) -> str:
    text = (recipient or "").strip()
    if not text:
        raise Invalid(_("Penerima wajib diisi."), field="recipient")
    if channel == Channel.SMS:
        number = mobile_number(text)
        if number is None:
            raise Invalid(
                _("'%(value)s' bukan nomor ponsel Indonesia (contoh: 0812-3456-7890).")
                % {"value": text[:40]},
                field="recipient",
            )
        return number
    if len(text) > 254:
        raise Invalid(_("Alamat e-mail terlalu panjang."), field="recipient")
    try:
        validate_email(text)
    except ValidationError:
        raise Invalid(
            _("'%(value)s' bukan alamat e-mail yang sah.") % {"value": text[:60]},
            field="recipient",
        ) from None
    return text


def _check_length(value: str, limit: int, field: str) -> None:
    if len(value) > limit:
        raise Invalid(
            _("Terlalu panjang: paling banyak %(limit)d karakter.") % {"limit": limit},
            field=field,
        )


def outbox_enqueue(
    *,
    unit: OrgUnit,
    channel: str,
    recipient: str,
    body: str,
    subject: str = "",
    kind: str = "",
    case: Case | None = None,
    ref: str = "",
    idempotency_key: str = "",
    redact_after_send: bool = False,
    attachment: tuple[str, bytes] | None = None,
    now: dt.datetime | None = None,
) -> OutboxMessage:
    """Write a message to send, in the caller's transaction.

    No commit of its own and no ``on_commit``: called inside the service that causes the
    message, the row commits or rolls back with that service's change. Outside a transaction
    the insert commits by itself. The SMS recipient is normalised to ``+628…``. An e-mail may
    carry one ``attachment`` (file name, content), stored with the message until it is sent.

    Enqueueing the same ``idempotency_key`` again returns the first message (a retried request
    does not queue a second SMS); a different channel or body under that key is a Conflict.
    """
    now = now or timezone.now()
    if channel not in Channel.values:
        raise Invalid(
            _("Saluran tidak dikenal: '%(value)s' (sms atau email).") % {"value": channel},
            field="channel",
        )
    recipient = _recipient_clean(channel, recipient)
    if not (body or "").strip():
        raise Invalid(_("Isi pesan wajib diisi."), field="body")
    if "\n" in subject or "\r" in subject:
        raise Invalid(_("Subjek harus satu baris."), field="subject")
    _check_length(subject, 255, "subject")
    _check_length(kind, 40, "kind")
    _check_length(ref, 64, "ref")
    if case is not None and case.unit_id != unit.pk:
        raise Invalid(_("Kasus ini milik unit lain."), field="case")
    if attachment is not None:
        _attachment_check(channel, attachment)
    if idempotency_key:
        if not _KEY.match(idempotency_key):
            raise Invalid(
                _("Kunci idempotensi: huruf, angka, . _ : - saja, paling banyak 64 karakter."),
                field="idempotency_key",
            )
        existing = OutboxMessage.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return _same_or_conflict(existing, channel=channel, body=body, unit=unit)
    key = idempotency_key or idempotency_key_new()
    message = OutboxMessage(
        unit=unit,
        channel=channel,
        recipient=recipient,
        subject=subject,
        body=body,
        kind=kind,
        case=case,
        ref=ref,
        idempotency_key=key,
        status=Status.PENDING,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
        redact_after_send=redact_after_send,
    )
    if attachment is not None:
        name, content = attachment
        message.attachment_name = name
        message.attachment.save(f"{key}-{_safe_name(name)}", ContentFile(content), save=False)
    if not idempotency_key:
        # A key of our own, new and random: there is no race to lose, and no savepoint needed
        # (two statements saved on every receipt).
        message.save(force_insert=True)
        return message
    try:
        # A savepoint: losing a race on the key must not break the caller's transaction.
        with transaction.atomic():
            message.save(force_insert=True)
    except IntegrityError:
        existing = OutboxMessage.objects.filter(idempotency_key=key).first()
        if existing is None:
            raise
        return _same_or_conflict(existing, channel=channel, body=body, unit=unit)
    return message


ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


def _attachment_check(channel: str, attachment: tuple[str, bytes]) -> None:
    name, content = attachment
    if channel != Channel.EMAIL:
        raise Invalid(_("Hanya e-mail yang dapat membawa lampiran."), field="attachment")
    if not name.strip() or len(name) > 200 or "/" in name or "\\" in name:
        raise Invalid(_("Nama lampiran tidak sah."), field="attachment")
    if not content or len(content) > ATTACHMENT_MAX_BYTES:
        raise Invalid(_("Lampiran kosong atau lebih dari 10 MB."), field="attachment")


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-")[:80] or "lampiran"


def notice_enqueue(
    *,
    unit: OrgUnit,
    channel: str,
    recipient: str,
    subject: str,
    body: str,
    case: Case | None,
    key: str,
    now: dt.datetime,
) -> None:
    """An officer's in-app notice, also sent by the channel they chose (registered with
    ``cases.services.notice_sender_register``); in the caller's transaction, once per key."""
    outbox_enqueue(
        unit=unit,
        channel=channel,
        recipient=recipient,
        subject=subject if channel == Channel.EMAIL else "",
        body=body,
        kind="notice",
        case=case if case is not None and case.unit_id == unit.pk else None,
        idempotency_key=key,
        now=now,
    )


def _same_or_conflict(
    existing: OutboxMessage, *, channel: str, body: str, unit: OrgUnit
) -> OutboxMessage:
    if existing.channel == channel and existing.body == body and existing.unit_id == unit.pk:
        return existing
    raise Conflict(
        _("Kunci idempotensi ini sudah dipakai untuk pesan lain."), field="idempotency_key"
    )


# -- deliver --------------------------------------------------------------------------------


def _max_attempts() -> int:
    return max(1, int(settings.TRANTIB_OUTBOX_MAX_ATTEMPTS))


def _lease_seconds() -> float:
    return max(1.0, float(settings.TRANTIB_OUTBOX_LEASE_SECONDS))


def backoff_delay(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failure: backoff, twice that, four times …"""
    base = float(settings.TRANTIB_OUTBOX_BACKOFF_SECONDS)
    return dt.timedelta(seconds=base * 2 ** max(0, attempts - 1))


def outbox_deliver(*, now: dt.datetime | None = None, limit: int = 50) -> DeliveryResult:
    """One delivery pass: claim up to ``limit`` due messages, send each, record the outcome.

    ``now`` moves the clock for tests (what is due, the lease, the backoff, ``sent_at``);
    without it each record takes the time of the moment. Must not run inside a transaction
    (the claim has to commit before any gateway is called): it refuses with RuntimeError.
    A misconfigured gateway raises ImproperlyConfigured before anything is claimed.
    """
    clock: Callable[[], dt.datetime] = (lambda: now) if now is not None else timezone.now
    gateways = gateways_configured()
    lease = _lease_seconds()
    started = _stopwatch()
    claimed, exhausted = _claim(
        now=clock(), limit=limit, lease=lease, names={c: n for c, (n, _g) in gateways.items()}
    )
    sent = failed = 0
    dead = exhausted
    for i, message in enumerate(claimed):
        # Half the lease gone: hand the rest back rather than risk a second worker taking
        # (and sending) a message this one is about to send.
        if _stopwatch() - started > lease / 2:
            _release(claimed[i:])
            break
        _name, gateway = gateways[message.channel]
        try:
            reference = gateway.send(message)
        except GatewayError as exc:
            outcome = _record_failure(message, exc.message, permanent=exc.permanent, at=clock())
        except Exception as exc:
            # A gateway's own bug or an unexpected network error: transient, logged in full.
            logger.exception("outbox gateway %s failed on message %s", _name, message.pk)
            outcome = _record_failure(message, repr(exc), permanent=False, at=clock())
        else:
            _record_sent(message, str(reference or ""), at=clock())
            sent += 1
            continue
        if outcome == Status.DEAD:
            dead += 1
        elif outcome == Status.PENDING:
            failed += 1
    result = DeliveryResult(sent=sent, failed=failed, dead=dead)
    if result.handled:
        logger.info("outbox: %d sent, %d to retry, %d dead", sent, failed, dead)
    return result


def _claim(
    *, now: dt.datetime, limit: int, lease: float, names: dict[str, str]
) -> tuple[list[OutboxMessage], int]:
    """Lock and mark the due messages in one committed transaction; returns them, and how many
    interrupted messages were dead-lettered because their attempts were used up."""
    max_attempts = _max_attempts()
    with transaction.atomic(durable=True):
        due = OutboxMessage.objects.filter(
            Q(status=Status.PENDING, next_attempt_at__lte=now)
            | Q(status=Status.SENDING, lease_until__lte=now)
        ).order_by("next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        rows = list(due[: max(1, limit)])
        claimed: list[OutboxMessage] = []
        exhausted: list[OutboxMessage] = []
        for message in rows:
            interrupted = message.status == Status.SENDING
            if interrupted and message.attempts >= max_attempts:
                message.status = Status.DEAD
                message.lease_until = None
                if message.redact_after_send:
                    message.recipient = ""
                message.last_error = _error_text(
                    message.attempts,
                    message.gateway,
                    "the worker stopped while sending and no attempts are left "
                    "(it may have been delivered: check the gateway before retrying)",
                )
                exhausted.append(message)
                continue
            if interrupted:
                message.last_error = _error_text(
                    message.attempts,
                    message.gateway,
                    "interrupted: the worker stopped while "
                    "sending; sending again with the same key",
                )
            message.status = Status.SENDING
            message.attempts += 1
            message.lease_until = now + dt.timedelta(seconds=lease)
            message.gateway = names.get(message.channel, "")[:200]
            claimed.append(message)
        fields = ["status", "attempts", "lease_until", "last_error", "gateway", "recipient"]
        OutboxMessage.objects.bulk_update([*claimed, *exhausted], fields)
    for message in exhausted:
        logger.warning("outbox message %s dead: worker stopped on its last attempt", message.pk)
    return claimed, len(exhausted)


def _error_text(attempt: int, gateway: str, error: str) -> str:
    # The error first: it is what an administrator scanning the dead letters needs to read.
    return f"{error[: _ERROR_MAX - 250]} (attempt {attempt}, {gateway or '?'})"


def _record_sent(message: OutboxMessage, reference: str, *, at: dt.datetime) -> None:
    changes: dict[str, object] = {
        "status": Status.SENT,
        "sent_at": at,
        "gateway_ref": reference[:200],
        "lease_until": None,
    }
    if message.redact_after_send:
        changes["recipient"] = ""
    # Whoever records first wins; a late duplicate (same key) changes nothing.
    OutboxMessage.objects.filter(pk=message.pk).exclude(status=Status.SENT).update(**changes)
    message.status = Status.SENT
    message.sent_at = at
    message.gateway_ref = reference[:200]
    if message.redact_after_send:
        message.recipient = ""


def _record_failure(
    message: OutboxMessage, error: str, *, permanent: bool, at: dt.datetime
) -> str | None:
    """Back to pending after the backoff, or dead; None when the message is no longer ours (an
    administrator or another worker changed it meanwhile)."""
    dead = permanent or message.attempts >= _max_attempts()
    changes: dict[str, object] = {
        "lease_until": None,
        "last_error": _error_text(message.attempts, message.gateway, error),
    }
    if dead:
        changes["status"] = Status.DEAD
        if message.redact_after_send:
            # Nobody will send it: the number of an anonymous reporter is not kept for it.
            changes["recipient"] = ""
    else:
        changes["status"] = Status.PENDING
        changes["next_attempt_at"] = at + backoff_delay(message.attempts)
    ours = OutboxMessage.objects.filter(
        pk=message.pk, status=Status.SENDING, attempts=message.attempts
    ).update(**changes)
    if not ours:
        return None
    if dead:
        logger.warning(
            "outbox message %s dead after %d attempt(s): %s", message.pk, message.attempts, error
        )
    return str(changes["status"])


def _release(messages: list[OutboxMessage]) -> None:
    """Give back claimed messages that were not tried: pending again, the attempt uncounted."""
    for message in messages:
        OutboxMessage.objects.filter(
            pk=message.pk, status=Status.SENDING, attempts=message.attempts
        ).update(status=Status.PENDING, attempts=F("attempts") - 1, lease_until=None)


# -- the administrator's retry -----------------------------------------------------------------


@transaction.atomic
def outbox_retry(*, message: OutboxMessage, actor_user: UserLike | None = None) -> OutboxMessage:
    """A dead letter goes back to pending, due now, with a fresh set of attempts (the last
    error stays for the record). Only dead messages: a pending or sending one is on its way,
    a sent one must not be sent again."""
    locked = OutboxMessage.objects.select_for_update().get(pk=message.pk)
    if locked.status == Status.DEAD and not locked.recipient:
        raise Conflict(
            _(
                "Penerima pesan ini tidak disimpan (pelapor anonim): "
                "pesan tidak dapat dikirim ulang."
            ),
            field="recipient",
        )
    if locked.status != Status.DEAD:
        raise Conflict(
            _("Hanya pesan yang gagal yang dapat dikirim ulang; pesan ini berstatus %(status)s.")
            % {"status": locked.get_status_display()},
            field="status",
        )
    locked.status = Status.PENDING
    locked.attempts = 0
    locked.next_attempt_at = timezone.now()
    locked.lease_until = None
    locked.save(update_fields=["status", "attempts", "next_attempt_at", "lease_until"])
    logger.info(
        "outbox message %s retried by %s",
        locked.pk,
        getattr(actor_user, "username", None) or "the operator",
    )
    return locked
