"""The public complaint pages in a real headless Chromium (Debian's): a citizen reports with a
photo and a point clicked on the map, gets the tracking number and follows it on /lacak/; the
pages fit a 360-px phone."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from trantib.cases.models import Attachment
from trantib.complaints import services
from trantib.complaints.models import Category, Complaint
from trantib.complaints.tests.test_views import png
from trantib.web.tests.test_browser import PHONE, log_in, page_width

pytestmark = pytest.mark.browser


def test_a_citizen_reports_with_a_photo_and_a_map_point_then_follows_the_number(
    browser_page: Page,
    live_server: LiveServer,
    complaint_categories: dict[str, Category],
    tmp_path: Path,
) -> None:
    page, base = browser_page, live_server.url
    photo = tmp_path / "lapak.png"
    photo.write_bytes(png())

    page.goto(f"{base}/lapor/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Laporkan")
    page.get_by_label("Jenis pengaduan").select_option(label=complaint_categories["pkl"].name)
    page.get_by_label("Uraian pengaduan").fill("Lapak PKL menutup trotoar di depan Pasar Kerjo")

    # The map is there without a tile server; a click sets the point.
    map_box = page.locator("#map-picker")
    expect(map_box).to_be_visible()
    expect(page.locator("#id_latitude")).to_have_value("")
    map_box.click(position={"x": 150, "y": 120})
    expect(page.locator("#map-picker .leaflet-marker-icon")).to_have_count(1)
    expect(page.locator("#map-readout")).to_contain_text("Titik ditandai")
    latitude = page.locator("#id_latitude").input_value()
    longitude = page.locator("#id_longitude").input_value()
    assert latitude and longitude

    page.get_by_label("Kelurahan/desa").fill("Kuto")
    page.locator("#id_photos").set_input_files(str(photo))

    # Anonymous hides the identity inputs; unticking brings them back.
    page.get_by_label("Kirim tanpa identitas (anonim)").check()
    expect(page.get_by_label("Nama", exact=True)).to_be_hidden()
    page.get_by_label("Kirim tanpa identitas (anonim)").uncheck()
    page.get_by_label("Nama", exact=True).fill("Wahyu Pelapor")
    page.get_by_label("Nomor HP").fill("0813 2222 3333")

    page.get_by_role("button", name="Kirim pengaduan").click()
    page.wait_for_url(f"{base}/lapor/terkirim/")
    tracking = page.locator("[data-tracking]").inner_text().strip()
    assert services.tracking_normalise(tracking) == tracking

    complaint = Complaint.objects.get(tracking=tracking)
    assert complaint.unit.code == "KRJ" and complaint.channel == "web"
    assert f"{complaint.latitude:.6f}" == latitude and f"{complaint.longitude:.6f}" == longitude
    assert Attachment.objects.filter(case=complaint.case, name="lapak.png").count() == 1

    page.goto(f"{base}/lacak/")
    page.get_by_label("Nomor pelacakan").fill(tracking.lower().replace("-", ""))
    page.get_by_role("button", name="Lacak").click()
    page.wait_for_url(f"{base}/lacak/{tracking}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(tracking)
    expect(page.locator(".status-card")).to_contain_text("Diterima, menunggu tindak lanjut")
    expect(page.locator("main")).not_to_contain_text("Wahyu Pelapor")


def test_the_report_form_and_the_status_page_fit_a_360_pixel_phone(
    browser_page: Page, live_server: LiveServer, complaint_categories: dict[str, Category]
) -> None:
    page, base = browser_page, live_server.url
    complaint = services.complaint_file(
        channel="web",
        category=complaint_categories["hiburan"],
        description="Karaoke di Desa Tawangsari buka sampai pukul dua pagi setiap malam Minggu",
        kelurahan="Tawangsari",
    )
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/lapor/")
    expect(page.locator("#map-picker")).to_be_visible()
    assert page_width(page) <= PHONE["width"] + 1
    box = page.get_by_role("button", name="Kirim pengaduan").bounding_box()
    assert box is not None and box["width"] > 0.7 * PHONE["width"] and box["height"] >= 40
    page.goto(f"{base}/lacak/{complaint.tracking}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(complaint.tracking)
    assert page_width(page) <= PHONE["width"] + 1
    page.goto(f"{base}/lacak/")
    assert page_width(page) <= PHONE["width"] + 1


def test_the_staff_map_clusters_the_open_complaints_of_the_unit(
    browser_page: Page, live_server: LiveServer, complaint_categories: dict[str, Category], demo_org
) -> None:
    page, base = browser_page, live_server.url
    for i, (lat, lon) in enumerate(
        [("-7.5862", "111.0496"), ("-7.5863", "111.0497"), ("-7.60", "111.07")]
    ):
        services.complaint_file(
            channel="web",
            category=complaint_categories["pkl"],
            description=f"Lapak PKL nomor {i} menutup trotoar di Kerjo",
            latitude=lat,
            longitude=lon,
        )
    log_in(page, base, demo_org.user("danru.krj"))
    page.goto(f"{base}/pengaduan/peta/")
    cluster = page.locator("#map-cluster")
    expect(cluster).to_have_attribute("data-loaded", "3")
    expect(page.locator("#map-count")).to_have_text("3 pengaduan terbuka di peta.")
    # Nearby points merge into a cluster or show as markers; either way all three are drawn.
    expect(page.locator("#map-cluster .leaflet-marker-icon").first).to_be_visible()
