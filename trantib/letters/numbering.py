"""Letter numbers from the unit's register (buku agenda surat keluar).

A number is taken at signing, never before, inside the signing transaction: the register's
counter row (:func:`trantib.core.counters.counter_next`, key ``letter:<register>:<year>``)
stays locked until the transaction ends, so concurrent signings queue and get consecutive
serials, and a signing that fails gives its number back. Serials restart every year.
"""

from __future__ import annotations

import datetime as dt
import re
import string

from django.utils.translation import gettext as _

from trantib.accounts.models import OrgUnit
from trantib.core.counters import counter_next, counter_peek
from trantib.core.errors import Invalid

from .kinds import kind_get
from .models import DEFAULT_PATTERN, PATTERN_TOKENS, Register

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def pattern_check(pattern: str) -> None:
    """Refuse a pattern with unknown tokens or without ``{urut}``."""
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None]
    except ValueError as exc:
        raise Invalid(_("Pola nomor tidak sah: %(e)s") % {"e": exc}, field="pattern") from None
    unknown = sorted(set(names) - set(PATTERN_TOKENS))
    if unknown:
        raise Invalid(
            _("Pola nomor memakai token yang tidak dikenal: %(t)s (yang dikenal: %(k)s).")
            % {"t": ", ".join(unknown), "k": ", ".join(PATTERN_TOKENS)},
            field="pattern",
        )
    if "urut" not in names:
        raise Invalid(_("Pola nomor harus memuat {urut}."), field="pattern")


def register_for(unit: OrgUnit, kind: str) -> Register:
    """The unit's register for ``kind``, else its general register (made on first use)."""
    found = {r.kind: r for r in Register.objects.filter(unit=unit, kind__in=[kind, ""])}
    if kind in found:
        return found[kind]
    if "" in found:
        return found[""]
    register, _created = Register.objects.get_or_create(
        unit=unit,
        kind="",
        defaults={
            "name": _("Register surat keluar"),
            "unit_code": re.sub(r"[^A-Za-z0-9.-]", "", unit.code) or "UNIT",
            "pattern": DEFAULT_PATTERN,
        },
    )
    return register


def number_format(register: Register, *, kind: str, serial: int, day: dt.date) -> str:
    klasifikasi = register.klasifikasi or kind_get(kind).klasifikasi
    return register.pattern.format(
        klasifikasi=klasifikasi,
        urut=str(serial).zfill(register.serial_digits),
        unit=register.unit_code,
        bulan_romawi=ROMAN[day.month - 1],
        bulan=f"{day.month:02d}",
        tahun=day.year,
    )


def number_take(register: Register, *, kind: str, day: dt.date) -> tuple[int, str]:
    """The next serial of ``register`` for the year of ``day`` and the number it makes. Call
    inside the signing transaction."""
    serial = counter_next(f"letter:{register.pk}:{day.year}")
    return serial, number_format(register, kind=kind, serial=serial, day=day)


def number_preview(register: Register, *, kind: str, day: dt.date) -> str:
    """What the next number would look like (not reserved: another signing may take it)."""
    serial = counter_peek(f"letter:{register.pk}:{day.year}") + 1
    return number_format(register, kind=kind, serial=serial, day=day)
