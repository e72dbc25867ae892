"""Reads of the SOPs a unit adopted: which position of the unit fills each role of an SOP."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from trantib.accounts.models import Assignment, OrgUnit, Person, Position
from trantib.accounts.selectors import assignments_active, units_for_user
from trantib.engine.spec import SOPSpec

from . import registry
from .models import SopAdoption, SopRoleMapping

# (unit id, code, version) found without an adoption, and when: every start and completion
# that offers a task asks, and most units adopt nothing, so the hot paths (decisions 0013,
# 0014) read nothing more for them. Forgotten by ``sop_adopt`` in its own process at once, in
# the others after NO_ADOPTION_SECONDS (decision 0015). A unit with an adoption is read each time.
NO_ADOPTION_SECONDS = 10.0
_no_adoption: dict[tuple[int, str, int], float] = {}


def role_positions_forget() -> None:
    _no_adoption.clear()


def role_positions(unit_id: int, code: str, version: int) -> dict[str, str]:
    """``{role id: position code}`` for the roles the unit's adoption of SOP ``code`` maps,
    for a case of ``version``: the adoption of that version, else of the newest earlier
    version the unit adopted (its columns carry over). Roles not in it: none (the caller
    falls back to the role's own id). One query, none for a unit recently found without."""
    key = (unit_id, code, version)
    seen = _no_adoption.get(key)
    if seen is not None and time.monotonic() - seen < NO_ADOPTION_SECONDS:
        return {}
    found = _role_positions_read(unit_id, code, version)
    if not found:
        _no_adoption[key] = time.monotonic()
    return found


def _role_positions_read(unit_id: int, code: str, version: int) -> dict[str, str]:
    rows = (
        SopRoleMapping.objects.filter(
            adoption__unit_id=unit_id,
            adoption__sop_version__code=code,
            adoption__sop_version__version__lte=version,
        )
        .order_by("-adoption__sop_version__version")
        .values_list("adoption__sop_version__version", "role", "position__code")
    )
    found: dict[str, str] = {}
    governing: int | None = None
    for adopted, role, position in rows:
        if governing is None:
            governing = adopted
        if adopted != governing:
            break
        found[role] = position
    return found


def role_positions_of_units(
    unit_ids: Iterable[int], code: str, version: int
) -> dict[int, dict[str, str]]:
    """:func:`role_positions` of several units at once, by unit id; a unit without an adoption
    is left out. One query for the units not recently found without an adoption, none when
    every one of them was (they are remembered as :func:`role_positions` remembers them)."""
    now = time.monotonic()

    def known_without(unit_id: int) -> bool:
        seen = _no_adoption.get((unit_id, code, version))
        return seen is not None and now - seen < NO_ADOPTION_SECONDS

    pending = sorted(u for u in set(unit_ids) if not known_without(u))
    if not pending:
        return {}
    rows = (
        SopRoleMapping.objects.filter(
            adoption__unit_id__in=pending,
            adoption__sop_version__code=code,
            adoption__sop_version__version__lte=version,
        )
        .order_by("adoption__unit_id", "-adoption__sop_version__version")
        .values_list(
            "adoption__unit_id", "adoption__sop_version__version", "role", "position__code"
        )
    )
    found: dict[int, dict[str, str]] = {}
    governing: dict[int, int] = {}
    for unit_id, adopted, role, position in rows:
        if governing.setdefault(unit_id, adopted) == adopted:
            found.setdefault(unit_id, {})[role] = position
    for unit_id in pending:
        if unit_id not in found:
            _no_adoption[(unit_id, code, version)] = now
    return found


def role_codes_by_unit(
    code: str, roles: Iterable[str], unit_ids: Iterable[int]
) -> dict[int, frozenset[str]]:
    """The position codes that fill ``roles`` of SOP ``code`` (the version in force in the
    library) in each of the units: what the unit's adoption maps each role to, a role it does
    not map — every role, in a unit that adopted nothing — filled by the position coded as
    the role's id. For the apps that ask who holds a role of an SOP outside any case (who
    takes complaints in, who is a unit's Banit). No query for the units recently found
    without an adoption (:func:`role_positions_of_units`)."""
    roles = tuple(roles)
    units = set(unit_ids)
    version: int | None
    try:
        version = registry.get(code).version
    except KeyError:
        version = None  # no such SOP: nothing maps its roles
    mapped = role_positions_of_units(units, code, version) if version is not None else {}
    return {
        unit_id: frozenset(mapped.get(unit_id, {}).get(role, role) for role in roles)
        for unit_id in units
    }


def adoption_get(unit: OrgUnit, code: str, version: int) -> SopAdoption | None:
    """The unit's adoption that governs ``code`` v``version`` (as :func:`role_positions`)."""
    return (
        SopAdoption.objects.filter(
            unit=unit, sop_version__code=code, sop_version__version__lte=version
        )
        .select_related("sop_version", "adopted_by")
        .prefetch_related("roles__position")
        .order_by("-sop_version__version")
        .first()
    )


def positions_filled(unit: OrgUnit, codes: set[str]) -> set[str]:
    """Which of the position ``codes`` of ``unit`` someone holds today (definitive or acting,
    today in the unit's zone). One query."""
    day = unit.today()
    active = Q(valid_from__lte=day) & (Q(valid_until__isnull=True) | Q(valid_until__gte=day))
    return set(
        Assignment.objects.filter(active, position__unit=unit, position__code__in=codes)
        .values_list("position__code", flat=True)
        .distinct()
    )


def unit_positions_for_mapping(unit: OrgUnit) -> list[Position]:
    """The positions a role of an SOP may be mapped to in ``unit``."""
    return list(Position.objects.filter(unit=unit).order_by("name", "code"))


def units_adoptable_by(person: Person | None, *, superuser: bool = False) -> list[OrgUnit]:
    """The units whose SOP adoptions ``person`` may set: those where they hold (today) a
    supervising position — the unit's head, also acting — and every unit below them; a
    superuser every unit."""
    if superuser:
        return list(OrgUnit.objects.order_by("path"))
    if person is None:
        return []
    paths = [
        a.position.unit.path for a in assignments_active(person).filter(position__supervises=True)
    ]
    if not paths:
        return []
    below = Q()
    for path in paths:
        below |= Q(path__startswith=path)
    return list(OrgUnit.objects.filter(below).order_by("path"))


def unit_role_maps(
    unit_id: int, keys: set[tuple[str, int]]
) -> dict[tuple[str, int], dict[str, str]]:
    """:func:`role_positions` for several SOP versions of one unit at once. One query."""
    codes = {code for code, _v in keys}
    rows = (
        SopRoleMapping.objects.filter(
            adoption__unit_id=unit_id, adoption__sop_version__code__in=codes
        )
        .order_by("adoption__sop_version__code", "-adoption__sop_version__version")
        .values_list(
            "adoption__sop_version__code",
            "adoption__sop_version__version",
            "role",
            "position__code",
        )
    )
    by_version: dict[tuple[str, int], dict[str, str]] = {}
    for code, adopted, role, position in rows:
        by_version.setdefault((code, adopted), {})[role] = position
    found: dict[tuple[str, int], dict[str, str]] = {}
    for code, version in keys:
        earlier = [v for c, v in by_version if c == code and v <= version]
        if earlier:
            found[(code, version)] = by_version[(code, max(earlier))]
    return found


def role_maps_by_unit(code: str, version: int) -> dict[int, dict[str, str]]:
    """:func:`role_positions` of every unit that adopted SOP ``code`` (at ``version`` or
    earlier), by unit id. One query."""
    rows = (
        SopRoleMapping.objects.filter(
            adoption__sop_version__code=code, adoption__sop_version__version__lte=version
        )
        .order_by("adoption__unit_id", "-adoption__sop_version__version")
        .values_list(
            "adoption__unit_id", "adoption__sop_version__version", "role", "position__code"
        )
    )
    found: dict[int, dict[str, str]] = {}
    governing: dict[int, int] = {}
    for unit_id, adopted, role, position in rows:
        if governing.setdefault(unit_id, adopted) == adopted:
            found.setdefault(unit_id, {})[role] = position
    return found


@dataclass
class RoleRow:
    """One column of the SOP in one unit: the heading, and the position that fills it."""

    role_id: str
    heading: str
    position: Position | None  # None: the unit has no position of that code
    holders: list[str] = field(default_factory=list)
    adopted: bool = False  # named by the unit's adoption (else the role's own id)


@dataclass
class UnitRoles:
    unit: OrgUnit
    rows: list[RoleRow]
    editable: bool
    positions: list[Position]  # the choices, when editable
    adoption_version: int | None  # the version whose adoption governs (None: no adoption)

    @property
    def unfilled(self) -> list[RoleRow]:
        return [r for r in self.rows if not r.holders]


def sop_units_for_user(user: Any, person: Person | None, spec: SOPSpec) -> list[UnitRoles]:
    """The units of the user where ``spec`` runs or was adopted, and those they head (where
    they may adopt it), each with who fills every column of the SOP: for the SOP page. A few
    queries, whatever the number of units."""
    if not user.is_authenticated:
        return []
    visible = {u.pk: u for u in units_for_user(user)}
    editable = {
        u.pk
        for u in units_adoptable_by(person, superuser=bool(getattr(user, "is_superuser", False)))
    }
    internal = [r for r in spec.roles if not r.external]
    adopted = role_maps_by_unit(spec.code, spec.version)
    governing = dict(
        SopAdoption.objects.filter(
            unit_id__in=list(adopted),
            sop_version__code=spec.code,
            sop_version__version__lte=spec.version,
        )
        .order_by("unit_id", "sop_version__version")
        .values_list("unit_id", "sop_version__version")
    )
    positions: dict[int, dict[str, Position]] = {}
    for p in Position.objects.filter(unit_id__in=list(visible)).order_by("name", "code"):
        positions.setdefault(p.unit_id, {})[p.code] = p
    shown = []
    for unit_id, unit in visible.items():
        mapped = adopted.get(unit_id, {})
        codes = {r.id: mapped.get(r.id, r.id) for r in internal}
        own = positions.get(unit_id, {})
        runs = all(c in own for c in codes.values())
        is_head = unit_id in editable and not getattr(user, "is_superuser", False)
        if not (unit_id in adopted or runs or is_head):
            continue
        shown.append((unit, codes, own))
    day_of = {unit.pk: unit.today() for unit, _c, _o in shown}
    holders: dict[int, list[str]] = {}
    ids = [own[c].pk for _u, codes, own in shown for c in codes.values() if c in own]
    for a in (
        Assignment.objects.filter(position_id__in=ids)
        .select_related("person", "position")
        .order_by("acting", "valid_from", "pk")
    ):
        if a.is_active_on(day_of[a.position.unit_id]):
            name = f"{a.prefix} {a.person.full_name}".strip()
            holders.setdefault(a.position_id, []).append(name)
    result = []
    for unit, codes, own in sorted(shown, key=lambda s: s[0].path):
        rows = []
        for role in internal:
            position = own.get(codes[role.id])
            rows.append(
                RoleRow(
                    role_id=role.id,
                    heading=role.name,
                    position=position,
                    holders=holders.get(position.pk, []) if position else [],
                    adopted=role.id in adopted.get(unit.pk, {}),
                )
            )
        result.append(
            UnitRoles(
                unit=unit,
                rows=rows,
                editable=unit.pk in editable,
                positions=sorted(own.values(), key=lambda p: (p.name, p.code)),
                adoption_version=governing.get(unit.pk),
            )
        )
    return result
