"""The SOP lifecycle on the web: upload or import → draft → edit → publish → a new version.

Each change writes one file of the uploads folder (:mod:`trantib.sops.lifecycle`) and its audit
event in one transaction: the unit's row is locked first (one change of its files at a time),
the event is written, then the file is replaced atomically (a temporary file in the same folder,
then ``os.replace``: a reader sees the old text or the new, never half of one). A file that
cannot be written raises, and the transaction takes the event back.

Drafts and their changes are audited on the unit's chain (``sop_file_uploaded``,
``sop_file_saved``, ``sop_file_opened``, each with the file's SHA-256); publishing records the
version (:func:`trantib.sops.services.sop_version_record`), audited on the version's chain with
who published it, as ``trantib sop sync`` records it. Callers check who may do this
(:func:`trantib.sops.lifecycle.admin_units`)."""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import re
import tempfile
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from trantib.accounts.models import OrgUnit, Person
from trantib.core.audit import audit_record
from trantib.core.errors import Conflict, Invalid, NotFound
from trantib.engine.errors import SOPValidationError
from trantib.engine.loader import FILENAME_PATTERN, load_text
from trantib.engine.spec import SopStatus

from . import registry
from .lifecycle import (
    MAX_BYTES,
    STATUS_LINE,
    SopFile,
    file_path,
    may_write_code,
    review_path,
    sop_file_read,
    versions_known,
    web_files,
)
from .models import SopVersion
from .services import _as_draft, sop_version_record

YAML_SUFFIXES = (".yaml", ".yml")
DOCUMENT_SUFFIXES = (".docx", ".pdf")
_TOP_CODE = re.compile(r"^code:[ \t]*['\"]?(?P<code>[A-Za-z0-9-]+)['\"]?[ \t]*(#.*)?$", re.M)
_TOP_VERSION = re.compile(r"^version:[ \t]*['\"]?(?P<version>[0-9]+)['\"]?[ \t]*(#.*)?$", re.M)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _lock(unit: OrgUnit) -> None:
    OrgUnit.objects.select_for_update().filter(pk=unit.pk).first()


def _audit(unit: OrgUnit, type: str, actor: Person | None, **data: object) -> None:
    audit_record(
        subject=unit,
        type=type,
        actor_id=actor.pk if actor is not None else None,
        unit_id=unit.pk,
        data=dict(data),
    )


def _identity(text: str, filename: str) -> tuple[str, int] | None:
    """The code and version a text names (its top-level keys), else its file name's."""
    code, version = _TOP_CODE.search(text), _TOP_VERSION.search(text)
    if code and version:
        return code["code"], int(version["version"])
    m = FILENAME_PATTERN.match(filename)
    return (m["code"], int(m["version"])) if m else None


def _decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Invalid(
            _("Berkas bukan teks UTF-8 (bita ke-%(at)s). Simpan ulang berkas sebagai UTF-8.")
            % {"at": exc.start + 1},
            field="file",
        ) from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


def _check_new(code: str, version: int, unit: OrgUnit, *, superuser: bool) -> None:
    """Refuse a new file ``code``.v``version`` in ``unit``'s folder: the number taken, or the
    code another unit's (or the shipped library's)."""
    if not re.fullmatch(r"[A-Z][A-Z0-9-]{0,19}", code) or not 1 <= version <= 999_999:
        raise Invalid(
            _(
                "Kode SOP “%(code)s” atau versinya tidak dapat dipakai: kode huruf besar, angka "
                "dan tanda hubung (mis. PGD), versi bilangan bulat ≥ 1."
            )
            % {"code": code},
            field="file",
        )
    taken = versions_known(code)
    # A row without a file is the revision an evaluation opened (sop_draft_open): its file
    # may arrive, and is recorded over it; any other version is taken.
    row = SopVersion.objects.filter(code=code, version=version).first()
    opened = row is not None and row.status == SopStatus.DRAFT and row.path == ""
    if version in taken and not (opened and version not in versions_with_files(code)):
        raise Conflict(
            _(
                "SOP %(code)s versi %(v)s sudah ada. Unggah sebagai versi %(next)s (ubah juga "
                "“version:” di dalam berkas dan nama berkasnya)."
            )
            % {"code": code, "v": version, "next": max(taken) + 1},
            field="file",
        )
    if not may_write_code(code, unit, superuser=superuser):
        raise Invalid(
            _(
                "SOP %(code)s bukan milik %(unit)s: versi barunya ditulis oleh unit pemiliknya "
                "(SOP pustaka bawaan: administrator). Pakai kode lain untuk SOP unit Anda."
            )
            % {"code": code, "unit": unit.name},
            field="file",
        )


