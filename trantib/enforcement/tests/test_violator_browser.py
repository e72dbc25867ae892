"""The register in Chromium on a 360-px phone: search as you type in the picker, the look-alike
shown before saving, picking it opens the existing violator; and the picker without JavaScript."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from trantib.conftest import DemoOrg
from trantib.enforcement.models import Violator
from trantib.web.tests.test_browser import PHONE, log_in, page_width

pytestmark = pytest.mark.browser


def test_an_officer_on_a_phone_finds_the_look_alike_and_opens_it(
    browser_page: Page, live_server: LiveServer, demo_org: DemoOrg, budi: Violator
) -> None:
    page, base = browser_page, live_server.url
    page.set_viewport_size(PHONE)
    log_in(page, base, demo_org.user("petugas1.pptng"))
    page.goto(f"{base}/penegakan/pelanggar/")
    expect(page.get_by_role("link", name="Budi Hartono")).to_be_visible()
    assert page_width(page) <= PHONE["width"] + 1
    page.get_by_role("link", name="Catat pelanggar").click()
    # Search as you type: the registered violator is offered with its NIK (an officer sees it).
    page.get_by_label("Cari di daftar pelanggar unit").fill("harto")
    expect(page.locator("#v-results")).to_contain_text("3671011705850001")
    # A new entry that looks like him: the look-alike is shown before saving.
    page.get_by_label("Nama (orang atau usaha)").fill("Budi Hartono")
    page.get_by_label("Desa/kelurahan").fill("Cibodas")
    page.get_by_label("Kecamatan").click()
    expect(page.locator("#v-dups")).to_contain_text("nama mirip, desa sama")
    assert page_width(page) <= PHONE["width"] + 1
    page.locator("#v-dups").get_by_role("radio").check()
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_url(f"{base}/penegakan/pelanggar/{budi.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Budi Hartono")
    assert page_width(page) <= PHONE["width"] + 1
    assert Violator.objects.filter(name="Budi Hartono").count() == 1


def test_the_picker_works_without_javascript(
    chromium_browser: Browser, live_server: LiveServer, demo_org: DemoOrg, budi: Violator
) -> None:
    context = chromium_browser.new_context(
        locale="id-ID", viewport=PHONE, java_script_enabled=False
    )
    page, base = context.new_page(), live_server.url
    try:
        log_in(page, base, demo_org.user("petugas1.pptng"))
        page.goto(f"{base}/penegakan/pelanggar/baru/")
        expect(page.get_by_label("Cari di daftar pelanggar unit")).to_be_hidden()
        page.get_by_label("Pelanggar terdaftar").select_option(label="Budi Hartono — Cibodas")
        page.get_by_role("button", name="Simpan").click()
        page.wait_for_url(f"{base}/penegakan/pelanggar/{budi.pk}/")
    finally:
        context.close()
