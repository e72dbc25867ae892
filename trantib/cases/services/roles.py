"""Which SOP version a case runs, and who performs, starts or supervises what."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _

from trantib.accounts.models import OrgUnit, Person, Position
from trantib.accounts.selectors import holders_of, person_holds_role
from trantib.core.errors import Invalid
from trantib.engine import runtime
from trantib.engine.loader import load_text
from trantib.engine.spec import SOPSpec, SopStatus, Step
from trantib.sops import registry
from trantib.sops.models import SopVersion

from ..models import (
    Case,
)


@lru_cache(maxsize=256)
def spec_of_version_row(version_id: int, code: str, version: int, sha256: str) -> SOPSpec:
    """The spec a version row (its key and hash) runs: the library's when the library loaded
    exactly the recorded text, else the recorded text itself."""
    try:
        spec = registry.get(code, version)
    except KeyError:
        spec = None
    if spec is not None and registry.sha256_of(spec) == sha256:
        return spec
    # The file left the library, or was edited in place: the pinned content runs the case —
    # unless only what is not the signed document changed (bindings, comments): then the
    # library's spec runs it, with the product's current contracts, before anyone re-syncs.
    row = SopVersion.objects.get(pk=version_id)
    pinned = load_text(row.content, f"{code}.v{version}.yaml")[0]
    if spec is not None and spec.signed_part() == pinned.signed_part():
        return spec
    return pinned


def case_spec(case: Case) -> SOPSpec:
    """The SOP version the case was started on (never a later one)."""
    v = case.sop_version
    return spec_of_version_row(v.pk, v.code, v.version, v.sha256)


def sop_version_for(spec: SOPSpec) -> SopVersion:
    """The database row of a library spec, recorded on first use (idempotent), and recorded
    again when it does not hold the text the spec was loaded from (a draft edited since the
    last sync): a case never pins a row whose text is not its spec's. Without the SOP file's
    text (read on first access): every case start asks for the row, and its key and hash are
    all a case needs of it (``case_spec``)."""
    rows = SopVersion.objects.defer("content")
    row = rows.filter(code=spec.code, version=spec.version).first()
    digest = registry.sha256_of(spec)
    if row is not None and (row.sha256 == digest or not digest):
        return row
    from trantib.sops.services import LibraryRefused, sop_library_sync, sop_version_record

    if row is None:
        # The first start records the whole library (every version, as ``sop sync``) ...
        with contextlib.suppress(LibraryRefused):
            sop_library_sync()
        row = rows.filter(code=spec.code, version=spec.version).first()
        if row is not None and (row.sha256 == digest or not digest):
            return row
    # ... and a library another file of which is refused, or a file edited since, this one.
    return sop_version_record(spec=spec)


# (code, version, SHA-256) of the library texts this process found recorded as they are: the
# start asks the database once per text, not once per case.
_recorded: set[tuple[str, int, str]] = set()


def _as_recorded(spec: SOPSpec) -> SOPSpec:
    """``spec`` once its row holds its text (recorded now if not), or — a published file
    edited in place beyond the product keys — the version as it was recorded and published."""
    digest = registry.sha256_of(spec)
    key = (spec.code, spec.version, digest)
    if not digest or key in _recorded:
        return spec
    row = sop_version_for(spec)
    if row.sha256 != digest:
        return spec_of_version_row(row.pk, row.code, row.version, row.sha256)
    _recorded.add(key)
    return spec


def acting_role(spec: SOPSpec, step: Step, _seen: frozenset[str] = frozenset()) -> str:
    """The position that performs ``step``. A step of a role outside the unit (Pelapor, TNI)
    is recorded on its behalf by the officer of the step it hands over to: the Staf records
    what the Pelapor reported at the counter."""
    role = spec.role(step.role)
    if not role.external:
        return role.id
    for target in step.targets:
        if target not in _seen:
            found = acting_role(spec, spec.step(target), _seen | {step.id})
            if found:
                return found
    return ""


def sop_internal_roles(spec: SOPSpec) -> set[str]:
    return {r.id for r in spec.roles if not r.external}


# -- roles to positions (decision 0015) --------------------------------------------------------
#
# A role is a column of the SOP; the unit that adopted the SOP says which of its positions
# fills it (trantib.sops: SopAdoption). Without an adoption a role is filled by the position
# whose code is the role's id. A task stores the position code it was offered to (Task.role),
# resolved when it is offered: everything that asks who holds a task's position (Tugas Saya,
# notices, the fast paths' SQL) reads it as before.


def role_map(spec: SOPSpec, unit: OrgUnit | int) -> dict[str, str]:
    """``{role id: position code}`` for every role of ``spec`` inside the unit. One query."""
    from trantib.sops.selectors import role_positions

    unit_id = unit if isinstance(unit, int) else unit.pk
    mapped = role_positions(unit_id, spec.code, spec.version)
    return {r.id: mapped.get(r.id, r.id) for r in spec.roles if not r.external}


def step_position(spec: SOPSpec, step: Step, positions: dict[str, str]) -> str:
    """The position code of the unit that performs ``step`` (``positions``: :func:`role_map`),
    "" when no role inside the unit acts for it."""
    role = acting_role(spec, step)
    return positions.get(role, role) if role else ""


def role_position(spec: SOPSpec, unit: OrgUnit, role: str) -> str:
    """The position code of ``unit`` that fills ``role`` of ``spec``."""
    return role_map(spec, unit).get(role, role) if role else ""


def holds_sop_role(person: Person, unit: OrgUnit, spec: SOPSpec, role: str) -> bool:
    """Whether ``person`` holds today the position of ``unit`` that fills ``role``."""
    return bool(role) and person_holds_role(person, unit, role_position(spec, unit, role))


def person_holds_any(
    person: Person, unit: OrgUnit, codes: Iterable[str], *, on: dt.date | None = None
) -> bool:
    """Whether ``person`` holds, on ``on`` (default: today in the unit's zone), any of the
    positions ``codes`` of ``unit`` (:func:`person_holds_role` for several at once): one
    query, none for no codes."""
    from trantib.accounts.selectors import assignments_active

    codes = set(codes)
    if not codes:
        return False
    day = unit.today() if on is None else on
    return (
        assignments_active(person, on=day)
        .filter(position__unit_id=unit.pk, position__code__in=codes)
        .order_by()
        .exists()
    )


def task_role_name(spec: SOPSpec, task: Any) -> str:
    """The SOP's heading for the role a task was offered to (its step's performer): Task.role
    is the unit's position code, which need not be a role id of the SOP."""
    try:
        role = acting_role(spec, spec.step(task.step_id))
        return spec.role(role).name if role else ""
    except KeyError:
        return str(task.role)


