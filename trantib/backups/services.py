"""Backing up and restoring the whole product: the database and the uploaded files, in one
``.tar.gz`` with a manifest.

The archive holds, in this order:

- ``manifest.json`` — first, so that a restore refuses a wrong vendor or a non-empty database
  before it reads gigabytes: the product version, the database vendor, the last applied
  migration per app, the row count of every table, the audit chain heads (a digest), when it
  was made, and the SHA-256 and size of every other member;
- ``database.dump`` (PostgreSQL, ``pg_dump --format=custom``) or ``database.sqlite3``;
- ``media/…`` — every file of the storage folder (``MEDIA_ROOT``).

A restore checks everything before it changes anything: every member is unpacked into a
temporary folder beside its destination and its checksum compared; the SQLite copy is checked
and counted there. Only then is the database put back (PostgreSQL: one transaction; SQLite: one
rename) and the media folder renamed into place. Whatever a ``--force`` restore replaces is
renamed aside (``….before-restore-<time>``), never deleted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import io
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any, cast

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from trantib.core.errors import Invalid

from . import vendors

FORMAT = "trantib-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
_DATABASE_MEMBER = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
_MANIFEST_MAX_BYTES = 64 * 1024 * 1024

Progress = Callable[[str], None]


def _quiet(_line: str) -> None:
    pass


def product_version() -> str:
    try:
        return importlib.metadata.version("trantib")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def media_root() -> Path | None:
    """The folder of uploaded files, or None when the storage is not a local folder (object
    storage keeps and versions its own copies)."""
    storage = storages["default"]
    return Path(storage.location) if isinstance(storage, FileSystemStorage) else None


def _connection(using: str) -> Any:
    if using not in connections.settings:
        raise Invalid(f"no database {using!r} in the settings", field="--database")
    return connections[using]


def _sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


class _Hashing:
    """A file read through, digested on the way (what the archive really got)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.hash = hashlib.sha256()
        self.size = 0

    def read(self, n: int = -1) -> bytes:
        chunk = self.raw.read(n)
        self.hash.update(chunk)
        self.size += len(chunk)
        return chunk


def _media_files(root: Path | None) -> Iterator[tuple[str, Path]]:
    if root is None or not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.is_file() and not path.is_symlink():
                yield MEDIA_PREFIX + path.relative_to(root).as_posix(), path


# -- backup -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    manifest: dict[str, Any]


def backup_output_path(output: str | Path | None, *, now: dt.datetime) -> Path:
    """``--output``: a file, or a folder for the default name (an existing folder, or a path
    ending in "/"; default folder: ``TRANTIB_BACKUP_DIR``, ``var/backups``)."""
    name = f"trantib-{timezone.localtime(now):%Y%m%d-%H%M%S}.tar.gz"
    if output is None:
        path = Path(settings.TRANTIB_BACKUP_DIR) / name
    elif Path(output).is_dir() or str(output).endswith(("/", os.sep)):
        path = Path(output) / name
    else:
        path = Path(output)
    if path.exists():
        raise Invalid(f"{path} exists already: name another file", field="--output")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise Invalid(f"cannot create {path.parent}: {exc.strerror}", field="--output") from None
    return path


