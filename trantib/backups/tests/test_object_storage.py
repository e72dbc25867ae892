"""With the uploaded files in object storage (TRANTIB_STORAGE=s3) ``trantib backup`` cannot copy
them: it refuses in one line rather than write an archive that silently lacks them, and
``--database-only`` writes the database alone, its manifest saying the files were left out."""

from __future__ import annotations

import io
import json
import tarfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from trantib.backups.services import media_root

pytestmark = pytest.mark.django_db

BUCKET_LIKE = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


@override_settings(STORAGES=BUCKET_LIKE)
def test_a_backup_refuses_in_one_line_when_the_files_are_not_in_a_folder(tmp_path):
    assert media_root() is None
    with pytest.raises(CommandError) as refused:
        call_command("backup", "--output", f"{tmp_path}/", stdout=io.StringIO())
    assert refused.value.returncode == 2
    assert str(refused.value) == (
        "media: the uploaded files are in object storage (TRANTIB_STORAGE=s3), which this "
        "backup cannot copy: back the bucket up by itself (versioning or replication) and "
        "pass --database-only (docs/BACKUP.md)"
    )
    assert list(tmp_path.iterdir()) == []  # nothing written, not even a partial archive


@pytest.fixture(scope="module")
def database_only(django_db_setup, django_db_blocker, tmp_path_factory):
    """Made between tests: a test's own transaction would keep a backup of SQLite waiting."""
    folder = tmp_path_factory.mktemp("backups")
    out = io.StringIO()
    with django_db_blocker.unblock(), override_settings(STORAGES=BUCKET_LIKE):
        call_command("backup", "--database-only", "--output", f"{folder}/", stdout=out)
    (archive,) = folder.glob("trantib-*.tar.gz")
    return archive, out.getvalue()


def test_database_only_writes_the_database_and_says_the_files_were_left_out(database_only):
    archive, printed = database_only
    assert "media: left out (--database-only)" in printed
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert names[0] == "manifest.json" and names[1].startswith("database.")
    assert len(names) == 2
    assert manifest["media"] == {"files": 0, "bytes": 0, "root": "", "left_out": True}
