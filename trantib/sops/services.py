from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trantib.accounts.models import OrgUnit, Person, Position
from trantib.core.audit import audit_record
from trantib.core.errors import Conflict, Invalid, NotFound
from trantib.core.text import has_control_characters
from trantib.engine.errors import SOPValidationError
from trantib.engine.loader import load_text
from trantib.engine.spec import SOPSpec

from . import registry
from .models import SopAdoption, SopRoleMapping, SopVersion
from .selectors import role_positions_forget


class LibraryRefused(Exception):
    """The library can not be recorded as it is; nothing was written. ``lines``: one line per
    problem, ``FILE:LINE: …``, for the administrator (``trantib sop sync`` prints them)."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        super().__init__("\n".join(lines))


class LibraryInvalid(LibraryRefused):
    """A library file does not load (invalid YAML, a validation error)."""


class PublishedVersionChanged(LibraryRefused):
    """A published SOP file was edited in place instead of getting a new version."""


@dataclass(frozen=True)
class SyncResult:
    created: int
    updated: int
    unchanged: int


@transaction.atomic
def sop_library_sync(*, actor_id: int | None = None) -> SyncResult:
    """Record every valid library file in the database; idempotent.

    Raises LibraryInvalid (and writes nothing) when a library file does not load: one line per
    error, ``FILE:LINE: field: message``. Raises PublishedVersionChanged (and writes nothing)
    when a published version's file no longer matches what was recorded: published versions
    are immutable. Their bindings are not: a file that differs only in them is recorded again
    and counted as updated (see ``_only_bindings_changed``).

    Each version recorded, published (draft → published) or re-recorded is an audit event on
    the version's own chain (:func:`trantib.core.audit.audit_record`), with the file's SHA-256:
    which text was in force when is provable. ``actor`` is who ran the sync (None: the system).
    """
    lib = registry.reload()
    if lib.errors:
        raise LibraryInvalid([str(p) for p in lib.errors])
    created = updated = unchanged = 0
    existing = {(v.code, v.version): v for v in SopVersion.objects.all()}
    newest = _newest_versions(lib.specs, existing)
    changed: list[str] = []
    for spec in lib.specs:
        outcome = _record(spec, existing.get((spec.code, spec.version)), actor_id)
        if isinstance(outcome, _Edited):
            changed.append(
                published_edited_line(spec, registry.text_of(spec), newest[spec.code] + 1)
            )
        elif outcome[1] == "created":
            created += 1
        elif outcome[1] == "updated":
            updated += 1
        else:
            unchanged += 1
    if changed:
        raise PublishedVersionChanged(changed)
    return SyncResult(created=created, updated=updated, unchanged=unchanged)


@dataclass(frozen=True)
class _Edited:
    """A published version's file was edited beyond what may change in place."""

    row: SopVersion


def _record(
    spec: SOPSpec, row: SopVersion | None, actor_id: int | None
) -> tuple[SopVersion, str] | _Edited:
    """Record one library spec over its row (None: not recorded yet), by the library's rules:
    (the row, "created" | "updated" | "unchanged"), or _Edited (nothing written)."""
    content = registry.text_of(spec) or Path(spec.path).read_text(encoding="utf-8")
    digest = hashlib.sha256(content.encode()).hexdigest()
    if row is None:
        row = SopVersion.objects.create(
            code=spec.code,
            version=spec.version,
            name=spec.name,
            status=spec.status,
            content=content,
            sha256=digest,
            path=spec.path,
        )
        _audit(row, "sop_version_recorded", actor_id, after=_state(row))
        if row.status == SopVersion.Status.PUBLISHED:
            _audit(row, "sop_version_published", actor_id, after={"status": row.status})
        return row, "created"
    if row.sha256 == digest:
        return row, "unchanged"
    if row.status == SopVersion.Status.PUBLISHED and not _only_bindings_changed(row, spec):
        return _Edited(row)
    before = _state(row)
    row.content, row.sha256, row.name, row.status, row.path = (
        content,
        digest,
        spec.name,
        spec.status,
        spec.path,
    )
    row.save(update_fields=["content", "sha256", "name", "status", "path"])
    after = _state(row)
    _audit(
        row,
        "sop_version_updated",
        actor_id,
        before={k: v for k, v in before.items() if after[k] != v},
        after={k: v for k, v in after.items() if before[k] != v},
    )
    if before["status"] != after["status"] == SopVersion.Status.PUBLISHED:
        _audit(row, "sop_version_published", actor_id, after={"status": row.status})
    return row, "updated"


