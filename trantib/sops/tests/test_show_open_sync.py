"""``show_open`` (which earlier records a task form shows open) is not part of the signed
document: a published version may gain or change it in place, like its bindings."""

from __future__ import annotations

import pytest

from trantib.sops.models import SopVersion
from trantib.sops.services import sop_library_sync
from trantib.sops.tests.test_sop_command import library  # noqa: F401 — the fixture


def _without_show_open(text: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if "show_open:" not in line)


@pytest.mark.django_db
def test_a_published_version_may_gain_show_open_in_place(library):  # noqa: F811
    ppw = library / "patroli" / "PPW.v1.yaml"
    with_show_open = ppw.read_text()
    ppw.write_text(_without_show_open(with_show_open))
    sop_library_sync()
    assert "show_open:" not in SopVersion.objects.get(code="PPW", version=1).content
    ppw.write_text(with_show_open)
    result = sop_library_sync()
    assert (result.created, result.updated) == (0, 1)
    row = SopVersion.objects.get(code="PPW", version=1)
    assert row.content == with_show_open and row.status == SopVersion.Status.PUBLISHED
