"""The case pages in a real headless Chromium: an officer completes a task from Tugas Saya and
the next officer finds it in theirs; the htmx filters; the case page on a 360-px phone."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from trantib.cases import services
from trantib.cases.models import Case, Task, TaskStatus
from trantib.demo.letters import case_start_written, task_complete_written
from trantib.web.tests.test_browser import PHONE, log_in, page_width

pytestmark = pytest.mark.browser

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def start_pgd(demo_org, subject: str = "Warung karaoke buka melewati jam malam") -> Case:
    return case_start_written(
        sop_code="PGD",
        unit=demo_org.unit("KRJ"),
        actor=demo_org.person("staf.krj"),
        subject=subject,
        data={"saluran": "SMS", "uraian": "Warung karaoke buka sampai pukul 02.00"},
    )


def live(case: Case) -> Task:
    return Task.objects.get(case=case, status__in=[TaskStatus.OPEN, TaskStatus.CLAIMED])


def log_out(page: Page, base: str) -> None:
    page.get_by_role("button", name="Keluar").click()
    page.wait_for_url(f"{base}/login/")


def test_an_officer_completes_a_task_from_tugas_saya_and_the_next_officer_sees_it(
    browser_page: Page, live_server: LiveServer, demo_org
) -> None:
    page, base = browser_page, live_server.url
    case = start_pgd(demo_org)
    task = live(case)

    log_in(page, base, demo_org.user("staf.krj"))
    page.get_by_role("navigation").get_by_role("link", name="Tugas Saya").click()
    page.wait_for_url(f"{base}/tugas/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tugas Saya")
    card = page.locator(".task-card", has_text=case.number)
    expect(card).to_contain_text(case.subject)
    card.get_by_role("link", name=task.title).click()
    page.wait_for_url(f"{base}/kasus/{case.pk}/#tugas-{task.pk}")

    form = page.locator(f"#tugas-{task.pk} form.step-form")
    form.get_by_label("Laporan dugaan pelanggaran Perda").check()
    form.get_by_role("button", name="Selesaikan").click()
    page.wait_for_url(f"{base}/kasus/{case.pk}/")
    expect(page.get_by_role("status")).to_contain_text(f"Tugas “{task.title}” selesai.")
    nxt = live(case)
    assert nxt.step_id == "kasi_teruskan"
    # The Staf holds no Kasi position: the next step is shown, without a form.
    expect(page.locator(f"#tugas-{nxt.pk}")).to_contain_text(nxt.title)
    expect(page.locator(f"#tugas-{nxt.pk} form.step-form")).to_have_count(0)

    log_out(page, base)
    log_in(page, base, demo_org.user("kasi.krj"))
    page.goto(f"{base}/tugas/")
    card = page.locator(".task-card", has_text=case.number)
    expect(card).to_contain_text(nxt.title)
    card.get_by_role("link", name=nxt.title).click()
    expect(page.locator(f"#tugas-{nxt.pk} form.step-form")).to_be_visible()


def test_a_wrong_value_comes_back_beside_its_field_in_the_browser(
    browser_page: Page, live_server: LiveServer, demo_org
) -> None:
    page, base = browser_page, live_server.url
    case = start_pgd(demo_org)
    for username in ("staf.krj", "kasi.krj"):
        task_complete_written(task=live(case), actor=demo_org.person(username))
    task = live(case)
    log_in(page, base, demo_org.user("camat.krj"))
    page.goto(f"{base}/kasus/{case.pk}/")
    form = page.locator(f"#tugas-{task.pk} form.step-form")
    form.get_by_role("button", name="Selesaikan").click()
    error = page.locator("#f-arahan-error")
    expect(error).to_contain_text("“Arahan kepada Kasi” wajib diisi.")
    page.get_by_label("Arahan kepada Kasi").fill("Tindak lanjuti bersama Satpol PP")
    page.locator(f"#tugas-{task.pk} form.step-form").get_by_role(
        "button", name="Selesaikan"
    ).click()
    expect(page.get_by_role("status")).to_contain_text("selesai")
    assert live(case).step_id == "koordinasi_tindak"


def test_the_case_list_filters_with_htmx_without_reloading_the_page(
    browser_page: Page, live_server: LiveServer, demo_org
) -> None:
    page, base = browser_page, live_server.url
    pgd = start_pgd(demo_org)
    ppl = case_start_written(
        sop_code="PPL",
        unit=demo_org.unit("KRJ"),
        actor=demo_org.person("kasi.krj"),
        subject="Laporan lokalisasi di Desa Tamansari",
        data={"sumber": "Desa Tamansari", "lokasi": "Desa Tamansari", "uraian": "Laporan"},
    )
    log_in(page, base, demo_org.user("camat.krj"))
    page.goto(f"{base}/kasus/")
    results = page.locator("#results")
    expect(results).to_contain_text(pgd.number)
    expect(results).to_contain_text(ppl.number)
    page.evaluate("window.notReloaded = true")
    page.get_by_label("SOP").select_option("PPL")
    expect(results).not_to_contain_text(pgd.number)
    expect(results).to_contain_text(ppl.number)
    assert page.evaluate("window.notReloaded") is True  # swapped in place
    assert "sop=PPL" in page.url  # and the address keeps the filter


def test_the_pages_of_a_case_fit_a_360_pixel_phone(
    browser_page: Page, live_server: LiveServer, demo_org
) -> None:
    """A Cipondoh PPL case at the Sekcam's decision: the longest form with two buttons."""
    page, base = browser_page, live_server.url
    case = case_start_written(
        sop_code="PPL",
        unit=demo_org.unit("CPD"),
        actor=demo_org.person("kasi.cpd"),
        subject="Dugaan lokalisasi di Jl. Kali Pasir, Kelurahan Cipondoh Makmur",
        data={
            "sumber": "Kelurahan Cipondoh Makmur",
            "lokasi": {"address": "Jl. Kali Pasir No. 12", "lat": -6.18, "lon": 106.66},
            "uraian": "Laporan warga tentang rumah kos yang dipakai sebagai lokalisasi",
        },
    )
    task_complete_written(
        task=live(case), actor=demo_org.person("camat.cpd"), data={"perintah": "Tertibkan"}
    )
    kasi = demo_org.person("kasi.cpd")
    draft = services.attachment_add(
        case=case, actor=kasi, name="draft.png", content=io.BytesIO(PNG), task=live(case)
    )
    task_complete_written(
        task=live(case), actor=kasi, data={"draft": [draft.pk]}, attachments=[draft.pk]
    )
    page.set_viewport_size(PHONE)
    log_in(page, base, demo_org.user("sekcam.cpd"))
    page.goto(f"{base}/kasus/{case.pk}/")
    expect(page.get_by_role("button", name="Ada koreksi", exact=True)).to_be_visible()
    assert page_width(page) <= PHONE["width"] + 1
    # The branch buttons are wide enough to hit with a thumb.
    box = page.get_by_role("button", name="Tidak ada koreksi").bounding_box()
    assert box is not None and box["width"] > 0.7 * PHONE["width"] and box["height"] >= 40
    for path in ("/tugas/", "/kasus/", "/kasus/baru/"):
        page.goto(f"{base}{path}")
        assert page_width(page) <= PHONE["width"] + 1, path
