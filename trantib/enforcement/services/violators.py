"""Every change to the violators register: one transaction and one audit event each.

Pages, the API, the picker include (``enforcement/_violator_pick.html``) and other parts of the
app (a finding on patrol, an operation's results) call these, never the models directly. Only
people holding an enforcement role in the unit (``TRANTIB_ENFORCEMENT_ROLES``) change it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trantib.accounts.models import OrgUnit, Person
from trantib.core.audit import audit_record
from trantib.core.dateinput import date_parse
from trantib.core.errors import Invalid, NotAllowed, NotFound
from trantib.core.phones import phone_normalise
from trantib.core.text import has_control_characters

from ..identity import IdentityError, nib_clean, nik_clean
from ..models import (
    Attendance,
    CourtRecord,
    Enforcement,
    Sanction,
    SanctionApplied,
    Violator,
    ViolatorKind,
    ViolatorPhoto,
)
from ..numbers import fine_parse, whole
from ..selectors.violators import is_enforcement_officer, normalised, violator_duplicates

# What a violator row records, in the audit event's order.
FIELDS = (
    "kind",
    "name",
    "nik",
    "phone",
    "address",
    "desa",
    "kecamatan",
    "nib",
    "business_type",
    "owner",
    "latitude",
    "longitude",
    "note",
)
PICK_FIELDS = (
    "kind",
    "name",
    "nik",
    "phone",
    "address",
    "desa",
    "kecamatan",
    "nib",
    "business_type",
    "owner_name",
    "owner_nik",
    "latitude",
    "longitude",
)
LIMITS = {
    "name": 200,
    "phone": 20,
    "address": 300,
    "desa": 100,
    "kecamatan": 100,
    "business_type": 100,
}


def may_manage(person: Person | None, unit: OrgUnit) -> bool:
    """Whether ``person`` may add to and change the unit's register."""
    return person is not None and is_enforcement_officer(person, unit)


def _refuse_unless_officer(actor: Person | None, unit: OrgUnit) -> None:
    if not may_manage(actor, unit):
        raise NotAllowed(
            _("Hanya petugas penegakan unit %(unit)s yang dapat mengubah daftar pelanggar.")
            % {"unit": unit.name},
            field="unit",
        )


def _text(value: Any, name: str, label: str, *, prefix: str = "") -> str:
    text = " ".join(str(value or "").split()) if name != "note" else str(value or "").strip()
    key = f"{prefix}-{name}" if prefix else name
    if has_control_characters(text):
        raise Invalid(_("%(label)s berisi karakter yang tidak sah.") % {"label": label}, field=key)
    limit = LIMITS.get(name)
    if limit and len(text) > limit:
        raise Invalid(
            _("%(label)s paling banyak %(n)s karakter.") % {"label": label, "n": limit}, field=key
        )
    return text


def _coordinate(value: Any, name: str, *, prefix: str = "") -> float | None:
    key = f"{prefix}-{name}" if prefix else name
    if value in (None, ""):
        return None
    try:
        number = float(str(value).replace(",", "."))
    except (TypeError, ValueError):
        raise Invalid(_("Koordinat harus berupa angka."), field=key) from None
    bound = 90 if name == "latitude" else 180
    if not -bound <= number <= bound:
        raise Invalid(
            _("Lintang harus antara -90 dan 90.")
            if name == "latitude"
            else _("Bujur harus antara -180 dan 180."),
            field=key,
        )
    return number


