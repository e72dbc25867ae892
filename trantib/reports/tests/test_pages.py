"""The reports' shared pages: the index, and the list behind a figure with its download."""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from trantib.cases import services
from trantib.cases.models import Case
from trantib.core.xlsx import HEADER_ROW
from trantib.reports.figures import Figure, drill_cases, drill_href, drill_register
from trantib.reports.periods import period_parse
from trantib.reports.scope import scope_for

pytestmark = pytest.mark.django_db
WIB = zoneinfo.ZoneInfo("Asia/Jakarta")


def _complaints(scope, period, params):
    start, end = period.bounds(scope.zone)
    return Case.objects.filter(sop_code="PGD", opened_at__gte=start, opened_at__lt=end)


drill_register("test", "complaints", _complaints, title="Pengaduan yang masuk")


def client_for(demo_org, username: str) -> Client:
    client = Client()
    client.force_login(demo_org.user(username))
    return client


def _complaint(demo_org, unit: str, when: dt.datetime, subject: str) -> Case:
    return services.case_start(
        sop_code="PGD",
        unit=demo_org.unit(unit),
        actor=demo_org.person(f"staf.{unit.lower()}"),
        subject=subject,
        data={"saluran": "Datang ke kantor", "uraian": subject},
        now=when,
    )


@pytest.fixture
def october(demo_org):
    """Two complaints of Cipondoh in October (the first at its first minute), one a minute
    before October, one of Karawaci in October."""
    inside = [
        _complaint(demo_org, "CPD", dt.datetime(2026, 10, 1, 0, 0, tzinfo=WIB), "Baliho roboh"),
        _complaint(demo_org, "CPD", dt.datetime(2026, 10, 31, 23, 59, tzinfo=WIB), "PKL trotoar"),
    ]
    _complaint(demo_org, "CPD", dt.datetime(2026, 9, 30, 23, 59, tzinfo=WIB), "Bulan lalu")
    _complaint(demo_org, "KRW", dt.datetime(2026, 10, 10, 9, 0, tzinfo=WIB), "Tetangga")
    return inside


def test_a_figures_list_holds_exactly_its_cases(demo_org, october):
    client = client_for(demo_org, "camat.cpd")
    scope = scope_for(demo_org.user("camat.cpd"), "CPD")
    period = period_parse("2026-10")
    href = drill_href("test", "complaints", scope, period)
    assert drill_cases(demo_org.user("camat.cpd"), "test", "complaints", scope, period).count() == 2
    page = client.get(href).content.decode()
    assert "2 kasus" in page
    for case in october:
        assert case.number in page
    assert "Bulan lalu" not in page and "Tetangga" not in page


def test_a_parent_unit_sees_its_childrens_cases_a_sibling_does_not(demo_org, october):
    sekda = demo_org.user("sekda.tng")
    period = period_parse("2026-10")
    assert (
        drill_cases(sekda, "test", "complaints", scope_for(sekda, "PEMKOT-TNG"), period).count()
        == 3
    )
    krw = client_for(demo_org, "camat.krw")
    assert (
        krw.get(
            reverse("reports:drill"),
            {"laporan": "test", "angka": "complaints", "unit": "CPD", "periode": "2026-10"},
        ).status_code
        == 404
    )


def test_the_list_downloads_as_xlsx_with_the_same_rows(demo_org, october):
    client = client_for(demo_org, "camat.cpd")
    response = client.get(
        reverse("reports:drill"),
        {
            "laporan": "test",
            "angka": "complaints",
            "unit": "CPD",
            "periode": "2026-10",
            "format": "xlsx",
        },
    )
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet["A1"].value == "Pengaduan yang masuk"
    assert sheet["B2"].value is None and sheet["A2"].value == "Kecamatan Cipondoh"
    numbers = [sheet.cell(row=r, column=1).value for r in range(HEADER_ROW + 1, sheet.max_row + 1)]
    assert sorted(numbers) == sorted(c.number for c in october)
    assert sheet.cell(row=HEADER_ROW + 1, column=5).is_date


@pytest.mark.parametrize(
    "query",
    [
        {"laporan": "test", "angka": "nope", "periode": "2026-10"},
        {"laporan": "nope", "angka": "complaints"},
        {"laporan": "test", "angka": "complaints", "periode": "2026-13"},
        {"laporan": "test", "angka": "complaints", "unit": "X" * 300},
        {"laporan": "test", "angka": "complaints", "unit": "bad\x00"},
    ],
)
def test_a_bad_address_is_a_404_never_a_500(demo_org, query):
    assert client_for(demo_org, "camat.cpd").get(reverse("reports:drill"), query).status_code == 404


def test_the_index_lists_the_reports_and_the_nav_links_to_it(demo_org):
    page = client_for(demo_org, "anggota1.cpd").get(reverse("reports:index"))
    assert page.status_code == 200
    assert f'href="{reverse("reports:index")}"' in page.content.decode()


def test_a_figure_writes_numbers_the_indonesian_way():
    assert Figure("x", 12345).shown == "12.345"
    assert Figure("x", 87.5, unit="%").shown == "87,5%"
    assert Figure("x", 3.0, unit="hari").shown == "3 hari"
    assert Figure("x", None).shown == "—"
