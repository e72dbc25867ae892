"""Incoming letters in a real headless Chromium, on a 360-px phone and a 1280-px desk: the staff
record a letter with its scan; the Camat reads it beside the scan, chooses the SOP it opens (its
first step appears without a reload) and writes the disposition."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from trantib.letters.models import Disposition, IncomingLetter
from trantib.web.tests.test_browser import PHONE, log_in, page_width

pytestmark = pytest.mark.browser

DESK = {"width": 1280, "height": 900}


def _shot(page: Page, name: str) -> None:
    # TRANTIB_SCREENSHOTS=/tmp/out keeps the pages to look at; tests do not need them.
    folder = os.environ.get("TRANTIB_SCREENSHOTS")
    if folder:
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def test_a_letter_is_recorded_and_the_camat_disposes_of_it_opening_a_case(
    browser_page: Page, live_server: LiveServer, demo_org, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    scan = tmp_path / "surat.pdf"
    scan.write_bytes(_letter_pdf())
    page, base = browser_page, live_server.url
    log_in(page, base, demo_org.user("staf.cpd"))
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/surat-masuk/baru/")
    page.get_by_label("Asal surat").fill("Ketua RW 05 Kelurahan Poris Plawad")
    page.get_by_label("Nomor surat").fill("012/RW05/XII/2026")
    page.get_by_label("Tanggal surat").fill(demo_org.unit("CPD").today().isoformat())
    page.get_by_label("Perihal").fill("Pemberitahuan unjuk rasa warga di kantor kecamatan")
    page.get_by_label("Pindaian surat").set_input_files(str(scan))
    _shot(page, "incoming-form-360")
    assert page_width(page) <= PHONE["width"]
    page.get_by_role("button", name="Catat dan beri nomor agenda").click()
    incoming = IncomingLetter.objects.get()
    expect(page.locator("h1")).to_contain_text(incoming.agenda_number)

    page.context.clear_cookies()
    log_in(page, base, demo_org.user("camat.cpd"))
    for viewport, name in ((PHONE, "360"), (DESK, "1280")):
        page.set_viewport_size(viewport)
        page.goto(f"{base}/surat-masuk/{incoming.pk}/")
        expect(page.locator("iframe.scan-frame")).to_be_visible()
        page.get_by_label("Buka kasus SOP").select_option("PUR")
        expect(page.get_by_label("Perintah kepada Kasi")).to_be_visible()  # htmx, no reload
        _shot(page, f"incoming-detail-{name}")
        assert page_width(page) <= viewport["width"]
    page.get_by_label("Diteruskan kepada").select_option("kasi_trantib")
    page.get_by_label("Isi disposisi").fill("Siapkan pengamanan bersama Polsek")
    page.get_by_label("Sifat").select_option("Segera")
    page.get_by_label("Waktu unjuk rasa / kerusuhan").fill("2026-12-10T09:00")
    page.get_by_label("Lokasi").fill("Depan kantor Kecamatan Cipondoh")
    page.get_by_label("Hasil koordinasi dengan Kepolisian dan aparat lainnya").fill("Polsek siaga")
    page.get_by_label("Perintah kepada Kasi").fill("Siapkan regu pengamanan")
    page.get_by_role("button", name="Catat disposisi").click()
    disposition = Disposition.objects.get()
    expect(page.locator(".messages")).to_contain_text(disposition.case.number)
    expect(page.locator("ol.dispositions")).to_contain_text("Siapkan pengamanan bersama Polsek")
    _shot(page, "incoming-detail-after-1280")
    page.goto(f"{base}/surat-masuk/")
    expect(page.locator(".incoming-table")).to_contain_text(incoming.agenda_number)
    _shot(page, "incoming-list-1280")
    page.set_viewport_size(PHONE)
    page.reload()
    _shot(page, "incoming-list-360")
    assert page_width(page) <= PHONE["width"]


def _letter_pdf() -> bytes:
    from trantib.core.printing import pdf_from_html

    return pdf_from_html(
        "<h2>RUKUN WARGA 05</h2><p>Nomor: 012/RW05/XII/2026</p>"
        "<p>Perihal: Pemberitahuan unjuk rasa warga</p>"
    )