def backup_create(
    *,
    output: str | Path | None = None,
    using: str = "default",
    progress: Progress = _quiet,
    now: dt.datetime | None = None,
    database_only: bool = False,
) -> BackupResult:
    """Write one archive of the database and the uploaded files; nothing is left behind but
    the finished archive (readable by its owner only: it holds personal data). Files in object
    storage (``TRANTIB_STORAGE=s3``) are not copied: it refuses, rather than write an archive
    that silently lacks them, unless ``database_only`` says the bucket is backed up apart."""
    root = None if database_only else media_root()
    if root is None and not database_only:
        raise Invalid(
            "the uploaded files are in object storage (TRANTIB_STORAGE=s3), which this backup "
            "cannot copy: back the bucket up by itself (versioning or replication) and pass "
            "--database-only (docs/BACKUP.md)",
            field="media",
        )
    connection = _connection(using)
    vendor = connection.vendor
    if vendor not in vendors.SUPPORTED:
        raise Invalid(
            f"cannot back up a {vendor} database (PostgreSQL or SQLite)", field="database"
        )
    now = now or timezone.now()
    target = backup_output_path(output, now=now)
    member = _DATABASE_MEMBER[vendor]
    work = Path(tempfile.mkdtemp(prefix=".trantib-backup-", dir=target.parent))
    partial = target.with_name(target.name + ".partial")
    try:
        dump = work / member
        if vendor == "postgresql":
            progress("database: pg_dump --format=custom (one snapshot) ...")
            facts, server = vendors.pg_dump(connection.settings_dict, dump)
            tool = vendors.pg_tool_version("pg_dump")
        else:
            progress("database: SQLite online backup ...")
            vendors.sqlite_dump(connection.settings_dict, dump)
            facts, server, tool = vendors.sqlite_facts(dump), sqlite3.sqlite_version, "sqlite3"
        progress(
            f"database: {_megabytes(dump.stat().st_size)}, {len(facts.row_counts)} tables, "
            f"{sum(facts.row_counts.values())} rows"
        )
        files = {member: {"sha256": _sha256(dump), "size": dump.stat().st_size}}
        media: list[tuple[str, Path]] = []
        media_bytes = 0
        for name, path in _media_files(root):
            files[name] = {"sha256": _sha256(path), "size": path.stat().st_size}
            media.append((name, path))
            media_bytes += path.stat().st_size
        if database_only:
            progress("media: left out (--database-only)")
        else:
            progress(f"media: {len(media)} files, {_megabytes(media_bytes)} from {root}")
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "product": "trantib",
            "version": product_version(),
            "created_at": now.isoformat(),
            "database": {
                "vendor": vendor,
                "member": member,
                "server_version": server,
                "tool": tool,
            },
            "migrations": facts.migrations,
            "row_counts": facts.row_counts,
            "audit": facts.audit,
            "media": {
                "files": len(media),
                "bytes": media_bytes,
                "root": str(root or ""),
                **({"left_out": True} if database_only else {}),
            },
            "files": files,
        }
        progress(f"writing {target} ...")
        _archive_write(partial, manifest, [(member, dump), *media])
        os.replace(partial, target)
    except OSError as exc:  # a full disk, a folder we may not write
        raise Invalid(
            f"cannot write the backup: {exc.strerror or exc} ({exc.filename or target}); "
            "no archive was left",
            field="--output",
        ) from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
        partial.unlink(missing_ok=True)
    size = target.stat().st_size
    progress(f"backup written: {target} ({_megabytes(size)})")
    return BackupResult(target, size, manifest)


def _archive_write(
    partial: Path, manifest: dict[str, Any], members: list[tuple[str, Path]]
) -> None:
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    files: dict[str, dict[str, Any]] = manifest["files"]
    with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
        body = json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime, info.mode = len(body), int(timezone.now().timestamp()), 0o600
        tar.addfile(info, io.BytesIO(body))
        for name, path in members:
            try:
                with path.open("rb") as f:
                    stat = os.fstat(f.fileno())
                    info = tarfile.TarInfo(name)
                    info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o600
                    reader = _Hashing(f)
                    tar.addfile(info, cast(IO[bytes], reader))
            except OSError:
                reader = None
            if reader is None or reader.hash.hexdigest() != files[name]["sha256"]:
                raise Invalid(
                    f"{name} changed while it was being backed up: run the backup again",
                    field="media",
                )


# -- restore ----------------------------------------------------------------------------------


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    set_aside: list[Path] = field(default_factory=list)
    pending_migrations: list[str] = field(default_factory=list)


def _not_a_backup(path: Path, why: str) -> Invalid:
    return Invalid(f"{path} is not a Trantib backup ({why})", field="FILE")