def sop_version_record(*, spec: SOPSpec, actor_id: int | None = None) -> SopVersion:
    """The row of one library spec, recorded now when the library holds a text the database
    does not (a new file, or a draft edited since the last sync: a case must never pin a row
    whose text is not the one its spec came from). By ``sop_library_sync``'s rules, for this
    file only: a published row whose file was edited beyond the product keys is returned as
    it was recorded (the version as published runs; ``sop sync`` tells the administrator)."""
    rows = SopVersion.objects.defer("content")
    row = rows.filter(code=spec.code, version=spec.version).first()
    try:
        with transaction.atomic():
            outcome = _record(spec, row, actor_id)
    except IntegrityError:  # recorded at the same moment by another start
        return rows.get(code=spec.code, version=spec.version)
    return outcome.row if isinstance(outcome, _Edited) else outcome[0]


_STATUS_LINE = re.compile(r"^status:", re.MULTILINE)


def published_edited_line(spec: SOPSpec, content: str, next_version: int) -> str:
    """The one line that says a published file was edited in place, and what to do: the file,
    the line of its ``status``, and the name the change is saved under."""
    found = _STATUS_LINE.search(content)
    line = content.count("\n", 0, found.start()) + 1 if found else 1
    return (
        f"{spec.path}:{line}: {spec.code} v{spec.version} is published and was edited; "
        f"save the change as a new version: {spec.code}.v{next_version}.yaml with "
        f"version: {next_version}, supersedes: {spec.version}, status: draft "
        f"(and put back v{spec.version} as it was recorded)"
    )


def _newest_versions(
    specs: list[SOPSpec], existing: dict[tuple[str, int], SopVersion]
) -> dict[str, int]:
    newest: dict[str, int] = {}
    for code, version in [*((s.code, s.version) for s in specs), *existing]:
        newest[code] = max(newest.get(code, 0), version)
    return newest


def _state(row: SopVersion) -> dict[str, str]:
    return {"name": row.name, "status": row.status, "sha256": row.sha256, "path": row.path}


def _audit(row: SopVersion, type: str, actor_id: int | None, **data: object) -> None:
    audit_record(subject=row, type=type, actor_id=actor_id, data=dict(data))


def _only_bindings_changed(row: SopVersion, spec: SOPSpec) -> bool:
    """Whether the recorded version and the file differ only outside the signed document.

    Bindings are the product's contract with the SOP, not part of what was signed (see
    ``trantib.engine.bindings``), so a published version may gain or change them in place. The
    two compare through ``SOPSpec.signed_part``: the same document and process, whatever the
    bindings, comments or YAML layout. A recorded text that no longer loads counts as changed.
    """
    try:
        recorded, _warnings = load_text(row.content, row.path or f"{row.code}.v{row.version}")
    except SOPValidationError:
        return False
    return recorded.signed_part() == spec.signed_part()


# -- opening a revision ----------------------------------------------------------------------

DRAFT_REASON_MAX = 1000
_TOP_VERSION = re.compile(r"^version:[ \t]*\d+[ \t]*(#.*)?$", re.MULTILINE)
_TOP_STATUS = re.compile(r"^status:[ \t]*published[ \t]*(#.*)?$", re.MULTILINE)
_TOP_SUPERSEDES = re.compile(r"^supersedes:[ \t]*\d+[ \t]*(#.*)?$", re.MULTILINE)


