"""A letter's life: draft, edit, send for paraf, initial or return, cancel; and who may do
what. Numbering and signing are in :mod:`.signature`, the checks of what a draft holds in
:mod:`.fields`.

Each function is one transaction that locks the letter row, checks who may act, writes the
change and its audit event (the letter's own chain).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trantib.accounts.models import Assignment, OrgUnit, Person, Position
from trantib.accounts.selectors import assignments_active, assignments_holding
from trantib.core.audit import audit_record
from trantib.core.errors import Conflict, Invalid, NotAllowed

from ..kinds import KINDS, kind_get
from ..models import Letter, LetterSettings, LetterState, Review
from ..wording import GAP, body_default
from .fields import (
    coordination_clean,
    data_clean,
    header_clean,
    members_check,
    roles_clean,
)
from .texts import NOTE_MAX, text_clean


class LetterEvent:
    DRAFTED = "letter_drafted"
    EDITED = "letter_edited"
    SUBMITTED = "letter_submitted"
    INITIALLED = "letter_initialled"
    RETURNED = "letter_returned"
    NUMBERED = "letter_numbered"
    SIGNED = "letter_signed"
    CANCELLED = "letter_cancelled"
    DELIVERED = "letter_delivered"
    SENT = "letter_sent"


EDITABLE_HEADER = ("hal", "sifat", "lampiran", "recipient", "recipient_address", "body")
# Every field letter_edit changes, in the order the audit's snapshot lists them.
EDITABLE = (*EDITABLE_HEADER, "recipient_email", "tembusan")
# Kinds whose body is the whole letter: it cannot be sent for paraf without one.
BODY_REQUIRED = frozenset({"nota_dinas", "surat_pemberitahuan"})


def settings_for(unit: OrgUnit) -> LetterSettings:
    """The unit's letter settings (made with the defaults on first use)."""
    found, _created = LetterSettings.objects.get_or_create(unit=unit)
    return found


# --- who may do what ----------------------------------------------------------------------


def holds(person: Person, unit: OrgUnit, role: str) -> Assignment | None:
    """The assignment by which ``person`` holds ``role`` in ``unit`` today, or None."""
    return assignments_holding(unit, role).filter(person=person).first()


def member_of(person: Person | None, unit: OrgUnit) -> bool:
    """An officer of ``unit`` (an assignment active there today) or its head (a supervising
    position in the unit or above it): who may draft, deliver, e-mail, keep the agenda."""
    from trantib.cases.services import supervises

    if person is None:
        return False
    return assignments_active(person).filter(position__unit=unit).exists() or supervises(
        person, unit
    )


def may_edit(person: Person, letter: Letter) -> bool:
    """The drafter, or anyone of the unit while nobody drafted it yet by name."""
    if not letter.is_editable:
        return False
    if letter.created_by_id == person.pk:
        return True
    return letter.created_by_id is None and member_of(person, letter.unit)


def may_sign(person: Person, letter: Letter) -> bool:
    return holds(person, letter.unit, letter.signer_role) is not None


def pending_review(letter: Letter) -> Review | None:
    """The next paraf of the current round (hierarchy in order; coordination after it)."""
    return next((r for r in _current_round(letter) if r.outcome == Review.Outcome.PENDING), None)


def _current_round(letter: Letter) -> list[Review]:
    reviews = list(letter.reviews.all())
    last = max((r.round for r in reviews), default=0)
    return sorted((r for r in reviews if r.round == last), key=lambda r: r.order)


def jabatan(unit: OrgUnit, role: str) -> str:
    return (
        Position.objects.filter(unit=unit, code=role).values_list("name", flat=True).first() or role
    )


def _snapshot(letter: Letter) -> dict[str, Any]:
    return {
        **{name: getattr(letter, name) for name in EDITABLE},
        "data": letter.data,
        "coordination": letter.coordination,
    }


