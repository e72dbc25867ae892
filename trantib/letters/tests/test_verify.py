"""The public verification page: anyone with the QR code's link sees whether the letter is
valid (sah, dibatalkan, belum ditandatangani) and can check a PDF against the official copy —
and nobody sees the people the letter is about. Limited per client; unknown codes are a 404."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from trantib.core.dates import date_id
from trantib.core.printing import pdf_from_html
from trantib.letters.services import letter_cancel, letter_number
from trantib.letters.tests.test_signing import approved_letter, official, signed_letter
from trantib.web.tests.test_browser import PHONE, page_width

# The people in the letter (approved_letter): none of it may reach the public page.
PERSONAL = (
    "Budi Santoso",  # the violator, and the recipient "Sdr. Budi Santoso"
    "3671011203850004",  # the violator's NIK
    "Jl. Raya Cipondoh",  # the place of the violation
    "197805121998031002",  # the Camat's NIP, as stored
    "19780512 199803 1 002",  # and as printed
    "Teguran I pemanfaatan trotoar",  # the hal
    "Membongkar lapak",  # the body's facts
)


def url(letter) -> str:
    return reverse("letters:verify", kwargs={"code": letter.verify_code})


def upload(client: Client, letter, content: bytes, name: str = "surat.pdf"):
    file = SimpleUploadedFile(name, content, content_type="application/pdf")
    return client.post(url(letter), {"berkas": file})


def text(response) -> str:
    return response.content.decode()


def state(response) -> str:
    found = re.search(r'data-state="([^"]+)"', text(response))
    assert found, "no verdict on the page"
    return found.group(1)


def verdict(response) -> str:
    """The verdict's word, as read (without the tick or cross)."""
    found = re.search(r'class="verdict-word"[^>]*>(.*?)</p>', text(response), re.DOTALL)
    assert found, "no verdict word on the page"
    return re.sub(r"<span[^>]*>.*?</span>", "", found.group(1)).strip()


def test_a_signed_letter_is_shown_as_sah_with_what_identifies_it(client: Client, demo_org):
    letter = signed_letter(demo_org)
    response = client.get(url(letter))
    assert response.status_code == 200
    assert state(response) == "sah"
    page = text(response)
    assert verdict(response) == "Sah"
    for shown in (
        "Surat Teguran I",
        letter.number,
        date_id(letter.dated),
        "Kecamatan Cipondoh",
        "Camat Cipondoh",
        letter.official_sha256,
        "Tanda tangan elektronik di Trantib",
    ):
        assert shown in page, shown
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_a_cancelled_letter_is_shown_as_dibatalkan_with_the_day(client: Client, demo_org):
    letter = signed_letter(demo_org)
    letter = letter_cancel(
        letter=letter, actor=demo_org.person("camat.cpd"), reason="Salah alamat Budi Santoso"
    )
    response = client.get(url(letter))
    assert state(response) == "dibatalkan" and verdict(response) == "Dibatalkan"
    day = date_id(timezone.localtime(letter.cancelled_at, letter.unit.zone()).date())
    assert f"dibatalkan pada {day}" in text(response)
    assert "Salah alamat" not in text(response)  # the reason may name people


def test_a_numbered_letter_awaiting_its_signed_copy_is_not_yet_valid(client: Client, demo_org):
    letter = approved_letter(demo_org)  # the unit signs on paper (the default)
    letter = letter_number(letter=letter, actor=demo_org.person("camat.cpd"))
    response = client.get(url(letter))
    assert state(response) == "belum" and verdict(response) == "Belum ditandatangani"
    assert "Belum ada salinan resmi" in text(response)


def test_the_official_pdf_is_accepted_and_any_other_is_rejected(client: Client, demo_org):
    letter = signed_letter(demo_org)
    pdf = official(letter)
    same = upload(client, letter, pdf)
    assert same.status_code == 200
    assert "sama persis dengan salinan resmi" in text(same)
    assert "utuh dan dipercaya" in text(same)

    other = upload(client, letter, pdf_from_html("<p>Surat lain</p>"), "palsu.pdf")
    assert "tidak sama dengan salinan resmi" in text(other)
    assert "tidak memuat tanda tangan elektronik" in text(other)

    changed = bytearray(pdf)
    changed[pdf.index(b"\n") + 2] ^= 0x01
    tampered = upload(client, letter, bytes(changed), "diubah.pdf")
    assert "tidak sama dengan salinan resmi" in text(tampered)
    assert "tanda tangan tidak utuh" in text(tampered)
    assert state(tampered) == "sah"  # the letter itself is still valid


def test_no_personal_data_reaches_the_page_even_after_an_upload(client: Client, demo_org):
    letter = signed_letter(demo_org)
    pages = [client.get(url(letter)), upload(client, letter, official(letter))]
    cancelled = letter_cancel(letter=letter, actor=demo_org.person("camat.cpd"), reason="Batal")
    pages.append(client.get(url(cancelled)))
    for response in pages:
        for private in PERSONAL:
            assert private not in text(response), private


