"""Photos and scans kept as evidence on a case."""

from __future__ import annotations

import datetime as dt
import hashlib
import mimetypes
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import IO, NamedTuple

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trantib.accounts.models import Person
from trantib.accounts.selectors import person_holds_role
from trantib.core.errors import Conflict, Invalid, NotAllowed
from trantib.engine.spec import FieldType, Step

from ..audit import audit_record
from ..models import (
    Attachment,
    Case,
    CaseStatus,
    EventType,
    Task,
)
from .flow import case_lock
from .roles import may_work_on

_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"GIF87a", "image/gif", ".gif"),
    (b"GIF89a", "image/gif", ".gif"),
)


# What attachment_add accepts (WebP is recognised by its RIFF container below).
ACCEPTED_TYPES: tuple[str, ...] = (*dict.fromkeys(t for _, t, _ in _SIGNATURES), "image/webp")


def _sniff(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, ext in _SIGNATURES:
        if head.startswith(magic):
            return content_type, ext
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", ".webp"
    return None


@dataclass(frozen=True)
class Taken:
    """When and where a photo was taken, as the officer's device reported it: the file's own
    time and the device's location (accuracy in metres). Any part may be unknown."""

    at: dt.datetime | None = None
    lat: float | None = None
    lon: float | None = None
    accuracy: float | None = None

    def as_data(self) -> dict[str, object]:
        """The known parts, for the audit event."""
        at = self.at.isoformat() if self.at else None
        parts = {"at": at, "lat": self.lat, "lon": self.lon, "accuracy": self.accuracy}
        return {k: v for k, v in parts.items() if v is not None}


@transaction.atomic
def attachment_add(
    *,
    case: Case,
    actor: Person | None,
    name: str,
    content: IO[bytes],
    task: Task | None = None,
    taken: Taken | None = None,
    now: dt.datetime | None = None,
) -> Attachment:
    """Keep a photo (JPEG, PNG, WebP, GIF) or a PDF scan on a live case. The type is read
    from the file's first bytes, never from its name; the size is capped by
    ``TRANTIB_ATTACHMENT_MAX_BYTES``. ``actor`` None: a citizen's photo taken in through a
    public channel (the web form, Open311) by the complaint service; callers acting for a
    person always pass the person, whose right to work on the case is checked. ``taken``:
    when and where the device says a photo was taken, kept beside it."""
    now = now or timezone.now()
    limit = int(getattr(settings, "TRANTIB_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))
    body = content.read(limit + 1)
    if not body:
        raise Invalid(_("Berkas kosong."), field="file")
    if len(body) > limit:
        raise Invalid(
            _("Berkas lebih besar dari %(mb)s MB.") % {"mb": limit // (1024 * 1024)},
            field="file",
        )
    sniffed = _sniff(body[:16])
    if sniffed is None:
        guessed = mimetypes.guess_type(name)[0] or _("tidak dikenal")
        raise Invalid(
            _("Jenis berkas %(type)s tidak diterima: unggah foto (JPEG, PNG, WebP) atau PDF.")
            % {"type": guessed},
            field="file",
        )
    case = case_lock(case.pk)
    if case.status != CaseStatus.OPEN:
        raise Conflict(_("Kasus sudah selesai; lampiran tidak dapat ditambahkan."), field="case")
    if task is not None and (task.case_id != case.pk or not task.is_live):
        raise Invalid(_("Tugas itu bukan tugas berjalan pada kasus ini."), field="task")
    if actor is not None:
        _refuse_if_not_working_on(actor, case, task)
    content_type, ext = sniffed
    digest = hashlib.sha256(body).hexdigest()
    clean_name = (name or "berkas").replace("/", "_").replace("\\", "_").strip()[:255] or "berkas"
    attachment = Attachment(
        unit_id=case.unit_id,
        case=case,
        task=task,
        name=clean_name,
        content_type=content_type,
        size=len(body),
        sha256=digest,
        extension=ext,
        uploaded_by=actor,
        uploaded_at=now,
    )
    if taken is not None:
        attachment.taken_at, attachment.taken_lat = taken.at, taken.lat
        attachment.taken_lon, attachment.taken_accuracy = taken.lon, taken.accuracy
    attachment.file.save(clean_name, ContentFile(body), save=False)
    written = _written.get()
    if written is not None:
        written.append(attachment.file.name)
    attachment.save()
    audit_record(
        case=case,
        type=EventType.ATTACHMENT_ADDED,
        actor=actor,
        task=task,
        at=now,
        data={
            "attachment": attachment.pk,
            "name": clean_name,
            "content_type": content_type,
            "size": len(body),
            "sha256": digest,
            **({"taken": taken.as_data()} if taken is not None and taken.as_data() else {}),
        },
    )
    return attachment


# The files stored inside ``files_kept_on_success()`` blocks, innermost block's list.
_written: ContextVar[list[str] | None] = ContextVar("trantib_files_written", default=None)


@contextmanager
def files_kept_on_success() -> Iterator[None]:
    """Files are written to storage as soon as their attachment row is made, but the rows may
    still roll back (a refused completion, a refused complaint): files stored inside this
    block are deleted again when the block raises, so a refusal keeps nothing on disk."""
    written: list[str] = []
    token = _written.set(written)
    try:
        yield
    except BaseException:
        storage = Attachment.file.field.storage
        for name in written:
            storage.delete(name)
        raise
    finally:
        _written.reset(token)
        outer = _written.get()
        if outer is not None:
            outer.extend(written)  # an enclosing block may still fail


def _refuse_if_not_working_on(actor: Person, case: Case, task: Task | None) -> None:
    if (
        task is not None
        and task.assignee_id != actor.pk
        and not person_holds_role(actor, case.unit, task.role)
    ):
        raise NotAllowed(
            _("Lampiran untuk tugas ini hanya dapat ditambahkan oleh pemegang jabatannya."),
            field="task",
        )
    if not may_work_on(actor, case):
        raise NotAllowed(_("Anda tidak bertugas pada kasus ini."), field="case")


class Upload(NamedTuple):
    """One chosen file with what the device said about it (``(name, file)`` pairs do too)."""

    name: str
    content: IO[bytes]
    taken: Taken | None = None


Uploads = Mapping[str, Sequence[tuple[str, IO[bytes]] | Upload]]


def uploads_store(
    *, case: Case, step: Step, task: Task, actor: Person | None, uploads: Uploads, now: dt.datetime
) -> tuple[dict[str, list[int]], list[int]]:
    """Keep the files chosen for a step, for ``task``: ``{field: [(name, file), …]}`` where a
    field is one of the step's file fields, or "" for evidence that fills no field. Returns the
    new ids per field and all of them. The caller re-locks the case afterwards: each upload
    moved the head of its event chain."""
    file_fields = {f.name for f in step.records if f.type is FieldType.FILES}
    per_field: dict[str, list[int]] = {}
    every: list[int] = []
    for name, files in uploads.items():
        if name and name not in file_fields:
            raise Invalid(
                _("Langkah ini tidak mencatat berkas “%(name)s”.") % {"name": name},
                field=f"data.{name}",
            )
        ids = [
            attachment_add(
                case=case,
                actor=actor,
                name=item[0],
                content=item[1],
                task=task,
                taken=item.taken if isinstance(item, Upload) else None,
                now=now,
            ).pk
            for item in files
        ]
        every.extend(ids)
        if name:
            per_field[name] = ids
    return per_field, every
