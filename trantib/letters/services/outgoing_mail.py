"""A signed letter e-mailed to its addressee (a citizen) as PDF, through the outbox.

The message is written in the same transaction as the audit event (``letter_sent``); the
outbox's worker sends it later with the official PDF attached, and blanks the address once it
is sent (the letter keeps it; the outbox need not). The same official PDF goes to the same
address once: sending it again is refused (the outbox shows whether it went out).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from trantib.accounts.models import Person
from trantib.core.dates import date_id
from trantib.core.errors import Conflict, Invalid, NotAllowed
from trantib.outbox.models import OutboxMessage
from trantib.outbox.services import outbox_enqueue

from ..models import Letter, LetterState
from ..qr import verify_url
from .lifecycle import LetterEvent, _audit, letter_lock, member_of

EMAIL_KIND = "letter"


def letter_email_key(letter: Letter, recipient: str) -> str:
    """The outbox key of this official PDF to this address (one message each)."""
    digest = hashlib.sha256(f"{letter.official_sha256}:{recipient.strip().lower()}".encode())
    return f"letter-{letter.pk}-{digest.hexdigest()[:24]}"


def letter_emails(letter: Letter) -> list[OutboxMessage]:
    """The e-mails of this letter in the outbox, newest first."""
    return list(
        OutboxMessage.objects.filter(kind=EMAIL_KIND, ref=f"letter:{letter.pk}").order_by(
            "-created_at", "-pk"
        )
    )


def letter_filename(letter: Letter, ext: str) -> str:
    """``surat-teguran-300.1.2.1-0001-cpd-2026.pdf``: the letter's name as a file, the same
    for the pages, the API, the CLI and the e-mail (a draft: ``…-konsep-12.docx``)."""
    text = f"{letter.kind} {letter.number or 'konsep-' + str(letter.pk)}"
    stem = re.sub(r"[^A-Za-z0-9.]+", "-", text.replace("_", "-")).strip("-.").lower()
    return f"{stem}.{ext}"


def pdf_filename(letter: Letter) -> str:
    return letter_filename(letter, "pdf")


@transaction.atomic
def letter_email_send(
    *, letter: Letter, actor: Person, now: dt.datetime | None = None
) -> OutboxMessage:
    """Queue the signed letter's official PDF to ``letter.recipient_email``."""
    letter = letter_lock(letter)
    if letter.state != LetterState.SIGNED or not letter.official_pdf:
        raise Conflict(_("Hanya surat yang sudah ditandatangani yang dapat dikirim lewat e-mail."))
    if not member_of(actor, letter.unit):
        raise NotAllowed(_("Hanya pegawai unit ini yang dapat mengirim surat ini."))
    recipient = letter.recipient_email.strip()
    if not recipient:
        raise Invalid(_("Surat ini tidak punya alamat e-mail tujuan."), field="recipient_email")
    key = letter_email_key(letter, recipient)
    sent = OutboxMessage.objects.filter(idempotency_key=key).first()
    if sent is not None:
        raise Conflict(
            _("Surat ini sudah dikirim ke %(to)s (%(status)s).")
            % {"to": recipient, "status": sent.get_status_display()},
            field="email",
        )
    with letter.official_pdf.open("rb") as stored:
        content = stored.read()
    dated = date_id(letter.dated) if letter.dated else ""
    subject = " ".join(f"{letter.kind_name} {letter.number}: {letter.hal}".split())[:255]
    # Written to someone outside the office: in Indonesian, whatever the officer reads in.
    with translation.override("id"):
        body = _email_body(letter, recipient, dated)
    message = outbox_enqueue(
        unit=letter.unit,
        channel=OutboxMessage.Channel.EMAIL,
        recipient=recipient,
        subject=subject,
        body=body,
        kind=EMAIL_KIND,
        case=letter.case if letter.case and letter.case.unit_id == letter.unit_id else None,
        ref=f"letter:{letter.pk}",
        idempotency_key=key,
        redact_after_send=True,
        attachment=(pdf_filename(letter), content),
        now=now,
    )
    _audit(
        letter,
        LetterEvent.SENT,
        actor,
        at=now,
        channel="email",
        to=recipient,
        outbox=message.pk,
        sha256=letter.official_sha256,
    )
    return message


def _email_body(letter: Letter, recipient: str, dated: str) -> str:
    return "\n".join(
        [
            _("Yth. %(to)s,") % {"to": " ".join(letter.recipient.split()) or recipient},
            "",
            _(
                "Bersama ini kami sampaikan %(kind)s Nomor %(number)s tanggal %(date)s, hal "
                "%(hal)s, dari %(unit)s. Surat terlampir dalam bentuk PDF."
            )
            % {
                "kind": letter.kind_name,
                "number": letter.number,
                "date": dated,
                "hal": letter.hal,
                "unit": letter.unit.name,
            },
            "",
            _("Keaslian surat dapat diperiksa di %(url)s")
            % {"url": verify_url(letter.verify_code)},
            "",
            letter.unit.name,
        ]
    )
