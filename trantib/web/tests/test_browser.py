"""The web basics in a real browser: log in, home, SOP library, language, a 360-px phone."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from trantib.demo import DEMO_PASSWORD
from trantib.sops import registry

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def log_in(page: Page, base: str, user: AbstractUser) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Nama pengguna").fill(user.get_username())
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{base}/")


def page_width(page: Page) -> int:
    """The width the page's content needs; wider than the viewport means sideways scrolling."""
    return int(page.evaluate("document.documentElement.scrollWidth"))


def test_an_officer_logs_in_and_reads_an_sop_of_the_library(
    browser_page: Page, live_server: LiveServer, officer: AbstractUser
) -> None:
    page, base = browser_page, live_server.url
    log_in(page, base, officer)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Selamat datang")
    expect(page.get_by_text("Anggota Trantib")).to_be_visible()

    page.get_by_role("link", name="Buka Pustaka SOP").click()
    page.wait_for_url(f"{base}/sop/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pustaka SOP")

    spec = registry.get("PGD")
    page.get_by_role("link", name=spec.name).click()
    page.wait_for_url(f"{base}/sop/PGD/")
    expect(page.get_by_role("link", name="Unduh PDF")).to_be_visible()
    # Every row of the document is drawn in the embedded flowchart.
    for step in spec.steps:
        expect(page.locator(f'.sop-document [data-step="{step.id}"]')).to_have_count(1)


def test_a_wrong_password_keeps_the_visitor_on_the_login_page_with_an_error(
    browser_page: Page, live_server: LiveServer, officer: AbstractUser
) -> None:
    page, base = browser_page, live_server.url
    page.goto(f"{base}/login/")
    page.get_by_label("Nama pengguna").fill(officer.get_username())
    page.get_by_label("Kata sandi").fill("bukan-sandinya")
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("alert")).to_contain_text("Nama pengguna atau kata sandi salah")


def test_the_visitor_switches_the_interface_to_english_and_back(
    browser_page: Page, live_server: LiveServer
) -> None:
    page, base = browser_page, live_server.url
    page.goto(f"{base}/sop/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    page.get_by_role("button", name="EN").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("SOP library")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    assert page.url == f"{base}/sop/"  # the switch returns to the same page

    page.get_by_role("button", name="ID").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pustaka SOP")


def test_login_home_and_the_library_fit_a_360_pixel_phone(
    browser_page: Page, live_server: LiveServer, supervisor: AbstractUser
) -> None:
    page, base = browser_page, live_server.url
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/login/")
    assert page_width(page) <= PHONE["width"] + 1
    log_in(page, base, supervisor)
    assert page_width(page) <= PHONE["width"] + 1
    page.goto(f"{base}/sop/")
    assert page_width(page) <= PHONE["width"] + 1
    # The table has become cards: in each row the name sits below the code, full width.
    row = page.locator(".sop-table tbody tr").first
    code_box, name_box = row.locator("td").first.bounding_box(), row.locator("th").bounding_box()
    assert code_box is not None and name_box is not None
    assert name_box["y"] >= code_box["y"] + code_box["height"] - 1
    assert name_box["width"] > 0.7 * PHONE["width"]
    # The detail page scrolls the wide flowchart inside its frame, not the whole page.
    page.goto(f"{base}/sop/PPW/")
    assert page_width(page) <= PHONE["width"] + 1
