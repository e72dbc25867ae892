"""``trantib sop sync`` never crashes: an edited published file, invalid YAML or a validation
error is one line per problem, exit code 1, and nothing recorded."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from trantib.sops import registry
from trantib.sops.models import SopVersion
from trantib.sops.services import sop_library_sync

pytestmark = pytest.mark.django_db

LIBRARY = Path(__file__).resolve().parents[1] / "library"


@pytest.fixture
def library(tmp_path, settings):
    copy = tmp_path / "library"
    shutil.copytree(LIBRARY, copy)
    settings.TRANTIB_SOP_LIBRARY = copy
    registry.reload()
    yield copy
    registry.library.cache_clear()


def sync() -> tuple[int, str, str]:
    """Run ``sop sync`` as the console does: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("sop", "sync", stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_an_edited_published_file_is_one_line_naming_the_file_and_what_to_do(library):
    code, out, _err = sync()
    assert code == 0 and "new" in out
    edited = library / "pengaduan" / "PGD.v1.yaml"
    text = edited.read_text()
    edited.write_text(text.replace("time: 30 menit", "time: 45 menit", 1))
    before = SopVersion.objects.get(code="PGD", version=1).content

    code, out, err = sync()

    assert code == 1
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    status_line = next(n for n, t in enumerate(text.splitlines(), 1) if t.startswith("status:"))
    assert lines[0] == (
        f"{edited}:{status_line}: PGD v1 is published and was edited; save the change as a "
        "new version: PGD.v3.yaml with version: 3, supersedes: 1, status: draft "
        "(and put back v1 as it was recorded)"
    )
    assert lines[1:] == ["SOP library not recorded: 1 problem(s); nothing was changed"]
    assert SopVersion.objects.get(code="PGD", version=1).content == before


def test_invalid_yaml_is_one_line_with_file_and_line_and_nothing_is_recorded(library):
    (library / "pengaduan" / "PGD.v9.yaml").write_text("code: PGD\nversion: [9\n")
    code, _out, err = sync()
    assert code == 1
    assert "Traceback" not in err
    problems = err.strip().splitlines()[:-1]
    assert len(problems) == 1
    assert problems[0].startswith(f"{library / 'pengaduan' / 'PGD.v9.yaml'}:")
    assert not SopVersion.objects.exists()  # the valid files wait too: nothing half-written


def test_a_validation_error_is_one_line_per_problem_and_nothing_is_recorded(library):
    spoiled = library / "pengaduan" / "PGD.v1.yaml"
    spoiled.write_text(spoiled.read_text().replace("role: camat", "role: bupati"))
    code, _out, err = sync()
    assert code == 1
    problems = err.strip().splitlines()[:-1]
    assert problems and all(p.startswith(f"{spoiled}:") for p in problems)
    assert any("unknown role 'bupati'" in p for p in problems)
    assert not SopVersion.objects.exists()


def test_a_good_library_syncs_with_exit_code_0_and_counts(library):
    code, out, err = sync()
    assert (code, err) == (0, "")
    assert (
        out.strip() == f"SOP library: {len(registry.library().specs)} new, 0 updated, 0 unchanged"
    )
    assert sop_library_sync().unchanged == len(registry.library().specs)
