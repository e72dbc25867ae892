"""The case file in a real headless Chromium, on a 360-px phone and a 1280-px desk: the Kabid
opens the evaluation task and reads the patrol report above its form; the photo opens large."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from trantib.cases.models import Task
from trantib.cases.tests.test_casefile import (
    PATROL,
    PATROL_DAY,
    PLAN,
    PNG,
    PROGRAMME,
    SURAT_TUGAS,
    T0,
    _do,
    _live,
    _schedule,
)
from trantib.demo.letters import case_start_written
from trantib.web.tests.test_browser import PHONE, log_in, page_width

pytestmark = pytest.mark.browser


def test_the_kabid_reads_the_patrol_report_above_his_form_on_a_phone_and_a_desk(
    browser_page: Page, live_server: LiveServer, demo_org
) -> None:
    case = case_start_written(
        sop_code="PPW",
        unit=demo_org.unit("PPTNG"),
        actor=demo_org.person("kasat.pptng"),
        subject="Patroli Pengawasan Wilayah April 2026",
        data=PROGRAMME,
        now=T0,
    )
    _do(demo_org, case, "kabid.pptng", T0, data=PLAN)
    _do(demo_org, case, "kasie.pptng", T0, data=_schedule(demo_org))
    _do(
        demo_org,
        case,
        "petugas2.pptng",
        PATROL_DAY,
        data=PATROL,
        uploads={"dokumentasi": [("lapak.png", io.BytesIO(PNG))]},
    )
    _do(demo_org, case, "kasie.pptng", PATROL_DAY)
    task = _live(case)
    patrol = Task.objects.get(case=case, step_id="patroli")
    page, base = browser_page, live_server.url
    log_in(page, base, demo_org.user("kabid.pptng"))
    for viewport in (PHONE, {"width": 1280, "height": 900}):
        page.set_viewport_size(viewport)
        page.goto(f"{base}/kasus/{case.pk}/")
        earlier = page.locator(f"#tugas-{task.pk} .earlier")
        report = earlier.locator(f"#sebelum-{task.pk}-t{patrol.pk}")
        expect(report).to_have_attribute("open", "")
        expect(report).to_contain_text(PATROL["hasil"])
        expect(report).to_contain_text("14 April 2026 14.05 WIB")
        programme = earlier.locator("details").first
        expect(programme).not_to_have_attribute("open", "")
        expect(page.locator("#berkas")).to_contain_text(SURAT_TUGAS)
        assert page_width(page) <= viewport["width"]
    photo = page.locator("#berkas a:has(img[alt='lapak.png'])")
    with page.expect_popup() as popup:
        photo.click()
    assert popup.value.url.endswith(f"/kasus/lampiran/{patrol.data['dokumentasi'][0]}/")
