"""The letter of a step on the case page, in a real Chromium at a phone's and a desk's width:
the panel in the task's card with its "Buat konsep" button, the fields the letter fills shown
read-only, and, once written, the letter's state there and in the case's list of letters.
Screenshots go to ``$TRANTIB_SCREENSHOTS`` (default /tmp/out) for people to look at."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from trantib.letters.models import Letter

from .sop_desk import WIB, Desk
from .test_sop_letters import _enforcement

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("TRANTIB_SCREENSHOTS") or Path(tempfile.gettempdir()) / "out")


def _login(page: Page, base: str, username: str) -> None:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    page.context.clear_cookies()
    cookie = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": base}])


@pytest.mark.parametrize("width", [360, 1280])
def test_the_task_shows_its_letter_and_drafts_it_from_the_case(
    browser_page: Page, live_server: LiveServer, demo_org, width: int
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    desk = Desk(demo_org, dt.datetime(2026, 7, 20, 9, 0, tzinfo=WIB))
    case = _enforcement(desk)
    _login(page, live_server.url, "kasat.pptng")
    page.goto(f"{live_server.url}/kasus/{case.pk}/")
    panel = page.locator(".letter-panel")
    expect(panel).to_contain_text("Surat Pernyataan")
    expect(panel).to_contain_text("Langkah ini dapat diselesaikan setelah surat ditandatangani")
    expect(page.locator("#f-nomor_surat_pernyataan")).to_contain_text("diisi dari surat")
    expect(page.locator("#f-perda")).to_have_value(
        "Perda Kota Tangerang Nomor 8 Tahun 2018 Pasal 5"
    )
    page.screenshot(path=str(SHOTS / f"sop-letter-task-{width}.png"), full_page=True)
    panel.get_by_role("button", name="Buat konsep Surat Pernyataan dari kasus").click()
    page.wait_for_load_state()
    letter = Letter.objects.get(case=case, key="pernyataan")
    assert letter.created_by == desk.who("kasat.pptng")
    page.goto(f"{live_server.url}/kasus/{case.pk}/")
    expect(page.locator(".letter-panel")).to_contain_text("Konsep")
    expect(page.locator(".letters-panel")).to_contain_text("Surat Pernyataan")
    expect(page.locator(".letter-panel button")).to_have_count(0)
    page.screenshot(path=str(SHOTS / f"sop-letter-drafted-{width}.png"), full_page=True)


def test_the_case_page_lists_the_letters_and_the_ladders_period_after_delivery(
    browser_page: Page, live_server: LiveServer, demo_org
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser_page
    desk = Desk(demo_org, dt.datetime(2026, 7, 20, 9, 0, tzinfo=WIB))
    case = _enforcement(desk)
    desk.sign(
        desk.submit(desk.draft(case, "beri_teguran", "kasat.pptng"), "kasat.pptng"), "kasat.pptng"
    )
    desk.complete(case, "beri_teguran", "kasat.pptng")
    desk.pass_wait(case, "tunggu_pernyataan")
    desk.complete(
        case,
        "cek_pernyataan",
        "kasat.pptng",
        {"hasil_pemeriksaan": "Masih"},
        decision="tidak mentaati",
    )
    desk.at(dt.datetime(2026, 8, 14, 8, 30, tzinfo=WIB))
    teguran = desk.sign(
        desk.submit(desk.draft(case, "teguran_1", "kasat.pptng"), "kasat.pptng"), "kasat.pptng"
    )
    desk.deliver(teguran, "kasie.pptng", "Sutarman", dt.datetime(2026, 8, 14, 14, 0, tzinfo=WIB))
    _login(page, live_server.url, "kasat.pptng")
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/kasus/{case.pk}/")
        expect(page.locator(".letter-panel")).to_contain_text(
            "Batas waktu pemenuhan: 27 Agustus 2026"
        )
        expect(page.locator(".letter-panel")).to_contain_text("langkah ini dapat diselesaikan")
        expect(page.locator(".letters-panel li")).to_have_count(2)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(SHOTS / f"sop-letter-ladder-{width}.png"), full_page=True)