def _audit(
    letter: Letter, type: str, actor: Person | None, *, at: dt.datetime | None = None, **data: Any
) -> None:
    """One event on the letter's chain, at ``at`` (the service's ``now``: a back-dated action
    is recorded when it happened)."""
    audit_record(
        at=at,
        subject=letter,
        type=type,
        actor_id=actor.pk if actor else None,
        unit_id=letter.unit_id,
        data={"state": letter.state, **data},
    )


def letter_lock(letter: Letter) -> Letter:
    return Letter.objects.select_for_update().select_related("unit").get(pk=letter.pk)


def note_clean(note: Any, *, field: str = "note", required: bool = False) -> str:
    return text_clean(note, field=field, label=_("Catatan"), limit=NOTE_MAX, required=required)


# --- drafting ---------------------------------------------------------------------------------


@transaction.atomic
def letter_draft(
    *,
    unit: OrgUnit,
    kind: str,
    actor: Person | None,
    hal: str,
    signer_role: str,
    paraf_roles: list[str] | None = None,
    coordination: list[str] | None = None,
    case: Any = None,
    key: str = "",
    step_id: str = "",
    recipient: str = "",
    recipient_address: str = "",
    recipient_email: str = "",
    body: str = "",
    tembusan: str = "",
    sifat: str = "Biasa",
    lampiran: str = "-",
    data: Mapping[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> Letter:
    """A new draft (konsep). ``actor`` None: drafted by the product from a case (an SOP step),
    to be edited by whoever works that step. Without a ``body``, the draft's body is the
    kind's standard wording made from ``data`` (:func:`..wording.body_default`): the drafter
    sees and edits it; nothing is added to it at printing."""
    try:
        spec = kind_get(kind)
    except KeyError as exc:
        raise Invalid(str(exc.args[0]), field="kind") from None
    if actor is not None and not member_of(actor, unit):
        raise NotAllowed(_("Hanya pegawai unit ini yang dapat membuat konsep surat."))
    header = {
        name: header_clean(name, value)
        for name, value in (
            ("hal", hal),
            ("sifat", sifat),
            ("lampiran", lampiran),
            ("recipient", recipient),
            ("recipient_address", recipient_address),
            ("recipient_email", recipient_email),
            ("tembusan", tembusan),
        )
    }
    header_clean("body", body)  # its length and characters; the body is stored as given
    paraf = roles_clean(unit, signer_role, paraf_roles)
    rows = coordination_clean(coordination)
    clean = data_clean(spec, data or {}, strict=False)
    members_check(unit, spec, clean)
    if not body.strip():
        body = body_default(kind, clean)
    now = now or timezone.now()
    letter = Letter.objects.create(
        unit=unit,
        case=case,
        key=key,
        step_id=step_id,
        kind=kind,
        hal=header["hal"],
        sifat=header["sifat"],
        lampiran=header["lampiran"] or "-",
        recipient=header["recipient"],
        recipient_address=header["recipient_address"],
        recipient_email=header["recipient_email"],
        body=body,
        tembusan=header["tembusan"],
        data=clean,
        signer_role=signer_role,
        paraf_roles=paraf,
        coordination=rows,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    _audit(
        letter,
        LetterEvent.DRAFTED,
        actor,
        at=now,
        kind=kind,
        case=case.pk if case else None,
        **_snapshot(letter),
    )
    return letter


@transaction.atomic
def letter_edit(
    *, letter: Letter, actor: Person, changes: Mapping[str, Any], now: dt.datetime | None = None
) -> Letter:
    """Change the text of a draft (or of a returned letter): header fields, body, tembusan and
    the kind's fields. What changed is audited, before and after."""
    letter = letter_lock(letter)
    if not letter.is_editable:
        raise Conflict(
            _("Surat ini tidak lagi dapat diubah (%(state)s).")
            % {"state": letter.get_state_display()}
        )
    if not may_edit(actor, letter):
        raise NotAllowed(_("Hanya pembuat konsep yang dapat mengubah surat ini."))
    if not isinstance(changes, Mapping):
        raise Invalid(_("Perubahan harus berupa pasangan nama dan nilai."), field="changes")
    allowed = {*EDITABLE, "data", "coordination"}
    unknown = sorted(str(k) for k in set(changes) - allowed)
    if unknown:
        raise Invalid(
            _("Isian tidak dikenal: %(n)s.") % {"n": ", ".join(unknown)}, field=unknown[0]
        )
    before = _snapshot(letter)
    for name in EDITABLE:
        if name in changes:
            setattr(letter, name, header_clean(name, changes[name]))
    if "coordination" in changes:
        letter.coordination = coordination_clean(changes["coordination"])
    if "data" in changes:
        given = changes["data"] if changes["data"] is not None else {}
        if not isinstance(given, Mapping):
            raise Invalid(_("Isian surat harus berupa pasangan nama dan nilai."), field="data")
        letter.data = data_clean(letter.kind_spec, {**letter.data, **given}, strict=False)
        members_check(letter.unit, letter.kind_spec, letter.data)
    if letter.created_by_id is None:
        letter.created_by = actor
    letter.updated_at = now or timezone.now()
    letter.save()
    after = _snapshot(letter)
    diff = {k: {"before": before[k], "after": after[k]} for k in after if before[k] != after[k]}
    if diff:
        _audit(letter, LetterEvent.EDITED, actor, at=now, changes=diff)
    return letter


@transaction.atomic
def letter_submit(*, letter: Letter, actor: Person, now: dt.datetime | None = None) -> Letter:
    """Send the draft for paraf (a new round), or straight to approved when the chain is empty
    (a draft written by its signer needs no paraf)."""
    letter = letter_lock(letter)
    if not letter.is_editable:
        raise Conflict(_("Surat ini sudah diajukan."))
    if not may_edit(actor, letter):
        raise NotAllowed(_("Hanya pembuat konsep yang dapat mengajukan surat ini."))
    spec = letter.kind_spec
    data_clean(spec, letter.data, strict=True)
    if spec.addressed and not letter.recipient.strip():
        raise Invalid(_("Tujuan surat (Yth.) wajib diisi."), field="recipient")
    if spec.code in BODY_REQUIRED and not letter.body.strip():
        raise Invalid(
            _("Isi surat wajib diisi: isinya adalah seluruh %(kind)s.") % {"kind": spec.name},
            field="body",
        )
    if GAP in letter.body:
        raise Invalid(
            _("Isi surat masih memuat bagian kosong (%(gap)s): lengkapi dulu sebelum diajukan.")
            % {"gap": GAP},
            field="body",
        )
    now = now or timezone.now()
    last = letter.reviews.order_by("-round").values_list("round", flat=True).first() or 0
    skipped = [r for r in letter.paraf_roles if drafter_holds(actor, letter, r)]
    rows = [
        Review(
            letter=letter,
            round=last + 1,
            order=i,
            kind=Review.Kind.HIERARCHY,
            role=role,
            jabatan=jabatan(letter.unit, role),
        )
        for i, role in enumerate(r for r in letter.paraf_roles if r not in skipped)
    ]
    Review.objects.bulk_create(rows)
    letter.state = LetterState.REVIEW if rows else LetterState.APPROVED
    if letter.created_by_id is None:
        letter.created_by = actor
    letter.updated_at = now
    letter.save(update_fields=["state", "created_by", "updated_at"])
    _audit(
        letter,
        LetterEvent.SUBMITTED,
        actor,
        at=now,
        round=last + 1,
        paraf=[r.role for r in rows],
        skipped=skipped,
    )
    return letter


def drafter_holds(actor: Person, letter: Letter, role: str) -> bool:
    """A paraf the drafter would give his own letter is skipped (he wrote it): only his own
    positions, never another reviewer's."""
    return letter.created_by_id in (None, actor.pk) and holds(actor, letter.unit, role) is not None


# --- paraf ----------------------------------------------------------------------------------


@transaction.atomic
def letter_initial(
    *, letter: Letter, actor: Person, note: str = "", now: dt.datetime | None = None
) -> Letter:
    """The next reviewer initials the letter; the last paraf makes it ready to sign."""
    letter = letter_lock(letter)
    note = note_clean(note)
    review = _review_for(letter, actor)
    now = now or timezone.now()
    review.outcome, review.person, review.at, review.note = (
        Review.Outcome.INITIALLED,
        actor,
        now,
        note,
    )
    review.save(update_fields=["outcome", "person", "at", "note"])
    if pending_review(letter) is None:
        letter.state = LetterState.APPROVED
    letter.updated_at = now
    letter.save(update_fields=["state", "updated_at"])
    _audit(
        letter,
        LetterEvent.INITIALLED,
        actor,
        at=now,
        role=review.role,
        round=review.round,
        note=review.note,
    )
    return letter


@transaction.atomic
def letter_return(
    *, letter: Letter, actor: Person, note: str, now: dt.datetime | None = None
) -> Letter:
    """A reviewer (or the signer, before signing) returns the letter to its drafter with a note."""
    letter = letter_lock(letter)
    note = note_clean(note)
    if not note:
        raise Invalid(_("Tulis catatan: apa yang harus diperbaiki."), field="note")
    now = now or timezone.now()
    if letter.state == LetterState.APPROVED and may_sign(actor, letter):
        role = letter.signer_role
    else:
        review = _review_for(letter, actor)
        review.outcome, review.person, review.at, review.note = (
            Review.Outcome.RETURNED,
            actor,
            now,
            note,
        )
        review.save(update_fields=["outcome", "person", "at", "note"])
        role = review.role
    letter.state = LetterState.RETURNED
    letter.updated_at = now
    letter.save(update_fields=["state", "updated_at"])
    _audit(letter, LetterEvent.RETURNED, actor, at=now, role=role, note=note)
    return letter


def _review_for(letter: Letter, actor: Person) -> Review:
    if letter.state != LetterState.REVIEW:
        raise Conflict(_("Surat ini tidak sedang menunggu paraf."))
    review = pending_review(letter)
    if review is None:
        raise Conflict(_("Surat ini tidak sedang menunggu paraf."))
    if holds(actor, letter.unit, review.role) is None:
        raise NotAllowed(_("Paraf berikutnya adalah %(jabatan)s.") % {"jabatan": review.jabatan})
    return review


# --- cancelling -----------------------------------------------------------------------------


@transaction.atomic
def letter_cancel(
    *, letter: Letter, actor: Person, reason: str, now: dt.datetime | None = None
) -> Letter:
    """Cancel a letter with the reason. A numbered or signed letter keeps its number (the
    register has no gaps); the verification page then says "dibatalkan"."""
    from trantib.cases.services import supervises

    letter = letter_lock(letter)
    reason = text_clean(reason, field="reason", label=_("Alasan pembatalan"), limit=NOTE_MAX)
    if not reason:
        raise Invalid(_("Alasan pembatalan wajib diisi."), field="reason")
    if letter.state == LetterState.CANCELLED:
        raise Conflict(_("Surat ini sudah dibatalkan."))
    allowed = may_sign(actor, letter) or supervises(actor, letter.unit)
    if letter.state in {LetterState.DRAFT, LetterState.RETURNED, LetterState.REVIEW}:
        allowed = allowed or letter.created_by_id == actor.pk
    if not allowed:
        raise NotAllowed(
            _("Hanya penanda tangan atau pimpinan unit yang dapat membatalkan surat ini.")
        )
    now = now or timezone.now()
    before = letter.state
    letter.state = LetterState.CANCELLED
    letter.cancelled_at, letter.cancel_reason, letter.updated_at = now, reason, now
    letter.save(update_fields=["state", "cancelled_at", "cancel_reason", "updated_at"])
    _audit(
        letter,
        LetterEvent.CANCELLED,
        actor,
        at=now,
        before=before,
        reason=reason,
        number=letter.number,
    )
    return letter


def kinds_choices() -> list[tuple[str, str]]:
    return [(k.code, k.name) for k in KINDS.values()]
