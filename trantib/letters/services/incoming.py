"""Incoming letters (surat masuk): the buku agenda and the lembar disposisi.

An officer of the unit records a letter as it arrives: it takes the next agenda number of the
unit's year of receipt (``counter_next("incoming:<unit>:<year>")``, gap-free, "0012/SM/2026")
and keeps the scan with its SHA-256. The head of the unit (a supervising position in it or
above it: the Camat, the Kasat, or whoever acts for them) writes a disposition to a jabatan of
the unit: an instruction, its sifat, a due date, and, when the letter asks for work an SOP
covers, a case of that SOP opened with the letter's subject (the complaint that arrives by
letter, the invitation to a coordination meeting). The officer reports the disposition done
with a note. Each change is one transaction with one event on the incoming letter's own audit
chain.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trantib.accounts.models import OrgUnit, Person, Position
from trantib.accounts.selectors import person_holds_role
from trantib.core.audit import audit_record
from trantib.core.counters import counter_next
from trantib.core.errors import Conflict, Invalid, NotAllowed, ServiceError

from ..models import Disposition, IncomingLetter
from ..uploads import scan_check
from .lifecycle import member_of
from .texts import NOTE_MAX, column_limit, filename_clean, text_clean


class IncomingEvent:
    RECORDED = "incoming_recorded"
    DISPOSED = "disposition_created"
    DISPOSITION_DONE = "disposition_done"


# Sifat of a lembar disposisi, from the usual printed forms.
DISPOSITION_SIFAT = ("Biasa", "Segera", "Sangat Segera", "Rahasia")
_LIMITS = {
    "sender": column_limit(IncomingLetter, "sender"),
    "number": column_limit(IncomingLetter, "number"),
    "subject": column_limit(IncomingLetter, "subject"),
    "instruction": NOTE_MAX,
    "note": NOTE_MAX,
}


# --- who may do what ----------------------------------------------------------------------


def may_record(person: Person, unit: OrgUnit) -> bool:
    """Any officer of the unit keeps its agenda (the TU staff, usually)."""
    return member_of(person, unit)


def may_dispose(person: Person, unit: OrgUnit) -> bool:
    """The head: a supervising position in the unit or above it (the Camat, the Kasat, and a
    Plt./Plh. holding that position)."""
    from trantib.cases.services import supervises

    return supervises(person, unit)


def may_finish(person: Person, disposition: Disposition) -> bool:
    unit = disposition.incoming.unit
    if disposition.to_person_id is not None and disposition.to_person_id == person.pk:
        return True
    return person_holds_role(person, unit, disposition.to_role) or may_dispose(person, unit)


# --- recording ----------------------------------------------------------------------------


def _text(value: str, field: str, label: str, *, required: bool = True, lines: bool = False) -> str:
    """One line (spaces folded), or with ``lines`` a text of several lines (kept)."""
    return text_clean(
        value,
        field=field,
        label=label,
        limit=_LIMITS[field],
        required=required,
        one_line=not lines,
    )


def agenda_number_format(serial: int, year: int) -> str:
    return f"{serial:04d}/SM/{year}"


@transaction.atomic
def incoming_record(
    *,
    unit: OrgUnit,
    actor: Person,
    received_on: dt.date,
    sender: str,
    number: str,
    dated: dt.date,
    subject: str,
    note: str = "",
    scan: bytes | None = None,
    scan_name: str = "",
    now: dt.datetime | None = None,
) -> IncomingLetter:
    """Record a letter as it arrives: the next agenda number of the year it was received."""
    if not may_record(actor, unit):
        raise NotAllowed(_("Hanya pegawai unit ini yang dapat mencatat surat masuk."))
    now = now or timezone.now()
    sender = _text(sender, "sender", _("Asal surat"))
    number = _text(number, "number", _("Nomor surat"))
    subject = _text(subject, "subject", _("Perihal"))
    note = _text(note, "note", _("Keterangan"), required=False, lines=True)
    today = timezone.localtime(now, unit.zone()).date()
    if received_on > today:
        raise Invalid(_("Tanggal terima tidak boleh di masa depan."), field="received_on")
    if dated > received_on:
        raise Invalid(_("Tanggal surat tidak boleh sesudah tanggal terima."), field="dated")
    scan_name = filename_clean(scan_name)
    kind = scan_check(scan, field="scan", name=scan_name).ext if scan else None
    serial = counter_next(f"incoming:{unit.pk}:{received_on.year}")
    incoming = IncomingLetter(
        unit=unit,
        agenda_number=agenda_number_format(serial, received_on.year),
        agenda_serial=serial,
        received_on=received_on,
        sender=sender,
        number=number,
        dated=dated,
        subject=subject,
        note=note,
        recorded_by=actor,
        recorded_at=now,
    )
    if scan and kind:
        incoming.scan_sha256 = hashlib.sha256(scan).hexdigest()
        stored = f"{unit.pk}/{received_on.year}-{serial:04d}-{incoming.scan_sha256[:16]}.{kind}"
        incoming.scan.save(stored, ContentFile(scan), save=False)
    incoming.save()
    _audit(
        incoming,
        IncomingEvent.RECORDED,
        actor,
        at=now,
        agenda_number=incoming.agenda_number,
        received_on=received_on.isoformat(),
        sender=sender,
        number=number,
        dated=dated.isoformat(),
        subject=subject,
        note=note,
        scan_name=scan_name if scan else "",
        scan_sha256=incoming.scan_sha256,
    )
    return incoming


def _audit(
    incoming: IncomingLetter,
    type: str,
    actor: Person | None,
    *,
    at: dt.datetime | None = None,
    **data: Any,
) -> None:
    audit_record(
        at=at,
        subject=incoming,
        type=type,
        actor_id=actor.pk if actor else None,
        unit_id=incoming.unit_id,
        data=data,
    )


def _lock(incoming: IncomingLetter) -> IncomingLetter:
    return IncomingLetter.objects.select_for_update().select_related("unit").get(pk=incoming.pk)


# --- disposition --------------------------------------------------------------------------


@transaction.atomic
def disposition_create(
    *,
    incoming: IncomingLetter,
    actor: Person,
    to_role: str,
    instruction: str,
    to_person: Person | None = None,
    sifat: str = "Biasa",
    due_on: dt.date | None = None,
    open_sop: str | None = None,
    open_entry: str = "",
    case_data: Mapping[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> Disposition:
    """The head's disposition to a jabatan of the unit (and, if named, to one holder of it).
    ``open_sop``: also start a case of that SOP in the unit, its subject the letter's perihal,
    its first step done by the head with ``case_data`` (``open_entry``: another entry step);
    the SOP's own rules apply, and an SOP started only by its intake (the complaint SOP) is
    refused with that intake's message."""
    incoming = _lock(incoming)
    unit = incoming.unit
    if not may_dispose(actor, unit):
        raise NotAllowed(
            _("Disposisi diberikan oleh pimpinan unit (Camat, Kasat, atau pejabat pengawas).")
        )
    to_role = text_clean(to_role, field="to_role", label=_("Jabatan"), limit=64, one_line=True)
    position = Position.objects.filter(unit=unit, code=to_role).first()
    if position is None:
        raise Invalid(
            _("Unit %(unit)s tidak punya jabatan '%(role)s'.")
            % {"unit": unit.code, "role": to_role},
            field="to_role",
        )
    if to_person is not None and not person_holds_role(to_person, unit, to_role):
        raise Invalid(
            _("%(name)s tidak memegang jabatan %(jabatan)s.")
            % {"name": to_person.full_name, "jabatan": position.name},
            field="to_person",
        )
    instruction = _text(instruction, "instruction", _("Isi disposisi"), lines=True)
    sifat = sifat or "Biasa"
    if sifat not in DISPOSITION_SIFAT:
        raise Invalid(
            _("Sifat: pilih salah satu dari %(s)s.") % {"s": ", ".join(DISPOSITION_SIFAT)},
            field="sifat",
        )
    if due_on is not None and due_on < incoming.received_on:
        raise Invalid(_("Batas waktu tidak boleh sebelum tanggal terima surat."), field="due_on")
    now = now or timezone.now()
    case = _case_open(incoming, actor, open_sop, open_entry, case_data, now) if open_sop else None
    disposition = Disposition.objects.create(
        incoming=incoming,
        from_person=actor,
        to_role=to_role,
        to_person=to_person,
        instruction=instruction,
        sifat=sifat,
        due_on=due_on,
        case=case,
        created_at=now,
    )
    _audit(
        incoming,
        IncomingEvent.DISPOSED,
        actor,
        at=now,
        disposition=disposition.pk,
        to_role=to_role,
        to_person=to_person.pk if to_person else None,
        instruction=instruction,
        sifat=sifat,
        due_on=due_on.isoformat() if due_on else None,
        case=case.number if case else None,
    )
    return disposition


