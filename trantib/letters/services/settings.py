"""A unit's letter settings and its registers, changed by the unit's head (or an administrator).

How a unit's letters look (kop, logo, font, paper, margins) and are signed, and how they are
numbered (the registers' patterns), are settings, not code: each save is one transaction with
one audit event on the settings row or the register, before and after.
"""

from __future__ import annotations

import datetime as dt
import hashlib
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
from trantib.core.text import has_control_characters

from ..classification import klasifikasi_check
from ..kinds import KINDS
from ..models import Font, LetterSettings, Paper, Register, SignMode
from ..numbering import pattern_check, register_collision
from ..uploads import logo_check
from .lifecycle import settings_for


class SettingsEvent:
    SETTINGS_SAVED = "letter_settings_saved"
    REGISTER_SAVED = "letter_register_saved"


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
    if has_control_characters(value, unstorable_only=True):
        raise Invalid(_("Teks berisi karakter yang tidak dapat disimpan (NUL)."), field=name)
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
        ext = logo_check(logo, field="logo").ext
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
    if register is not None and fields["kind"] != register.kind and register.letters.exists():
        # Its letters keep their numbers; the kind it numbered would fall to another register
        # (made afresh: from 0001 again) and print the numbers already given.
        raise Invalid(
            _(
                "Jenis naskah register yang sudah memberi nomor tidak dapat diubah: buat register "
                "baru untuk jenis lain."
            ),
            field="kind",
        )
    if register is None:
        register = Register(unit=unit, **fields)
    else:
        for key, value in fields.items():
            setattr(register, key, value)
    clash = register_collision(register, Register.objects.filter(unit=unit))
    if clash is not None:
        raise Invalid(
            _(
                "Register ini dapat memberi nomor yang sama dengan register '%(name)s'. Bedakan "
                "pola nomor, kode unit, atau kode klasifikasinya."
            )
            % {"name": clash.name},
            field="pattern",
        )
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


def _longest_code(kind: str) -> str:
    """The longest classification code a register of ``kind`` ('' general) prints by default."""
    codes = [KINDS[kind].klasifikasi] if kind else [k.klasifikasi for k in KINDS.values()]
    return max(codes, key=len)


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
    for field, value in (
        ("name", name),
        ("kind", kind),
        ("klasifikasi", klasifikasi),
        ("unit_code", unit_code),
        ("pattern", pattern),
    ):
        if not isinstance(value, str) or has_control_characters(value):
            raise Invalid(_("Harus teks tanpa karakter kendali."), field=field)
    name, kind, klasifikasi = name.strip(), kind.strip(), klasifikasi.strip()
    unit_code, pattern = unit_code.strip(), pattern.strip()
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
    klasifikasi = klasifikasi_check(klasifikasi)
    if not UNIT_CODE.match(unit_code):
        raise Invalid(
            _("Kode unit: huruf, angka, titik, tanda hubung atau garis miring; paling banyak 40."),
            field="unit_code",
        )
    if len(pattern) > 120:
        raise Invalid(_("Pola nomor paling banyak 120 huruf."), field="pattern")
    pattern_check(pattern, unit_code=unit_code, klasifikasi=klasifikasi or _longest_code(kind))
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