def versions_with_files(code: str) -> set[int]:
    """The versions of ``code`` that have a file, in the library or the uploads folder."""
    lib = {s.version for s in registry.fresh().specs if s.code == code}
    return lib | {v for _unit, v in web_files(code)}


@transaction.atomic
def sop_file_upload(
    *,
    unit: OrgUnit,
    filename: str,
    data: bytes,
    actor: Person | None,
    superuser: bool = False,
) -> SopFile:
    """A YAML file, or a Word/PDF document imported to one, as a new draft of ``unit``:
    ``<UNIT>/<CODE>.v<N>.yaml``, kept whatever its problems (its page lists them). Refused
    (Invalid/Conflict on ``file``, nothing written): another kind of file, more than 2 MB, not
    UTF-8, a document the importer refuses, a text naming no code and version, a version
    already taken, a code of another unit, or a published file (publish it here instead)."""
    name = Path(filename or "").name
    suffix = Path(name).suffix.lower()
    if suffix not in YAML_SUFFIXES + DOCUMENT_SUFFIXES:
        raise Invalid(
            _("Pilih berkas SOP .yaml atau .yml, atau dokumen Word (.docx) atau PDF."),
            field="file",
        )
    if len(data) > MAX_BYTES:
        raise Invalid(_("Berkas lebih dari 2 MB."), field="file")
    if not data:
        raise Invalid(_("Berkas kosong."), field="file")
    notes: list[dict[str, object]] = []
    source_kind = "yaml"
    if suffix in DOCUMENT_SUFFIXES:
        text, notes, source_kind = _import(name, data)
    else:
        text = _decode(data)
    identity = _identity(text, name)
    if identity is None:
        raise Invalid(
            _(
                "Isi berkas tidak menyebut “code:” dan “version:”, dan nama berkasnya bukan "
                "KODE.vN.yaml (mis. PGD.v3.yaml)."
            ),
            field="file",
        )
    code, version = identity
    _check_new(code, version, unit, superuser=superuser)
    found = STATUS_LINE.search(text)
    if found is not None and found["value"] == SopStatus.PUBLISHED:
        raise Invalid(
            _(
                "Berkas ini berstatus “published”. Unggah sebagai draf (status: draft), periksa, "
                "lalu terbitkan di sini."
            ),
            field="file",
        )
    _lock(unit)
    path = file_path(unit.code, code, version)
    if path.exists():
        raise Conflict(_("Berkas %(name)s sudah ada.") % {"name": path.name}, field="file")
    _audit(
        unit,
        "sop_file_uploaded",
        actor,
        after={
            "sop": f"{code} v{version}",
            "file": path.name,
            "from": name,
            "source_kind": source_kind,
            "sha256": sha256(text),
        },
    )
    if notes:
        write_atomic(
            review_path(path),
            json.dumps({"source_kind": source_kind, "from": name, "notes": notes}, indent=1),
        )
    write_atomic(path, text)
    uploaded = sop_file_read(unit.code, f"{code}.v{version}")
    assert uploaded is not None  # noqa: S101 - just written
    return uploaded


def _import(name: str, data: bytes) -> tuple[str, list[dict[str, object]], str]:
    """A Word or PDF document as an SOP file's text, with the importer's review notes."""
    try:  # the importer's package (trantib/sops/importing), when installed
        import_document = importlib.import_module("trantib.sops.importing").import_document
    except (ImportError, AttributeError):
        raise Invalid(
            _("Impor dokumen Word/PDF belum tersedia di sini; unggah berkas YAML."),
            field="file",
        ) from None
    try:
        result = import_document(name, data)
    except Exception as exc:  # any refusal of a foreign document is the uploader's to read
        message = getattr(exc, "message", "") or str(exc) or exc.__class__.__name__
        raise Invalid(
            _("Dokumen tidak dapat diimpor: %(why)s") % {"why": message}, field="file"
        ) from None
    notes = [_note(n) for n in getattr(result, "review", []) or []]
    return str(result.yaml_text), notes, str(getattr(result, "source_kind", "") or "dokumen")


