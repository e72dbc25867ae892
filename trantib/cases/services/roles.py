"""Which SOP version a case runs, and who performs, starts or supervises what."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _

from trantib.accounts.models import OrgUnit, Person, Position
from trantib.accounts.selectors import holders_of
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
    from trantib.sops.services import sop_version_record

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
    every role of the SOP and the person holds the position that performs the entry step."""
    codes = set(Position.objects.filter(unit=unit).values_list("code", flat=True))
    held = set(assignments_holding_person(person, unit).values_list("position__code", flat=True))
    from .hooks import start_refusal

    return [
        (spec, step)
        for spec in registry.fresh().current()
        if spec.status == SopStatus.PUBLISHED
        and sop_internal_roles(spec) <= codes
        and not start_refusal(spec)
        for step in runtime.entries(spec)
        if acting_role(spec, step) in held
    ]


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
    roles = sop_internal_roles(case_spec(case))
    held = assignments_holding_person(person, case.unit).filter(position__code__in=roles)
    return held.exists() or supervises(person, case.unit)
