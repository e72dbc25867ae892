"""The dashboard in Chromium: on a 360-px phone nothing scrolls sideways, the map draws this
month's points over the unit's outline without a tile server, and a chart's bar opens the list
it counts; at 1280 px the same page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from trantib.conftest import DemoOrg
from trantib.reports.tests.dashboard_support import categories, claim_order, complaint, ppl
from trantib.web.tests.test_browser import PHONE, log_in, page_width

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}


def test_the_dashboard_on_a_phone_and_a_desktop_and_a_bar_to_its_list(
    browser_page: Page, live_server: LiveServer, demo_org: DemoOrg
) -> None:
    ten_days = timezone.now() - dt.timedelta(days=10)
    ppl(demo_org, "CPD", ten_days, "Kos Jl. Melati")
    claimed = ppl(demo_org, "CPD", ten_days, "Kos Jl. Anggrek")
    claim_order(demo_org, claimed, ten_days + dt.timedelta(minutes=5))
    complaint(categories()["cpd-pkl"], timezone.now() - dt.timedelta(minutes=30))
    page, base = browser_page, live_server.url
    log_in(page, base, demo_org.user("camat.cpd"))
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        page.goto(f"{base}/laporan/dasbor/?unit=CPD")
        expect(page.get_by_role("heading", name="Dasbor pimpinan")).to_be_visible()
        assert page_width(page) <= size["width"] + 1
        # Offline: the outline and the complaint's point are drawn, the notice says why.
        expect(page.locator("#dash-map")).to_have_attribute("data-loaded", "1")
        expect(page.locator("#dash-map-offline")).to_be_visible()
        expect(page.locator("#dash-map path.leaflet-interactive")).to_have_count(1)
    # The bar "PPL · terlambat" of the work chart opens the two late PPL cases.
    page.locator("svg.chart a", has_text="PPL · terlambat").first.click()
    expect(page.locator("main")).to_contain_text("2 kasus")
    expect(page.get_by_role("link", name="Kos Jl. Melati")).to_be_visible()
    expect(page.get_by_role("link", name="Kos Jl. Anggrek")).to_be_visible()
