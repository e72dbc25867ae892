"""A letter's life: draft, edit, send for paraf, initial or return, number and sign, cancel.

Each function is one transaction that locks the letter row, checks who may act, writes the
change and its audit event (the letter's own chain). Signing takes the number from the unit's
register inside the same transaction (:mod:`trantib.letters.numbering`), so a signing that fails
gives its number back and two signings never share one.
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

from trantib.accounts.models import Assignment, OrgUnit, Person, Position
from trantib.accounts.selectors import assignments_holding
from trantib.core.audit import audit_record
from trantib.core.errors import Conflict, Invalid, NotAllowed
from trantib.core.keys import key_new

from ..kinds import KINDS, FieldKind, LetterKind, kind_get
from ..models import Letter, LetterSettings, LetterState, Review, SignMode
from ..numbering import number_take, register_for
from ..wording import body_default

MAX_HIERARCHY = 3  # Permendagri: at most three paraf hierarki


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
SIFAT = ("Biasa", "Penting", "Segera", "Terbatas", "Rahasia", "Sangat Rahasia")


def settings_for(unit: OrgUnit) -> LetterSettings:
    """The unit's letter settings (made with the defaults on first use)."""
    found, _created = LetterSettings.objects.get_or_create(unit=unit)
    return found


# --- who may do what ----------------------------------------------------------------------


def holds(person: Person, unit: OrgUnit, role: str) -> Assignment | None:
    """The assignment by which ``person`` holds ``role`` in ``unit`` today, or None."""
    return assignments_holding(unit, role).filter(person=person).first()


def _holds_any(person: Person, unit: OrgUnit) -> bool:
    from trantib.cases.services import supervises

    return assignments_holding_any(person, unit) or supervises(person, unit)


def assignments_holding_any(person: Person, unit: OrgUnit) -> bool:
    from trantib.accounts.selectors import assignments_active

    return assignments_active(person).filter(position__unit=unit).exists()


def may_edit(person: Person, letter: Letter) -> bool:
    """The drafter, or anyone of the unit while nobody drafted it yet by name."""
    if not letter.is_editable:
        return False
    if letter.created_by_id == person.pk:
        return True
    return _holds_any(person, letter.unit) and letter.created_by_id is None


def may_sign(person: Person, letter: Letter) -> bool:
    return holds(person, letter.unit, letter.signer_role) is not None


def pending_review(letter: Letter) -> Review | None:
    """The next paraf of the current round (hierarchy in order; coordination after it)."""
    return next((r for r in _current_round(letter) if r.outcome == Review.Outcome.PENDING), None)


def _current_round(letter: Letter) -> list[Review]:
    reviews = list(letter.reviews.all())
    last = max((r.round for r in reviews), default=0)
    return sorted((r for r in reviews if r.round == last), key=lambda r: r.order)


# --- the data a kind needs ------------------------------------------------------------------


def data_clean(kind: LetterKind, data: Mapping[str, Any], *, strict: bool) -> dict[str, Any]:
    """The kind's fields from ``data``, typed; unknown keys refused. ``strict``: the required
    ones must be there (at submission), else a draft may be incomplete."""
    unknown = sorted(set(data) - {f.name for f in kind.fields})
    if unknown:
        raise Invalid(
            _("Isian tidak dikenal untuk %(kind)s: %(names)s.")
            % {"kind": kind.name, "names": ", ".join(unknown)},
            field=f"data.{unknown[0]}",
        )
    clean: dict[str, Any] = {}
    for f in kind.fields:
        value = data.get(f.name)
        if value in (None, "", []):
            if strict and f.required:
                raise Invalid(
                    _("%(label)s wajib diisi.") % {"label": f.label}, field=f"data.{f.name}"
                )
            continue
        clean[f.name] = _field_value(f.name, f.label, f.kind, f.choices, value)
    return clean


