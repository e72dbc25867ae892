"""Every main page under the Content-Security-Policy in Chromium: the header is there, and the
pages and the vendored maps (Leaflet, markercluster) work with no violation reported — neither
as a ``securitypolicyviolation`` event nor as a console message."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, ConsoleMessage, expect
from pytest_django.live_server_helper import LiveServer

from trantib.conftest import DemoOrg
from trantib.reports.tests.dashboard_support import categories, complaint
from trantib.web.tests.test_browser import log_in
from trantib.web.tests.test_case_browser import start_pgd

pytestmark = pytest.mark.browser

# Recorded by the page itself from its first script on (an init script is not the page's own
# script, so the policy does not stop it).
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile
    + ":" + e.lineNumber);
});
"""


def test_every_main_page_works_under_the_policy_with_no_violation(
    chromium_browser: Browser, live_server: LiveServer, demo_org: DemoOrg
) -> None:
    case = start_pgd(demo_org)
    filed = complaint(categories()["cpd-pkl"], timezone.now() - dt.timedelta(minutes=30))
    base = live_server.url
    context = chromium_browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    context.add_init_script(LISTEN)
    page = context.new_page()
    console: list[str] = []

    def heard(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            console.append(message.text)

    page.on("console", heard)

    def visit(path: str) -> None:
        response = page.goto(f"{base}{path}")
        assert response is not None and response.ok, path
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy and "unsafe" not in policy, path
        page.wait_for_load_state("networkidle")
        seen = page.evaluate("window.__cspViolations")
        assert (seen, console) == ([], []), path

    # A citizen: the complaint form, the status lookup, the SOP page; the API docs.
    citizen = ("/lapor/", "/lacak/", f"/lacak/{filed.tracking}/", "/sop/PGD/", "/login/")
    for path in (*citizen, "/api/v1/docs"):
        visit(path)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Trantib API")  # Swagger ran

    log_in(page, base, demo_org.user("staf.krj"))
    for path in ("/", "/tugas/", "/kasus/", f"/kasus/{case.pk}/"):
        visit(path)
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.number)
    # The account page and the second factor's QR code (an image from a data: URI).
    visit("/akun/")
    visit("/akun/dua-langkah/")
    expect(page.get_by_role("img", name="Kode QR untuk aplikasi autentikator")).to_be_visible()

    page.get_by_role("button", name="Keluar").click()
    page.wait_for_url(f"{base}/login/")
    log_in(page, base, demo_org.user("camat.cpd"))
    visit("/laporan/dasbor/?unit=CPD")
    # The vendored Leaflet drew the dashboard's map: its script ran under script-src 'self'.
    expect(page.locator("#dash-map")).to_have_attribute("data-loaded", "1")
    expect(page.locator("#dash-map path.leaflet-interactive")).to_have_count(1)
    visit("/pengaduan/peta/")
    expect(page.locator(".leaflet-container").first).to_be_visible()
    expect(page.locator(".leaflet-marker-icon").first).to_be_visible()  # a cluster or a pin
    visit(f"/pengaduan/{filed.pk}/")
    # htmx still runs (no eval needed): the case list's filter swaps the results in place.
    visit("/kasus/")
    context.close()


def test_a_unit_picker_still_submits_itself_without_an_inline_handler(
    browser_page, live_server: LiveServer, demo_org: DemoOrg
) -> None:
    page, base = browser_page, live_server.url
    log_in(page, base, demo_org.user("sekda.tng"))
    page.goto(f"{base}/surat/pengaturan/")
    picker = page.get_by_label("Unit", exact=True)
    other = picker.locator("option:not([selected])").first
    code = other.get_attribute("value")
    picker.select_option(code)
    page.wait_for_url(f"{base}/surat/pengaturan/?unit={code}")
    expect(picker).to_have_value(code)
