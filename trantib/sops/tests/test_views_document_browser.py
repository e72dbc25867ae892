"""The SOP page's two tabs in a real headless Chromium (Debian's): the official document,
then the annotated view with its legend, on a 360 px phone and on a desk. The page never
scrolls sideways outside the document frame. Screenshots go to $TRANTIB_SHOTS when it is set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from trantib.sops.rendering.document import ANNOTATED_MARK
from trantib.web.tests.test_browser import PHONE

pytestmark = pytest.mark.browser

DESK = {"width": 1280, "height": 900}


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desk"])
def test_a_reader_switches_from_the_official_document_to_the_annotated_view(
    chromium_browser: Browser, live_server: LiveServer, tmp_path: Path, viewport
) -> None:
    shots = Path(os.environ.get("TRANTIB_SHOTS") or tmp_path)
    context = chromium_browser.new_context(locale="id-ID", viewport=viewport)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/sop/PPW/")
    document = page.locator("article.sop-document")
    expect(document).to_have_attribute("data-view", "official")
    expect(page.locator("body")).not_to_contain_text(ANNOTATED_MARK)
    page.screenshot(path=str(shots / f"sop-official-{viewport['width']}.png"), full_page=True)
    page.get_by_role("link", name="Tampilan beranotasi").click()
    expect(document).to_have_attribute("data-view", "annotated")
    expect(page.locator(".sop-annotated-legend")).to_be_visible()
    expect(page.locator(".sop-annotated-legend")).to_contain_text(ANNOTATED_MARK)
    # steps the document does not draw are drawn, marked as the product's
    assert page.locator('[data-drawn="false"]').count() > 0
    page.screenshot(path=str(shots / f"sop-annotated-{viewport['width']}.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    context.close()
