import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from trantib.core.audit import audit_events, chains_verify
from trantib.engine.spec import SopStatus
from trantib.engine.tests.sop_text import without_bindings
from trantib.sops import registry
from trantib.sops.models import SopVersion
from trantib.sops.services import PublishedVersionChanged, sop_library_sync

ROOT = Path(__file__).resolve().parents[3]
LIBRARY = ROOT / "trantib" / "sops" / "library"
PGD = LIBRARY / "pengaduan" / "PGD.v1.yaml"


def trantib(*args: str, library: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real console command, as an operator would."""
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings"}
    if library is not None:
        env["TRANTIB_SOP_LIBRARY"] = str(library)
    return subprocess.run(  # noqa: S603 — our own command, fixed arguments
        [sys.executable, "-m", "trantib.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def library(tmp_path, settings):
    """A copy of the real library that a test may spoil."""
    copy = tmp_path / "library"
    shutil.copytree(LIBRARY, copy)
    settings.TRANTIB_SOP_LIBRARY = copy
    registry.reload()
    yield copy
    registry.library.cache_clear()


def test_sop_validate_accepts_the_whole_library():
    result = trantib("sop", "validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 error(s)" in result.stdout


def test_sop_validate_names_file_line_and_step_of_a_dangling_next(tmp_path):
    broken = tmp_path / "PGD.v1.yaml"
    text = PGD.read_text(encoding="utf-8")
    broken.write_text(text.replace("next: camat_arahkan", "next: camat_arahkn"), encoding="utf-8")
    line = next(
        n
        for n, content in enumerate(broken.read_text().splitlines(), 1)
        if "camat_arahkn" in content
    )
    result = trantib("sop", "validate", str(broken))
    assert result.returncode == 1
    assert (
        f"{broken}:{line}: steps[2].next: step 'kasi_teruskan' goes next to 'camat_arahkn', "
        "which does not exist"
    ) in result.stdout


def test_sop_validate_reports_a_missing_file_and_fails(tmp_path):
    result = trantib("sop", "validate", str(tmp_path / "nope.v1.yaml"))
    assert result.returncode == 1
    assert "nope.v1.yaml:0: file: no such file" in result.stderr


def test_sop_list_prints_code_version_and_name_per_sop():
    result = trantib("sop", "list")
    assert result.returncode == 0
    assert "PGD\tv1\tPengamanan Pelaksanaan Perda" in result.stdout.splitlines()
    assert "PPW\tv1\tPatroli Pengawasan Wilayah" in result.stdout.splitlines()


def test_manage_py_check_fails_on_an_invalid_library_file(library):
    spoiled = library / "pengaduan" / "PGD.v1.yaml"
    spoiled.write_text(spoiled.read_text().replace("role: camat", "role: bupati"))
    with pytest.raises(SystemCheckError, match=r"steps\[3\]\.role: unknown role 'bupati'"):
        call_command("check")


def test_manage_py_check_passes_on_the_library():
    call_command("check")


@pytest.mark.django_db
def test_sync_records_every_version_once(library):
    first = sop_library_sync()
    again = sop_library_sync()
    assert first.created == len(registry.library().specs) > 0
    assert (again.created, again.updated, again.unchanged) == (0, 0, first.created)
    assert SopVersion.objects.filter(code="PGD", version=1).count() == 1


@pytest.mark.django_db
def test_a_published_version_can_not_be_edited_in_place(library):
    sop_library_sync()
    edited = library / "pengaduan" / "PGD.v1.yaml"
    edited.write_text(edited.read_text().replace("time: 30 menit", "time: 45 menit"))
    with pytest.raises(PublishedVersionChanged, match="PGD v1 is published and was edited"):
        sop_library_sync()
    row = SopVersion.objects.get(code="PGD", version=1)
    assert "time: 30 menit" in row.content


@pytest.mark.django_db
def test_a_draft_version_may_change_until_it_is_published(library):
    draft = library / "pengaduan" / "PGD.v1.yaml"
    draft.write_text(draft.read_text().replace("status: published", "status: draft"))
    sop_library_sync()
    draft.write_text(draft.read_text().replace("time: 30 menit", "time: 45 menit"))
    result = sop_library_sync()
    assert result.updated == 1
    assert "time: 45 menit" in SopVersion.objects.get(code="PGD", version=1).content


@pytest.mark.django_db
def test_a_published_version_may_gain_or_change_its_bindings_in_place(library):
    pgd2 = library / "pengaduan" / "PGD.v2.yaml"
    with_bindings = pgd2.read_text()
    pgd2.write_text(without_bindings(with_bindings))
    sop_library_sync()
    assert "binds:" not in SopVersion.objects.get(code="PGD", version=2).content
    pgd2.write_text(with_bindings)
    result = sop_library_sync()
    assert (result.created, result.updated) == (0, 1)
    row = SopVersion.objects.get(code="PGD", version=2)
    assert row.content == with_bindings
    assert row.sha256 == hashlib.sha256(with_bindings.encode()).hexdigest()
    assert row.status == SopVersion.Status.PUBLISHED
    pgd2.write_text(with_bindings.replace(" letter: Surat,", ""))  # an optional meaning dropped
    assert sop_library_sync().updated == 1


@pytest.mark.django_db
def test_a_published_version_is_refused_when_more_than_its_bindings_changed(library):
    pgd2 = library / "pengaduan" / "PGD.v2.yaml"
    with_bindings = pgd2.read_text()
    pgd2.write_text(without_bindings(with_bindings))
    sop_library_sync()
    pgd2.write_text(with_bindings.replace("time: 30 menit", "time: 45 menit"))
    with pytest.raises(PublishedVersionChanged, match="PGD v2 is published and was edited"):
        sop_library_sync()
    row = SopVersion.objects.get(code="PGD", version=2)
    assert row.content == without_bindings(with_bindings)
    pgd2.write_text(with_bindings.replace("status: published", "status: draft"))
    with pytest.raises(PublishedVersionChanged, match="PGD v2 is published and was edited"):
        sop_library_sync()


def test_the_database_statuses_are_the_engines():
    assert SopVersion.Status.values == [s.value for s in SopStatus]


@pytest.mark.django_db
def test_recording_and_publishing_a_version_are_audited_on_its_chain(library):
    draft = library / "pengaduan" / "PGD.v1.yaml"
    draft.write_text(draft.read_text().replace("status: published", "status: draft"))
    sop_library_sync()
    row = SopVersion.objects.get(code="PGD", version=1)
    assert [e.type for e in audit_events(row)] == ["sop_version_recorded"]
    draft.write_text(draft.read_text().replace("status: draft", "status: published"))
    sop_library_sync(actor_id=None)
    row.refresh_from_db()
    events = list(audit_events(row))
    assert [e.type for e in events] == [
        "sop_version_recorded",
        "sop_version_updated",
        "sop_version_published",
    ]
    assert events[1].data["before"]["status"] == "draft"
    assert events[1].data["after"] == {"status": "published", "sha256": row.sha256}
    published = SopVersion.objects.get(code="PGD", version=2)
    assert [e.type for e in audit_events(published)] == [
        "sop_version_recorded",
        "sop_version_published",
    ]
    (records,) = [r for r in chains_verify() if r.label == "records"]
    assert records.problems == []


@pytest.mark.django_db
def test_a_published_version_may_gain_public_labels_and_case_nouns(library):
    pgd2 = library / "pengaduan" / "PGD.v2.yaml"
    with_words = pgd2.read_text()
    plain = "\n".join(
        line for line in with_words.split("\n") if not line.lstrip().startswith("public:")
    ).replace("case_noun: pengaduan\n", "")
    pgd2.write_text(plain)
    sop_library_sync()
    pgd2.write_text(with_words)
    assert sop_library_sync().updated == 1
    assert SopVersion.objects.get(code="PGD", version=2).content == with_words
