"""``trantib backup`` then ``trantib restore`` into an empty database, checked by ``trantib
audit verify`` and by the row counts — on SQLite, and on PostgreSQL in the suite's PostgreSQL
run. The restore and the verification run as an operator runs them: ``manage.py`` in its own
process, pointed at the new database and var folder."""

from __future__ import annotations

import json
import shutil
import tarfile

import pytest
from django.db import connection

from trantib.cases.models import Case, Event
from trantib.core.models import AuditEvent, AuditHead

from .conftest import EmptyDatabase, backup_to, build_cases, manage

pytestmark = pytest.mark.django_db(transaction=True)


def _manifest(archive) -> dict:
    with tarfile.open(archive) as tar:
        member = tar.extractfile("manifest.json")
        assert member is not None
        return json.load(member)


def _round_trip(demo_org, tmp_path, empty_database: EmptyDatabase) -> None:
    built = build_cases(demo_org)
    archive, printed = backup_to(tmp_path / "backups")
    assert "database:" in printed and f"backup written: {archive}" in printed
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    manifest = _manifest(archive)
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["row_counts"]["cases_case"] == Case.objects.count() == 3
    assert manifest["row_counts"]["cases_event"] == Event.objects.count()
    assert manifest["row_counts"]["core_auditevent"] == AuditEvent.objects.count() > 0
    assert manifest["audit"]["heads"] == Case.objects.count() + AuditHead.objects.count()
    assert manifest["migrations"]["backups"] == "0002_default_retention_rules"

    var = tmp_path / "var"
    restored = manage(var, empty_database.url, "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert "database: " in restored.stdout and "checksum ok" in restored.stdout
    assert restored.stdout.strip().endswith("restored; check it with `trantib audit verify`")

    verified = manage(var, empty_database.url, "audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.splitlines() == [
        f"{Case.objects.count()} cases, {Event.objects.count()} events: chain intact",
        f"{AuditHead.objects.count()} records, {AuditEvent.objects.count()} events: chain intact",
    ]
    assert empty_database.counts() == manifest["row_counts"]
    photo = var / "media" / built.attachment.file.name
    assert photo.read_bytes() == built.attachment.file.open("rb").read()

    again = manage(var, empty_database.url, "restore", str(archive))
    assert again.returncode == 2
    assert again.stderr.strip().splitlines()[-1].startswith("CommandError: database: the database")
    assert "is not empty" in again.stderr and "Traceback" not in again.stderr


def test_a_sqlite_backup_restored_into_a_new_file_verifies_and_counts_the_same(
    demo_org, tmp_path, empty_database
):
    if connection.vendor != "sqlite":
        pytest.skip("the suite runs on PostgreSQL: the PostgreSQL test covers it")
    _round_trip(demo_org, tmp_path, empty_database)


@pytest.mark.postgres
def test_a_postgresql_backup_restored_into_a_new_database_verifies_and_counts_the_same(
    demo_org, tmp_path, empty_database
):
    if connection.vendor != "postgresql":
        pytest.skip("the suite runs on SQLite")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump and pg_restore are not installed")
    _round_trip(demo_org, tmp_path, empty_database)
