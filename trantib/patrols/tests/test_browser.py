"""The issue's PPW scenario in a real Chromium: the Kasie plans the month with its team on the
calendar, an officer reports three days on a 360-px phone (one with a finding and its photo),
the finding stands on the ladder board and its map, and the monthly report's PDF carries every
daily report and the finding. Screenshots go to ``$TRANTIB_SCREENSHOTS`` (default /tmp/out)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from trantib.cases.models import Case
from trantib.enforcement.tests import ladder_support as ladder
from trantib.letters.tests import support as letter_support
from trantib.patrols.models import PlanDay, Report

from . import support

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("TRANTIB_SCREENSHOTS") or Path(tempfile.gettempdir()) / "out")


def _login(page: Page, base: str, username: str) -> None:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    page.context.clear_cookies()
    cookie = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": base}])


def test_plan_a_month_report_three_days_on_a_phone_and_print_the_monthly_report(
    browser_page: Page, live_server: LiveServer, demo_org, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    SHOTS.mkdir(parents=True, exist_ok=True)
    unit = demo_org.unit("PPTNG")
    now = timezone.now()
    today = timezone.localtime(now, unit.zone()).date()
    if now - dt.timedelta(hours=1) < dt.datetime.combine(today, dt.time(0, 0), tzinfo=unit.zone()):
        pytest.skip("the scenario reports today's patrol: not in the first hour of the day")
    # The last three days up to today, in this month; on its 1st and 2nd, the last three days
    # of the month before (reported late, as a team may).
    last = today if today.day >= 3 else today.replace(day=1) - dt.timedelta(days=1)
    start = dt.datetime.combine(last.replace(day=1), dt.time(7, 0), tzinfo=unit.zone())
    month = support.month(demo_org, start=start)
    ladder.catalogue(demo_org, start)
    days = [last - dt.timedelta(days=n) for n in (2, 1, 0)]
    page = browser_page
    base = live_server.url

    # The Kasie plans the three days on the calendar, with the team and its Danru.
    _login(page, base, "kasie.pptng")
    page.goto(f"{base}/patroli/rencana/{month.plan.pk}/")
    for day in days:
        page.locator(f"input[name=dates][value='{day.isoformat()}']").check()
    page.fill("#id_starts", "08:00")
    page.fill("#id_ends", "12:00")
    page.get_by_label("Pasar Anyar").check()
    page.select_option("#id_danru", label="Ahmad Fauzi · Petugas Operasional")
    page.get_by_label("Rina Marlina").check()
    page.get_by_role("button", name="Tambahkan").click()
    expect(page.locator(".month-grid")).to_contain_text("Ahmad Fauzi")
    expect(page.locator("td.today")).to_have_count(1 if last == today else 0)
    page.screenshot(path=str(SHOTS / "patrols-calendar-1280.png"), full_page=True)
    assert PlanDay.objects.filter(plan=month.plan).count() == 3
    month.desk.complete(month.case, "susun_jadwal", "kasie.pptng")

    # The Danru reports the three days on a phone: two nihil, one with a finding and a photo.
    page.set_viewport_size({"width": 360, "height": 800})
    _login(page, base, "petugas1.pptng")
    photo = tmp_path / "temuan.jpg"
    photo.write_bytes(letter_support.jpeg())
    for n, day in enumerate(days):
        plan_day = PlanDay.objects.get(plan=month.plan, day=day)
        page.goto(f"{base}/patroli/hari/{plan_day.pk}/lapor/")
        page.fill("#id_started", "08:10")
        page.fill("#id_ended", "11:45")
        page.fill("#id_place-0-name", f"Pasar Anyar hari {n + 1}")
        page.fill("#id_place-0-lat", "-6.17826")
        page.fill("#id_place-0-lon", "106.63112")
        page.fill("#id_result", f"Hasil patroli hari ke-{n + 1}")
        if n == 1:
            page.get_by_role("button", name="+ Temuan").click()
            page.fill("#id_result", f"Hasil patroli hari ke-{n + 1}")
            page.fill("#id_f0-place", "Trotoar depan Pasar Anyar")
            page.fill("#f0-v-name", "Darto Wiryono")
            page.fill("#f0-v-address", "Jl. Ki Samaun RT 02/RW 05")
            page.locator("input[name='f0-a-articles']").first.check()
            page.set_input_files("#id_f0-photos", str(photo))
            page.set_input_files("#id_photos", str(photo))
            page.screenshot(path=str(SHOTS / "patrols-report-finding-360.png"), full_page=True)
        else:
            page.get_by_label("Nihil (tidak ada temuan)").check()
        page.get_by_role("button", name="Simpan laporan").click()
        expect(page.locator("h1")).to_have_text("Laporan patroli harian")
        expect(page.locator("main")).to_contain_text(f"Hasil patroli hari ke-{n + 1}")
    assert Report.objects.filter(day__plan=month.plan).count() == 3
    finding_case = Case.objects.get(parent=month.case)
    page.screenshot(path=str(SHOTS / "patrols-report-saved-360.png"), full_page=True)

    # The finding is on the ladder board and its map.
    page.set_viewport_size({"width": 1280, "height": 900})
    _login(page, base, "kasat.pptng")
    page.goto(f"{base}/penegakan/")
    expect(page.locator("body")).to_contain_text("Darto Wiryono")
    expect(page.locator("body")).to_contain_text(finding_case.number)
    page.goto(f"{base}/penegakan/peta/")
    expect(page.locator("body")).to_contain_text("Darto Wiryono")

    # The monthly report: page and PDF with every daily report and the finding.
    page.goto(f"{base}/patroli/rencana/{month.plan.pk}/laporan/")
    expect(page.locator("body")).to_contain_text("Darto Wiryono")
    page.screenshot(path=str(SHOTS / "patrols-month-1280.png"), full_page=True)
    pdf = page.context.request.get(f"{base}/patroli/rencana/{month.plan.pk}/laporan.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text = subprocess.run(  # noqa: S603 — a fixed tool on our own PDF
        [shutil.which("pdftotext") or "pdftotext", "-", "-"],
        input=pdf.body(),
        capture_output=True,
        check=True,
    ).stdout.decode()
    for n in range(3):
        assert f"Hasil patroli hari ke-{n + 1}" in text
        assert f"Pasar Anyar hari {n + 1}" in text
    assert "Darto Wiryono" in text and finding_case.number in text
    (article,) = finding_case.enforcement.articles.all()
    assert article.label in text
