"""The SOP page's "Pelaksana di unit Anda" in a real headless Chromium (Debian's): the Camat
maps a column to another position on a 360 px phone and on a desk; the page never scrolls
sideways outside the document frame. Screenshots go to $TRANTIB_SHOTS when it is set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from trantib.accounts.models import Position
from trantib.sops.selectors import role_positions
from trantib.web.tests.test_browser import PHONE, log_in

pytestmark = pytest.mark.browser

DESK = {"width": 1280, "height": 900}


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desk"])
def test_the_camat_maps_a_column_to_another_position_on_the_sop_page(
    chromium_browser: Browser, live_server: LiveServer, demo_org, tmp_path: Path, viewport
) -> None:
    shots = Path(os.environ.get("TRANTIB_SHOTS") or tmp_path)
    cpd = demo_org.unit("CPD")
    kasi_pem = Position.objects.create(unit=cpd, code="kasi_pem", name="Kasi Pemerintahan")
    context = chromium_browser.new_context(locale="id-ID", viewport=viewport)
    context.set_default_timeout(15_000)
    page = context.new_page()
    base = live_server.url
    log_in(page, base, demo_org.user("camat.cpd"))
    page.goto(f"{base}/sop/PGD/#pelaksana")
    section = page.locator("#pelaksana")
    expect(section).to_contain_text("Kecamatan Cipondoh")
    section.get_by_label("Jabatan untuk kolom Kasi Trantib").first.select_option(str(kasi_pem.pk))
    section.get_by_role("button", name="Simpan pelaksana").first.click()
    expect(page.locator("body")).to_contain_text("Pelaksana SOP PGD di Kecamatan Cipondoh")
    page.locator("#pelaksana").scroll_into_view_if_needed()
    width = viewport["width"]
    page.screenshot(path=str(shots / f"sop-pelaksana-{width}.png"), full_page=False)
    scroll = page.evaluate(
        "Math.max(...[...document.querySelectorAll('#pelaksana, #pelaksana *')]"
        ".map(e => e.getBoundingClientRect().right))"
    )
    assert scroll <= width + 1
    assert role_positions(cpd.pk, "PGD", 2)["kasi_trantib"] == "kasi_pem"
    context.close()
