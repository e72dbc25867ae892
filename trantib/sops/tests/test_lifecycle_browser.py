"""The SOP lifecycle in a real headless Chromium (Debian's): the Camat uploads a draft with an
error, sees it at its line, fixes it in the text, previews and publishes it, on a 360 px phone
and on a desk; no page scrolls sideways outside the document frame. Screenshots go to
$TRANTIB_SHOTS when it is set (/tmp/shots/lifecycle/ when checking the look)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from trantib.sops import registry
from trantib.sops.models import SopVersion
from trantib.web.tests.test_browser import PHONE, log_in, page_width

from .test_lifecycle import pgdw

pytestmark = pytest.mark.browser

DESK = {"width": 1280, "height": 900}


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desk"])
def test_the_camat_uploads_fixes_and_publishes_an_sop(
    chromium_browser: Browser, live_server: LiveServer, demo_org, tmp_path: Path, settings, viewport
) -> None:
    settings.TRANTIB_SOP_UPLOADS = tmp_path / "sop"
    registry.reload()
    shots = Path(os.environ.get("TRANTIB_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    width = viewport["width"]
    broken = tmp_path / "PGDW.v1.yaml"
    broken.write_text(pgdw().replace("    role: camat\n", "    role: bupati\n", 1), "utf-8")
    context = chromium_browser.new_context(locale="id-ID", viewport=viewport)
    context.set_default_timeout(15_000)
    page = context.new_page()
    base = live_server.url
    try:
        log_in(page, base, demo_org.user("camat.krj"))
        page.goto(f"{base}/sop/kelola/")
        page.screenshot(path=str(shots / f"1-kelola-{width}.png"), full_page=True)
        page.get_by_label("Berkas").set_input_files(str(broken))
        page.get_by_role("button", name="Unggah").click()
        expect(page.locator(".messages")).to_contain_text("Draf PGDW.v1.yaml dibuat")
        problem = page.locator(".sop-problems .problem.error").first
        expect(problem).to_contain_text("bupati")
        problem.locator("a").click()
        expect(page.locator(".sop-source li:target")).to_contain_text("bupati")
        page.screenshot(path=str(shots / f"2-masalah-{width}.png"), full_page=False)
        assert page_width(page) <= width + 1
        page.get_by_label("Teks PGDW.v1.yaml").fill(pgdw())
        page.get_by_role("button", name="Simpan draf").click()
        expect(page.locator("#masalah")).not_to_contain_text("bupati")
        page.get_by_role("link", name="Pratinjau").click()
        expect(page.locator(".document-title").first).to_contain_text("Dokumen resmi")
        expect(page.locator("#beranotasi")).to_contain_text("bukan untuk ditandatangani")
        page.screenshot(path=str(shots / f"3-pratinjau-{width}.png"), full_page=False)
        page.locator(".sop-nav").get_by_role("link", name="Terbitkan").click()
        page.screenshot(path=str(shots / f"4-konfirmasi-{width}.png"), full_page=True)
        assert page_width(page) <= width + 1
        page.get_by_role("button", name="Ya, terbitkan").click()
        expect(page.locator(".messages")).to_contain_text("SOP PGDW versi 1 diterbitkan")
        expect(page.get_by_role("link", name="Tetapkan pelaksana di unit")).to_be_visible()
        page.screenshot(path=str(shots / f"5-terbit-{width}.png"), full_page=False)
        assert page_width(page) <= width + 1
        row = SopVersion.objects.get(code="PGDW", version=1)
        assert row.status == SopVersion.Status.PUBLISHED
    finally:
        context.close()
        registry.library.cache_clear()
