"""The SOP page shows the official document by default and the annotated view on request,
each downloadable as PDF; the identity page carries the officer's unit logo, never a
placeholder (issue 14, items 1 and 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from trantib.letters.services.settings import letter_settings_save
from trantib.sops.rendering.document import ANNOTATED_MARK

pytestmark = pytest.mark.django_db

CREST = Path(__file__).resolve().parents[2] / "demo" / "data" / "crest.png"


def test_the_page_shows_the_official_document_and_the_annotated_view_on_request(client):
    official = client.get("/sop/PPW/").content.decode()
    assert 'data-view="official"' in official
    assert ANNOTATED_MARK not in official
    # the product's task titles are not the document's: only the annotated view lists them
    assert "Menutup program patroli bulan ini" not in official
    annotated = client.get("/sop/PPW/?tampilan=anotasi").content.decode()
    assert 'data-view="annotated"' in annotated
    assert ANNOTATED_MARK in annotated
    assert "Menutup program patroli bulan ini" in annotated


def test_the_pdf_follows_the_view(client):
    official = client.get("/sop/RTHM/")
    assert official.status_code == 200
    pdf = client.get("/sop/RTHM/pdf/?tampilan=anotasi")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert 'filename="RTHM-v1-anotasi.pdf"' in pdf["Content-Disposition"]
    assert 'filename="RTHM-v1.pdf"' in client.get("/sop/RTHM/pdf/")["Content-Disposition"]


def test_the_identity_page_prints_the_units_logo_and_no_placeholder(client, demo_org):
    page = client.get("/sop/PGD/").content.decode()
    assert "LOGO" not in page and "sop-logo" not in page  # a visitor: no logo, no box
    letter_settings_save(
        unit=demo_org.unit("CPD"),
        actor=demo_org.person("camat.cpd"),
        changes={},
        logo=CREST.read_bytes(),
    )
    client.force_login(demo_org.user("kasi.cpd"))
    page = client.get("/sop/PGD/").content.decode()
    assert '<img class="sop-logo" src="data:image/png;base64,' in page
