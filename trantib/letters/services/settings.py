"""A unit's letter settings and its registers, changed by the unit's head (or an administrator).

How a unit's letters look (kop, logo, font, paper, margins) and are signed, and how they are
numbered (the registers' patterns), are settings, not code: each save is one transaction with
one audit event on the settings row or the register, before and after.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from collections.abc import Mapping
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trantib.accounts.models import OrgUnit, Person
from trantib.core.audit import audit_record
from trantib.core.errors import Invalid, NotAllowed

from ..kinds import KINDS
from ..models import Font, LetterSettings, Paper, Register, SignMode
from ..numbering import pattern_check
from .lifecycle import settings_for


class SettingsEvent:
    SETTINGS_SAVED = "letter_settings_saved"
    REGISTER_SAVED = "letter_register_saved"


LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_PIXELS = 4000
TEXT_FIELDS = {"kop_lines": 6, "address_lines": 4}  # field: most lines
LINE_MAX = 150
NUMBER_FIELDS = {
    "font_size": (8, 16),
    "margin_top": (0, 60),
    "margin_right": (0, 60),
    "margin_bottom": (0, 60),
    "margin_left": (0, 60),
}
CHOICE_FIELDS = {"font": Font, "paper": Paper, "sign_mode": SignMode}
SETTINGS_FIELDS = ("place", *TEXT_FIELDS, *NUMBER_FIELDS, *CHOICE_FIELDS)
KLASIFIKASI = re.compile(r"^\d{3}(\.\d{1,3}){0,4}$")
UNIT_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-/ ]{0,39}$")


def may_manage(person: Person, unit: OrgUnit) -> bool:
    """The unit's head (a supervising position in the unit or above it), or an administrator."""
    from trantib.cases.services import supervises

    user = person.user
    if user is not None and (user.is_staff or user.is_superuser):
        return True
    return supervises(person, unit)


def _refuse_unless_manager(actor: Person, unit: OrgUnit) -> None:
    if not may_manage(actor, unit):
        raise NotAllowed(
            _("Hanya pimpinan unit atau administrator yang dapat mengubah pengaturan surat.")
        )


# --- settings ---------------------------------------------------------------------------------


def _settings_value(name: str, value: Any) -> Any:
    if name in NUMBER_FIELDS:
        low, high = NUMBER_FIELDS[name]
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            raise Invalid(_("Harus angka."), field=name) from None
        if not low <= number <= high:
            raise Invalid(
                _("Harus antara %(low)d dan %(high)d.") % {"low": low, "high": high}, field=name
            )
        return number
    if not isinstance(value, str):
        raise Invalid(_("Harus teks."), field=name)
    if name in CHOICE_FIELDS:
        if value not in CHOICE_FIELDS[name].values:
            raise Invalid(_("Pilih salah satu pilihan yang ada."), field=name)
        return value
    if name in TEXT_FIELDS:
        lines = [line.strip() for line in value.splitlines() if line.strip()]
        if len(lines) > TEXT_FIELDS[name]:
            raise Invalid(_("Paling banyak %(n)d baris.") % {"n": TEXT_FIELDS[name]}, field=name)
        if any(len(line) > LINE_MAX for line in lines):
            raise Invalid(_("Satu baris paling banyak %(n)d huruf.") % {"n": LINE_MAX}, field=name)
        return "\n".join(lines)
    text = value.strip()
    if "\n" in text or len(text) > 100:
        raise Invalid(_("Satu baris, paling banyak 100 huruf."), field=name)
    return text


def _logo_check(content: bytes) -> str:
    """The logo's file extension, once it is known to be a PNG or JPEG image of at most 1 MB."""
    if len(content) > LOGO_MAX_BYTES:
        raise Invalid(_("Logo paling besar 1 MB."), field="logo")
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        ext, expected = "png", "PNG"
    elif content.startswith(b"\xff\xd8\xff"):
        ext, expected = "jpg", "JPEG"
    else:
        raise Invalid(_("Logo harus gambar PNG atau JPEG."), field="logo")
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
            size, kind = image.size, image.format
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise Invalid(_("Berkas logo rusak atau bukan gambar."), field="logo") from None
    if kind != expected or max(size) > LOGO_MAX_PIXELS:
        raise Invalid(
            _("Logo harus PNG atau JPEG, paling besar %(n)d piksel per sisi.")
            % {"n": LOGO_MAX_PIXELS},
            field="logo",
        )
    return ext