def test_a_bad_upload_is_answered_beside_the_field(client: Client, demo_org):
    letter = signed_letter(demo_org)
    not_pdf = upload(client, letter, b"GIF89a", "foto.gif")
    assert not_pdf.status_code == 422 and "bukan PDF" in text(not_pdf)
    nothing = client.post(url(letter), {})
    assert nothing.status_code == 422 and "Pilih berkas PDF" in text(nothing)
    huge = upload(client, letter, b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024), "besar.pdf")
    assert huge.status_code == 413 and "paling besar 10 MB" in text(huge)
    # A body announced far larger is refused before it is read.
    big = client.post(
        url(letter),
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    assert big.status_code == 413


def test_an_upload_needs_the_forms_csrf_token(demo_org):
    letter = signed_letter(demo_org)
    browser = Client(enforce_csrf_checks=True)
    file = SimpleUploadedFile("surat.pdf", official(letter), content_type="application/pdf")
    assert browser.post(url(letter), {"berkas": file}).status_code == 403
    page = browser.get(url(letter))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text(page)).group(1)
    file.seek(0)
    response = browser.post(url(letter), {"berkas": file, "csrfmiddlewaretoken": token})
    assert response.status_code == 200 and "sama persis" in text(response)


def test_an_unknown_code_is_a_404_that_says_so(client: Client, demo_org):
    response = client.get(reverse("letters:verify", kwargs={"code": "tidak-ada-kode-ini"}))
    assert response.status_code == 404
    assert "Kode verifikasi tidak dikenal" in text(response)
    # A code longer than any Trantib makes is not looked up.
    assert client.get("/verifikasi/x" + "y" * 40 + "/").status_code == 404


@override_settings(TRANTIB_VERIFY_RATE_LIMIT=3, TRANTIB_VERIFY_RATE_WINDOW=60)
def test_too_many_requests_from_one_client_get_a_429_page(client: Client, demo_org):
    letter = signed_letter(demo_org)
    for _ in range(3):
        assert client.get(url(letter)).status_code == 200
    limited = client.get(url(letter))
    assert limited.status_code == 429 and "Terlalu banyak" in text(limited)
    assert limited["Retry-After"] == "60"
    assert upload(client, letter, official(letter)).status_code == 429
    # Unknown codes count too (no guessing codes past the limit), and others are not limited.
    assert client.get("/verifikasi/tebakan/").status_code == 429
    other = Client(REMOTE_ADDR="203.0.113.7")
    assert other.get(url(letter)).status_code == 200


@pytest.mark.browser
def test_the_page_reads_on_a_phone_and_a_desktop(
    chromium_browser: Browser, live_server: LiveServer, demo_org, tmp_path: Path
) -> None:
    shots = Path(os.environ.get("TRANTIB_SHOTS") or tmp_path)
    letter = signed_letter(demo_org)
    pdf = tmp_path / "surat.pdf"
    pdf.write_bytes(official(letter))
    context = chromium_browser.new_context(locale="id-ID", viewport=PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}{url(letter)}")
        expect(page.get_by_role("heading", name="Verifikasi naskah dinas")).to_be_visible()
        expect(page.locator(".verdict-word")).to_contain_text("Sah")
        assert page_width(page) <= PHONE["width"] + 1
        page.screenshot(path=str(shots / "verifikasi-360.png"), full_page=True)
        page.get_by_label("Berkas PDF", exact=True).set_input_files(str(pdf))
        page.get_by_role("button", name="Periksa berkas").click()
        expect(page.locator(".result")).to_contain_text("sama persis dengan salinan resmi")
        assert page_width(page) <= PHONE["width"] + 1
        page.screenshot(path=str(shots / "verifikasi-hasil-360.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})
        page.screenshot(path=str(shots / "verifikasi-hasil-1280.png"), full_page=True)
        page.goto(f"{live_server.url}{url(letter)}")
        page.screenshot(path=str(shots / "verifikasi-1280.png"), full_page=True)

        letter_cancel(letter=letter, actor=demo_org.person("camat.cpd"), reason="Salah tulis")
        other = tmp_path / "lain.pdf"
        other.write_bytes(pdf_from_html("<p>Surat lain</p>"))
        page.set_viewport_size(PHONE)
        page.goto(f"{live_server.url}{url(letter)}")
        expect(page.locator(".verdict-word")).to_contain_text("Dibatalkan")
        page.get_by_label("Berkas PDF", exact=True).set_input_files(str(other))
        page.get_by_role("button", name="Periksa berkas").click()
        expect(page.locator(".result")).to_contain_text("tidak sama dengan salinan resmi")
        assert page_width(page) <= PHONE["width"] + 1
        page.screenshot(path=str(shots / "verifikasi-batal-360.png"), full_page=True)
    finally:
        context.close()