def _clean(
    *,
    unit: OrgUnit,
    kind: str,
    name: str,
    nik: str,
    phone: str,
    address: str,
    desa: str,
    kecamatan: str,
    nib: str,
    business_type: str,
    owner: Violator | None,
    latitude: Any,
    longitude: Any,
    note: str,
    prefix: str = "",
    today: dt.date | None = None,
) -> dict[str, Any]:
    def key(n: str) -> str:
        return f"{prefix}-{n}" if prefix else n

    if kind not in ViolatorKind.values:
        raise Invalid(_("Pilih jenis pelanggar: orang atau usaha."), field=key("kind"))
    clean: dict[str, Any] = {"kind": kind}
    clean["name"] = _text(name, "name", _("Nama"), prefix=prefix)
    if not clean["name"]:
        word = _("Nama usaha") if kind == ViolatorKind.BUSINESS else _("Nama")
        raise Invalid(_("%(label)s wajib diisi.") % {"label": word}, field=key("name"))
    try:
        clean["nik"] = nik_clean(nik, today=today)
    except IdentityError as e:
        raise Invalid(e.message, field=key("nik")) from None
    try:
        clean["nib"] = nib_clean(nib)
    except IdentityError as e:
        raise Invalid(e.message, field=key("nib")) from None
    phone = str(phone or "").strip()
    if phone:
        try:
            phone = phone_normalise(phone)
        except ValueError:
            raise Invalid(
                _("Nomor telepon tidak dikenali: tulis seperti 0812-3456-7890."), field=key("phone")
            ) from None
    clean["phone"] = phone
    for n, label in (
        ("address", _("Alamat")),
        ("desa", _("Desa/kelurahan")),
        ("kecamatan", _("Kecamatan")),
        ("business_type", _("Jenis usaha")),
        ("note", _("Catatan")),
    ):
        clean[n] = _text(locals()[n], n, label, prefix=prefix)
    clean["latitude"] = _coordinate(latitude, "latitude", prefix=prefix)
    clean["longitude"] = _coordinate(longitude, "longitude", prefix=prefix)
    if (clean["latitude"] is None) != (clean["longitude"] is None):
        raise Invalid(
            _("Isi lintang dan bujur sekaligus, atau kosongkan keduanya."), field=key("latitude")
        )
    if kind == ViolatorKind.PERSON:
        if clean["nib"] or owner is not None or clean["business_type"]:
            raise Invalid(
                _("NIB, jenis usaha dan pemilik hanya untuk pelanggar berupa usaha."),
                field=key("nib"),
            )
    else:
        if owner is not None and (owner.unit_id != unit.pk or owner.kind != ViolatorKind.PERSON):
            raise Invalid(
                _("Pemilik usaha harus orang yang terdaftar di unit ini."), field=key("owner_name")
            )
    clean["owner"] = owner
    return clean


def _data(violator: Violator) -> dict[str, Any]:
    return {n: (violator.owner_id if n == "owner" else getattr(violator, n)) for n in FIELDS}


def _refuse_hard_duplicates(
    unit: OrgUnit, clean: dict[str, Any], *, exclude: int | None, prefix: str
) -> None:
    def key(n: str) -> str:
        return f"{prefix}-{n}" if prefix else n

    if clean["nik"]:
        other = (
            Violator.objects.filter(unit=unit, nik=clean["nik"]).exclude(pk=exclude or 0).first()
        )
        if other is not None:
            raise Invalid(
                _("NIK ini sudah terdaftar di unit ini atas nama %(name)s: pilih pelanggar itu.")
                % {"name": other.name},
                field=key("nik"),
            )
    if clean["nib"]:
        other = (
            Violator.objects.filter(unit=unit, nib=clean["nib"]).exclude(pk=exclude or 0).first()
        )
        if other is not None:
            raise Invalid(
                _("NIB ini sudah terdaftar di unit ini atas nama %(name)s: pilih usaha itu.")
                % {"name": other.name},
                field=key("nib"),
            )