def _manifest_read(tar: tarfile.TarFile, path: Path) -> dict[str, Any]:
    first = tar.next()
    if first is None or first.name != MANIFEST or not first.isfile():
        raise _not_a_backup(path, f"it does not start with {MANIFEST}")
    if first.size > _MANIFEST_MAX_BYTES:
        raise _not_a_backup(path, f"{MANIFEST} is too large")
    raw = tar.extractfile(first)
    try:
        manifest = json.loads(raw.read() if raw else b"")
    except ValueError:
        raise _not_a_backup(path, f"{MANIFEST} is not JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _not_a_backup(path, f"{MANIFEST} is not a Trantib manifest")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise Invalid(
            f"{path}: backup format {manifest.get('format_version')!r} is not known to this "
            f"version of Trantib (it reads format {FORMAT_VERSION})",
            field="FILE",
        )
    database, files = manifest.get("database"), manifest.get("files")
    if (
        not isinstance(database, dict)
        or not isinstance(manifest.get("migrations"), dict)
        or not isinstance(manifest.get("row_counts"), dict)
        or not isinstance(manifest.get("audit"), dict)
        or database.get("member") != _DATABASE_MEMBER.get(str(database.get("vendor")))
        or not isinstance(files, dict)
        or database["member"] not in files
        or not all(isinstance(v, dict) and "sha256" in v for v in files.values())
    ):
        raise _not_a_backup(path, f"{MANIFEST} lacks the database, its facts or the checksums")
    for name in files:
        if name != database["member"] and not _media_name_safe(name):
            raise _not_a_backup(path, f"unexpected member {name!r}")
    return manifest


