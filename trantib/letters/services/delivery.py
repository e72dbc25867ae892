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
from ..uploads import photo_check
from .lifecycle import LetterEvent, _audit, letter_lock, member_of
from .texts import column_limit, filename_clean, text_clean


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
    if not member_of(actor, letter.unit):
        raise NotAllowed(_("Hanya pegawai unit ini yang dapat mencatat tanda terima."))
    received_by = text_clean(
        received_by,
        field="received_by",
        label=_("Nama penerima"),
        limit=column_limit(Delivery, "received_by"),
        one_line=True,
        required=True,
    )
    place = text_clean(
        place, field="place", label=_("Tempat"), limit=column_limit(Delivery, "place")
    )
    if method not in Delivery.Method.values:
        raise Invalid(_("Cara penyerahan tidak dikenal."), field="method")
    now = now or timezone.now()
    if timezone.is_naive(received_at):
        raise Invalid(_("Waktu diterima harus lengkap dengan zona waktu."), field="received_at")
    if received_at > now + dt.timedelta(minutes=5):
        raise Invalid(_("Waktu diterima tidak boleh di masa depan."), field="received_at")
    # A wet-signed letter is handed over first and scanned later: the day it is dated is
    # the earliest it can have been received, not the time its scan was attached.
    if letter.dated and received_at < _day_start(letter.dated, letter.unit.zone()):
        raise Invalid(
            _("Waktu diterima sebelum tanggal surat (%(d)s).") % {"d": letter.dated.isoformat()},
            field="received_at",
        )
    delivery = Delivery(
        letter=letter,
        method=method,
        received_by=received_by,
        received_at=received_at,
        place=place,
        recorded_by=actor,
        recorded_at=now,
    )
    if photo:
        kind = photo_check(photo, field="photo", name=filename_clean(photo_name))
        delivery.photo.save(
            f"{letter.unit_id}/{letter.pk}-{int(now.timestamp())}.{kind.ext}",
            ContentFile(photo),
            save=False,
        )
    delivery.save()
    _audit(
        letter,
        LetterEvent.DELIVERED,
        actor,
        at=now,
        received_by=received_by,
        received_at=received_at.isoformat(),
        place=delivery.place,
        method=method,
        photo=bool(photo),
        photo_name=filename_clean(photo_name),
    )
    return delivery


def _day_start(day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone)
