"""The case list's and Tugas Saya's XLSX: exactly the rows the page's filters select (every
page), title rows, real date-time cells on the unit's clock, text that stays text, nothing of
another unit, and a bound on the rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from trantib.cases.models import Case
from trantib.core.tests.xlsx_support import (
    xlsx_cell,
    xlsx_column,
    xlsx_headers,
    xlsx_rows,
    xlsx_sheet,
    xlsx_title,
)
from trantib.demo.letters import case_start_written

pytestmark = pytest.mark.django_db

# 23.30 UTC on 2 March is 06.30 on 3 March in WIB (Kerjo's clock).
LONG_AGO = dt.datetime(2026, 3, 2, 23, 30, tzinfo=dt.UTC)


def pgd(demo_org, subject: str, *, unit: str = "KRJ", login: str = "staf.krj", now=None) -> Case:
    return case_start_written(
        sop_code="PGD",
        unit=demo_org.unit(unit),
        actor=demo_org.person(login),
        subject=subject,
        data={"saluran": "SMS", "uraian": "Warung karaoke buka sampai pukul 02.00"},
        now=now,
    )


def client_for(demo_org, login: str) -> Client:
    client = Client()
    client.force_login(demo_org.user(login))
    return client


@pytest.fixture
def cases(demo_org) -> dict[str, Case]:
    """Kerjo: a fresh complaint, a late one (opened in March, its step long overdue), one whose
    subject looks like a formula, and a PPL case; Cipondoh: a complaint nobody in Kerjo sees."""
    return {
        "fresh": pgd(demo_org, "Parkir liar di depan pasar"),
        "late": pgd(demo_org, "Warung remang-remang", now=LONG_AGO),
        "formula": pgd(demo_org, '=HYPERLINK("http://x.example","klik")'),
        "ppl": case_start_written(
            sop_code="PPL",
            unit=demo_org.unit("KRJ"),
            actor=demo_org.person("kasi.krj"),
            subject="Laporan lokalisasi di Desa Tamansari",
            data={"sumber": "Desa Tamansari", "lokasi": "Desa Tamansari", "uraian": "Laporan"},
        ),
    }


def test_the_case_list_xlsx_holds_exactly_the_filtered_cases_with_title_rows(demo_org, cases):
    response = client_for(demo_org, "camat.krj").get(reverse("cases:list_xlsx"), {"sop": "PGD"})
    sheet = xlsx_sheet(response)
    title, unit, period = xlsx_title(sheet)
    assert title == "Daftar kasus"
    assert unit == "Kecamatan Kerjo"
    assert period.startswith("SOP: PGD — Pengamanan Pelaksanaan Perda · diunduh ")
    assert "Status" not in period  # "Semua" is no filter
    assert xlsx_headers(sheet) == [
        "Nomor",
        "Perihal",
        "Kode SOP",
        "SOP",
        "Unit",
        "Dibuka",
        "Selesai",
        "Status",
        "Terlambat",
    ]
    # The three Kerjo complaints, newest first as on the page; the PPL case is filtered out.
    numbers = xlsx_column(sheet, "Nomor")
    assert sorted(numbers) == sorted(cases[k].number for k in ("fresh", "late", "formula"))
    assert cases["ppl"].number not in numbers
    assert set(xlsx_column(sheet, "Unit")) == {"Kecamatan Kerjo"}
    late_row = numbers.index(cases["late"].number)
    assert xlsx_column(sheet, "Terlambat")[late_row] == "Ya"
    assert xlsx_column(sheet, "Terlambat")[numbers.index(cases["fresh"].number)] is None
    # The list and the export agree on the rows (the page counts them too).
    page = client_for(demo_org, "camat.krj").get(reverse("cases:list"), {"sop": "PGD"})
    assert "3 pengaduan." in page.content.decode()


def test_the_opened_cell_is_a_real_date_time_on_the_units_clock(demo_org, cases):
    sheet = xlsx_sheet(
        client_for(demo_org, "camat.krj").get(reverse("cases:list_xlsx"), {"q": "remang"})
    )
    assert len(xlsx_rows(sheet)) == 1
    opened = xlsx_cell(sheet, 0, "Dibuka")
    assert opened.is_date
    assert opened.value == dt.datetime(2026, 3, 3, 6, 30)  # WIB, not UTC
    assert opened.number_format == "DD/MM/YYYY HH:MM"
    link = xlsx_cell(sheet, 0, "Nomor").hyperlink.target
    assert link == f"http://testserver{reverse('cases:detail', args=[cases['late'].pk])}"


def test_a_subject_that_looks_like_a_formula_stays_text(demo_org, cases):
    sheet = xlsx_sheet(
        client_for(demo_org, "camat.krj").get(reverse("cases:list_xlsx"), {"q": "HYPERLINK"})
    )
    cell = xlsx_cell(sheet, 0, "Perihal")
    assert cell.value == '=HYPERLINK("http://x.example","klik")'
    assert cell.data_type == "s"


def test_the_dates_filter_is_applied_and_named_in_the_title(demo_org, cases):
    day = timezone.localdate()
    sheet = xlsx_sheet(
        client_for(demo_org, "camat.krj").get(
            reverse("cases:list_xlsx"), {"dari": day.isoformat(), "sop": "PGD"}
        )
    )
    numbers = xlsx_column(sheet, "Nomor")
    assert sorted(numbers) == sorted([cases["fresh"].number, cases["formula"].number])
    assert "Dibuka dari: " in xlsx_title(sheet)[2]


def test_an_officer_of_another_kecamatan_exports_none_of_kerjos_cases(demo_org, cases):
    mine = pgd(demo_org, "Parkir liar Cipondoh", unit="CPD", login="staf.cpd")
    sheet = xlsx_sheet(client_for(demo_org, "staf.cpd").get(reverse("cases:list_xlsx")))
    numbers = xlsx_column(sheet, "Nomor")
    assert mine.number in numbers
    assert not {c.number for c in cases.values()} & set(numbers)
    assert xlsx_title(sheet)[1] == "Kecamatan Cipondoh"
    # And Kerjo's Camat none of Cipondoh's.
    krj = xlsx_sheet(client_for(demo_org, "camat.krj").get(reverse("cases:list_xlsx")))
    assert mine.number not in xlsx_column(krj, "Nomor")


def test_an_export_above_the_bound_goes_back_to_the_list_with_a_message(demo_org, cases, settings):
    settings.TRANTIB_EXPORT_MAX_ROWS = 3
    client = client_for(demo_org, "camat.krj")
    response = client.get(reverse("cases:list_xlsx"), {"sop": "PGD", "halaman": "2"})
    assert response.status_code == 200  # exactly 3: allowed
    response = client.get(reverse("cases:list_xlsx"), {"status": "open", "halaman": "2"})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('cases:list')}?status=open"
    page = client.get(response["Location"]).content.decode()
    assert "Daftar ini berisi 4 baris; unduhan XLSX paling banyak 3 baris." in page


def test_the_case_list_links_its_xlsx_with_the_filters_but_not_the_page(demo_org, cases):
    html = client_for(demo_org, "camat.krj").get(
        reverse("cases:list"), {"sop": "PGD", "halaman": "1"}
    )
    assert f'href="{reverse("cases:list_xlsx")}?sop=PGD"' in html.content.decode()


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    for name in ("cases:list_xlsx", "cases:my_tasks_xlsx"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/login/" in response["Location"]


# -- Tugas Saya ---------------------------------------------------------------------------------


def test_tugas_saya_xlsx_lists_the_tasks_of_the_page_grouped_as_there(demo_org, cases):
    response = client_for(demo_org, "staf.krj").get(reverse("cases:my_tasks_xlsx"))
    sheet = xlsx_sheet(response)
    assert xlsx_title(sheet)[0] == "Tugas Saya — Endang Sulistyowati"
    assert xlsx_title(sheet)[1] == "Kecamatan Kerjo"
    numbers = xlsx_column(sheet, "Nomor kasus")
    # The Staf's three complaints wait at "staf_sampaikan"; the PPL case waits for the Camat.
    assert sorted(numbers) == sorted(cases[k].number for k in ("fresh", "late", "formula"))
    groups = dict(zip(numbers, xlsx_column(sheet, "Kelompok"), strict=True))
    assert groups[cases["late"].number] == "Terlambat"
    assert numbers[0] == cases["late"].number  # the late ones first, as on the page
    started = xlsx_cell(sheet, 0, "Mulai")
    assert started.is_date and started.value == dt.datetime(2026, 3, 3, 6, 30)
    page = client_for(demo_org, "staf.krj").get(reverse("cases:my_tasks")).content.decode()
    assert "3 tugas menunggu" in page
    assert f'href="{reverse("cases:my_tasks_xlsx")}"' in page


def test_tugas_saya_xlsx_of_someone_else_holds_none_of_the_staf_s_tasks(demo_org, cases):
    sheet = xlsx_sheet(client_for(demo_org, "kasi.krw").get(reverse("cases:my_tasks_xlsx")))
    assert not {c.number for c in cases.values()} & set(xlsx_column(sheet, "Nomor kasus"))


def test_the_exports_run_the_same_queries_for_few_cases_or_many(
    demo_org, cases, django_assert_max_num_queries
):
    client = client_for(demo_org, "staf.krj")
    with django_assert_max_num_queries(6):  # session, user, units, count, late, rows
        client.get(reverse("cases:list_xlsx"))
    with django_assert_max_num_queries(9):
        client.get(reverse("cases:my_tasks_xlsx"))
    for i in range(6):
        pgd(demo_org, f"Laporan tambahan {i}")
    with django_assert_max_num_queries(6):
        assert len(xlsx_rows(xlsx_sheet(client.get(reverse("cases:list_xlsx"))))) == 10
    with django_assert_max_num_queries(9):
        assert len(xlsx_rows(xlsx_sheet(client.get(reverse("cases:my_tasks_xlsx"))))) == 9