def _field_value(name: str, label: str, kind: FieldKind, choices: Any, value: Any) -> Any:
    field = f"data.{name}"
    if kind is FieldKind.LIST:
        items = value.splitlines() if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise Invalid(
                _("%(label)s: daftar teks, satu per baris.") % {"label": label}, field=field
            )
        return [i.strip() for i in items if i.strip()]
    if kind is FieldKind.MEMBERS:
        if not isinstance(value, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) for i in value
        ):
            raise Invalid(_("%(label)s: daftar pegawai.") % {"label": label}, field=field)
        return list(dict.fromkeys(value))
    if kind is FieldKind.DATE:
        try:
            return dt.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise Invalid(
                _("%(label)s: tanggal tidak sah (TTTT-BB-HH).") % {"label": label}, field=field
            ) from None
    if kind is FieldKind.NUMBER:
        try:
            return int(value)
        except (TypeError, ValueError):
            raise Invalid(_("%(label)s: harus angka.") % {"label": label}, field=field) from None
    if kind is FieldKind.CHOICE:
        allowed = {c for c, _label in choices}
        if str(value) not in allowed:
            raise Invalid(
                _("%(label)s: pilih salah satu dari %(c)s.")
                % {"label": label, "c": ", ".join(sorted(allowed))},
                field=field,
            )
        return str(value)
    if not isinstance(value, str):
        raise Invalid(_("%(label)s: harus teks.") % {"label": label}, field=field)
    text = value.strip()
    if kind is FieldKind.TEXT and "\n" in text:
        raise Invalid(_("%(label)s: satu baris saja.") % {"label": label}, field=field)
    return text


def _members_check(unit: OrgUnit, kind: LetterKind, data: Mapping[str, Any]) -> None:
    ids = {i for f in kind.fields if f.kind is FieldKind.MEMBERS for i in data.get(f.name, [])}
    if not ids:
        return
    known = set(
        Person.objects.filter(
            pk__in=ids, assignments__position__unit__path__startswith=_root_path(unit)
        ).values_list("pk", flat=True)
    )
    missing = sorted(ids - known)
    if missing:
        raise Invalid(
            _("Pegawai #%(id)s bukan pegawai unit ini.") % {"id": missing[0]}, field="data"
        )


def _root_path(unit: OrgUnit) -> str:
    # Officers of the unit, of units below it and of the units above (a Kasat on a kecamatan's
    # team): anyone in the same tree.
    return "/" + unit.path.strip("/").split("/")[0] + "/"


def _roles_check(unit: OrgUnit, roles: list[str], field: str) -> None:
    known = set(Position.objects.filter(unit=unit, code__in=roles).values_list("code", flat=True))
    for role in roles:
        if role not in known:
            raise Invalid(
                _("Unit %(unit)s tidak punya jabatan '%(role)s'.")
                % {"unit": unit.code, "role": role},
                field=field,
            )


def _jabatan(unit: OrgUnit, role: str) -> str:
    return (
        Position.objects.filter(unit=unit, code=role).values_list("name", flat=True).first() or role
    )


def _snapshot(letter: Letter) -> dict[str, Any]:
    return {
        **{name: getattr(letter, name) for name in EDITABLE_HEADER},
        "tembusan": letter.tembusan,
        "data": letter.data,
        "coordination": letter.coordination,
    }


def _coordination_rows(value: Any) -> list[dict[str, str]]:
    """Paraf koordinasi: the jabatan of other units' officials, one per line (or a list)."""
    lines = value.splitlines() if isinstance(value, str) else value
    if not isinstance(lines, list) or not all(isinstance(j, str) for j in lines):
        raise Invalid(_("Paraf koordinasi: satu jabatan per baris."), field="coordination")
    return [{"jabatan": j.strip()} for j in lines if j.strip()]


def _audit(letter: Letter, type: str, actor: Person | None, **data: Any) -> None:
    audit_record(
        subject=letter,
        type=type,
        actor_id=actor.pk if actor else None,
        unit_id=letter.unit_id,
        data={"state": letter.state, **data},
    )