def _note(note: object) -> dict[str, object]:
    if isinstance(note, str):
        return {"line": 1, "message": note}
    line = getattr(note, "line", None)
    message = getattr(note, "message", None) or getattr(note, "text", None) or str(note)
    if isinstance(note, dict):
        line, message = note.get("line"), note.get("message") or note.get("text") or str(note)
    return {"line": int(line) if isinstance(line, int) and line > 0 else 1, "message": message}


@transaction.atomic
def sop_file_save(
    *, unit: OrgUnit, name: str, text: str, base_sha256: str, actor: Person | None
) -> SopFile:
    """Save a draft's text as the administrator edited it, problems and all (nothing typed is
    lost; its page lists them). Refused (nothing written): a published file (Conflict), a
    file changed by someone else since ``base_sha256`` was read (Conflict on ``text``), a text
    whose code or version is not the file's, or that says ``status: published`` (Invalid on
    ``text``: publishing is its own step), or more than 2 MB."""
    _lock(unit)
    current = sop_file_read(unit.code, name)
    if current is None:
        raise NotFound(_("Berkas SOP tidak ada."), field="text")
    if current.published:
        raise Conflict(
            _("%(name)s sudah diterbitkan dan tidak diubah lagi; buat versi baru.")
            % {"name": current.filename},
            field="text",
        )
    text = text.replace("\r\n", "\n")
    if len(text.encode()) > MAX_BYTES:
        raise Invalid(_("Teks lebih dari 2 MB."), field="text")
    if base_sha256 != sha256(current.text):
        raise Conflict(
            _(
                "Berkas telah diubah sejak halaman ini dibuka. Salin teks Anda, muat ulang "
                "halaman, lalu terapkan lagi perubahan Anda."
            ),
            field="text",
        )
    identity = _identity(text, current.filename)
    if identity != (current.code, current.version):
        raise Invalid(
            _(
                "Kode dan versi di teks harus %(code)s dan %(v)s, sesuai nama berkas "
                "%(name)s. Untuk versi lain, buat versi baru."
            )
            % {"code": current.code, "v": current.version, "name": current.filename},
            field="text",
        )
    found = STATUS_LINE.search(text)
    if found is not None and found["value"] == SopStatus.PUBLISHED:
        raise Invalid(
            _(
                "Biarkan “status: draft”; terbitkan dengan tombol Terbitkan setelah tidak ada "
                "kesalahan."
            ),
            field="text",
        )
    if text == current.text:
        return current
    _audit(
        unit,
        "sop_file_saved",
        actor,
        before={"sha256": sha256(current.text)},
        after={"sop": f"{current.code} v{current.version}", "sha256": sha256(text)},
    )
    write_atomic(current.path, text)
    saved = sop_file_read(unit.code, name)
    assert saved is not None  # noqa: S101 - just written
    return saved


def published_text(text: str) -> str:
    """The text with its top-level ``status`` set to published (the one line rewritten, its
    comment kept), or a ``status: published`` line added after ``version:``."""
    found = STATUS_LINE.search(text)
    if found is not None:
        rest = f"  {found['rest']}" if found["rest"] else ""
        return text[: found.start()] + f"status: published{rest}" + text[found.end() :]
    version = _TOP_VERSION.search(text)
    if version is None:
        return text
    return text[: version.end()] + "\nstatus: published" + text[version.end() :]


