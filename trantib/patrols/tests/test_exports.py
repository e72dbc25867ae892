"""A patrol month as XLSX: the monthly report's totals, one row per patrol day with its report,
one row per finding — real date cells, text that stays text, another unit's plan a 404."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.urls import reverse

from trantib.api.services import api_token_create
from trantib.api.tests.support import ApiClient
from trantib.cases.models import Case
from trantib.core.tests.xlsx_support import (
    xlsx_cell,
    xlsx_column,
    xlsx_rows,
    xlsx_sheet,
    xlsx_title,
)
from trantib.enforcement.tests import ladder_support as ladder
from trantib.letters.tests.sop_desk import WIB
from trantib.patrols.models import PlanDay

from .test_pages import _client, _scheduled

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(demo_org):
    """August 2026 at Satpol PP Kota Tangerang: the 4th with one finding (Sutarman), the 5th
    nihil, its result typed starting with "="."""
    month = _scheduled(demo_org)
    tibum, _ = ladder.catalogue(demo_org, month.desk.now)
    violator = ladder.violator(demo_org)
    article = ladder.article(tibum, "Pasal 12 ayat (1)")
    month.desk.at(dt.datetime(2026, 8, 5, 13, 0, tzinfo=WIB))
    _row, token = api_token_create(user=demo_org.user("petugas1.pptng"), name="t")
    api = ApiClient(token)
    days = {d.day.day: d for d in PlanDay.objects.filter(plan=month.plan)}
    finding = {"violator": violator.pk, "articles": [article.pk], "place": "Trotoar Pasar Anyar"}
    with mock.patch("django.utils.timezone.now", return_value=month.desk.now):
        first = api.post(
            f"/patrols/days/{days[4].pk}/report",
            {
                "started": "08:05",
                "ended": "11:30",
                "places": [{"name": "Pasar Anyar"}],
                "result": "Satu PKL di trotoar",
                "findings": [finding],
            },
        )
        assert first.status_code == 201, first.json()
        second = api.post(
            f"/patrols/days/{days[5].pk}/report",
            {
                "started": "08:00",
                "ended": "11:00",
                "places": [{"name": "Taman Potret"}],
                "result": "=Tertib, tidak ada pelanggaran",
                "nihil": True,
            },
        )
        assert second.status_code == 201, second.json()
    return month


def test_the_month_xlsx_holds_the_totals_the_days_and_the_findings(demo_org, reported):
    client = _client(demo_org, "kabid.pptng")
    response = client.get(reverse("patrols:month_xlsx", args=[reported.plan.pk]))
    totals = xlsx_sheet(response, 0)
    title, unit, period = xlsx_title(totals)
    assert title == "Laporan hasil pelaksanaan tugas patroli bulan Agustus 2026"
    assert unit.startswith("Satuan Polisi Pamong Praja Kota Tangerang · Kasus ")
    assert period.startswith("Bulan: Agustus 2026 · diunduh ")
    assert xlsx_rows(totals) == [
        ["Hari patroli direncanakan", 2],
        ["Hari dilaporkan", 2],
        ["Laporan nihil", 1],
        ["Temuan", 1],
        ["Pelanggar", 1],
        ["Pelanggar berulang", 0],
    ]
    days = xlsx_sheet(response, 1)
    assert xlsx_column(days, "Tanggal") == [dt.datetime(2026, 8, 4), dt.datetime(2026, 8, 5)]
    assert xlsx_cell(days, 0, "Tanggal").is_date
    assert xlsx_column(days, "Laporan") == ["1 temuan", "Nihil"]
    assert xlsx_column(days, "Temuan") == [1, 0]
    assert xlsx_column(days, "Tempat") == ["Pasar Anyar", "Taman Potret"]
    result = xlsx_cell(days, 1, "Hasil patroli")
    assert result.value == "=Tertib, tidak ada pelanggaran" and result.data_type == "s"
    submitted = xlsx_cell(days, 1, "Dilaporkan")
    assert submitted.is_date and submitted.value == dt.datetime(2026, 8, 5, 13, 0)  # WIB
    findings = xlsx_sheet(response, 2)
    case = Case.objects.get(parent=reported.case)
    assert [r[:2] for r in xlsx_rows(findings)] == [[dt.datetime(2026, 8, 4), "Sutarman"]]
    assert xlsx_column(findings, "Nomor kasus") == [case.number]


def test_the_pages_link_the_xlsx_and_another_unit_gets_a_404(demo_org, reported):
    url = reverse("patrols:month_xlsx", args=[reported.plan.pk])
    client = _client(demo_org, "kabid.pptng")
    for page in ("patrols:month_report", "patrols:plan"):
        html = client.get(reverse(page, args=[reported.plan.pk])).content.decode()
        assert f'href="{url}"' in html, page
    assert _client(demo_org, "kasi.krw").get(url).status_code == 404
    assert client.get("/patroli/rencana/99999999/laporan.xlsx").status_code == 404