def roles_unfilled(spec: SOPSpec, unit: OrgUnit) -> list[tuple[str, str]]:
    """(role heading, position code) of each role of ``spec`` inside ``unit`` whose position
    nobody holds today, in the SOP's column order. Two queries."""
    from trantib.sops.selectors import positions_filled

    positions = role_map(spec, unit)
    filled = positions_filled(unit, set(positions.values()))
    return [(spec.role(role).name, code) for role, code in positions.items() if code not in filled]


def start_unfilled_refusal(spec: SOPSpec, unit: OrgUnit) -> str | None:
    """Why a case of ``spec`` can not start in ``unit``: the roles nobody there fills (a task
    for them would wait for no one), or None."""
    missing = roles_unfilled(spec, unit)
    if not missing:
        return None
    return _(
        "SOP %(code)s belum dapat dimulai di %(unit)s: tidak ada pemegang jabatan untuk "
        "peran %(roles)s. Isi jabatannya, atau petakan peran itu ke jabatan lain pada "
        "halaman SOP."
    ) % {
        "code": spec.code,
        "unit": unit.name,
        "roles": ", ".join(f"{name} ({code})" for name, code in missing),
    }


def assignments_holding_person(person: Person, unit: OrgUnit) -> Any:
    from trantib.accounts.selectors import assignments_active

    return assignments_active(person, on=unit.today()).filter(position__unit=unit)