@transaction.atomic
def sop_draft_open(*, code: str, actor: Person | None, reason: str) -> SopVersion:
    """Open the next version of SOP ``code`` as a draft, for its revision (the yearly
    evaluation found that it needs one): a database row only, version = the highest recorded
    + 1, its content the published version in force with ``version``, ``supersedes`` and
    ``status: draft`` changed and a comment saying so. ``reason`` is audited, not written
    into the text: the draft is shared by every unit that asks for the revision.

    A draft is never startable: cases start from the library's files (``registry``), which do
    not hold it, and ``spec_in_force`` refuses drafts anyway. ``sop_library_sync`` leaves rows
    without a file alone, so the draft survives every sync; when the revised file arrives in
    the library as ``<CODE>.v<N>.yaml`` the sync records it over the draft (a draft may change
    in place), published or not.

    An open draft (a draft newer than every published version) is returned as it is, so that
    two evaluations asking for a revision open one draft, not two. Audited on the new row's
    chain: ``sop_version_recorded`` and ``sop_draft_opened`` (the reason, the version it came
    from)."""
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Alasan revisi wajib diisi."), field="reason")
    if len(reason) > DRAFT_REASON_MAX or has_control_characters(reason):
        raise Invalid(
            _("Alasan revisi paling panjang %(n)s karakter, tanpa karakter kendali.")
            % {"n": DRAFT_REASON_MAX},
            field="reason",
        )
    # Every version of the code, locked: two requests at once open one draft.
    rows = list(SopVersion.objects.select_for_update().filter(code=code).order_by("version"))
    published = [r for r in rows if r.status == SopVersion.Status.PUBLISHED]
    if not published:
        raise NotFound(
            _("SOP %(code)s belum punya versi yang berlaku.") % {"code": code}, field="sop"
        )
    base = published[-1]
    newest = rows[-1]
    if newest.status == SopVersion.Status.DRAFT and newest.version > base.version:
        return newest
    version = newest.version + 1
    content = _as_draft(base, version=version)
    try:
        spec, _warnings = load_text(content, f"{code}.v{version}.yaml")
    except SOPValidationError:
        spec = None
    if spec is None or spec.version != version or spec.status != SopVersion.Status.DRAFT:
        raise Conflict(
            _("Versi %(v)s SOP %(code)s tidak dapat disalin menjadi draf; tulis berkas revisinya.")
            % {"v": base.version, "code": code},
            field="sop",
        )
    row = SopVersion.objects.create(
        code=code,
        version=version,
        name=spec.name,
        status=SopVersion.Status.DRAFT,
        content=content,
        sha256=hashlib.sha256(content.encode()).hexdigest(),
        path="",
    )
    actor_id = actor.pk if actor is not None else None
    _audit(row, "sop_version_recorded", actor_id, after=_state(row))
    _audit(
        row,
        "sop_draft_opened",
        actor_id,
        after={"from_version": base.version, "reason": reason},
    )
    return row


def _as_draft(base: SopVersion, *, version: int) -> str:
    """The published text with its top-level ``version``, ``supersedes`` and ``status`` lines
    changed (comments and layout kept); "" when the file does not write them plainly."""
    text = base.content
    if len(_TOP_VERSION.findall(text)) != 1 or len(_TOP_STATUS.findall(text)) != 1:
        return ""
    text = _TOP_VERSION.sub(f"version: {version}", text)
    text = _TOP_STATUS.sub("status: draft", text)
    if _TOP_SUPERSEDES.search(text):
        text = _TOP_SUPERSEDES.sub(f"supersedes: {base.version}", text, count=1)
    else:
        text = text.replace(
            f"version: {version}", f"version: {version}\nsupersedes: {base.version}", 1
        )
    # No reason here: the draft is the province's, shared by every unit whose evaluation asks
    # for the revision; each reason stays with its evaluation (and in the audit event).
    header = f"# DRAF versi {version}, dibuka dari versi {base.version} untuk revisi.\n#\n"
    return header + text


# -- adopting an SOP version in a unit -------------------------------------------------------