@transaction.atomic
def sop_file_publish(*, unit: OrgUnit, name: str, actor: Person | None) -> SopVersion:
    """Publish a draft: its ``status`` line set to published (nothing else of the file moves),
    and the version recorded as ``trantib sop sync`` records it, audited with who published it.
    From then on the file is never edited (a change is a new version); cases started on it
    keep it. Refused (Invalid on ``text``, listing the errors) while the draft has errors."""
    _lock(unit)
    current = sop_file_read(unit.code, name)
    if current is None:
        raise NotFound(_("Berkas SOP tidak ada."), field="text")
    if current.published:
        raise Conflict(_("%(name)s sudah diterbitkan.") % {"name": current.filename})
    if current.errors or current.spec is None:
        listed = "; ".join(
            _("baris %(line)s: %(message)s") % {"line": p.line, "message": p.message}
            for p in current.errors[:10]
        )
        raise Invalid(
            _("Draf masih punya %(n)s kesalahan; perbaiki dulu: %(list)s")
            % {"n": len(current.errors), "list": listed},
            field="text",
        )
    text = published_text(current.text)
    try:
        spec, _warnings = load_text(text, str(current.path), check_name=True)
    except SOPValidationError as exc:
        raise Invalid(str(exc), field="text") from None
    if spec.status != SopStatus.PUBLISHED:
        raise Invalid(_("Baris “status:” tidak dapat diubah; tulis “status: draft”."), field="text")
    write_atomic(current.path, text)
    try:
        lib = registry.reload()
        recorded = next(s for s in lib.specs if s.path == str(current.path))
        row = sop_version_record(spec=recorded, actor_id=actor.pk if actor else None)
        if row.status != SopStatus.PUBLISHED or row.sha256 != sha256(text):
            raise Conflict(
                _("SOP %(code)s versi %(v)s tercatat dengan isi lain; tidak diterbitkan.")
                % {"code": current.code, "v": current.version}
            )
    except BaseException:
        write_atomic(current.path, current.text)  # the draft as it was: nothing half-done
        registry.reload()
        raise
    return row


@transaction.atomic
def sop_file_new_version(
    *, unit: OrgUnit, code: str, version: int, actor: Person | None, superuser: bool = False
) -> SopFile:
    """The next version of SOP ``code`` as a draft in ``unit``'s folder, copied from published
    version ``version``: ``version``, ``supersedes`` and ``status`` changed, a comment saying
    so, the rest as it was. One open draft at a time: a draft of the code newer than every
    published version, in this unit's folder, is returned as it is."""
    lib = registry.fresh()
    try:
        base = lib.get(code, version)
    except KeyError:
        raise NotFound(
            _("SOP %(code)s versi %(v)s tidak ada di pustaka.") % {"code": code, "v": version}
        ) from None
    if base.status != SopStatus.PUBLISHED:
        raise Conflict(_("Versi baru dibuat dari versi yang sudah diterbitkan."))
    newest = max(versions_known(code))
    published = max(s.version for s in lib.specs if s.code == code and s.status == "published")
    existing = sop_file_read(unit.code, f"{code}.v{newest}")
    if existing is not None and not existing.published and newest > published:
        return existing
    target = newest + 1
    row = SopVersion.objects.filter(code=code, version=newest).first()
    if row is not None and row.status == SopStatus.DRAFT and row.path == "" and newest > published:
        target = newest  # the revision opened by an evaluation (sop_draft_open) gets its file
    if not may_write_code(code, unit, superuser=superuser):
        raise Invalid(
            _(
                "SOP %(code)s bukan milik %(unit)s: versi barunya ditulis oleh unit pemiliknya "
                "(SOP pustaka bawaan: administrator)."
            )
            % {"code": code, "unit": unit.name}
        )
    base_row = SopVersion(code=code, version=base.version, content=registry.text_of(base))
    text = _as_draft(base_row, version=target)
    if not text:
        raise Conflict(
            _("Versi %(v)s SOP %(code)s tidak dapat disalin menjadi draf; unggah berkas revisinya.")
            % {"v": base.version, "code": code}
        )
    _lock(unit)
    path = file_path(unit.code, code, target)
    if path.exists():
        raise Conflict(_("Berkas %(name)s sudah ada.") % {"name": path.name})
    _audit(
        unit,
        "sop_file_opened",
        actor,
        after={"sop": f"{code} v{target}", "from_version": base.version, "sha256": sha256(text)},
    )
    write_atomic(path, text)
    opened = sop_file_read(unit.code, f"{code}.v{target}")
    assert opened is not None  # noqa: S101 - just written
    return opened
