"""``trantib restore`` refuses with one line, exit status 2 and nothing changed: a missing
file, a file that is not a backup, a damaged member, another database vendor, a backup from a
newer Trantib, a database that is not empty."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest
from django.db import connection

from .conftest import EmptyDatabase, backup_to, restore_refusal

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def archive(django_db_setup, django_db_blocker, tmp_path_factory) -> Path:
    """A backup of the test database (the demo organisation, committed at the run's start),
    made between tests: a test's own transaction would keep a backup of SQLite waiting."""
    with django_db_blocker.unblock():
        return backup_to(tmp_path_factory.mktemp("backups"))[0]


def _rewrite(archive: Path, *, manifest=None, member=None) -> Path:
    """A copy of ``archive`` with its manifest changed (``manifest(dict)``) or one member's
    bytes changed (``member(name, bytes) -> bytes``)."""
    copy = archive.with_name("changed.tar.gz")
    with tarfile.open(archive) as src, tarfile.open(copy, "w:gz") as dst:
        for info in src.getmembers():
            fileobj = src.extractfile(info)
            data = fileobj.read() if fileobj else b""
            if info.name == "manifest.json" and manifest:
                data = json.dumps(manifest(json.loads(data))).encode()
            elif member:
                data = member(info.name, data)
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))
    return copy


def test_a_missing_file_is_refused(tmp_path):
    assert restore_refusal(str(tmp_path / "nothing.tar.gz")) == (
        f"FILE: no such file: {tmp_path / 'nothing.tar.gz'}"
    )


def test_a_file_that_is_not_an_archive_is_refused(tmp_path):
    junk = tmp_path / "notes.tar.gz"
    junk.write_bytes(b"not a backup at all\n" * 10)
    message = restore_refusal(str(junk))
    assert message.startswith(f"FILE: {junk} is not a Trantib backup (unreadable archive:")


def test_an_archive_without_a_manifest_is_refused(tmp_path):
    other = tmp_path / "other.tar.gz"
    with tarfile.open(other, "w:gz") as tar:
        info = tarfile.TarInfo("readme.txt")
        info.size = 2
        tar.addfile(info, io.BytesIO(b"hi"))
    assert restore_refusal(str(other)) == (
        f"FILE: {other} is not a Trantib backup (it does not start with manifest.json)"
    )


def test_a_member_whose_checksum_does_not_match_is_refused_and_nothing_is_changed(
    archive, empty_database: EmptyDatabase, settings, tmp_path
):
    # an empty media folder of its own: the suite's is shared with tests that upload files
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    damaged = _rewrite(
        archive,
        member=lambda name, data: (
            data[:-1] + bytes([data[-1] ^ 1]) if name.startswith("database") else data
        ),
    )
    message = restore_refusal(str(damaged), "--database", empty_database.alias)
    assert message.startswith("FILE: checksum mismatch: database.")
    assert "is not what was backed up" in message
    assert empty_database.counts() == {}
    # no temporary folder is left beside the database or the media folder
    assert not list(Path(empty_database.name).parent.glob(".restore-*"))
    assert not list(tmp_path.glob(".media.restore-*"))
    assert not list(settings.MEDIA_ROOT.iterdir())


def test_a_backup_of_another_database_vendor_is_refused(archive):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    member = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}[other]

    def as_other(manifest: dict) -> dict:
        files = manifest["files"]
        files[member] = files.pop(manifest["database"]["member"])
        manifest["database"].update(vendor=other, member=member)
        return manifest

    assert restore_refusal(str(_rewrite(archive, manifest=as_other))) == (
        f"database: the backup holds a {other} database but this Trantib uses "
        f"{connection.vendor}: restore it into the same kind of database"
    )


def test_a_backup_from_a_newer_trantib_is_refused(archive):
    def newer(manifest: dict) -> dict:
        manifest["migrations"]["backups"] = "0099_from_the_future"
        manifest["version"] = "9.0"
        return manifest

    assert restore_refusal(str(_rewrite(archive, manifest=newer))) == (
        "FILE: the backup comes from a newer Trantib (9.0): migration "
        "backups.0099_from_the_future is unknown here; restore it with that version"
    )


def test_a_database_that_is_not_empty_is_refused_without_force(archive):
    name = connection.settings_dict["NAME"]
    assert restore_refusal(str(archive)) == (
        f"database: the database {name} is not empty: restore into an empty database, "
        "or pass --force to replace it"
    )


def test_a_sqlite_backup_gives_up_on_a_database_that_stays_locked(demo_org, tmp_path):
    """This test's transaction holds the write lock (the settings begin IMMEDIATE
    transactions): the backup waits for it a while, then says so, rather than for ever."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    from trantib.backups.vendors import sqlite_dump
    from trantib.core.errors import Invalid

    with pytest.raises(Invalid) as refused:
        sqlite_dump(connection.settings_dict, tmp_path / "copy.sqlite3", patience=0.3)
    assert refused.value.message == "the database stayed locked for 0.3 s: run the backup again"
