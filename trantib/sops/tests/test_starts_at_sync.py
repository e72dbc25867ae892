"""``starts_at`` is the product's reading of an SOP, not part of what was signed: a published
version may gain it in place, audited, and nothing else may change with it."""

import shutil
from pathlib import Path

import pytest

from trantib.core.audit import audit_events
from trantib.sops import registry
from trantib.sops.models import SopVersion
from trantib.sops.services import PublishedVersionChanged, sop_library_sync

LIBRARY = Path(__file__).resolve().parents[3] / "trantib" / "sops" / "library"
LINE = "    starts_at: perintah_camat.waktu_unjuk_rasa\n"

pytestmark = pytest.mark.django_db


@pytest.fixture
def pur(tmp_path, settings):
    """PUR in a copy of the library that the test may edit."""
    copy = tmp_path / "library"
    shutil.copytree(LIBRARY, copy)
    settings.TRANTIB_SOP_LIBRARY = copy
    registry.reload()
    yield copy / "unjuk-rasa" / "PUR.v1.yaml"
    registry.library.cache_clear()


def test_a_published_version_may_gain_starts_at_in_place_and_the_edit_is_audited(pur):
    timed = pur.read_text(encoding="utf-8")
    assert LINE in timed
    pur.write_text(timed.replace(LINE, ""), encoding="utf-8")
    sop_library_sync()
    row = SopVersion.objects.get(code="PUR", version=1)
    assert "starts_at" not in row.content
    pur.write_text(timed, encoding="utf-8")
    result = sop_library_sync()
    assert (result.created, result.updated) == (0, 1)
    row.refresh_from_db()
    assert row.content == timed and row.status == SopVersion.Status.PUBLISHED
    assert [e.type for e in audit_events(row)][-1] == "sop_version_updated"


def test_a_published_version_that_changed_more_than_starts_at_is_refused(pur):
    timed = pur.read_text(encoding="utf-8")
    pur.write_text(timed.replace(LINE, ""), encoding="utf-8")
    sop_library_sync()
    pur.write_text(timed.replace("    time: 30 Menit\n", "    time: 45 Menit\n"), encoding="utf-8")
    with pytest.raises(PublishedVersionChanged, match="PUR v1 is published and was edited"):
        sop_library_sync()
