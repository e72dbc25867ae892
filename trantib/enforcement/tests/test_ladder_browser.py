"""The ladder board in Chromium on a 360-px phone: the rows as cards, the map with one circle per
enforcement by rung, and a compliance visit that ends the ladder early."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from trantib.conftest import DemoOrg
from trantib.enforcement.models import ComplianceCheck, Enforcement, FindingSource
from trantib.enforcement.services import finding_open, violator_create
from trantib.enforcement.tests import ladder_support as support
from trantib.web.tests.test_browser import PHONE, log_in, page_width

pytestmark = pytest.mark.browser


def _found(demo_org: DemoOrg, name: str, article, lat: float) -> Enforcement:
    now = timezone.now()
    violator = violator_create(
        unit=demo_org.unit("PPTNG"),
        actor=demo_org.person("petugas1.pptng"),
        kind="orang",
        name=name,
        desa="Babakan",
    )
    return finding_open(
        unit=demo_org.unit("PPTNG"),
        actor=demo_org.person("petugas1.pptng"),
        violator=violator,
        articles=[article],
        place="Jl. Sudirman",
        latitude=lat,
        longitude=106.6319,
        found_at=now - dt.timedelta(hours=2),
        source=FindingSource.PATROL,
        now=now,
    )


def test_the_board_its_map_and_a_visit_on_a_phone(
    browser_page: Page, live_server: LiveServer, demo_org: DemoOrg
) -> None:
    tibum, _reklame = support.catalogue(demo_org, timezone.now())
    article = support.article(tibum, "Pasal 12 ayat (1)")
    first = _found(demo_org, "Sutarman Lapak", article, -6.1783)
    _found(demo_org, "Rudi Asongan", article, -6.1801)
    page, base = browser_page, live_server.url
    page.set_viewport_size(PHONE)
    log_in(page, base, demo_org.user("kasat.pptng"))
    page.goto(f"{base}/penegakan/")
    expect(page.get_by_role("link", name="Sutarman Lapak")).to_be_visible()
    expect(page.locator(".ladder-counts")).to_contain_text("2 penegakan berjalan")
    assert page_width(page) <= PHONE["width"] + 1
    page.get_by_role("link", name="Peta").click()
    expect(page.locator("#ladder-map path.leaflet-interactive")).to_have_count(2)
    expect(page.locator(".legend")).to_contain_text("Surat Teguran III")
    assert page_width(page) <= PHONE["width"] + 1
    page.goto(f"{base}/penegakan/{first.pk}/periksa/")
    page.get_by_label("Ya, mentaati").check()
    page.get_by_label("Catatan kunjungan").fill("Lapak sudah dibongkar")
    assert page_width(page) <= PHONE["width"] + 1
    page.get_by_role("button", name="Simpan kunjungan").click()
    page.wait_for_url(f"{base}/penegakan/")
    expect(page.locator(".messages")).to_contain_text("Kunjungan dicatat")
    assert ComplianceCheck.objects.get(enforcement=first).note == "Lapak sudah dibongkar"