_CASE_FIELDS = {"sop": "open_sop", "entry": "open_entry", "subject": "open_sop"}


def _case_open(
    incoming: IncomingLetter,
    actor: Person,
    sop: str,
    entry: str,
    data: Mapping[str, Any] | None,
    now: dt.datetime,
) -> Any:
    from trantib.cases.services import case_start

    subject = incoming.subject if len(incoming.subject) <= 300 else incoming.subject[:299] + "…"
    try:
        return case_start(
            sop_code=sop,
            unit=incoming.unit,
            actor=actor,
            subject=subject,
            data=dict(data or {}),
            entry=entry,
            now=now,
        )
    except ServiceError as exc:
        # The case's fields named as the disposition's: its data are ``case_data.*``.
        field = exc.field
        if field.startswith("data."):
            field = "case_data." + field[5:]
        exc.field = _CASE_FIELDS.get(field, field)
        raise


@transaction.atomic
def disposition_done(
    *, disposition: Disposition, actor: Person, note: str, now: dt.datetime | None = None
) -> Disposition:
    """The officer it went to (or the head) reports what was done."""
    incoming = _lock(disposition.incoming)
    disposition = Disposition.objects.select_for_update().get(pk=disposition.pk)
    disposition.incoming = incoming
    if disposition.done_at is not None:
        raise Conflict(_("Disposisi ini sudah dilaporkan selesai."))
    if not may_finish(actor, disposition):
        raise NotAllowed(_("Hanya penerima disposisi atau pimpinan yang dapat menyelesaikannya."))
    note = _text(note, "note", _("Tindak lanjut"), lines=True)
    now = now or timezone.now()
    disposition.done_at, disposition.done_by, disposition.done_note = now, actor, note
    disposition.save(update_fields=["done_at", "done_by", "done_note"])
    _audit(
        incoming,
        IncomingEvent.DISPOSITION_DONE,
        actor,
        at=now,
        disposition=disposition.pk,
        note=note,
    )
    return disposition
