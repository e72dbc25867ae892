"""A Surat Teguran through the pages in a real headless Chromium (Debian's): the Kasi drafts it
by hand with a paraf koordinasi, fills its fields in the editor and has its body made again from
them, sends it for paraf; the Sekcam returns it with a note, which the Kasi reads at the top of
the editor; sent again, the Sekcam initials it; the Camat numbers it and uploads the signed
scan; the Kasi records the tanda terima with a photo. The register and the draft editor (of
the returned letter) are looked at on a 360-px phone and a 1280-px desktop; screenshots go to
$TRANTIB_SHOTS when it is set."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from PIL import Image
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from trantib.letters.models import Letter, LetterState
from trantib.letters.tests.test_pages import PDF, draft, signed
from trantib.web.tests.test_browser import PHONE, page_width

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}


def as_user(page: Page, base: str, username: str) -> None:
    """Continue in the same browser as ``username`` (a session cookie, as after logging in)."""
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    page.context.clear_cookies()
    cookie = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": base}])


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(out, "JPEG")
    return out.getvalue()


def test_a_teguran_is_drafted_initialled_numbered_signed_and_delivered_through_the_pages(
    chromium_browser: Browser, live_server: LiveServer, demo_org, tmp_path: Path
) -> None:
    shots = Path(os.environ.get("TRANTIB_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    # Some letters already in the book, so that the register looks like a working one.
    signed(demo_org, hal="Teguran I lapak di trotoar Jl. Raya Cipondoh")
    signed(demo_org, hal="Teguran II warung tenda Pasar Cipondoh", recipient="Sdri. Sari")
    draft(demo_org, kind="nota_dinas", hal="Rencana operasi gabungan", data={"dari": "Kasi"})

    context = chromium_browser.new_context(locale="id-ID", viewport=DESKTOP)
    context.set_default_timeout(15_000)
    page, base = context.new_page(), live_server.url
    try:
        as_user(page, base, "kasi.cpd")
        page.goto(f"{base}/surat/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Surat keluar")
        page.get_by_role("link", name="Buat surat").click()
        page.get_by_label("Jenis naskah").select_option(label="Surat Teguran")
        page.get_by_label("Hal / perihal").fill("Teguran I bangunan di atas saluran")
        expect(page.get_by_label("Ditandatangani oleh")).to_have_value("camat")
        page.get_by_label("Paraf 1").select_option("sekcam")
        page.get_by_label("Paraf koordinasi").fill("Kepala Bagian Hukum Setda Kota Tangerang")
        page.get_by_role("button", name="Buat konsep").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Konsep Surat Teguran")
        letter = Letter.objects.get(hal="Teguran I bangunan di atas saluran")

        page.get_by_label("Kepada Yth.").fill("Sdr. Joko Susilo\nPemilik bangunan")
        page.get_by_label("Teguran ke").select_option(label="I")
        page.get_by_label("Nama pelanggar").fill("Joko Susilo")
        page.get_by_label("Lokasi pelanggaran").fill("Jl. Kali Angke RT 03/RW 02")
        page.get_by_label("Perda/Perkada").fill("Perda Kota Tangerang 8/2018 Pasal 12")
        page.get_by_label("Kewajiban pelanggar").fill("Membongkar bangunan di atas saluran")
        page.get_by_label("Jangka waktu").fill("7 hari kerja")
        # The body was made when the draft was, with gaps for the fields then empty.
        expect(page.get_by_label("Isi surat")).to_contain_text("Saudara …… di ……")
        page.locator("summary", has_text="Susun ulang isi dari isian").click()
        page.get_by_role("button", name="Ya, ganti isi surat").click()
        expect(page.locator(".messages")).to_contain_text("disusun ulang")
        expect(page.get_by_label("Isi surat")).to_contain_text(
            "Saudara Joko Susilo di Jl. Kali Angke RT 03/RW 02 telah melanggar"
        )
        expect(page.get_by_label("Isi surat")).to_contain_text("7 (tujuh) hari kerja")
        expect(page.get_by_label("Paraf koordinasi")).to_have_value(
            "Kepala Bagian Hukum Setda Kota Tangerang"
        )
        page.get_by_role("button", name="Simpan dan lihat PDF").click()
        expect(page.locator(".messages")).to_contain_text("Konsep disimpan")
        expect(page.locator("#pratinjau iframe")).to_be_visible()
        page.get_by_role("button", name="Ajukan untuk paraf").click()
        expect(page.locator(".messages")).to_contain_text("diajukan")
        expect(page.locator("h1 .badge")).to_have_text("Menunggu paraf")

        as_user(page, base, "sekcam.cpd")
        page.goto(f"{base}/surat/")
        page.locator(".todo").get_by_role("link", name="Surat Teguran I").click()
        page.get_by_text("Kembalikan dengan catatan").click()
        page.get_by_label("Apa yang harus diperbaiki").fill(
            "Pasal Perda belum lengkap: tulis ayatnya. Tembusan kepada Lurah."
        )
        page.get_by_role("button", name="Kembalikan", exact=True).click()
        expect(page.locator("h1 .badge")).to_have_text("Dikembalikan")

        as_user(page, base, "kasi.cpd")
        page.goto(f"{base}/surat/{letter.pk}/ubah/")
        note = page.locator(".returned-note")
        expect(note).to_contain_text("Dikembalikan oleh Dra. Siti Nurhasanah")
        expect(note).to_contain_text("Pasal Perda belum lengkap: tulis ayatnya.")
        assert page_width(page) <= DESKTOP["width"] + 1
        page.screenshot(path=str(shots / "surat-editor-1280.png"), full_page=True)
        page.set_viewport_size(PHONE)
        page.reload()
        expect(page.locator(".returned-note")).to_be_visible()
        expect(page.locator("#pratinjau iframe")).to_be_hidden()
        expect(page.get_by_role("link", name="Buka PDF")).to_be_visible()
        assert page_width(page) <= PHONE["width"] + 1
        page.screenshot(path=str(shots / "surat-editor-360.png"), full_page=True)
        page.set_viewport_size(DESKTOP)
        page.get_by_label("Perda/Perkada").fill("Perda Kota Tangerang 8/2018 Pasal 12 ayat (1)")
        page.get_by_label("Tembusan").fill("Lurah Kunciran")
        page.locator("summary", has_text="Susun ulang isi dari isian").click()
        page.get_by_role("button", name="Ya, ganti isi surat").click()
        expect(page.get_by_label("Isi surat")).to_contain_text("Pasal 12 ayat (1).")
        page.get_by_role("button", name="Ajukan untuk paraf").click()
        expect(page.locator("h1 .badge")).to_have_text("Menunggu paraf")

        as_user(page, base, "sekcam.cpd")
        page.goto(f"{base}/surat/{letter.pk}/")
        page.get_by_label("Paraf sebagai").fill("Sudah sesuai.")
        page.get_by_role("button", name="Paraf", exact=True).click()
        expect(page.locator(".messages")).to_contain_text("Surat diparaf")
        expect(page.locator("h1 .badge")).to_have_text("Siap ditandatangani")

        as_user(page, base, "camat.cpd")
        page.goto(f"{base}/surat/{letter.pk}/")
        page.get_by_role("button", name="Beri nomor dan cetak").click()
        letter.refresh_from_db()
        assert letter.state == LetterState.NUMBERED
        expect(page.locator(".messages")).to_contain_text(letter.number)
        page.get_by_label("Pindaian surat bertanda tangan").set_input_files(
            files=[{"name": "teguran-ttd.pdf", "mimeType": "application/pdf", "buffer": PDF}]
        )
        page.get_by_role("button", name="Unggah salinan bertanda tangan").click()
        expect(page.locator("h1 .badge")).to_have_text("Ditandatangani")

        as_user(page, base, "kasi.cpd")
        page.goto(f"{base}/surat/{letter.pk}/")
        page.get_by_text("Catat tanda terima").click()
        page.get_by_label("Diterima oleh").fill("Joko Susilo")
        page.get_by_label("Tempat", exact=True).fill("Jl. Kali Angke RT 03/RW 02")
        page.get_by_label("Foto tanda terima").set_input_files(
            files=[{"name": "terima.jpg", "mimeType": "image/jpeg", "buffer": photo()}]
        )
        page.get_by_role("button", name="Simpan tanda terima").click()
        expect(page.locator(".messages")).to_contain_text("Tanda terima dicatat")
        expect(page.locator(".deliveries")).to_contain_text("Joko Susilo")
        page.screenshot(path=str(shots / "surat-halaman-1280.png"), full_page=True)

        letter.refresh_from_db()
        assert letter.state == LetterState.SIGNED and letter.official_sha256
        assert letter.deliveries.get().photo
        assert letter.data["pelanggar_nama"] == "Joko Susilo"

        page.goto(f"{base}/surat/")
        expect(page.locator(".letter-table")).to_contain_text(letter.number)
        assert page_width(page) <= DESKTOP["width"] + 1
        page.screenshot(path=str(shots / "surat-register-1280.png"), full_page=True)
        page.set_viewport_size(PHONE)
        page.reload()
        assert page_width(page) <= PHONE["width"] + 1
        page.screenshot(path=str(shots / "surat-register-360.png"), full_page=True)
        page.goto(f"{base}/surat/{letter.pk}/")
        assert page_width(page) <= PHONE["width"] + 1
        page.screenshot(path=str(shots / "surat-halaman-360.png"), full_page=True)
    finally:
        context.close()
