"""Field work reported from a phone in a real headless Chromium (Debian's): the map picker and
"Gunakan lokasi saya" fill the place with the device's position and accuracy, on 360 px (PPL
row 7, the penertiban: PPW v3's patrol place is filled from the team's daily report).
Screenshots of the form and of Hari ini go to $TRANTIB_SHOTS when it is set (to look at)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from trantib.cases import services
from trantib.cases.models import Case, Task, TaskStatus
from trantib.demo.letters import case_start_written, task_complete_written
from trantib.web.tests.test_browser import PHONE, log_in, page_width

pytestmark = pytest.mark.browser

HERE = {"latitude": -6.185212, "longitude": 106.615331, "accuracy": 18}  # in Cipondoh
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _field_work_today(demo_org) -> tuple[Case, Task]:
    """A CPD PPL case at row 7, the Anggota Trantib's penertiban (due within the hour), taken
    by anggota1: its place and photos are typed on the phone (no step guard fills them; PPW
    v3's patrol is filled from the team's daily report since issue 12)."""
    case = case_start_written(
        sop_code="PPL",
        unit=demo_org.unit("CPD"),
        actor=demo_org.person("kasi.cpd"),
        subject="Dugaan lokalisasi di Jl. Kali Pasir",
        data={
            "sumber": "Kelurahan Cipondoh",
            "lokasi": {"address": "Jl. Kali Pasir"},
            "uraian": "Laporan warga",
        },
    )
    live = Task.objects.filter(case=case, status__in=[TaskStatus.OPEN, TaskStatus.CLAIMED])
    kasi = demo_org.person("kasi.cpd")
    task_complete_written(
        task=live.get(), actor=demo_org.person("camat.cpd"), data={"perintah": "Tertibkan"}
    )
    draft = services.attachment_add(
        case=case, actor=kasi, name="draft.png", content=io.BytesIO(PNG), task=live.get()
    )
    task_complete_written(
        task=live.get(), actor=kasi, data={"draft": [draft.pk]}, attachments=[draft.pk]
    )
    task_complete_written(
        task=live.get(), actor=demo_org.person("sekcam.cpd"), decision="tidak ada koreksi"
    )
    task_complete_written(task=live.get(), actor=demo_org.person("camat.cpd"))
    task_complete_written(task=live.get(), actor=kasi, data={"arahan": "Siapkan regu"})
    anggota1 = demo_org.person("anggota1.cpd")
    task_complete_written(
        task=live.get(),
        actor=demo_org.person("danru.cpd"),
        data={"jumlah_personel": 1, "anggota": [anggota1.pk]},
    )
    field_work = live.get()
    assert field_work.step_id == "laksanakan_penertiban"
    services.task_claim(task=field_work, actor=anggota1)
    return case, field_work


def test_field_work_is_reported_from_a_phone_with_the_devices_location(
    chromium_browser: Browser, live_server: LiveServer, demo_org, tmp_path: Path
) -> None:
    shots = Path(os.environ.get("TRANTIB_SHOTS") or tmp_path)
    case, field_work = _field_work_today(demo_org)
    when = demo_org.unit("CPD").today()

    context = chromium_browser.new_context(
        locale="id-ID", viewport=PHONE, geolocation=HERE, permissions=["geolocation"]
    )
    context.set_default_timeout(15_000)
    page, base = context.new_page(), live_server.url
    try:
        log_in(page, base, demo_org.user("anggota1.cpd"))
        # Tugas Saya, not Hari ini: the step falls due an hour after it opens, which is
        # tomorrow when the test runs late in the evening (a patrol's day is its date).
        page.goto(f"{base}/tugas/")
        link = page.get_by_role("link", name=field_work.title)
        expect(link).to_be_visible()
        assert page_width(page) <= PHONE["width"] + 1
        page.screenshot(path=str(shots / "tugas-saya-360.png"), full_page=True)

        link.click()
        panel = page.locator(f"#tugas-{field_work.pk}")
        expect(panel.locator("[data-field-map]")).to_be_visible()
        assert page_width(page) <= PHONE["width"] + 1
        panel.get_by_role("button", name="Gunakan lokasi saya").click()
        expect(panel.locator("#f-lokasi-accuracy")).to_have_value("18")
        expect(panel.locator("#f-lokasi-lat")).to_have_value("-6.185212")
        expect(panel.locator("#f-lokasi-readout")).to_contain_text("akurasi ± 18 m")
        panel.locator("#f-waktu_pelaksanaan").fill(f"{when:%d/%m/%Y} 21.00")
        panel.get_by_label("Alamat").fill("Jl. Kali Pasir, Cipondoh")
        panel.get_by_label("Laporan pelaksanaan lapangan").fill("Tiga bangunan liar dibongkar")
        panel.screenshot(path=str(shots / "tugas-lapangan-360.png"))
        page.set_viewport_size({"width": 1280, "height": 900})
        panel.screenshot(path=str(shots / "tugas-lapangan-1280.png"))
        page.set_viewport_size(PHONE)
        panel.get_by_role("button", name="Selesaikan").click()
        expect(page.locator(".messages")).to_contain_text("selesai")

        field_work.refresh_from_db()
        assert field_work.status == TaskStatus.DONE
        assert field_work.data["lokasi"] == {
            "address": "Jl. Kali Pasir, Cipondoh",
            "lat": -6.185212,
            "lon": 106.615331,
            "accuracy": 18.0,
        }

        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"{base}/kasus/{case.pk}/")
        page.screenshot(path=str(shots / "kasus-ppl-1280.png"), full_page=True)
        page.goto(f"{base}/tugas/")
        page.screenshot(path=str(shots / "tugas-saya-1280.png"), full_page=True)
    finally:
        context.close()


def test_without_map_tiles_the_place_picker_says_so_and_shows_the_units_outline(
    browser_page, live_server: LiveServer, demo_org, settings
) -> None:
    settings.TRANTIB_MAP_TILE_URL = ""  # offline: no tile server at all
    assert demo_org.unit("CPD").outline, "the demo unit has an outline"
    case, field_work = _field_work_today(demo_org)
    page, base = browser_page, live_server.url
    log_in(page, base, demo_org.user("anggota1.cpd"))
    page.goto(f"{base}/kasus/{case.pk}/?tugas={field_work.pk}")
    panel = page.locator(f"#tugas-{field_work.pk}")
    expect(panel.locator("#f-lokasi-map-offline")).to_have_text(
        "Peta dasar tidak tersedia; menampilkan batas wilayah unit."
    )
    # The outline is drawn (an SVG path in Leaflet's overlay pane), no tile is asked for, and
    # nothing credits a tile server that shows nothing.
    expect(panel.locator(".leaflet-overlay-pane path")).to_have_count(1)
    expect(panel.locator(".leaflet-tile")).to_have_count(0)
    assert "OpenStreetMap" not in (
        panel.locator(".leaflet-control-attribution").text_content() or ""
    )