@transaction.atomic
def violator_create(
    *,
    unit: OrgUnit,
    actor: Person | None,
    kind: str,
    name: str,
    nik: str = "",
    phone: str = "",
    address: str = "",
    desa: str = "",
    kecamatan: str = "",
    nib: str = "",
    business_type: str = "",
    owner: Violator | None = None,
    latitude: float | str | None = None,
    longitude: float | str | None = None,
    note: str = "",
    now: dt.datetime | None = None,
    prefix: str = "",
) -> Violator:
    """Add a person or a business to the unit's register. The NIK (16 digits, structure checked)
    and the NIB (13 digits) are unique per unit: a second entry is refused, naming the first.
    ``actor`` None only for a system load (the demo); a person must hold an enforcement role."""
    now = now or timezone.now()
    if actor is not None:
        _refuse_unless_officer(actor, unit)
    clean = _clean(
        unit=unit,
        kind=kind,
        name=name,
        nik=nik,
        phone=phone,
        address=address,
        desa=desa,
        kecamatan=kecamatan,
        nib=nib,
        business_type=business_type,
        owner=owner,
        latitude=latitude,
        longitude=longitude,
        note=note,
        prefix=prefix,
        today=unit.today(),
    )
    _refuse_hard_duplicates(unit, clean, exclude=None, prefix=prefix)
    violator = Violator(unit=unit, created_at=now, created_by=actor, **clean)
    try:
        with transaction.atomic():
            violator.save()
    except IntegrityError:
        raise Invalid(
            _("NIK atau NIB ini baru saja didaftarkan orang lain: muat ulang halaman."),
            field=f"{prefix}-nik" if prefix else "nik",
        ) from None
    audit_record(
        subject=violator,
        type="violator.created",
        actor_id=actor.pk if actor else None,
        unit_id=unit.pk,
        at=now,
        data=_data(violator),
    )
    return violator


@transaction.atomic
def violator_update(
    *,
    violator: Violator,
    actor: Person,
    data: Mapping[str, Any],
    now: dt.datetime | None = None,
) -> Violator:
    """Change a violator's fields (those ``data`` names; the kind stays); audited with the
    fields before and after."""
    now = now or timezone.now()
    violator = (
        Violator.objects.select_for_update(of=("self",)).select_related("unit").get(pk=violator.pk)
    )
    unit = violator.unit
    _refuse_unless_officer(actor, unit)
    before = _data(violator)
    owner = violator.owner
    if "owner" in data:
        owner_id = data.get("owner")
        owner = None
        if owner_id not in (None, ""):
            owner = Violator.objects.filter(unit=unit, pk=_int(owner_id, "owner")).first()
            if owner is None:
                raise Invalid(_("Pemilik usaha tidak ditemukan di unit ini."), field="owner")
    values = {n: data.get(n, getattr(violator, n)) for n in FIELDS if n not in ("owner", "kind")}
    clean = _clean(unit=unit, kind=violator.kind, owner=owner, today=unit.today(), **values)
    _refuse_hard_duplicates(unit, clean, exclude=violator.pk, prefix="")
    for n, value in clean.items():
        setattr(violator, n, value)
    violator.save()
    after = _data(violator)
    changed = {n: [before[n], after[n]] for n in FIELDS if before[n] != after[n]}
    if changed:
        audit_record(
            subject=violator,
            type="violator.changed",
            actor_id=actor.pk,
            unit_id=unit.pk,
            at=now,
            data={"changed": changed},
        )
    return violator


def _int(value: Any, field: str) -> int:
    return whole(value, field=field, message=_("Pilihan tidak dikenal."))