@transaction.atomic
def letter_settings_save(
    *,
    unit: OrgUnit,
    actor: Person,
    changes: Mapping[str, Any],
    logo: bytes | None = None,
    logo_remove: bool = False,
    now: dt.datetime | None = None,
) -> LetterSettings:
    """Change the unit's letter settings (``changes``: any of :data:`SETTINGS_FIELDS`), and its
    logo (a new PNG/JPEG, or removed). One audit event with what changed."""
    _refuse_unless_manager(actor, unit)
    unknown = sorted(set(changes) - set(SETTINGS_FIELDS))
    if unknown:
        raise Invalid(
            _("Isian tidak dikenal: %(n)s.") % {"n": ", ".join(unknown)}, field=unknown[0]
        )
    row = LetterSettings.objects.select_for_update().get(pk=settings_for(unit).pk)
    before = {name: getattr(row, name) for name in SETTINGS_FIELDS}
    had_logo = bool(row.logo)
    for name, value in changes.items():
        setattr(row, name, _settings_value(name, value))
    diff: dict[str, Any] = {
        name: {"before": before[name], "after": getattr(row, name)}
        for name in SETTINGS_FIELDS
        if before[name] != getattr(row, name)
    }
    if logo:
        ext = _logo_check(logo)
        digest = hashlib.sha256(logo).hexdigest()
        row.logo.save(f"{unit.code.lower()}-{digest[:16]}.{ext}", ContentFile(logo), save=False)
        diff["logo"] = {"before": had_logo, "after": digest}
    elif logo_remove and row.logo:
        row.logo = ""  # type: ignore[assignment]  # the file stays: old letters printed with it
        diff["logo"] = {"before": True, "after": ""}
    if not diff:
        return row
    row.save()
    audit_record(
        subject=row,
        type=SettingsEvent.SETTINGS_SAVED,
        actor_id=actor.pk,
        unit_id=unit.pk,
        data={"changes": diff},
        at=now or timezone.now(),
    )
    return row


# --- registers --------------------------------------------------------------------------------


@transaction.atomic
def register_save(
    *,
    unit: OrgUnit,
    actor: Person,
    register: Register | None = None,
    name: str,
    kind: str = "",
    klasifikasi: str = "",
    unit_code: str,
    pattern: str,
    serial_digits: int | str = 4,
    now: dt.datetime | None = None,
) -> Register:
    """Create a register of the unit (``register`` None) or change one. A changed pattern
    numbers the letters signed from now on; numbers already given stay as they are."""
    _refuse_unless_manager(actor, unit)
    if register is not None:
        register = Register.objects.select_for_update().get(pk=register.pk)
        if register.unit_id != unit.pk:
            raise NotAllowed(_("Register ini milik unit lain."))
    fields = _register_fields(
        unit=unit,
        register=register,
        name=name,
        kind=kind,
        klasifikasi=klasifikasi,
        unit_code=unit_code,
        pattern=pattern,
        serial_digits=serial_digits,
    )
    before = {k: getattr(register, k) for k in fields} if register is not None else {}
    if register is None:
        register = Register(unit=unit, **fields)
    else:
        for key, value in fields.items():
            setattr(register, key, value)
    diff = {
        k: {"before": before.get(k), "after": v} for k, v in fields.items() if before.get(k) != v
    }
    if not diff:
        return register
    register.save()
    audit_record(
        subject=register,
        type=SettingsEvent.REGISTER_SAVED,
        actor_id=actor.pk,
        unit_id=unit.pk,
        data={"created": not before, "changes": diff},
        at=now or timezone.now(),
    )
    return register


def _register_fields(
    *,
    unit: OrgUnit,
    register: Register | None,
    name: str,
    kind: str,
    klasifikasi: str,
    unit_code: str,
    pattern: str,
    serial_digits: int | str,
) -> dict[str, Any]:
    name, kind, klasifikasi = (
        (name or "").strip(),
        (kind or "").strip(),
        (klasifikasi or "").strip(),
    )
    unit_code, pattern = (unit_code or "").strip(), (pattern or "").strip()
    if not name or len(name) > 120:
        raise Invalid(_("Nama register wajib diisi (paling banyak 120 huruf)."), field="name")
    if kind and kind not in KINDS:
        raise Invalid(_("Jenis naskah tidak dikenal."), field="kind")
    taken = Register.objects.filter(unit=unit, kind=kind)
    if register is not None:
        taken = taken.exclude(pk=register.pk)
    if taken.exists():
        raise Invalid(
            _("Unit ini sudah punya register untuk jenis naskah itu.")
            if kind
            else _("Unit ini sudah punya register umum."),
            field="kind",
        )
    if klasifikasi and not KLASIFIKASI.match(klasifikasi):
        raise Invalid(
            _("Kode klasifikasi ditulis angka bertitik, mis. 300.1.2 (Permendagri 83/2022)."),
            field="klasifikasi",
        )
    if not UNIT_CODE.match(unit_code):
        raise Invalid(
            _("Kode unit: huruf, angka, titik, tanda hubung atau garis miring; paling banyak 40."),
            field="unit_code",
        )
    if len(pattern) > 120:
        raise Invalid(_("Pola nomor paling banyak 120 huruf."), field="pattern")
    pattern_check(pattern)
    try:
        digits = int(str(serial_digits).strip())
    except (TypeError, ValueError):
        raise Invalid(
            _("Digit nomor urut harus angka 1 sampai 6."), field="serial_digits"
        ) from None
    if not 1 <= digits <= 6:
        raise Invalid(_("Digit nomor urut harus angka 1 sampai 6."), field="serial_digits")
    return {
        "name": name,
        "kind": kind,
        "klasifikasi": klasifikasi,
        "unit_code": unit_code,
        "pattern": pattern,
        "serial_digits": digits,
    }
