"""The ladder's pages and API: the board, its map, a compliance visit, "Catat temuan", the Perda
catalogue; each refused (404) to another unit, each change through its service."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from trantib.core.audit import audit_events
from trantib.demo.org import DEMO_PASSWORD
from trantib.enforcement.models import (
    ComplianceCheck,
    Enforcement,
    FindingSource,
    LadderRung,
    Perda,
)
from trantib.enforcement.services import finding_open
from trantib.enforcement.tests import ladder_support as support

pytestmark = pytest.mark.django_db


def _login(client, demo_org, username):
    client.force_login(demo_org.user(username))
    return client


def _finding(demo_org, violator, article, **kw):
    now = timezone.now()
    return finding_open(
        unit=demo_org.unit("PPTNG"),
        actor=demo_org.person("petugas1.pptng"),
        violator=violator,
        articles=[article],
        place="Trotoar Jl. Sudirman",
        latitude=-6.1783,
        longitude=106.6319,
        found_at=now - dt.timedelta(hours=1),
        source=FindingSource.PATROL,
        now=now,
        **kw,
    )


def test_the_board_lists_the_units_open_enforcements_and_links_every_count(demo_org, client):
    tibum, _reklame = support.catalogue(demo_org, timezone.now())
    enforcement = _finding(demo_org, support.violator(demo_org), support.article(tibum, "Pasal 14"))
    page = _login(client, demo_org, "kasie.pptng").get(reverse("enforcement:board"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Sutarman" in html and enforcement.case.number in html
    assert "Pasal 14 Perda 8/2018" in html
    assert "Memberikan teguran dan Surat Pernyataan kepada pelanggar" in html  # the next action
    assert f'href="{reverse("enforcement:board")}?tingkat=teguran_1"' in html
    assert f'href="{reverse("enforcement:board")}?terlambat=1"' in html
    assert reverse("enforcement:check_new", args=[enforcement.pk]) in html
    filtered = client.get(reverse("enforcement:board"), {"tingkat": "teguran_2"})
    assert "Sutarman" not in filtered.content.decode()
    by_article = client.get(
        reverse("enforcement:board"), {"pasal": support.article(tibum, "Pasal 14").pk}
    )
    assert "Sutarman" in by_article.content.decode()
    mapped = client.get(reverse("enforcement:board_map")).content.decode()
    assert '"colour"' in mapped and "Sutarman" in mapped


def test_another_units_officer_sees_none_of_it(demo_org, client):
    tibum, _reklame = support.catalogue(demo_org, timezone.now())
    enforcement = _finding(demo_org, support.violator(demo_org), support.article(tibum, "Pasal 14"))
    _login(client, demo_org, "kasi.krw")
    assert "Sutarman" not in client.get(reverse("enforcement:board")).content.decode()
    check = reverse("enforcement:check_new", args=[enforcement.pk])
    assert client.get(check).status_code == 404
    assert client.get(reverse("enforcement:perda_detail", args=[tibum.pk])).status_code == 404
    assert client.get(reverse("enforcement:finding_new")).status_code == 404


def test_a_compliance_visit_from_the_board_ends_the_ladder_early(demo_org, client):
    tibum, _reklame = support.catalogue(demo_org, timezone.now())
    enforcement = _finding(demo_org, support.violator(demo_org), support.article(tibum, "Pasal 14"))
    _login(client, demo_org, "kasat.pptng")
    url = reverse("enforcement:check_new", args=[enforcement.pk])
    refused = client.post(url, {"note": "Sudah bersih", "visited_at": "kemarin"})
    assert refused.status_code == 422
    assert "Pilih apakah pelanggar mentaati" in refused.content.decode()
    zone = enforcement.unit.zone()
    when = timezone.localtime(timezone.now(), zone).strftime("%Y-%m-%d %H:%M")
    done = client.post(url, {"complied": "ya", "note": "Lapak sudah bersih", "visited_at": when})
    assert done.status_code == 302
    check = ComplianceCheck.objects.get(enforcement=enforcement)
    assert check.complied and check.note == "Lapak sudah bersih"
    # Before the Surat Pernyataan there is no wait to end yet: the visit is recorded.
    assert [e.type for e in audit_events(enforcement)][-1] == "enforcement.compliance_checked"


def test_catat_temuan_opens_an_enforcement_from_the_pickers(demo_org, client):
    tibum, _reklame = support.catalogue(demo_org, timezone.now())
    _login(client, demo_org, "petugas1.pptng")
    page = client.get(reverse("enforcement:finding_new"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="f-articles"' in html and 'name="v-name"' in html
    posted = {
        "v-violator": "",
        "v-kind": "orang",
        "v-name": "Rudi Hartanto",
        "v-desa": "Sukasari",
        "place": "Depan Pasar Anyar",
        "found_at": timezone.localtime(timezone.now(), demo_org.unit("PPTNG").zone()).strftime(
            "%Y-%m-%d %H:%M"
        ),
        "description": "Berjualan di trotoar",
    }
    refused = client.post(reverse("enforcement:finding_new"), posted)
    assert refused.status_code == 422
    assert "Pilih sedikitnya satu pasal" in refused.content.decode()
    assert not Enforcement.objects.exists()
    posted["f-articles"] = [str(support.article(tibum, "Pasal 12 ayat (1)").pk)]
    done = client.post(reverse("enforcement:finding_new"), posted)
    assert done.status_code == 302
    enforcement = Enforcement.objects.get()
    assert enforcement.violator.name == "Rudi Hartanto"
    assert enforcement.source == FindingSource.MANUAL
    assert done["Location"] == reverse("cases:detail", args=[enforcement.case_id])
    # The Kasat's task shows the register's values read-only.
    _login(client, demo_org, "kasat.pptng")
    case_page = client.get(done["Location"]).content.decode()
    assert "diisi dari register penegakan" in case_page
    assert "Register penegakan" in case_page and "Rudi Hartanto" in case_page


def test_the_units_head_edits_the_ladder_and_an_officer_may_not(demo_org, client):
    _login(client, demo_org, "kasat.pptng")
    created = client.post(
        reverse("enforcement:perda_list"),
        {
            "unit": demo_org.unit("PPTNG").pk,
            "kind": "perda",
            "number": "8",
            "year": "2018",
            "title": "Ketertiban Umum",
        },
    )
    assert created.status_code == 302
    perda = Perda.objects.get()
    assert [(r.rung, r.days) for r in LadderRung.objects.filter(perda=perda).order_by("pk")] == [
        ("pernyataan", 15),
        ("teguran_1", 7),
        ("teguran_2", 3),
        ("teguran_3", 3),
    ]
    url = reverse("enforcement:perda_detail", args=[perda.pk])
    ladder = {
        "form": "ladder",
        "pernyataan-days": "7",
        "teguran_1-days": "5",
        "teguran_1-working": "1",
        "teguran_2-days": "3",
        "teguran_3-days": "0",
    }
    refused = client.post(url, ladder)
    assert refused.status_code == 422 and "1 sampai 365 hari" in refused.content.decode()
    ladder["teguran_3-days"] = "3"
    assert client.post(url, ladder).status_code == 302
    rung = LadderRung.objects.get(perda=perda, rung="teguran_1")
    assert (rung.days, rung.working_days) == (5, True)
    assert "perda.ladder_changed" in [e.type for e in audit_events(perda)]
    added = client.post(
        url,
        {"form": "article", "label": "Pasal 9", "sanctions": ["denda"], "fine_max": "5.000.000"},
    )
    assert added.status_code == 302
    assert perda.articles.get().fine_max == 5_000_000
    _login(client, demo_org, "petugas1.pptng")
    assert client.get(url).status_code == 200  # an officer reads the catalogue
    assert "Simpan tangga teguran" not in client.get(url).content.decode()
    assert client.post(url, ladder).status_code == 404


def test_the_api_gives_the_units_perda_with_articles_and_ladder(demo_org, client):
    tibum, reklame = support.catalogue(demo_org, timezone.now())
    token = client.post(
        "/api/v1/auth/token",
        {"username": "petugas1.pptng", "password": DEMO_PASSWORD},
        content_type="application/json",
    ).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/v1/enforcement/perda", headers=headers).json()
    assert listed["count"] == 2
    found = client.get(f"/api/v1/enforcement/perda/{reklame.pk}", headers=headers).json()
    assert [r["period"] for r in found["ladder"]] == [
        "7 hari",
        "5 hari kerja",
        "3 hari kerja",
        "3 hari kerja",
    ]
    assert found["articles"][0]["cites_as"] == "Pasal 9 Perda 3/2020"
    outsider = client.post(
        "/api/v1/auth/token",
        {"username": "kasi.krw", "password": DEMO_PASSWORD},
        content_type="application/json",
    ).json()["token"]
    other = {"Authorization": f"Bearer {outsider}"}
    assert client.get(f"/api/v1/enforcement/perda/{tibum.pk}", headers=other).status_code == 404
    assert client.get("/api/v1/enforcement/perda", headers=other).json()["count"] == 0
