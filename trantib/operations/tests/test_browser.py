"""The operation file in Chromium on a 360-px phone: the Danru logs an incident and records a
result with a new violator through the picker, and the page never scrolls sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from trantib.conftest import DemoOrg
from trantib.operations.models import Operation
from trantib.web.tests.test_browser import PHONE, log_in, page_width

pytestmark = pytest.mark.browser


def test_the_danru_keeps_the_file_on_a_phone(
    browser_page: Page, live_server: LiveServer, demo_org: DemoOrg, operation: Operation
) -> None:
    page, base = browser_page, live_server.url
    page.set_viewport_size(PHONE)
    log_in(page, base, demo_org.user("danru.cpd"))
    page.goto(f"{base}/kasus/{operation.case_id}/")
    page.get_by_role("link", name="Buka berkas operasi").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Berkas operasi")
    assert page_width(page) <= PHONE["width"] + 1
    today = operation.unit.today()
    page.locator("#inc-at").fill(f"{today.isoformat()} 00:01")
    page.locator("#inc-text").fill("Apel persiapan di kantor kecamatan")
    page.get_by_role("button", name="Catat kejadian").click()
    expect(page.locator("#incident")).to_contain_text("Apel persiapan di kantor kecamatan")
    page.locator("#result summary").click()
    page.get_by_label("Nama (orang atau usaha)").fill("Rina Marlina")
    page.get_by_label("Desa/kelurahan").fill("Poris Plawad")
    page.locator("#res-action").select_option("pendataan")
    page.get_by_role("button", name="Catat hasil").click()
    expect(page.locator("#result")).to_contain_text("Rina Marlina")
    assert page_width(page) <= PHONE["width"] + 1
    assert operation.results.get().violator.name == "Rina Marlina"