def _owner_for(
    *,
    unit: OrgUnit,
    actor: Person | None,
    name: str,
    nik: str,
    desa: str,
    kecamatan: str,
    prefix: str,
    now: dt.datetime,
) -> Violator | None:
    """The owner of a new business: the person with that NIK in the unit, else the one with
    the same name (normalised) in the same desa, else a new person."""
    name = " ".join(name.split())
    if not name and not nik.strip():
        return None
    try:
        clean_nik = nik_clean(nik, today=unit.today())
    except IdentityError as e:
        raise Invalid(e.message, field=f"{prefix}-owner_nik") from None
    people = Violator.objects.filter(unit=unit, kind=ViolatorKind.PERSON)
    if clean_nik:
        found = people.filter(nik=clean_nik).first()
        if found is not None:
            return found
    if not name:
        raise Invalid(
            _("Nama pemilik wajib diisi bila NIK pemilik diisi."), field=f"{prefix}-owner_name"
        )
    wanted = normalised(name)
    for person in people.filter(desa__iexact=desa) if desa else people.none():
        if normalised(person.name) == wanted and not (clean_nik and person.nik):
            return person
    try:
        return violator_create(
            unit=unit,
            actor=actor,
            kind=ViolatorKind.PERSON,
            name=name,
            nik=clean_nik,
            desa=desa,
            kecamatan=kecamatan,
            now=now,
        )
    except Invalid as e:
        # The owner's own fields, as the picker names them.
        field = f"{prefix}-owner_nik" if e.field == "nik" else f"{prefix}-owner_name"
        raise Invalid(e.message, field=field) from None


def picked_id(data: Mapping[str, Any], prefix: str) -> str:
    """The violator chosen in the picker: the first non-empty ``{prefix}-violator`` (without
    JavaScript the plain list and the hidden "new violator" choice are both posted)."""
    key = f"{prefix}-violator"
    getlist = getattr(data, "getlist", None)
    values = getlist(key) if callable(getlist) else [data.get(key, "")]
    return next((str(v).strip() for v in values if str(v or "").strip()), "")


def _checked(data: Mapping[str, Any], key: str) -> bool:
    return str(data.get(key, "")).strip().lower() in ("1", "on", "true", "ya", "yes")


@transaction.atomic
def violator_pick(
    *,
    unit: OrgUnit,
    actor: Person | None,
    data: Mapping[str, Any],
    prefix: str,
    now: dt.datetime | None = None,
) -> Violator:
    """The violator the picker include posted under ``prefix``: ``{prefix}-violator`` (an
    existing violator of ``unit``), or a new one from ``{prefix}-kind``, ``-name``, ``-nik`` …
    (created, audited). A new one that looks like an existing one (similar name in the same
    desa or a similar address) is refused until the officer ticks ``{prefix}-different`` ("a
    different person"): the suggestions are named in the error."""
    now = now or timezone.now()
    chosen = picked_id(data, prefix)
    if chosen:
        found = Violator.objects.filter(unit=unit, pk=_int(chosen, f"{prefix}-violator")).first()
        if found is None:
            raise Invalid(
                _("Pelanggar yang dipilih tidak ada di unit ini."), field=f"{prefix}-violator"
            )
        return found
    values = {n: str(data.get(f"{prefix}-{n}", "") or "") for n in PICK_FIELDS}
    if not values["name"].strip() and not values["nik"].strip() and not values["nib"].strip():
        raise Invalid(
            _("Pilih pelanggar yang sudah terdaftar atau isi data pelanggar baru."),
            field=f"{prefix}-name",
        )
    if actor is not None:
        _refuse_unless_officer(actor, unit)
    kind = values["kind"] or ViolatorKind.PERSON
    # Checked first so that the duplicate search compares clean numbers.
    try:
        nik, nib = nik_clean(values["nik"], today=unit.today()), nib_clean(values["nib"])
    except IdentityError as e:
        field = "nib" if "NIB" in e.message else "nik"
        raise Invalid(e.message, field=f"{prefix}-{field}") from None
    if not _checked(data, f"{prefix}-different"):
        similar = [
            d
            for d in violator_duplicates(
                unit=unit,
                kind=kind,
                name=values["name"],
                nik=nik,
                nib=nib,
                address=values["address"],
                desa=values["desa"],
            )
            if not d.hard
        ]
        if similar:
            names = "; ".join(f"{d.violator.name} ({d.violator.desa or '-'})" for d in similar)
            raise Invalid(
                _(
                    "Mungkin sudah terdaftar: %(names)s. Pilih pelanggar itu, atau centang "
                    "“Orang/usaha lain” bila berbeda."
                )
                % {"names": names},
                field=f"{prefix}-name",
            )
    owner = None
    if kind == ViolatorKind.BUSINESS:
        owner = _owner_for(
            unit=unit,
            actor=actor,
            name=values["owner_name"],
            nik=values["owner_nik"],
            desa=values["desa"],
            kecamatan=values["kecamatan"],
            prefix=prefix,
            now=now,
        )
    elif values["owner_name"].strip() or values["owner_nik"].strip():
        raise Invalid(
            _("Pemilik hanya untuk pelanggar berupa usaha."), field=f"{prefix}-owner_name"
        )
    return violator_create(
        unit=unit,
        actor=actor,
        kind=kind,
        name=values["name"],
        nik=nik,
        phone=values["phone"],
        address=values["address"],
        desa=values["desa"],
        kecamatan=values["kecamatan"],
        nib=nib,
        business_type=values["business_type"],
        owner=owner,
        latitude=values["latitude"] or None,
        longitude=values["longitude"] or None,
        now=now,
        prefix=prefix,
    )


