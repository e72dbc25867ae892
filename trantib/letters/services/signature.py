"""Numbering and signing a letter: the number from the unit's register, taken in the same
transaction as the signature (so a signing that fails gives its number back and two signings
never share one), and the official copy — the wet-signed scan, the PDF signed by a TTE outside
Trantib, or the PDF Trantib signs itself (PAdES)."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trantib.accounts.models import Person
from trantib.core.errors import Conflict, Invalid, NotAllowed
from trantib.core.keys import key_new

from ..models import Letter, LetterState, SignMode
from ..numbering import number_take, register_for
from ..uploads import pdf_check
from .lifecycle import LetterEvent, _audit, holds, jabatan, letter_lock, may_sign, settings_for
from .texts import filename_clean, text_clean

SIGNED_BY_MAX = 200


def may_attach(person: Person, letter: Letter) -> bool:
    """Who attaches the signed copy of a numbered letter: the signer who numbered it, or a
    holder of the signing position (a Plh. while the Camat is away)."""
    return letter.signer_id == person.pk or may_sign(person, letter)


def sign_mode_for(letter: Letter) -> str:
    """A Surat Pernyataan is signed by the violator on paper; others follow the unit's setting."""
    if letter.kind_spec.signed_by == "party":
        return SignMode.WET
    return settings_for(letter.unit).sign_mode


def _signer_snapshot(letter: Letter, actor: Person) -> None:
    held = holds(actor, letter.unit, letter.signer_role)
    if held is None:
        raise NotAllowed(
            _("Surat ini ditandatangani oleh %(jabatan)s.")
            % {"jabatan": jabatan(letter.unit, letter.signer_role)}
        )
    letter.signer = actor
    letter.signer_title = held.title
    letter.signer_name = actor.full_name
    letter.signer_pangkat = actor.pangkat
    letter.signer_id_line = actor.identity_line


def _number(letter: Letter, actor: Person, now: dt.datetime) -> None:
    day = timezone.localtime(now, letter.unit.zone()).date()
    register = register_for(letter.unit, letter.kind, actor=actor)
    letter.serial, letter.number = number_take(register, kind=letter.kind, day=day)
    letter.register, letter.year, letter.dated = register, day.year, day
    if Letter.objects.filter(unit_id=letter.unit_id, number=letter.number).exists():
        raise _taken(letter.number)


def _taken(number: str) -> Conflict:
    return Conflict(
        _(
            "Nomor %(n)s sudah dipakai surat lain di unit ini: dua register memberi nomor yang "
            "sama. Minta pimpinan unit membedakan pola atau kode unit registernya."
        )
        % {"n": number},
        field="register",
    )


def _save_numbered(letter: Letter) -> None:
    """Save a letter that just took its number; a number another signing took meanwhile (the
    unit's unique constraint) is the same refusal as above, never a 500."""
    try:
        with transaction.atomic():
            letter.save()
    except IntegrityError:
        raise _taken(letter.number) from None


def day_text(letter: Letter) -> str:
    return letter.dated.isoformat() if letter.dated else ""


def _official_store(letter: Letter, content: bytes) -> None:
    letter.official_sha256 = hashlib.sha256(content).hexdigest()
    name = f"{letter.unit_id}/{letter.pk}-{letter.official_sha256[:16]}.pdf"
    letter.official_pdf.save(name, ContentFile(content), save=False)


@transaction.atomic
def letter_number(*, letter: Letter, actor: Person, now: dt.datetime | None = None) -> Letter:
    """For a letter signed on paper or by a TTE outside Trantib: take the number now (the printed
    or exported letter carries it) and wait for the signed copy."""
    letter = letter_lock(letter)
    if letter.state != LetterState.APPROVED:
        raise Conflict(
            _("Surat ini belum siap ditandatangani (%(s)s).") % {"s": letter.get_state_display()}
        )
    mode = sign_mode_for(letter)
    if mode == SignMode.ELECTRONIC:
        raise Conflict(
            _("Unit ini menandatangani secara elektronik di Trantib: pakai 'Tandatangani'.")
        )
    _signer_snapshot(letter, actor)
    now = now or timezone.now()
    _number(letter, actor, now)
    letter.sign_mode = mode
    letter.state = LetterState.NUMBERED
    letter.verify_code = key_new(12)
    letter.updated_at = now
    _save_numbered(letter)
    _audit(
        letter,
        LetterEvent.NUMBERED,
        actor,
        at=now,
        number=letter.number,
        mode=mode,
        dated=day_text(letter),
    )
    return letter


