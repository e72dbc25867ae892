"""The patrol pages and API: who sees and who plans, the calendar, the report form on a post,
the monthly report and its PDF, the case page's panel."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from django.test import Client
from django.urls import reverse

from trantib.api.services import api_token_create
from trantib.api.tests.support import ApiClient
from trantib.cases.models import Case
from trantib.enforcement.tests import ladder_support as ladder
from trantib.letters.tests.sop_desk import WIB
from trantib.patrols.models import PlanDay, Report

from . import support

pytestmark = pytest.mark.django_db


def _client(demo_org, login: str) -> Client:
    client = Client()
    client.force_login(demo_org.user(login))
    return client


def _scheduled(demo_org):
    month = support.month(demo_org)
    client = _client(demo_org, "kasie.pptng")
    petugas1, petugas2 = demo_org.person("petugas1.pptng"), demo_org.person("petugas2.pptng")
    page = client.post(
        reverse("patrols:plan", args=[month.plan.pk]),
        {
            "dates": ["2026-08-04", "2026-08-05"],
            "starts": "08:00",
            "ends": "12.00",
            "areas": [str(month.areas[0].pk)],
            "danru": str(petugas1.pk),
            "members": [str(petugas1.pk), str(petugas2.pk)],
        },
    )
    assert page.status_code == 302
    month.desk.complete(month.case, "susun_jadwal", "kasie.pptng")
    return month


def test_another_units_plan_day_and_report_are_404_and_the_api_too(demo_org):
    month = _scheduled(demo_org)
    day = PlanDay.objects.filter(plan=month.plan).first()
    outsider = _client(demo_org, "kasi.krw")
    for url in (
        reverse("patrols:plan", args=[month.plan.pk]),
        reverse("patrols:day", args=[day.pk]),
        reverse("patrols:day_report", args=[day.pk]),
        reverse("patrols:month_report", args=[month.plan.pk]),
        reverse("patrols:month_pdf", args=[month.plan.pk]),
    ):
        assert outsider.get(url).status_code == 404, url
    _row, token = api_token_create(user=demo_org.user("kasi.krw"), name="t")
    api = ApiClient(token)
    assert api.get(f"/patrols/plans/{month.plan.pk}").status_code == 404
    assert api.get("/patrols/plans").json() == []


def test_an_officer_sees_the_calendar_but_cannot_plan(demo_org):
    month = support.month(demo_org)
    officer = _client(demo_org, "petugas1.pptng")
    page = officer.get(reverse("patrols:plan", args=[month.plan.pk]))
    assert page.status_code == 200
    assert "Tambah hari patroli" not in page.content.decode()
    petugas1 = demo_org.person("petugas1.pptng")
    refused = officer.post(
        reverse("patrols:plan", args=[month.plan.pk]),
        {
            "dates": ["2026-08-04"],
            "starts": "08:00",
            "ends": "12:00",
            "areas": [str(month.areas[0].pk)],
            "danru": str(petugas1.pk),
        },
    )
    assert refused.status_code == 400
    assert "Hanya Kasat, Kabid dan Kasie" in refused.content.decode()
    assert not PlanDay.objects.exists()


def test_the_calendar_is_a_monday_first_grid_with_indonesian_day_names_and_a_list_by_day(demo_org):
    month = _scheduled(demo_org)
    page = _client(demo_org, "petugas1.pptng").get(reverse("patrols:plan", args=[month.plan.pk]))
    html = page.content.decode()
    assert html.index('<th scope="col">Senin</th>') < html.index('<th scope="col">Minggu</th>')
    assert "Selasa, 4 Agustus 2026" in html and "Rabu, 5 Agustus 2026" in html
    assert "Danru Ahmad Fauzi" in html and "Pasar Anyar" in html


def test_a_bad_time_in_the_bulk_form_names_the_field_and_keeps_the_picks(demo_org):
    month = support.month(demo_org)
    petugas1 = demo_org.person("petugas1.pptng")
    page = _client(demo_org, "kasie.pptng").post(
        reverse("patrols:plan", args=[month.plan.pk]),
        {
            "weekdays": ["5"],
            "starts": "jam 8",
            "ends": "12:00",
            "areas": [str(month.areas[0].pk)],
            "danru": str(petugas1.pk),
        },
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert "“Jam mulai” wajib diisi" in html
    assert 'name="weekdays" value="5" checked' in html


def test_the_report_form_keeps_what_was_typed_and_names_the_bad_field(demo_org):
    month = _scheduled(demo_org)
    month.desk.at(dt.datetime(2026, 8, 4, 13, 0, tzinfo=WIB))
    day = PlanDay.objects.get(plan=month.plan, day=dt.date(2026, 8, 4))
    client = _client(demo_org, "petugas1.pptng")
    url = reverse("patrols:day_report", args=[day.pk])
    assert client.get(url).status_code == 200
    page = client.post(
        url,
        {
            "place_count": "1",
            "finding_count": "0",
            "started": "08:00",
            "ended": "11:00",
            "place-0-name": "Pasar Anyar",
            "result": "",
            "outcome": "nihil",
        },
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert "“Hasil patroli” wajib diisi." in html and 'value="Pasar Anyar"' in html
    added = client.post(
        url,
        {
            "place_count": "1",
            "finding_count": "0",
            "action": "add_finding",
            "place-0-name": "Pasar Anyar",
        },
    )
    assert 'name="f0-place"' in added.content.decode()
    assert 'name="f0-v-violator"' in added.content.decode()
    assert (
        'name="f0-a-articles"' in added.content.decode()
        or "Katalog Perda" in added.content.decode()
    )


def test_the_case_page_shows_the_plan_compactly_and_links_the_days_report(demo_org):
    month = _scheduled(demo_org)
    page = _client(demo_org, "petugas1.pptng").get(reverse("cases:detail", args=[month.case.pk]))
    html = page.content.decode()
    assert "Rencana dan laporan patroli" in html
    day = PlanDay.objects.get(plan=month.plan, day=dt.date(2026, 8, 4))
    assert reverse("patrols:day_report", args=[day.pk]) in html


def test_the_monthly_report_page_pdf_and_api_carry_every_daily_report_and_the_finding(demo_org):
    month = _scheduled(demo_org)
    tibum, _ = ladder.catalogue(demo_org, month.desk.now)
    violator = ladder.violator(demo_org)
    article = ladder.article(tibum, "Pasal 12 ayat (1)")
    month.desk.at(dt.datetime(2026, 8, 5, 13, 0, tzinfo=WIB))
    _row, token = api_token_create(user=demo_org.user("petugas1.pptng"), name="t")
    api = ApiClient(token)
    days = {d.day.day: d for d in PlanDay.objects.filter(plan=month.plan)}
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=month.desk.now):
        first = api.post(
            f"/patrols/days/{days[4].pk}/report",
            {
                "started": "08:05",
                "ended": "11:30",
                "places": [{"name": "Pasar Anyar"}],
                "result": "Satu PKL di trotoar",
                "findings": [
                    {
                        "violator": violator.pk,
                        "articles": [article.pk],
                        "place": "Trotoar Pasar Anyar",
                    }
                ],
            },
        )
        assert first.status_code == 201, first.json()
        second = api.post(
            f"/patrols/days/{days[5].pk}/report",
            {
                "started": "08:00",
                "ended": "11:00",
                "places": [{"name": "Taman Potret"}],
                "result": "Tertib",
                "nihil": True,
            },
        )
        assert second.status_code == 201, second.json()
    case = Case.objects.get(parent=month.case)
    assert first.json()["findings"][0]["case"] == case.number
    client = _client(demo_org, "kabid.pptng")
    html = client.get(reverse("patrols:month_report", args=[month.plan.pk])).content.decode()
    assert "Satu PKL di trotoar" in html and "Tertib" in html and case.number in html
    pdf = client.get(reverse("patrols:month_pdf", args=[month.plan.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = subprocess.run(  # noqa: S603 — a fixed tool on our own PDF
        [shutil.which("pdftotext") or "pdftotext", "-", "-"],
        input=pdf.content,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for expected in (
        "4 Agustus 2026",
        "5 Agustus 2026",
        "Satu PKL di trotoar",
        "Tertib",
        "Sutarman",
        case.number,
        "Pasar Anyar",
        "Taman Potret",
    ):
        assert expected in text, expected
    detail = api.get(f"/patrols/plans/{month.plan.pk}").json()
    assert [d["report"]["nihil"] for d in detail["schedule"]] == [False, True]
    assert Report.objects.count() == 2


def test_the_kabid_reads_the_monthly_report_beside_the_evaluation(demo_org):
    from trantib.patrols import services

    month = _scheduled(demo_org)
    for day in (dt.date(2026, 8, 4), dt.date(2026, 8, 5)):
        month.desk.at(dt.datetime.combine(day, dt.time(13, 0), tzinfo=WIB))
        services.report_submit(
            day=PlanDay.objects.get(plan=month.plan, day=day),
            actor=demo_org.person("petugas1.pptng"),
            started=dt.time(8, 0),
            ended=dt.time(11, 0),
            places=[services.PlaceInput("Pasar Anyar")],
            result=f"Tertib pada {day.day}",
            nihil=True,
            now=month.desk.now,
        )
    desk = month.desk
    laporan = desk.draft(month.case, "terima_laporan", "kasie.pptng")
    desk.sign(desk.submit(laporan, "kasie.pptng"), "kasie.pptng")
    desk.complete(month.case, "terima_laporan", "kasie.pptng")
    page = _client(demo_org, "kabid.pptng").get(reverse("cases:detail", args=[month.case.pk]))
    html = page.content.decode()
    assert reverse("patrols:month_report", args=[month.plan.pk]) in html
    assert "2 dari 2 hari dilaporkan" in html
    assert "diisi dari temuan patroli" in html


def _report(demo_org, month, day: dt.date, place: str) -> Report:
    from trantib.patrols import services

    plan_day = PlanDay.objects.get(plan=month.plan, day=day)
    month.desk.at(max(month.desk.now, dt.datetime.combine(day, dt.time(13, 0), tzinfo=WIB)))
    return services.report_submit(
        day=plan_day,
        actor=demo_org.person("petugas1.pptng"),
        started=dt.time(8, 5),
        ended=dt.time(11, 40),
        places=[services.PlaceInput(place)],
        result="Wilayah tertib.",
        nihil=True,
        now=month.desk.now,
    )


def test_the_daily_reports_list_across_plans_by_unit_and_days(demo_org):
    month = _scheduled(demo_org)
    _report(demo_org, month, dt.date(2026, 8, 4), "Los Nomor Satu")
    _report(demo_org, month, dt.date(2026, 8, 5), "Gerbang Nomor Dua")
    client = _client(demo_org, "kasat.pptng")

    def listed(**params: str) -> set[str]:
        html = client.get(reverse("patrols:reports"), params).content.decode()
        return {p for p in ("Nomor Satu", "Nomor Dua") if p in html}

    assert listed() == {"Nomor Satu", "Nomor Dua"}
    assert listed(unit="PPTNG", dari="2026-08-05", sampai="2026-08-05") == {"Nomor Dua"}
    assert listed(unit="PEMKOT-TNG", sampai="2026-08-04") == {"Nomor Satu"}  # the subtree
    assert listed(unit="CPD") == set()
    html = client.get(reverse("patrols:reports"), {"unit": "PPTNG", "dari": "2026-08-05"})
    text = html.content.decode()
    assert "1 laporan harian" in text and "Rabu, 5 Agustus 2026" in text
    assert reverse("patrols:day_report", args=[PlanDay.objects.get(day="2026-08-05").pk]) in text
    bad = client.get(reverse("patrols:reports"), {"dari": "2026-02-31"}).content.decode()
    assert "Tanggal tidak dapat dibaca" in bad and "Nomor Satu" not in bad
    assert client.get(reverse("patrols:reports"), {"unit": "PP\x00TNG"}).status_code == 200
    assert listed_for(demo_org, "kasi.krw") == set()


def listed_for(demo_org, login: str) -> set[str]:
    html = _client(demo_org, login).get(reverse("patrols:reports")).content.decode()
    return {p for p in ("Nomor Satu", "Nomor Dua") if p in html}
