"""Opening a revision of an SOP as a database draft (``sop_draft_open``): the next version,
the published text with only its version, supersedes and status changed, audited; one open
draft at a time; it survives a library sync and no case can start on it."""

from __future__ import annotations

import pytest

from trantib.cases.models import Case
from trantib.cases.services import spec_in_force
from trantib.core.audit import audit_events
from trantib.core.errors import Invalid, NotFound
from trantib.demo.letters import case_start_written
from trantib.engine.loader import load_text
from trantib.sops import registry
from trantib.sops.models import SopVersion
from trantib.sops.services import sop_draft_open, sop_library_sync

pytestmark = pytest.mark.django_db


def test_a_draft_is_the_next_version_with_the_published_text_and_is_audited(demo_org):
    sop_library_sync()
    kasat = demo_org.person("kasat.pptng")
    published = SopVersion.objects.get(code="PPW", version=3)
    draft = sop_draft_open(code="PPW", actor=kasat, reason="Evaluasi 2026: waktu patroli")
    assert (draft.version, draft.status, draft.path) == (4, SopVersion.Status.DRAFT, "")
    spec, _warnings = load_text(draft.content, "PPW.v4.yaml", check_name=True)
    assert (spec.version, spec.status, spec.supersedes) == (4, "draft", 3)
    base, _w = load_text(published.content, "PPW.v3.yaml")
    # The same document and process as the version in force: only the version fields moved.
    assert spec.signed_part().steps == base.signed_part().steps
    assert spec.identity == base.identity and spec.roles == base.roles
    # The draft is shared by the units that ask for it: the reason is audited, not written in.
    assert "waktu patroli" not in draft.content
    assert draft.content.startswith("# DRAF versi 4, dibuka dari versi 3 untuk revisi.")
    events = audit_events(draft)
    assert [e.type for e in events] == ["sop_version_recorded", "sop_draft_opened"]
    assert events[1].actor_id == kasat.pk
    assert events[1].data["after"] == {"from_version": 3, "reason": "Evaluasi 2026: waktu patroli"}


def test_a_second_request_returns_the_open_draft_instead_of_opening_another(demo_org):
    sop_library_sync()
    first = sop_draft_open(code="PGD", actor=None, reason="Revisi pertama")
    again = sop_draft_open(code="PGD", actor=None, reason="Revisi kedua")
    assert again.pk == first.pk
    assert SopVersion.objects.filter(code="PGD", status=SopVersion.Status.DRAFT).count() == 1
    assert len(audit_events(first)) == 2


def test_the_draft_survives_a_library_sync_and_no_case_starts_on_it(demo_org):
    sop_library_sync()
    draft = sop_draft_open(code="PPW", actor=None, reason="Revisi")
    result = sop_library_sync()
    draft.refresh_from_db()
    assert result.updated == 0 and draft.status == SopVersion.Status.DRAFT
    assert registry.get("PPW").version == 3 and spec_in_force("PPW").version == 3
    case = case_start_written(
        sop_code="PPW",
        unit=demo_org.unit("PPTNG"),
        actor=demo_org.person("kasat.pptng"),
        subject="PKL di trotoar",
        entry="beri_teguran",
        data={
            "pelanggar": {"nama": "Siti"},
            "lokasi": "Jl. Daan Mogot",
            "perda": "Perda 8/2018",
            "nomor_surat_pernyataan": "300/01",
        },
    )
    assert case.sop_version.version == 3
    assert not Case.objects.filter(sop_version=draft).exists()


def test_a_draft_needs_a_reason_and_a_published_version(demo_org):
    sop_library_sync()
    with pytest.raises(Invalid) as err:
        sop_draft_open(code="PPW", actor=None, reason="  ")
    assert err.value.field == "reason"
    with pytest.raises(NotFound):
        sop_draft_open(code="NOPE", actor=None, reason="Revisi")
    assert not SopVersion.objects.filter(status=SopVersion.Status.DRAFT).exists()
