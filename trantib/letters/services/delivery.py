"""Delivering a signed letter: the tanda terima (received by, when, where, a photo)."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trantib.accounts.models import Person
from trantib.core.errors import Conflict, Invalid, NotAllowed

from ..models import Delivery, Letter, LetterState
from .lifecycle import LetterEvent, _audit, _holds_any, letter_lock


@transaction.atomic
def letter_deliver(
    *,
    letter: Letter,
    actor: Person,
    received_by: str,
    received_at: dt.datetime,
    place: str = "",
    method: str = Delivery.Method.HAND,
    photo: bytes | None = None,
    photo_name: str = "",
    now: dt.datetime | None = None,
) -> Delivery:
    """Record that a signed letter reached its addressee. The ladder's waiting period counts
    from ``received_at`` (see :mod:`trantib.letters.sop`)."""
    letter = letter_lock(letter)
    if letter.state != LetterState.SIGNED:
        raise Conflict(_("Hanya surat yang sudah ditandatangani yang dapat diserahkan."))
    if not _holds_any(actor, letter.unit):
        raise NotAllowed(_("Hanya pegawai unit ini yang dapat mencatat tanda terima."))
    received_by = (received_by or "").strip()
    if not received_by:
        raise Invalid(_("Nama penerima wajib diisi."), field="received_by")
    if method not in Delivery.Method.values:
        raise Invalid(_("Cara penyerahan tidak dikenal."), field="method")
    now = now or timezone.now()
    if timezone.is_naive(received_at):
        raise Invalid(_("Waktu diterima harus lengkap dengan zona waktu."), field="received_at")
    if received_at > now + dt.timedelta(minutes=5):
        raise Invalid(_("Waktu diterima tidak boleh di masa depan."), field="received_at")
    if letter.signed_at and received_at < letter.signed_at - dt.timedelta(days=1):
        raise Invalid(_("Waktu diterima sebelum surat ditandatangani."), field="received_at")
    delivery = Delivery(
        letter=letter,
        method=method,
        received_by=received_by,
        received_at=received_at,
        place=(place or "").strip(),
        recorded_by=actor,
        recorded_at=now,
    )
    if photo:
        if not (photo.startswith((b"\xff\xd8", b"\x89PNG"))):
            raise Invalid(_("Foto tanda terima harus JPEG atau PNG."), field="photo")
        ext = ".png" if photo.startswith(b"\x89PNG") else ".jpg"
        delivery.photo.save(
            f"{letter.unit_id}/{letter.pk}-{int(now.timestamp())}{ext}",
            ContentFile(photo),
            save=False,
        )
    delivery.save()
    _audit(
        letter,
        LetterEvent.DELIVERED,
        actor,
        received_by=received_by,
        received_at=received_at.isoformat(),
        place=delivery.place,
        method=method,
        photo=bool(photo),
        photo_name=photo_name,
    )
    return delivery