def _media_name_safe(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return (
        name.startswith(MEDIA_PREFIX)
        and len(parts) > 1
        and not any(p in ("", ".", "..") or "\\" in p for p in parts)
        and not name.endswith("/")
    )


def _refuse_unknown_migrations(manifest: dict[str, Any]) -> list[str]:
    """Refuse a backup made by a newer Trantib; list the apps whose migrations are newer here
    (``trantib migrate`` brings the restored database up to date)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    applied: dict[str, str] = manifest.get("migrations") or {}
    unknown = [
        f"{app}.{name}"
        for app, name in sorted(applied.items())
        if app in loader.migrated_apps and (app, name) not in loader.disk_migrations
    ]
    if unknown:
        raise Invalid(
            f"the backup comes from a newer Trantib ({manifest.get('version')}): migration "
            f"{unknown[0]} is unknown here; restore it with that version",
            field="FILE",
        )
    return [
        f"{app}.{name}"
        for app, name in sorted(loader.graph.leaf_nodes())
        if applied.get(app) != name
    ]


def _target_is_empty(vendor: str, settings_dict: dict[str, Any]) -> bool:
    if vendor == "postgresql":
        return vendors.pg_is_empty(settings_dict)
    return vendors.sqlite_is_empty(settings_dict)


def _folder_has_files(folder: Path | None) -> bool:
    return folder is not None and folder.is_dir() and any(p.is_file() for p in folder.rglob("*"))


def _aside(path: Path, stamp: str) -> Path:
    return path.with_name(f"{path.name}.before-restore-{stamp}")


@dataclass
class _Staging:
    """The temporary folders of one restore, removed unless their content was moved."""

    folders: list[Path] = field(default_factory=list)

    def folder(self, beside: Path, prefix: str) -> Path:
        beside.mkdir(parents=True, exist_ok=True)
        made = Path(tempfile.mkdtemp(prefix=prefix, dir=beside))
        self.folders.append(made)
        return made

    def clean(self) -> None:
        for folder in self.folders:
            shutil.rmtree(folder, ignore_errors=True)


def backup_restore(
    *,
    path: Path,
    force: bool = False,
    using: str = "default",
    progress: Progress = _quiet,
) -> RestoreResult:
    """Put a backup back into the configured database and media folder. Refuses, before
    changing anything, a missing or foreign file, a checksum that does not match, another
    database vendor, a backup from a newer Trantib, and a database or media folder that is not
    empty (``force``: replace them; what is replaced is renamed aside, never deleted)."""
    if not path.is_file():
        raise Invalid(f"no such file: {path}", field="FILE")
    connection = _connection(using)
    vendor, settings_dict = connection.vendor, connection.settings_dict
    root = media_root()
    staging = _Staging()
    try:
        try:
            with tarfile.open(path, mode="r|gz") as tar:
                manifest = _manifest_read(tar, path)
                pending = _restore_checks(manifest, vendor, settings_dict, root, force)
                progress(
                    f"backup of {manifest.get('created_at')} (Trantib {manifest.get('version')}, "
                    f"{vendor}): {len(manifest.get('row_counts') or {})} tables, "
                    f"{len(manifest['files']) - 1} media files"
                )
                staged_db, staged_media = _stage(
                    tar, manifest, path, settings_dict, root, staging, progress
                )
        except (tarfile.TarError, EOFError, zlib.error) as exc:
            raise _not_a_backup(path, f"unreadable archive: {exc}") from None
        except OSError as exc:  # a full disk, a folder we may not write
            raise Invalid(
                f"cannot unpack {path}: {exc.strerror or exc} ({exc.filename or 'archive'}); "
                "nothing was changed",
                field="FILE",
            ) from None
        result = RestoreResult(manifest, pending_migrations=pending)
        stamp = f"{timezone.localtime():%Y%m%d-%H%M%S}"
        connection.close()  # no session of ours on the database being replaced
        _database_put(vendor, settings_dict, staged_db, manifest, force, stamp, result, progress)
        _media_put(root, staged_media, stamp, result, progress)
    finally:
        staging.clean()
    return result


def _restore_checks(
    manifest: dict[str, Any],
    vendor: str,
    settings_dict: dict[str, Any],
    root: Path | None,
    force: bool,
) -> list[str]:
    backed_up = manifest["database"]["vendor"]
    if backed_up != vendor:
        raise Invalid(
            f"the backup holds a {backed_up} database but this Trantib uses {vendor}: "
            "restore it into the same kind of database",
            field="database",
        )
    pending = _refuse_unknown_migrations(manifest)
    if not force and not _target_is_empty(vendor, settings_dict):
        raise Invalid(
            f"the database {settings_dict['NAME']} is not empty: restore into an empty "
            "database, or pass --force to replace it",
            field="database",
        )
    if vendor == "sqlite" and vendors.sqlite_in_memory(settings_dict):
        raise Invalid("cannot restore into an in-memory SQLite database", field="database")
    has_media = len(manifest["files"]) > 1
    if has_media and root is None:
        raise Invalid(
            "the backup holds uploaded files but the storage is not a local folder: "
            "copy its media/ folder to the storage by hand",
            field="media",
        )
    if not force and _folder_has_files(root):
        raise Invalid(
            f"the media folder {root} is not empty: pass --force to replace it", field="media"
        )
    return pending


def _stage(
    tar: tarfile.TarFile,
    manifest: dict[str, Any],
    path: Path,
    settings_dict: dict[str, Any],
    root: Path | None,
    staging: _Staging,
    progress: Progress,
) -> tuple[Path, Path | None]:
    """Unpack every member into temporary folders beside their destinations, checking each
    checksum: (the database file, the media folder or None)."""
    files: dict[str, dict[str, Any]] = manifest["files"]
    member = manifest["database"]["member"]
    if manifest["database"]["vendor"] == "sqlite":
        db_folder = staging.folder(Path(str(settings_dict["NAME"])).resolve().parent, ".restore-")
    else:
        db_folder = staging.folder(
            root.parent if root else Path(tempfile.gettempdir()), ".restore-"
        )
    media = staging.folder(root.parent, f".{root.name}.restore-") if root else None
    seen: set[str] = set()
    for info in tar:  # from the first member again: the manifest, already read
        name = info.name
        if name == MANIFEST and not seen:
            continue
        if name not in files or name in seen or not info.isfile():
            raise _not_a_backup(path, f"unexpected member {name!r}")
        seen.add(name)
        if name == member:
            destination = db_folder / member
        elif media is None:  # refused earlier: a backup with files needs a media folder
            raise Invalid("the storage is not a local folder", field="media")
        else:
            destination = media.joinpath(*PurePosixPath(name).parts[1:])
            destination.parent.mkdir(parents=True, exist_ok=True)
        source = tar.extractfile(info)
        if source is None:
            raise _not_a_backup(path, f"unreadable member {name!r}")
        digest = hashlib.sha256()
        with destination.open("wb") as out:
            while chunk := source.read(1024 * 1024):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != files[name]["sha256"]:
            raise Invalid(
                f"checksum mismatch: {name} in {path} is not what was backed up "
                "(the file is damaged or was altered)",
                field="FILE",
            )
        if name == member:
            progress(f"database: {_megabytes(destination.stat().st_size)} unpacked, checksum ok")
    missing = sorted(files.keys() - seen)
    if missing:
        raise Invalid(
            f"{path} is incomplete: {len(missing)} member(s) missing, first {missing[0]}",
            field="FILE",
        )
    progress(f"media: {len(seen) - 1} files unpacked, checksums ok")
    return db_folder / member, media


def _database_put(
    vendor: str,
    settings_dict: dict[str, Any],
    staged: Path,
    manifest: dict[str, Any],
    force: bool,
    stamp: str,
    result: RestoreResult,
    progress: Progress,
) -> None:
    expected = vendors.DatabaseFacts(
        row_counts=manifest.get("row_counts") or {},
        migrations=manifest.get("migrations") or {},
        audit=manifest.get("audit") or {},
    )
    if vendor == "sqlite":
        problem = vendors.sqlite_check(staged)
        found = vendors.sqlite_facts(staged) if problem == "ok" else None
        differences = expected.differences(found) if found else [problem]
        if differences:
            raise Invalid(
                f"the database in the backup does not match its manifest ({differences[0]}): "
                "nothing was changed",
                field="FILE",
            )
        target = Path(str(settings_dict["NAME"])).resolve()
        if force and not vendors.sqlite_is_empty(settings_dict):
            for old in [target, *vendors.sqlite_companions(target)]:
                if old.exists():
                    old.rename(_aside(old, stamp))
                    result.set_aside.append(_aside(old, stamp))
        else:
            for old in vendors.sqlite_companions(target):
                old.unlink(missing_ok=True)  # of an empty database: nothing in them
        os.replace(staged, target)
        progress(f"database: {target} restored")
        return
    progress(f"database: pg_restore into {settings_dict['NAME']} (one transaction) ...")
    found = vendors.pg_restore(settings_dict, staged, clean=force)
    differences = expected.differences(found)
    if differences:
        raise Invalid(
            f"the database was restored but differs from the backup's manifest "
            f"({differences[0]}); the media files were not restored",
            field="database",
        )
    progress(f"database: {settings_dict['NAME']} restored, row counts and chain heads match")


def _media_put(
    root: Path | None,
    staged: Path | None,
    stamp: str,
    result: RestoreResult,
    progress: Progress,
) -> None:
    if root is None or staged is None:
        return
    try:
        if root.exists():
            if _folder_has_files(root):
                root.rename(_aside(root, stamp))
                result.set_aside.append(_aside(root, stamp))
            else:
                shutil.rmtree(root)  # only empty folders
        umask = os.umask(0o022)
        os.umask(umask)
        staged.chmod(0o777 & ~umask)  # a folder as mkdir makes it (the temporary one is 0700)
        staged.rename(root)
    except OSError as exc:
        keep = staged.with_name(f"{root.name}.restored-{stamp}")
        staged.rename(keep)
        raise Invalid(
            f"the database was restored but the media files could not be moved into {root} "
            f"({exc.strerror}): they are in {keep}; move them there by hand",
            field="media",
        ) from None
    count = sum(1 for p in root.rglob("*") if p.is_file())
    progress(f"media: {count} files restored into {root}")
