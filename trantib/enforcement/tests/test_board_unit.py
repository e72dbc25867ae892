"""The board limited to a unit and the units below it (``?unit=``: a report's figure links
here), and the rows still before the first rung's letter (``?tingkat=temuan``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from trantib.enforcement.models import FindingSource
from trantib.enforcement.selectors import TEMUAN, BoardFilters, board_rows
from trantib.enforcement.services import finding_open
from trantib.enforcement.tests import ladder_support as support

pytestmark = pytest.mark.django_db


@pytest.fixture
def tibum(demo_org):
    perda, _reklame = support.catalogue(demo_org, timezone.now())
    return perda


def _finding(demo_org, tibum, name):
    now = timezone.now()
    return finding_open(
        unit=demo_org.unit("PPTNG"),
        actor=demo_org.person("petugas1.pptng"),
        violator=support.violator(demo_org, name=name, nik=""),
        articles=[support.article(tibum, "Pasal 14")],
        place="Jl. Sudirman",
        found_at=now - dt.timedelta(minutes=10),
        source=FindingSource.PATROL,
        now=now,
    )


def test_the_board_shows_a_units_subtree_and_keeps_the_unit_in_its_count_links(
    demo_org, tibum, client
):
    _finding(demo_org, tibum, "Sutarman")
    _finding(demo_org, tibum, "Rudi")
    sekda = demo_org.user("sekda.tng")
    parent, pptng, cpd = (demo_org.unit(c) for c in ("PEMKOT-TNG", "PPTNG", "CPD"))
    assert len(board_rows(sekda, BoardFilters(unit=parent.pk))) == 2  # below the Pemkot
    assert len(board_rows(sekda, BoardFilters(unit=pptng.pk))) == 2
    assert board_rows(sekda, BoardFilters(unit=cpd.pk)) == []
    client.force_login(sekda)
    page = client.get(reverse("enforcement:board"), {"unit": "CPD"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "0 penegakan, urut menurut tenggat" in html and "Sutarman" not in html
    page = client.get(reverse("enforcement:board"), {"unit": "PPTNG", "terlambat": "1"})
    html = page.content.decode()
    assert 'href="/penegakan/?terlambat=1&amp;unit=PPTNG"' in html
    assert '<input type="hidden" name="unit" value="PPTNG">' in html
    # A unit the reader may not see (or that does not exist) is a 404.
    client.force_login(demo_org.user("camat.cpd"))
    assert client.get(reverse("enforcement:board"), {"unit": "PPTNG"}).status_code == 404
    assert client.get(reverse("enforcement:board"), {"unit": "NOPE"}).status_code == 404


def test_temuan_filters_the_rows_before_the_first_rungs_letter(demo_org, tibum, client):
    _finding(demo_org, tibum, "Sutarman")
    kasat = demo_org.user("kasat.pptng")
    rows = board_rows(kasat)
    assert [r.rung for r in rows] == ["pernyataan"]  # the letter step is live: its rung
    assert board_rows(kasat, BoardFilters(rung=TEMUAN)) == []
    client.force_login(kasat)
    page = client.get(reverse("enforcement:board"), {"tingkat": "temuan"})
    assert "0 penegakan, urut menurut tenggat" in page.content.decode()