# -- photos -------------------------------------------------------------------------------------

_IMAGES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def _image_type(head: bytes) -> str | None:
    for magic, content_type in _IMAGES:
        if head.startswith(magic):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


@transaction.atomic
def violator_photo_add(
    *,
    violator: Violator,
    actor: Person | None,
    name: str,
    content: IO[bytes],
    now: dt.datetime | None = None,
) -> ViolatorPhoto:
    """Keep a photo (JPEG, PNG, WebP, GIF: read from its first bytes) of the violator or the
    place of business; capped by ``TRANTIB_ATTACHMENT_MAX_BYTES``."""
    now = now or timezone.now()
    if actor is not None:
        _refuse_unless_officer(actor, violator.unit)
    limit = int(getattr(settings, "TRANTIB_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))
    body = content.read(limit + 1)
    if not body:
        raise Invalid(_("Berkas foto kosong."), field="photo")
    if len(body) > limit:
        raise Invalid(
            _("Foto lebih besar dari %(mb)s MB.") % {"mb": limit // (1024 * 1024)}, field="photo"
        )
    content_type = _image_type(body[:16])
    if content_type is None:
        raise Invalid(_("Unggah foto berformat JPEG, PNG, WebP atau GIF."), field="photo")
    clean_name = (name or "foto").replace("/", "_").replace("\\", "_").strip()[:200] or "foto"
    photo = ViolatorPhoto(
        violator=violator,
        name=clean_name,
        content_type=content_type,
        size=len(body),
        sha256=hashlib.sha256(body).hexdigest(),
        uploaded_by=actor,
        uploaded_at=now,
    )
    photo.file.save(clean_name, ContentFile(body), save=False)
    photo.save()
    audit_record(
        subject=violator,
        type="violator.photo_added",
        actor_id=actor.pk if actor else None,
        unit_id=violator.unit_id,
        at=now,
        data={"photo": photo.pk, "name": clean_name, "size": len(body), "sha256": photo.sha256},
    )
    return photo


def violator_photo_get(violator: Violator, photo_id: int | str) -> ViolatorPhoto:
    photo = ViolatorPhoto.objects.filter(violator=violator, pk=_int(photo_id, "photo")).first()
    if photo is None:
        raise NotFound(_("Foto tidak ditemukan."))
    return photo


# -- sanctions and tipiring hearings -------------------------------------------------------------


def _date(value: Any, field: str, label: str, *, required: bool = True) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    if not text:
        if required:
            raise Invalid(_("%(label)s wajib diisi.") % {"label": label}, field=field)
        return None
    try:
        return date_parse(text)
    except ValueError as e:
        raise Invalid(f"{label}: {e}", field=field) from None


def _required_date(value: Any, field: str, label: str) -> dt.date:
    day = _date(value, field, label)
    if day is None:
        raise Invalid(_("%(label)s wajib diisi.") % {"label": label}, field=field)
    return day


@transaction.atomic
def sanction_record(
    *,
    enforcement: Enforcement,
    actor: Person,
    sanction: str,
    applied_on: dt.date | str,
    reference: str = "",
    note: str = "",
    now: dt.datetime | None = None,
) -> SanctionApplied:
    """Record an administrative sanction carried out on an enforcement (penutupan,
    penyegelan …), with the number of its letter or Berita Acara."""
    now = now or timezone.now()
    _refuse_unless_officer(actor, enforcement.unit)
    if sanction not in Sanction.values:
        raise Invalid(_("Pilih sanksi dari daftar."), field="sanction")
    day = _required_date(applied_on, "applied_on", _("Tanggal sanksi"))
    if day > enforcement.unit.today():
        raise Invalid(_("Tanggal sanksi belum terjadi."), field="applied_on")
    row = SanctionApplied.objects.create(
        enforcement=enforcement,
        sanction=sanction,
        applied_on=day,
        reference=_text(reference, "reference", _("Nomor surat/Berita Acara"))[:120],
        note=_text(note, "note", _("Catatan")),
        recorded_at=now,
        recorded_by=actor,
    )
    audit_record(
        subject=enforcement,
        type="enforcement.sanction_applied",
        actor_id=actor.pk,
        unit_id=enforcement.unit_id,
        at=now,
        data={
            "sanction_applied": row.pk,
            "sanction": sanction,
            "applied_on": day.isoformat(),
            "reference": row.reference,
            "note": row.note,
        },
    )
    return row


def _fine(value: Any) -> int | None:
    return fine_parse(value, field="fine")


@transaction.atomic
def court_record(
    *,
    enforcement: Enforcement,
    actor: Person,
    hearing_on: dt.date | str,
    court: str,
    attendance: str,
    verdict: str = "",
    fine: int | str | None = None,
    paid_on: dt.date | str | None = None,
    now: dt.datetime | None = None,
) -> CourtRecord:
    """Record a tipiring hearing: the court, the day, hadir or verstek, the verdict, the fine
    and the day it was paid."""
    now = now or timezone.now()
    _refuse_unless_officer(actor, enforcement.unit)
    day = _required_date(hearing_on, "hearing_on", _("Tanggal sidang"))
    court = _text(court, "court", _("Pengadilan"))[:200]
    if not court:
        raise Invalid(_("Pengadilan wajib diisi."), field="court")
    if attendance not in Attendance.values:
        raise Invalid(_("Pilih kehadiran: hadir atau verstek."), field="attendance")
    amount = _fine(fine)
    paid = _date(paid_on, "paid_on", _("Tanggal bayar"), required=False)
    if paid is not None and paid < day:
        raise Invalid(_("Denda tidak dibayar sebelum sidang."), field="paid_on")
    if paid is not None and amount is None:
        raise Invalid(_("Isi jumlah denda yang dibayar."), field="fine")
    row = CourtRecord.objects.create(
        enforcement=enforcement,
        hearing_on=day,
        court=court,
        attendance=attendance,
        verdict=_text(verdict, "note", _("Putusan")),
        fine=amount,
        paid_on=paid,
        recorded_at=now,
        recorded_by=actor,
    )
    audit_record(
        subject=enforcement,
        type="enforcement.court_recorded",
        actor_id=actor.pk,
        unit_id=enforcement.unit_id,
        at=now,
        data={
            "court_record": row.pk,
            "hearing_on": day.isoformat(),
            "court": court,
            "attendance": attendance,
            "verdict": row.verdict,
            "fine": amount,
            "paid_on": paid.isoformat() if paid else None,
        },
    )
    return row


def enforcement_of_violator(violator: Violator, enforcement_id: Any) -> Enforcement:
    found = Enforcement.objects.filter(
        violator=violator, pk=_int(enforcement_id, "enforcement")
    ).first()
    if found is None:
        raise Invalid(_("Penegakan itu bukan milik pelanggar ini."), field="enforcement")
    return found