def _outside_signature(letter: Letter, content: bytes) -> dict[str, object]:
    """The PAdES signature of a PDF signed by a TTE outside Trantib: present and intact, or
    refused. Trust is recorded, not required: the BSrE's CA may not be one Trantib knows."""
    from ..signing import pdf_validate

    check = pdf_validate(content, unit=letter.unit)
    if not check.signed:
        raise Invalid(
            _(
                "PDF ini tidak memuat tanda tangan elektronik: unggah PDF yang sudah "
                "ditandatangani dengan TTE."
            ),
            field="file",
        )
    if not check.intact:
        raise Invalid(
            _("Tanda tangan elektronik dalam PDF ini tidak utuh: %(p)s") % {"p": check.problem},
            field="file",
        )
    return {
        "signer_name": check.signer_name,
        "trusted": check.trusted,
        "signed_at": check.signed_at.isoformat() if check.signed_at else None,
    }


@transaction.atomic
def letter_signed_copy_attach(
    *,
    letter: Letter,
    actor: Person,
    content: bytes,
    filename: str,
    signed_by: str = "",
    now: dt.datetime | None = None,
) -> Letter:
    """The signed copy of a numbered letter: the wet-signed scan (PDF) or the PDF signed by a TTE
    outside Trantib (its PAdES signature must be there and intact). It becomes the official
    copy; its SHA-256 is recorded."""
    letter = letter_lock(letter)
    if letter.state != LetterState.NUMBERED:
        raise Conflict(_("Surat ini tidak sedang menunggu salinan bertanda tangan."))
    if not may_attach(actor, letter):
        raise NotAllowed(
            _("Salinan bertanda tangan diunggah oleh penanda tangan surat (%(jabatan)s).")
            % {"jabatan": jabatan(letter.unit, letter.signer_role)}
        )
    signed_by = text_clean(
        signed_by,
        field="signed_by",
        label=_("Ditandatangani oleh"),
        limit=SIGNED_BY_MAX,
        one_line=True,
    )
    name = filename_clean(filename)
    pdf_check(content, field="file", name=name)
    signature = (
        _outside_signature(letter, content) if letter.sign_mode == SignMode.EXTERNAL else None
    )
    now = now or timezone.now()
    _official_store(letter, content)
    letter.state = LetterState.SIGNED
    letter.signed_at = now
    letter.updated_at = now
    letter.save()
    _audit(
        letter,
        LetterEvent.SIGNED,
        actor,
        at=now,
        number=letter.number,
        mode=letter.sign_mode,
        sha256=letter.official_sha256,
        filename=name,
        signed_by=signed_by or (str(signature["signer_name"]) if signature else ""),
        signature=signature,
    )
    return letter


@transaction.atomic
def letter_sign_electronic(
    *, letter: Letter, actor: Person, passphrase: str = "", now: dt.datetime | None = None
) -> Letter:
    """Number, render and sign with the signer's certificate (PAdES), in one transaction."""
    from ..rendering import letter_pdf
    from ..signing import pdf_sign

    letter = letter_lock(letter)
    if letter.state != LetterState.APPROVED:
        raise Conflict(
            _("Surat ini belum siap ditandatangani (%(s)s).") % {"s": letter.get_state_display()}
        )
    if sign_mode_for(letter) != SignMode.ELECTRONIC:
        raise Conflict(_("Unit ini tidak menandatangani secara elektronik di Trantib."))
    _signer_snapshot(letter, actor)
    now = now or timezone.now()
    _number(letter, actor, now)
    letter.sign_mode = SignMode.ELECTRONIC
    letter.verify_code = key_new(12)
    letter.signed_at = now
    letter.state = LetterState.SIGNED
    pdf = pdf_sign(letter_pdf(letter), letter=letter, person=actor, passphrase=passphrase)
    _official_store(letter, pdf)
    letter.updated_at = now
    _save_numbered(letter)
    _audit(
        letter,
        LetterEvent.SIGNED,
        actor,
        at=now,
        number=letter.number,
        mode=letter.sign_mode,
        sha256=letter.official_sha256,
        dated=day_text(letter),
    )
    return letter