@transaction.atomic
def sop_adopt(
    *,
    unit: OrgUnit,
    code: str,
    version: int,
    positions: Mapping[str, int | None],
    actor: Person | None,
    now: dt.datetime | None = None,
) -> SopAdoption:
    """Adopt SOP ``code`` v``version`` in ``unit``, or change its adoption: ``positions`` maps
    each role id of the SOP to the id of a position of the unit (None or absent: the role is
    left to the position whose code is its id, as without an adoption). Roles outside the unit
    (``external``) are filled by nobody and refused here. Callers check who may do this
    (:func:`trantib.sops.selectors.units_adoptable_by`).

    Audited on the adoption's own chain (``sop_adopted`` with the mapping; ``sop_adoption_
    changed`` with the roles before and after). Tasks already offered stay with the position
    they were offered to; those offered afterwards follow the new mapping."""
    now = now or timezone.now()
    # Every process remembers a unit without an adoption for a few seconds: this one forgets
    # at once, and again once the change is committed (decision 0015).
    role_positions_forget()
    transaction.on_commit(role_positions_forget)
    try:
        spec = registry.fresh().get(code, version)
    except KeyError:
        raise NotFound(
            _("SOP %(code)s versi %(v)s tidak ada di pustaka.") % {"code": code, "v": version},
            field="sop",
        ) from None
    roles = {r.id: r for r in spec.roles}
    unknown = sorted(set(positions) - set(roles))
    if unknown:
        raise Invalid(
            _("Peran %(roles)s tidak ada di SOP %(code)s.")
            % {"roles": ", ".join(unknown), "code": code},
            field="roles",
        )
    chosen = {role: pk for role, pk in positions.items() if pk is not None}
    outside = sorted(r for r in chosen if roles[r].external)
    if outside:
        raise Invalid(
            _("Peran %(roles)s berada di luar unit; tidak ada jabatan yang mengisinya.")
            % {"roles": ", ".join(roles[r].name for r in outside)},
            field="roles",
        )
    found = {p.pk: p for p in Position.objects.filter(pk__in=set(chosen.values()), unit=unit)}
    foreign = sorted(r for r, pk in chosen.items() if pk not in found)
    if foreign:
        raise Invalid(
            _("Pilih jabatan %(unit)s untuk peran %(roles)s.")
            % {"unit": unit.name, "roles": ", ".join(roles[r].name for r in foreign)},
            field="roles",
        )
    row = sop_version_record(spec=spec)
    adoption = SopAdoption.objects.select_for_update().filter(unit=unit, sop_version=row).first()
    after = {role: found[pk].code for role, pk in sorted(chosen.items())}
    actor_id = actor.pk if actor is not None else None
    if adoption is None:
        adoption = SopAdoption.objects.create(
            unit=unit, sop_version=row, adopted_by=actor, adopted_at=now
        )
        SopRoleMapping.objects.bulk_create(
            SopRoleMapping(adoption=adoption, role=role, position=found[pk])
            for role, pk in chosen.items()
        )
        audit_record(
            subject=adoption,
            type="sop_adopted",
            actor_id=actor_id,
            unit_id=unit.pk,
            at=now,
            data={"sop": spec.key, "after": {"roles": after}},
        )
        return adoption
    before = dict(
        sorted(
            SopRoleMapping.objects.filter(adoption=adoption).values_list("role", "position__code")
        )
    )
    if before == after:
        return adoption
    SopRoleMapping.objects.filter(adoption=adoption).delete()
    SopRoleMapping.objects.bulk_create(
        SopRoleMapping(adoption=adoption, role=role, position=found[pk])
        for role, pk in chosen.items()
    )
    adoption.adopted_by, adoption.adopted_at = actor, now
    adoption.save(update_fields=["adopted_by", "adopted_at"])
    audit_record(
        subject=adoption,
        type="sop_adoption_changed",
        actor_id=actor_id,
        unit_id=unit.pk,
        at=now,
        data={"sop": spec.key, "before": {"roles": before}, "after": {"roles": after}},
    )
    return adoption
