"""What the reporter is sent: the receipt of a complaint, and the one way any message to the
reporter is written into the outbox (in the caller's transaction, to the contact they left;
blanked after sending when the reporter is anonymous)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from trantib.core.phones import mobile_number
from trantib.outbox.services import outbox_enqueue

from ..models import Complaint
from .tracking import status_url


def receipt_send(complaint: Complaint, now: dt.datetime) -> str:
    """Tell a reporter who left a contact that the complaint arrived, with its number; the
    text queued, or "" when the reporter left no contact."""
    body = _(
        "Pengaduan Anda diterima %(unit)s dengan nomor %(tracking)s. "
        "Ikuti perkembangannya di %(url)s atau SMS: CEK %(tracking)s"
    ) % {
        "unit": complaint.unit.name,
        "tracking": complaint.tracking,
        "url": status_url(complaint.tracking),
    }
    queued = reporter_send(complaint, body=body, kind="complaint_received", now=now)
    return body if queued is not None else ""


def reporter_send(
    complaint: Complaint,
    *,
    body: str,
    kind: str,
    now: dt.datetime,
    channel: str = "",
    phone: str = "",
    redact: bool = False,
) -> int | None:
    """Write a message to the reporter into the outbox (same transaction); its id, or None
    when the reporter left no contact for that channel."""
    phone = phone or complaint.reporter_phone
    if channel in ("", "sms") and phone and mobile_number(phone):
        to, via = phone, "sms"
    elif channel in ("", "email") and complaint.reporter_email:
        to, via = complaint.reporter_email, "email"
    else:
        return None
    message = outbox_enqueue(
        unit=complaint.unit,
        channel=via,
        recipient=to,
        subject=_("Pengaduan %(tracking)s") % {"tracking": complaint.tracking},
        body=body,
        kind=kind,
        case=complaint.case,
        ref=f"complaint:{complaint.pk}",
        redact_after_send=redact or complaint.anonymous,
        now=now,
    )
    return message.pk


def receipt_send_to(complaint: Complaint, number: str, now: dt.datetime) -> str:
    """:func:`receipt_send` to a number that is not kept (an anonymous SMS)."""
    body = _(
        "Pengaduan Anda diterima %(unit)s dengan nomor %(tracking)s. Nomor Anda tidak disimpan; "
        "ikuti perkembangannya di %(url)s atau SMS: CEK %(tracking)s"
    ) % {
        "unit": complaint.unit.name,
        "tracking": complaint.tracking,
        "url": status_url(complaint.tracking),
    }
    queued = reporter_send(
        complaint, body=body, kind="complaint_received", now=now, phone=number, redact=True
    )
    return body if queued is not None else ""
