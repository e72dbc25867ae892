"""The demo units' letter settings and registers, from ``data/letter_setup.yaml``: the crest in
the kop, the kop and address lines, the place, the paper, how letters are signed and how they
are numbered, saved through the letters services by each unit's head.

``demo_letter_setup_load()`` runs before the demo cases (their SOP steps write letters that
are printed and numbered this way) and is idempotent: what is already as the file says is not
saved again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import transaction
from django.utils import timezone

from trantib.accounts.models import OrgUnit, Person
from trantib.letters.models import Register, SigningCredential, SignMode
from trantib.letters.services import (
    letter_settings_save,
    person_certificate,
    register_save,
    settings_for,
)

from .complaints import unit_get
from .steps import person_get
from .yamlfile import DATA_DIR, Entry, read

FILE = "letter_setup.yaml"
UNIT_KEYS = frozenset(
    {"unit", "by", "place", "paper", "sign_mode", "address", "font", "font_size", "registers"}
)
REGISTER_KEYS = frozenset({"name", "kind", "klasifikasi", "unit_code", "pattern", "digits"})
# The demo's history starts this long before it loads: the settings were made then, and a unit
# that signs electronically had its certificates issued then. Its oldest letters are dated a
# few weeks back; a certificate issued at load time would not have been valid when they were
# signed, and /verifikasi/ checks an uploaded copy as of its signing time.
HISTORY = dt.timedelta(days=60)
CERTIFICATE_LEFT = dt.timedelta(days=60)  # a certificate closer to its end is renewed
_ADDRESS_STARTS = ("jl", "jalan")


@dataclass(frozen=True)
class RegisterSpec:
    name: str
    kind: str
    klasifikasi: str
    unit_code: str
    pattern: str
    digits: int


@dataclass(frozen=True)
class UnitSetup:
    where: str
    unit: str
    by: str
    changes: dict[str, Any]  # letter settings other than the kop lines and the logo
    registers: tuple[RegisterSpec, ...]


@dataclass(frozen=True)
class SetupResult:
    units: int
    saved: int  # settings and registers saved (0 on a second load)


@cache
def setups() -> tuple[bytes, tuple[UnitSetup, ...]]:
    """The crest's bytes and each unit's setup; read and checked once."""
    shown, raw = read(FILE)
    top = Entry(raw, shown, keys={"logo", "units"})
    logo_path = DATA_DIR / top.text("logo")
    try:
        logo = logo_path.read_bytes()
    except OSError as exc:
        raise top.error(f"cannot read the logo {logo_path.name}: {exc.strerror}") from exc
    found: list[UnitSetup] = []
    for n, item in enumerate(top.items("units"), start=1):
        entry = Entry(item, f"{shown}: unit {n}", keys=UNIT_KEYS)
        entry = Entry(item, f"{shown}: unit {entry.text('unit')!r}", keys=UNIT_KEYS)
        mode = entry.text("sign_mode")
        if mode not in SignMode.values:
            raise entry.error(f"'sign_mode' is one of {', '.join(SignMode.values)}, not {mode!r}")
        changes: dict[str, Any] = {
            "place": entry.text("place"),
            "paper": entry.text("paper"),
            "sign_mode": mode,
            "address_lines": "\n".join(entry.texts("address")),
        }
        if entry.has("font"):
            changes["font"] = entry.text("font")
        if entry.has("font_size"):
            changes["font_size"] = entry.number("font_size")
        registers = []
        for k, reg in enumerate(entry.items("registers"), start=1):
            r = Entry(reg, f"{entry.where}, register {k}", keys=REGISTER_KEYS)
            registers.append(
                RegisterSpec(
                    name=r.text("name"),
                    kind=r.text("kind", ""),
                    klasifikasi=r.text("klasifikasi", ""),
                    unit_code=r.text("unit_code"),
                    pattern=r.text("pattern"),
                    digits=r.number("digits", 4),
                )
            )
        found.append(
            UnitSetup(
                where=entry.where,
                unit=entry.text("unit"),
                by=entry.text("by"),
                changes=changes,
                registers=tuple(registers),
            )
        )
    return logo, tuple(found)


def kop_names(unit: OrgUnit) -> str:
    """The unit's kop without its address line (the settings keep the address apart)."""
    lines = [
        line
        for line in unit.kop()
        if line.lower().replace(".", " ").split(" ")[0] not in _ADDRESS_STARTS
    ]
    return "\n".join(lines)


def _settings(setup: UnitSetup, unit: OrgUnit, head: Person, logo: bytes, at: dt.datetime) -> int:
    current = settings_for(unit)
    wanted = {**setup.changes, "kop_lines": kop_names(unit)}
    changes = {k: v for k, v in wanted.items() if getattr(current, k) != v}
    digest = hashlib.sha256(logo).hexdigest()[:16]
    new_logo = digest not in (current.logo.name or "")
    if not changes and not new_logo:
        return 0
    letter_settings_save(
        unit=unit, actor=head, changes=changes, logo=logo if new_logo else None, now=at
    )
    return 1


def _registers(setup: UnitSetup, unit: OrgUnit, head: Person, at: dt.datetime) -> int:
    saved = 0
    for spec in setup.registers:
        existing = Register.objects.filter(unit=unit, kind=spec.kind).first()
        fields: dict[str, Any] = {
            "name": spec.name,
            "kind": spec.kind,
            "klasifikasi": spec.klasifikasi,
            "unit_code": spec.unit_code,
            "pattern": spec.pattern,
            "serial_digits": spec.digits,
        }
        if existing is not None and all(getattr(existing, k) == v for k, v in fields.items()):
            continue
        register_save(unit=unit, actor=head, register=existing, now=at, **fields)
        saved += 1
    return saved


def _certificates(unit: OrgUnit, head: Person, at: dt.datetime) -> None:
    """Every officer of a unit that signs electronically holds a certificate issued ``at``
    (the embedded CA is made then too); one already usable is kept."""
    held = SigningCredential.objects.filter(
        unit=unit,
        role=SigningCredential.Role.SIGNER,
        source=SigningCredential.Source.EMBEDDED,
        retired_at__isnull=True,
        not_after__gt=timezone.now() + CERTIFICATE_LEFT,
    ).values_list("person_id", flat=True)
    people = (
        Person.objects.filter(assignments__position__unit=unit)
        .exclude(pk__in=held)  # opening a certificate's key is slow: skip those already made
        .distinct()
        .order_by("pk")
    )
    for person in people:
        person_certificate(unit=unit, person=person, now=at, actor=head)


def demo_letter_setup_load(*, now: dt.datetime | None = None) -> SetupResult:
    """Save each demo unit's letter settings and registers as ``letter_setup.yaml`` says,
    dated at the start of the demo's history. Run ``demo_org_load()`` first."""
    since = (now or timezone.now()) - HISTORY
    logo, units = setups()
    saved = 0
    with transaction.atomic():
        for setup in units:
            unit = unit_get(setup.unit, setup.where)
            head = person_get(setup.by, setup.where)
            saved += _settings(setup, unit, head, logo, since)
            saved += _registers(setup, unit, head, since)
            if setup.changes["sign_mode"] == SignMode.ELECTRONIC:
                _certificates(unit, head, since)
    return SetupResult(units=len(units), saved=saved)
