"""The yearly evaluation of an SOP: seven criteria answered Ya/Tidak with notes by the unit's
assessor, scored yes/7; "perlu revisi" opens exactly one draft version of the SOP when the
evaluation is final — a version no case can start on; read-only once final; printed and
exported; another unit cannot see it."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from trantib.cases.models import Case
from trantib.cases.services import spec_in_force
from trantib.core.audit import audit_events
from trantib.core.errors import Conflict, Invalid, NotAllowed
from trantib.core.xlsx import HEADER_ROW
from trantib.reports.models_monitoring import FormStatus, SopEvaluation
from trantib.reports.monitoring import services
from trantib.reports.monitoring.services import EvaluationInput
from trantib.sops import registry
from trantib.sops.models import SopVersion
from trantib.sops.services import sop_library_sync

from . import monitoring_support as support

pytestmark = pytest.mark.django_db
FIVE_YES = [("ya", "")] * 5 + [("tidak", "Perlu lampiran format"), ("tidak", "")]


def _evaluation(demo_org, unit="PPTNG", code="PPW", login="kasat.pptng", **given):
    spec = registry.get(code)
    return services.evaluation_create(
        unit=demo_org.unit(unit),
        code=code,
        year=2026,
        actor=demo_org.person(login),
        given=EvaluationInput(**{"answers": FIVE_YES, **given}),
        version=spec.version,
        name=spec.name,
        nomor=spec.identity.nomor,
    )


def client_for(demo_org, username: str) -> Client:
    client = Client()
    client.force_login(demo_org.user(username))
    return client


def test_a_revision_opens_exactly_one_draft_version_that_no_case_can_start_on(demo_org):
    sop_library_sync()
    kasat = demo_org.person("kasat.pptng")
    evaluation = _evaluation(demo_org, needs_revision=True, reason="Waktu patroli tidak realistis")
    assert evaluation.score == 5 and evaluation.status == FormStatus.DRAFT
    assert not SopVersion.objects.filter(code="PPW", status="draft").exists()  # not yet: a draft
    final = services.evaluation_finalise(evaluation=evaluation, actor=kasat)
    draft = final.draft_version
    assert (draft.code, draft.version, draft.status) == ("PPW", 4, SopVersion.Status.DRAFT)
    # The draft is shared by every unit that asks for the revision: no unit's reason in it.
    assert "Waktu patroli tidak realistis" not in draft.content
    assert SopVersion.objects.filter(code="PPW", status="draft").count() == 1
    # A second unit's evaluation asking for a revision finds the same open draft.
    sop_library_sync()
    assert spec_in_force("PPW").version == 3
    case = support.ppw_warning(
        demo_org, "PPTNG", support.at(11, 2, 9), "Toko baru", support.at(11, 2, 9, 5)
    )
    assert case.sop_version.version == 3
    assert not Case.objects.filter(sop_version=draft).exists()
    assert [e.type for e in audit_events(final)] == ["evaluation_created", "evaluation_finalised"]
    assert audit_events(final).last().data["draft_version"] == 4


def test_two_evaluations_asking_for_a_revision_open_one_draft(demo_org):
    sop_library_sync()
    for unit, login in (("KRJ", "camat.krj"), ("CPD", "camat.cpd")):
        evaluation = _evaluation(
            demo_org, unit=unit, code="PGD", login=login, needs_revision=True, reason="Revisi"
        )
        services.evaluation_finalise(evaluation=evaluation, actor=demo_org.person(login))
    drafts = SopVersion.objects.filter(code="PGD", status="draft")
    assert drafts.count() == 1
    assert set(SopEvaluation.objects.values_list("draft_version", flat=True)) == {drafts.get().pk}


def test_finalising_needs_every_answer_and_the_revision_decided_and_then_is_read_only(demo_org):
    sop_library_sync()
    kasat = demo_org.person("kasat.pptng")
    evaluation = _evaluation(demo_org, answers=[("ya", "")] * 6 + [("", "")])
    with pytest.raises(Invalid, match="Kriteria 7 belum dijawab"):
        services.evaluation_finalise(evaluation=evaluation, actor=kasat)
    services.evaluation_save(
        evaluation=evaluation, actor=kasat, given=EvaluationInput(answers=[("ya", "")] * 7)
    )
    with pytest.raises(Invalid, match="perlu direvisi"):
        services.evaluation_finalise(evaluation=evaluation, actor=kasat)
    services.evaluation_save(
        evaluation=evaluation,
        actor=kasat,
        given=EvaluationInput(answers=[("ya", "")] * 7, needs_revision=True),
    )
    with pytest.raises(Invalid, match="alasan revisi"):
        services.evaluation_finalise(evaluation=evaluation, actor=kasat)
    services.evaluation_save(
        evaluation=evaluation,
        actor=kasat,
        given=EvaluationInput(answers=[("ya", "")] * 7, needs_revision=False),
    )
    final = services.evaluation_finalise(evaluation=evaluation, actor=kasat)
    assert final.score == 7 and final.draft_version is None
    assert not SopVersion.objects.filter(status="draft").exists()
    with pytest.raises(Conflict):
        services.evaluation_save(
            evaluation=final, actor=kasat, given=EvaluationInput(answers=[("tidak", "")] * 7)
        )
    with pytest.raises(Conflict, match="sudah final"):
        _evaluation(demo_org)


def test_only_the_assessor_evaluates_and_answers_must_be_ya_or_tidak(demo_org):
    with pytest.raises(NotAllowed):
        _evaluation(demo_org, login="kabid.pptng")
    with pytest.raises(Invalid) as err:
        _evaluation(demo_org, answers=[("mungkin", "")] * 7)
    assert err.value.field == "c1-answer"
    with pytest.raises(Invalid):
        _evaluation(demo_org, answers=[("ya", "")] * 6)
    assert not SopEvaluation.objects.exists()


def test_the_pages_save_finalise_print_and_export_the_evaluation(demo_org):
    sop_library_sync()
    client = client_for(demo_org, "kasat.pptng")
    new = f"{reverse('reports:evaluation_new')}?sop=PPW&periode=2026&unit=PPTNG"
    assert client.get(new).status_code == 200
    answers = {f"c{i}-answer": "ya" for i in range(1, 8)} | {"c6-answer": "tidak"}
    answers |= {"c6-note": "Format laporan belum baku", "needs_revision": "ya"}
    answers |= {"reason": "Tambahkan format laporan harian"}
    saved = client.post(new, answers)
    evaluation = SopEvaluation.objects.get()
    assert saved.status_code == 302
    assert client.post(saved["Location"], answers | {"action": "finalise"}).status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.is_final and evaluation.draft_version.version == 4
    page = client.get(saved["Location"]).content.decode()
    assert "Revisi dibuka: draf versi 4 SOP PPW" in page and 'name="c1-answer"' not in page
    yaml = client.get(reverse("reports:evaluation_draft_yaml", args=[evaluation.pk]))
    assert yaml.status_code == 200 and b"version: 4" in yaml.content
    assert (
        yaml.content.decode().startswith(
            "# Alasan revisi (evaluasi Satuan Polisi Pamong Praja Kota Tangerang tahun "
        )
        and "Tambahkan format laporan harian" in yaml.content.decode()
    )
    pdf = client.get(reverse("reports:evaluation_pdf", args=[evaluation.pk])).content
    text = re.sub(
        r"\s+",
        " ",
        subprocess.run(
            ["pdftotext", "-", "-"],  # noqa: S607 — poppler-utils, a test tool
            input=pdf,
            capture_output=True,
            check=True,
        ).stdout.decode(),
    )
    assert "EVALUASI PENERAPAN SOP" in text.upper() and "Patroli Pengawasan Wilayah" in text
    assert "Nilai: 6/7" in text and "Format laporan belum baku" in text
    assert "Tambahkan format laporan harian" in text and "Draf versi 4" in text
    book = load_workbook(
        io.BytesIO(client.get(reverse("reports:evaluation_xlsx", args=[evaluation.pk])).content)
    )
    rows = list(book.active.iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    assert [r[2] for r in rows[:7]] == ["Ya"] * 5 + ["Tidak", "Ya"]
    assert rows[7][2] == "6/7" and rows[8][1:3] == ("Perlu revisi?", "Ya")
    # Another unit's people find nothing; a sibling's kasi cannot open it.
    outsider = client_for(demo_org, "kasi.krw")
    for name in ("reports:evaluation_detail", "reports:evaluation_pdf", "reports:evaluation_xlsx"):
        assert outsider.get(reverse(name, args=[evaluation.pk])).status_code == 404
    assert outsider.get(new).status_code == 404


def test_a_non_assessor_is_refused_on_the_page_and_bad_input_is_a_404(demo_org):
    sop_library_sync()
    client = client_for(demo_org, "kabid.pptng")
    new = f"{reverse('reports:evaluation_new')}?sop=PPW&periode=2026&unit=PPTNG"
    refused = client.post(new, {"c1-answer": "ya"})
    assert refused.status_code == 403 and "Hanya penilai" in refused.content.decode()
    base = reverse("reports:evaluation_new")
    assert client.get(f"{base}?sop=NOPE&periode=2026&unit=PPTNG").status_code == 404
    assert client.get(f"{base}?sop=PPW&periode=2026&unit=KRW").status_code == 404
    assert client.post(f"{base}?sop=PPW&periode=20x6&unit=PPTNG", {}).status_code == 404
    assert client.get(reverse("reports:evaluation_detail", args=[999999])).status_code == 404
