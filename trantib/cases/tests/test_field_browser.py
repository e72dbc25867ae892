"""A patrol reported from a phone in a real headless Chromium (Debian's): the map picker and
"Gunakan lokasi saya" fill the place with the device's position and accuracy, on 360 px.
Screenshots of the form and of Hari ini go to $TRANTIB_SHOTS when it is set (to look at)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from trantib.cases.models import Case, Task, TaskStatus
from trantib.demo.letters import case_start_written, task_complete_written
from trantib.web.tests.test_browser import PHONE, log_in, page_width

pytestmark = pytest.mark.browser

HERE = {"latitude": -6.170212, "longitude": 106.640331, "accuracy": 18}


def _patrols_from_today(demo_org) -> tuple[Case, Task]:
    """A PPW programme with patrols from today on; the first patrol's task."""
    unit = demo_org.unit("PPTNG")
    case = case_start_written(
        sop_code="PPW",
        unit=unit,
        actor=demo_org.person("kasat.pptng"),
        subject="Patroli wilayah Kecamatan Tangerang",
        data={"bulan": unit.today().replace(day=1).isoformat(), "nomor_surat_tugas": "300/07"},
    )
    live = Task.objects.filter(case=case, status__in=[TaskStatus.OPEN, TaskStatus.CLAIMED])
    task_complete_written(task=live.get(), actor=demo_org.person("kabid.pptng"))
    days = [(unit.today() + dt.timedelta(days=d)).isoformat() for d in range(4)]
    task_complete_written(
        task=live.get(),
        actor=demo_org.person("kasie.pptng"),
        data={"jadwal": days, "personil": [demo_org.person("petugas1.pptng").pk]},
    )
    patrol = live.filter(step_id="patroli").order_by("occurrence").first()
    assert patrol is not None
    return case, patrol


def test_a_patrol_is_reported_from_a_phone_with_the_devices_location(
    chromium_browser: Browser, live_server: LiveServer, demo_org, tmp_path: Path
) -> None:
    shots = Path(os.environ.get("TRANTIB_SHOTS") or tmp_path)
    case, patrol = _patrols_from_today(demo_org)

    context = chromium_browser.new_context(
        locale="id-ID", viewport=PHONE, geolocation=HERE, permissions=["geolocation"]
    )
    context.set_default_timeout(15_000)
    page, base = context.new_page(), live_server.url
    try:
        log_in(page, base, demo_org.user("petugas1.pptng"))
        page.goto(f"{base}/hari-ini/")
        expect(page.get_by_role("heading", name="Patroli hari ini")).to_be_visible()
        assert page_width(page) <= PHONE["width"] + 1
        page.screenshot(path=str(shots / "hari-ini-360.png"), full_page=True)

        page.get_by_role("link", name="Buka formulir").first.click()
        panel = page.locator(f"#tugas-{patrol.pk}")
        expect(panel.locator("[data-field-map]")).to_be_visible()
        expect(panel.locator(".occurrence")).to_have_count(4)
        assert page_width(page) <= PHONE["width"] + 1
        panel.get_by_role("button", name="Gunakan lokasi saya").click()
        expect(panel.locator("#f-rute-accuracy")).to_have_value("18")
        expect(panel.locator("#f-rute-lat")).to_have_value("-6.170212")
        expect(panel.locator("#f-rute-readout")).to_contain_text("akurasi ± 18 m")
        panel.get_by_label("Alamat").fill("Pasar Anyar, Jl. Ki Samaun")
        panel.get_by_label("Hasil patroli").fill("Situasi aman; dua PKL diberi arahan")
        panel.screenshot(path=str(shots / "tugas-patroli-360.png"))
        page.set_viewport_size({"width": 1280, "height": 900})
        panel.screenshot(path=str(shots / "tugas-patroli-1280.png"))
        page.set_viewport_size(PHONE)
        panel.get_by_role("button", name="Selesaikan").click()
        expect(page.locator(".messages")).to_contain_text("selesai")

        patrol.refresh_from_db()
        assert patrol.status == TaskStatus.DONE
        assert patrol.data["rute"] == {
            "address": "Pasar Anyar, Jl. Ki Samaun",
            "lat": -6.170212,
            "lon": 106.640331,
            "accuracy": 18.0,
        }

        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"{base}/kasus/{case.pk}/")
        page.screenshot(path=str(shots / "kasus-patroli-1280.png"), full_page=True)
        page.goto(f"{base}/hari-ini/")
        page.screenshot(path=str(shots / "hari-ini-1280.png"), full_page=True)
    finally:
        context.close()


def test_without_map_tiles_the_place_picker_says_so_and_shows_the_units_outline(
    browser_page, live_server: LiveServer, demo_org, settings
) -> None:
    settings.TRANTIB_MAP_TILE_URL = ""  # offline: no tile server at all
    assert demo_org.unit("PPTNG").outline, "the demo unit has an outline"
    case, patrol = _patrols_from_today(demo_org)
    page, base = browser_page, live_server.url
    log_in(page, base, demo_org.user("petugas1.pptng"))
    page.goto(f"{base}/kasus/{case.pk}/?tugas={patrol.pk}")
    panel = page.locator(f"#tugas-{patrol.pk}")
    expect(panel.locator("#f-rute-map-offline")).to_have_text(
        "Peta dasar tidak tersedia; menampilkan batas wilayah unit."
    )
    # The outline is drawn (an SVG path in Leaflet's overlay pane), no tile is asked for, and
    # nothing credits a tile server that shows nothing.
    expect(panel.locator(".leaflet-overlay-pane path")).to_have_count(1)
    expect(panel.locator(".leaflet-tile")).to_have_count(0)
    assert "OpenStreetMap" not in (
        panel.locator(".leaflet-control-attribution").text_content() or ""
    )
