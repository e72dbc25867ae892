"""Letter numbers from the unit's register (buku agenda surat keluar).

A number is taken at signing, never before, inside the signing transaction: the register's
counter row (:func:`trantib.core.counters.counter_next`, key ``letter:<register>:<year>``)
stays locked until the transaction ends, so concurrent signings queue and get consecutive
serials, and a signing that fails gives its number back. Serials restart every year, which is
why a pattern must carry ``{tahun}``.

A number is unique in its unit (a database constraint). Two registers of one unit must never
be able to print the same number: :func:`register_collision` compares what they would print
(the same serial, the same day, each classification code they may use), and a register that
could collide is refused when it is saved, and not made automatically either.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Iterable

from django.utils.translation import gettext as _

from trantib.accounts.models import OrgUnit, Person
from trantib.core.audit import audit_record
from trantib.core.counters import counter_next, counter_peek
from trantib.core.errors import Conflict, Invalid

from .kinds import KINDS, kind_get
from .models import DEFAULT_PATTERN, PATTERN_TOKENS, Letter, Register

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
NUMBER_MAX = 120  # Letter.number
REGISTER_CREATED = "letter_register_created"
# The longest values a token can take: a pattern must fit NUMBER_MAX with them.
_WORST = {"klasifikasi": "0" * 20, "unit": "X" * 40, "urut": "9" * 6}
_SAMPLE_DAY = dt.date(2026, 12, 3)
_SAMPLE_SERIALS = (1, 1_234_567)  # past every zero-filled width: 0001 and 1 meet there


def pattern_check(pattern: str, *, unit_code: str = "", klasifikasi: str = "") -> None:
    """Refuse a pattern with unknown tokens, a format spec or conversion (``{urut:d}``,
    ``{urut!r}``), without ``{urut}`` or ``{tahun}``, or whose numbers would not fit
    :data:`NUMBER_MAX` characters (with ``unit_code`` and ``klasifikasi`` when given, else the
    longest values they may take)."""
    try:
        parts = list(string.Formatter().parse(pattern))
    except ValueError as exc:
        raise Invalid(_("Pola nomor tidak sah: %(e)s") % {"e": exc}, field="pattern") from None
    names = [name for _text, name, _spec, _conv in parts if name is not None]
    unknown = sorted(set(names) - set(PATTERN_TOKENS))
    if unknown:
        raise Invalid(
            _("Pola nomor memakai token yang tidak dikenal: %(t)s (yang dikenal: %(k)s).")
            % {"t": ", ".join(unknown), "k": ", ".join(PATTERN_TOKENS)},
            field="pattern",
        )
    if any(spec or conv for _text, name, spec, conv in parts if name is not None):
        raise Invalid(
            _("Token pola nomor ditulis polos, mis. {urut}, tanpa tanda : atau !."),
            field="pattern",
        )
    if "urut" not in names:
        raise Invalid(_("Pola nomor harus memuat {urut}."), field="pattern")
    if "tahun" not in names:
        raise Invalid(
            _("Pola nomor harus memuat {tahun}: nomor urut dimulai lagi setiap tahun."),
            field="pattern",
        )
    longest = _render(
        pattern,
        klasifikasi=klasifikasi or _WORST["klasifikasi"],
        urut=_WORST["urut"],
        unit=unit_code or _WORST["unit"],
        day=_SAMPLE_DAY,
    )
    if len(longest) > NUMBER_MAX:
        raise Invalid(
            _("Nomor dengan pola ini bisa sepanjang %(n)s karakter: paling banyak %(max)s.")
            % {"n": len(longest), "max": NUMBER_MAX},
            field="pattern",
        )


def _render(pattern: str, *, klasifikasi: str, urut: str, unit: str, day: dt.date) -> str:
    return pattern.format(
        klasifikasi=klasifikasi,
        urut=urut,
        unit=unit,
        bulan_romawi=ROMAN[day.month - 1],
        bulan=f"{day.month:02d}",
        tahun=day.year,
    )


def number_format(register: Register, *, kind: str, serial: int, day: dt.date) -> str:
    klasifikasi = register.klasifikasi or kind_get(kind).klasifikasi
    return _render(
        register.pattern,
        klasifikasi=klasifikasi,
        urut=str(serial).zfill(register.serial_digits),
        unit=register.unit_code,
        day=day,
    )


# -- registers that could print the same number -------------------------------------------------


def _codes(register: Register, own_kinds: set[str]) -> set[str]:
    """The classification codes ``register`` may print: its own, its kind's, or for the
    general register those of every kind without a register of its own and of every kind it
    already numbered."""
    if register.klasifikasi:
        return {register.klasifikasi}
    if register.kind:
        return {kind_get(register.kind).klasifikasi}
    kinds = {code for code in KINDS if code not in own_kinds}
    if register.pk is not None:
        kinds |= set(Letter.objects.filter(register_id=register.pk).values_list("kind", flat=True))
    return {KINDS[code].klasifikasi for code in kinds if code in KINDS}


def _samples(register: Register, codes: set[str]) -> set[str]:
    return {
        _render(
            register.pattern,
            klasifikasi=code,
            urut=str(serial).zfill(register.serial_digits),
            unit=register.unit_code,
            day=_SAMPLE_DAY,
        )
        for code in codes
        for serial in _SAMPLE_SERIALS
    }


def register_collision(register: Register, others: Iterable[Register]) -> Register | None:
    """The first of ``others`` (the unit's other registers) that could print a number
    ``register`` prints, or None."""
    others = [r for r in others if r.pk is None or r.pk != register.pk]
    own_kinds = {r.kind for r in [register, *others] if r.kind}
    mine = _samples(register, _codes(register, own_kinds))
    for other in others:
        if mine & _samples(other, _codes(other, own_kinds)):
            return other
    return None


# -- taking a number --------------------------------------------------------------------------


def register_for(unit: OrgUnit, kind: str, *, actor: Person | None = None) -> Register:
    """The unit's register for ``kind``, else its general register, made on first use (with
    its own audit event) unless it could print the numbers of a register the unit has."""
    found = {r.kind: r for r in Register.objects.filter(unit=unit, kind__in=[kind, ""])}
    if kind in found:
        return found[kind]
    if "" in found:
        return found[""]
    register = Register(
        unit=unit,
        kind="",
        name=_("Register surat keluar"),
        unit_code=re.sub(r"[^A-Za-z0-9.-]", "", unit.code) or "UNIT",
        pattern=DEFAULT_PATTERN,
    )
    clash = register_collision(register, Register.objects.filter(unit=unit))
    if clash is not None:
        raise Conflict(
            _(
                "Unit ini belum punya register umum, dan register bawaan akan memberi nomor "
                "yang sama dengan register '%(name)s'. Minta pimpinan unit membuat register "
                "umum dengan pola atau kode unit lain."
            )
            % {"name": clash.name},
            field="register",
        )
    register.save()
    audit_record(
        subject=register,
        type=REGISTER_CREATED,
        actor_id=actor.pk if actor else None,
        unit_id=unit.pk,
        data={
            "automatic": True,
            "kind": kind,
            "name": register.name,
            "unit_code": register.unit_code,
            "pattern": register.pattern,
        },
    )
    return register


def number_take(register: Register, *, kind: str, day: dt.date) -> tuple[int, str]:
    """The next serial of ``register`` for the year of ``day`` and the number it makes. Call
    inside the signing transaction. A pattern that cannot make a number (saved before the
    checks, or by hand) is refused here, never a 500."""
    klasifikasi = register.klasifikasi or kind_get(kind).klasifikasi
    try:
        pattern_check(register.pattern, unit_code=register.unit_code, klasifikasi=klasifikasi)
    except Invalid as exc:
        raise Conflict(
            _(
                "Pola nomor register '%(name)s' tidak dapat dipakai: %(e)s Minta pimpinan unit "
                "memperbaikinya."
            )
            % {"name": register.name, "e": exc.message},
            field="register",
        ) from None
    serial = counter_next(f"letter:{register.pk}:{day.year}")
    return serial, number_format(register, kind=kind, serial=serial, day=day)


def number_preview(register: Register, *, kind: str, day: dt.date) -> str:
    """What the next number would look like (not reserved: another signing may take it)."""
    serial = counter_peek(f"letter:{register.pk}:{day.year}") + 1
    return number_format(register, kind=kind, serial=serial, day=day)
