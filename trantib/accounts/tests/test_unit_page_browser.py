"""The unit page in a real Chromium, as the Camat uses it on a phone and at a desk: names a Plh.
by the NIP as printed, and registers a new officer with a login in one form. Screenshots go to
``$TRANTIB_SCREENSHOTS`` (default /tmp/out)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from trantib.accounts.models import Assignment, Person

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("TRANTIB_SCREENSHOTS") or Path(tempfile.gettempdir()) / "out")


def _login(page: Page, base: str, username: str) -> None:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    page.context.clear_cookies()
    cookie = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": base}])


def test_the_camat_names_a_plh_and_registers_an_officer_on_the_unit_page(
    browser_page: Page, live_server: LiveServer, demo_org
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser_page
    base = live_server.url
    kasi = demo_org.person("kasi.cpd")
    position = demo_org.position("CPD", "camat")
    _login(page, base, "camat.cpd")

    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{base}/organisasi/CPD/")
    expect(page.get_by_role("heading", name="Kecamatan Cipondoh", exact=True)).to_be_visible()
    section = page.locator(f"#position-{position.pk}")
    section.get_by_text("Tambah pemegang").click()
    holder = section.locator("form[action$='/pemegang/']")
    holder.get_by_label("atau NIP, NRP atau login").fill(kasi.nip_display)
    holder.get_by_label("Status").select_option("plh")
    holder.get_by_label("Mulai").fill("2027-01-04")
    holder.get_by_label("Sampai").fill("2027-01-08")
    page.screenshot(path=str(SHOTS / "unit-page-holder-form-360.png"), full_page=False)
    holder.get_by_role("button", name="Tambahkan").click()
    expect(page.locator(".messages")).to_contain_text("memegang Plh. Camat Cipondoh")
    expect(page.locator(f"#position-{position.pk}")).to_contain_text(f"Plh. {kasi.full_name}")
    assert Assignment.objects.filter(person=kasi, position=position, acting="plh").exists()
    page.screenshot(path=str(SHOTS / "unit-page-360.png"), full_page=True)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_text("Pegawai baru (dengan akun login)").click()
    form = page.locator("#person-new")
    form.get_by_label("Nama lengkap").fill("Hadi Santoso")
    form.get_by_label("Jenis pegawai").select_option("asn")
    form.get_by_label("NIP").fill("19760214 199913 1 004")  # month 13: refused
    form.get_by_label("Nama login").fill("hadi.cpd")
    form.get_by_label("Kata sandi awal").fill("Trantib-uji-2027!")
    form.get_by_label("Jabatan", exact=True).select_option(label="Anggota Trantib (CPD)")
    form.get_by_role("button", name="Simpan pegawai").click()
    form = page.locator("#person-new")
    expect(form.locator(".has-error")).to_contain_text("NIP: digit 13-14 (13)")
    form.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "unit-page-person-error-1280.png"), full_page=False)
    assert not Person.objects.filter(full_name="Hadi Santoso").exists()
    form.get_by_label("NIP").fill("19760214 199903 1 004")
    form.get_by_label("Kata sandi awal").fill("Trantib-uji-2027!")
    page.screenshot(path=str(SHOTS / "unit-page-person-form-1280.png"), full_page=True)
    form.get_by_role("button", name="Simpan pegawai").click()
    expect(page.locator(".messages")).to_contain_text("Pegawai Hadi Santoso ditambahkan")
    assert Person.objects.get(nip="197602141999031004").user.username == "hadi.cpd"
    page.screenshot(path=str(SHOTS / "unit-page-1280.png"), full_page=True)