def spec_in_force(code: str) -> SOPSpec:
    """The version new cases of ``code`` start on: the newest published one, as its file now
    reads (the library is reloaded when a file changed on disk) and recorded in the database
    before any case pins it. A draft never runs: a case takes a number from the unit's
    register, counts in its reports and its audit trail, so only a published version starts
    one (a draft is previewed as a document: ``trantib sop render``)."""
    try:
        spec = registry.fresh().get(code)
    except KeyError:
        raise Invalid(
            _("SOP %(code)s tidak ada di pustaka.") % {"code": code}, field="sop"
        ) from None
    if spec.status != SopStatus.PUBLISHED:
        raise Invalid(_("SOP %(code)s belum berlaku (masih draf).") % {"code": code}, field="sop")
    return _as_recorded(spec)


def entry_step(spec: SOPSpec, entry: str) -> Step:
    if not entry:
        return spec.start
    allowed = {s.id: s for s in runtime.entries(spec)}
    if entry not in allowed:
        raise Invalid(
            _("“%(entry)s” bukan langkah awal SOP %(code)s; pilih salah satu: %(ids)s.")
            % {"entry": entry, "code": spec.code, "ids": ", ".join(allowed)},
            field="entry",
        )
    return allowed[entry]


def entries_startable(person: Person, unit: OrgUnit) -> list[tuple[SOPSpec, Step]]:
    """Every (SOP, entry step) ``person`` may start in ``unit``: the unit has a position for
    every role of the SOP (through its adoption: :func:`role_map`) and the person holds the
    position that performs the entry step."""
    from trantib.sops.selectors import unit_role_maps

    codes = set(Position.objects.filter(unit=unit).values_list("code", flat=True))
    held = set(assignments_holding_person(person, unit).values_list("position__code", flat=True))
    from .hooks import start_refusal

    specs = [s for s in registry.fresh().current() if s.status == SopStatus.PUBLISHED]
    adopted = unit_role_maps(unit.pk, {(s.code, s.version) for s in specs})
    found: list[tuple[SOPSpec, Step]] = []
    for spec in specs:
        mapped = adopted.get((spec.code, spec.version), {})
        positions = {r.id: mapped.get(r.id, r.id) for r in spec.roles if not r.external}
        if not set(positions.values()) <= codes or start_refusal(spec):
            continue
        found.extend(
            (spec, step)
            for step in runtime.entries(spec)
            if step_position(spec, step, positions) in held
        )
    return found


def supervises(person: Person, unit: OrgUnit) -> bool:
    """The person holds a supervising position in ``unit`` or in a unit above it."""
    from trantib.accounts.selectors import assignments_active

    ids = [*unit.ancestor_ids(), unit.pk]
    return (
        assignments_active(person)
        .filter(position__supervises=True, position__unit_id__in=ids)
        .exists()
    )


def supervisors_of(unit: OrgUnit) -> list[Person]:
    """The holders of the nearest supervising position at or above ``unit``."""
    ids = [unit.pk, *reversed(unit.ancestor_ids())]
    positions = {p.unit_id: p for p in Position.objects.filter(unit_id__in=ids, supervises=True)}
    for unit_id in ids:
        position = positions.get(unit_id)
        if position is not None:
            people = list(holders_of(position.unit, position.code))
            if people:
                return people
    return []


def may_work_on(person: Person, case: Case) -> bool:
    """Anyone holding a position of the case's SOP in its unit (or supervising it)."""
    positions = set(role_map(case_spec(case), case.unit).values())
    held = assignments_holding_person(person, case.unit).filter(position__code__in=positions)
    return held.exists() or supervises(person, case.unit)
