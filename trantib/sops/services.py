from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from trantib.core.audit import audit_record
from trantib.engine.errors import SOPValidationError
from trantib.engine.loader import load_text
from trantib.engine.spec import SOPSpec

from . import registry
from .models import SopVersion


class PublishedVersionChanged(Exception):
    """A published SOP file was edited in place instead of getting a new version."""


@dataclass(frozen=True)
class SyncResult:
    created: int
    updated: int
    unchanged: int


@transaction.atomic
def sop_library_sync(*, actor_id: int | None = None) -> SyncResult:
    """Record every valid library file in the database; idempotent.

    Raises PublishedVersionChanged (and writes nothing) when a published version's file no
    longer matches what was recorded: published versions are immutable. Their bindings are not:
    a file that differs only in them is recorded again and counted as updated (see
    ``_only_bindings_changed``).

    Each version recorded, published (draft → published) or re-recorded is an audit event on
    the version's own chain (:func:`trantib.core.audit.audit_record`), with the file's SHA-256:
    which text was in force when is provable. ``actor`` is who ran the sync (None: the system).
    """
    lib = registry.reload()
    created = updated = unchanged = 0
    existing = {(v.code, v.version): v for v in SopVersion.objects.all()}
    changed: list[str] = []
    for spec in lib.specs:
        content = Path(spec.path).read_text(encoding="utf-8")
        digest = hashlib.sha256(content.encode()).hexdigest()
        row = existing.get((spec.code, spec.version))
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
            created += 1
        elif row.sha256 == digest:
            unchanged += 1
        elif row.status == SopVersion.Status.PUBLISHED and not _only_bindings_changed(row, spec):
            changed.append(
                f"{spec.path}: {spec.code} v{spec.version} is published and was "
                "edited; save the change as a new version"
            )
        else:
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
            updated += 1
    if changed:
        raise PublishedVersionChanged("\n".join(changed))
    return SyncResult(created=created, updated=updated, unchanged=unchanged)


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