def letter_lock(letter: Letter) -> Letter:
    return Letter.objects.select_for_update().select_related("unit").get(pk=letter.pk)


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
    if actor is not None and not _holds_any(actor, unit):
        raise NotAllowed(_("Hanya pegawai unit ini yang dapat membuat konsep surat."))
    hal = (hal or "").strip()
    if not hal:
        raise Invalid(_("Hal/perihal wajib diisi."), field="hal")
    if sifat not in SIFAT:
        raise Invalid(
            _("Sifat: pilih salah satu dari %(s)s.") % {"s": ", ".join(SIFAT)}, field="sifat"
        )
    paraf = list(paraf_roles or [])
    if len(paraf) > MAX_HIERARCHY:
        raise Invalid(_("Paraf hierarki paling banyak tiga pejabat."), field="paraf_roles")
    _roles_check(unit, [signer_role], "signer_role")
    _roles_check(unit, paraf, "paraf_roles")
    clean = data_clean(spec, data or {}, strict=False)
    _members_check(unit, spec, clean)
    if not body.strip():
        body = body_default(kind, clean)
    now = now or timezone.now()
    letter = Letter.objects.create(
        unit=unit,
        case=case,
        key=key,
        step_id=step_id,
        kind=kind,
        hal=hal,
        sifat=sifat,
        lampiran=lampiran or "-",
        recipient=recipient,
        recipient_address=recipient_address,
        recipient_email=recipient_email,
        body=body,
        tembusan=tembusan,
        data=clean,
        signer_role=signer_role,
        paraf_roles=paraf,
        coordination=_coordination_rows(coordination or []),
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    _audit(
        letter,
        LetterEvent.DRAFTED,
        actor,
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
    allowed = {*EDITABLE_HEADER, "tembusan", "recipient_email", "data", "coordination"}
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise Invalid(
            _("Isian tidak dikenal: %(n)s.") % {"n": ", ".join(unknown)}, field=unknown[0]
        )
    before = _snapshot(letter)
    for name in allowed - {"data", "coordination"}:
        if name in changes:
            value = changes[name]
            if not isinstance(value, str):
                raise Invalid(_("%(n)s harus teks.") % {"n": name}, field=name)
            setattr(letter, name, value.strip() if name != "body" else value.strip("\n"))
    if not letter.hal.strip():
        raise Invalid(_("Hal/perihal wajib diisi."), field="hal")
    if letter.sifat not in SIFAT:
        raise Invalid(
            _("Sifat: pilih salah satu dari %(s)s.") % {"s": ", ".join(SIFAT)}, field="sifat"
        )
    if "coordination" in changes:
        letter.coordination = _coordination_rows(changes["coordination"])
    if "data" in changes:
        merged = {**letter.data, **dict(changes["data"] or {})}
        letter.data = data_clean(letter.kind_spec, merged, strict=False)
        _members_check(letter.unit, letter.kind_spec, letter.data)
    if letter.created_by_id is None:
        letter.created_by = actor
    letter.updated_at = now or timezone.now()
    letter.save()
    after = _snapshot(letter)
    diff = {k: {"before": before[k], "after": after[k]} for k in after if before[k] != after[k]}
    if diff:
        _audit(letter, LetterEvent.EDITED, actor, changes=diff)
    return letter


@transaction.atomic
def letter_submit(*, letter: Letter, actor: Person, now: dt.datetime | None = None) -> Letter:
    """Send the draft for paraf (a new round), or straight to approved when the chain is empty
    (a draft written by its signer needs no paraf)."""
    letter = letter_lock(letter)
    if not letter.is_editable:
        raise Conflict(_("Surat ini sudah diajukan."))
    if not may_edit(actor, letter) and not may_sign(actor, letter):
        raise NotAllowed(_("Hanya pembuat konsep yang dapat mengajukan surat ini."))
    spec = letter.kind_spec
    data_clean(spec, letter.data, strict=True)
    if spec.addressed and not letter.recipient.strip():
        raise Invalid(_("Tujuan surat (Yth.) wajib diisi."), field="recipient")
    now = now or timezone.now()
    last = letter.reviews.order_by("-round").values_list("round", flat=True).first() or 0
    rows = [
        Review(
            letter=letter,
            round=last + 1,
            order=i,
            kind=Review.Kind.HIERARCHY,
            role=role,
            jabatan=_jabatan(letter.unit, role),
        )
        for i, role in enumerate(r for r in letter.paraf_roles if not may_sign_as(actor, letter, r))
    ]
    Review.objects.bulk_create(rows)
    letter.state = LetterState.REVIEW if rows else LetterState.APPROVED
    if letter.created_by_id is None:
        letter.created_by = actor
    letter.updated_at = now
    letter.save(update_fields=["state", "created_by", "updated_at"])
    _audit(letter, LetterEvent.SUBMITTED, actor, round=last + 1, paraf=[r.role for r in rows])
    return letter


def may_sign_as(actor: Person, letter: Letter, role: str) -> bool:
    """A reviewer who drafted the letter himself needs no paraf of his own... but the signer
    does not skip paraf of others: only the drafter's own role is skipped."""
    return letter.created_by_id == actor.pk and holds(actor, letter.unit, role) is not None


# --- paraf ----------------------------------------------------------------------------------


@transaction.atomic
def letter_initial(
    *, letter: Letter, actor: Person, note: str = "", now: dt.datetime | None = None
) -> Letter:
    """The next reviewer initials the letter; the last paraf makes it ready to sign."""
    letter = letter_lock(letter)
    review = _review_for(letter, actor)
    now = now or timezone.now()
    review.outcome, review.person, review.at, review.note = (
        Review.Outcome.INITIALLED,
        actor,
        now,
        note.strip(),
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
    note = (note or "").strip()
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
    _audit(letter, LetterEvent.RETURNED, actor, role=role, note=note)
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


# --- numbering and signing -------------------------------------------------------------------


def _signer_snapshot(letter: Letter, actor: Person) -> None:
    held = holds(actor, letter.unit, letter.signer_role)
    if held is None:
        raise NotAllowed(
            _("Surat ini ditandatangani oleh %(jabatan)s.")
            % {"jabatan": _jabatan(letter.unit, letter.signer_role)}
        )
    letter.signer = actor
    letter.signer_title = held.title
    letter.signer_name = actor.full_name
    letter.signer_pangkat = actor.pangkat
    letter.signer_id_line = actor.identity_line


def _number(letter: Letter, now: dt.datetime) -> None:
    day = timezone.localtime(now, letter.unit.zone()).date()
    register = register_for(letter.unit, letter.kind)
    letter.serial, letter.number = number_take(register, kind=letter.kind, day=day)
    letter.register, letter.year, letter.dated = register, day.year, day


def sign_mode_for(letter: Letter) -> str:
    """A Surat Pernyataan is signed by the violator on paper; others follow the unit's setting."""
    if letter.kind_spec.signed_by == "party":
        return SignMode.WET
    return settings_for(letter.unit).sign_mode


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
    _number(letter, now)
    letter.sign_mode = mode
    letter.state = LetterState.NUMBERED
    letter.verify_code = key_new(12)
    letter.updated_at = now
    letter.save()
    _audit(
        letter,
        LetterEvent.NUMBERED,
        actor,
        number=letter.number,
        mode=mode,
        dated=day_text(letter),
    )
    return letter


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
    outside Trantib. It becomes the official copy; its SHA-256 is recorded."""
    letter = letter_lock(letter)
    if letter.state != LetterState.NUMBERED:
        raise Conflict(_("Surat ini tidak sedang menunggu salinan bertanda tangan."))
    if (
        not may_sign(actor, letter)
        and letter.signer_id != actor.pk
        and not _holds_any(actor, letter.unit)
    ):
        raise NotAllowed(_("Hanya pegawai unit ini yang dapat mengunggah salinan bertanda tangan."))
    if not content.startswith(b"%PDF-"):
        raise Invalid(_("Berkas %(f)s bukan PDF.") % {"f": filename or "?"}, field="file")
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
        number=letter.number,
        mode=letter.sign_mode,
        sha256=letter.official_sha256,
        filename=filename,
        signed_by=signed_by.strip(),
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
    _number(letter, now)
    letter.sign_mode = SignMode.ELECTRONIC
    letter.verify_code = key_new(12)
    letter.signed_at = now
    letter.state = LetterState.SIGNED
    pdf = pdf_sign(letter_pdf(letter), letter=letter, person=actor, passphrase=passphrase)
    _official_store(letter, pdf)
    letter.updated_at = now
    letter.save()
    _audit(
        letter,
        LetterEvent.SIGNED,
        actor,
        number=letter.number,
        mode=letter.sign_mode,
        sha256=letter.official_sha256,
        dated=day_text(letter),
    )
    return letter


def day_text(letter: Letter) -> str:
    return letter.dated.isoformat() if letter.dated else ""


def _official_store(letter: Letter, content: bytes) -> None:
    letter.official_sha256 = hashlib.sha256(content).hexdigest()
    name = f"{letter.unit_id}/{letter.pk}-{letter.official_sha256[:16]}.pdf"
    letter.official_pdf.save(name, ContentFile(content), save=False)


# --- cancelling -----------------------------------------------------------------------------


@transaction.atomic
def letter_cancel(
    *, letter: Letter, actor: Person, reason: str, now: dt.datetime | None = None
) -> Letter:
    """Cancel a letter with the reason. A numbered or signed letter keeps its number (the
    register has no gaps); the verification page then says "dibatalkan"."""
    from trantib.cases.services import supervises

    letter = letter_lock(letter)
    reason = (reason or "").strip()
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
    _audit(letter, LetterEvent.CANCELLED, actor, before=before, reason=reason, number=letter.number)
    return letter


def kinds_choices() -> list[tuple[str, str]]:
    return [(k.code, k.name) for k in KINDS.values()]
