"""The complaint list's XLSX: the filtered rows (every page), title rows, real date-time cells
on the unit's clock, text that stays text, the reporter as the list shows them to that reader,
nothing of another unit, and the bound on the rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from trantib.complaints import services
from trantib.complaints.models import Complaint
from trantib.core.tests.xlsx_support import (
    xlsx_cell,
    xlsx_column,
    xlsx_headers,
    xlsx_sheet,
    xlsx_title,
)

pytestmark = pytest.mark.django_db

# 17.05 UTC on 1 October is 00.05 on 2 October in WIB.
RECEIVED = dt.datetime(2026, 10, 1, 17, 5, tzinfo=dt.UTC)


def client_for(demo_org, login: str) -> Client:
    client = Client()
    client.force_login(demo_org.user(login))
    return client


@pytest.fixture
def complaints(demo_org, complaint_categories) -> dict[str, Complaint]:
    """Kerjo: two PKL complaints (one from a confidential reporter, one whose text looks like a
    formula) and a building complaint; Cipondoh: a PKL complaint."""
    cats = complaint_categories
    return {
        "secret": services.complaint_file(
            channel="web",
            category=cats["pkl"],
            description="Lapak menutup trotoar depan Pasar Kerjo",
            kelurahan="Kuto",
            reporter_name="Sri Wahyuningsih",
            reporter_phone="0812-7766-5544",
            confidential=True,
            now=RECEIVED,
        ),
        "formula": services.complaint_file(
            channel="web",
            category=cats["pkl"],
            description="=1+2 lapak di bahu jalan",
            kelurahan="Botok",
            reporter_name="Budi Raharjo",
        ),
        "building": services.complaint_file(
            channel="web",
            category=cats["bangunan"],
            description="Gudang baru menutup saluran air",
            kelurahan="Gempolan",
        ),
        "cipondoh": services.complaint_file(
            channel="web",
            category=cats["cpd-pkl"],
            description="Pedagang di trotoar Jl. Hasyim Ashari",
        ),
    }


def test_the_xlsx_holds_exactly_the_filtered_complaints_with_title_rows(demo_org, complaints):
    response = client_for(demo_org, "staf.krj").get(
        reverse("complaints:export_xlsx"), {"category": "pkl", "halaman": "3"}
    )
    sheet = xlsx_sheet(response)
    title, unit, period = xlsx_title(sheet)
    assert title == "Daftar pengaduan"
    assert unit == "Kecamatan Kerjo"
    assert period.startswith(f"Jenis: {complaints['secret'].category.name} · diunduh ")
    assert xlsx_headers(sheet)[:4] == ["Nomor pelacakan", "Diterima", "Saluran", "Jenis"]
    tracking = xlsx_column(sheet, "Nomor pelacakan")
    assert sorted(tracking) == sorted(complaints[k].tracking for k in ("secret", "formula"))
    assert complaints["building"].tracking not in tracking  # filtered out
    assert complaints["cipondoh"].tracking not in tracking  # another unit's


def test_the_received_cell_is_a_real_date_time_in_wib(demo_org, complaints):
    sheet = xlsx_sheet(
        client_for(demo_org, "staf.krj").get(reverse("complaints:export_xlsx"), {"q": "trotoar"})
    )
    received = xlsx_cell(sheet, 0, "Diterima")
    assert received.is_date and received.value == dt.datetime(2026, 10, 2, 0, 5)


def test_a_description_starting_with_a_formula_sign_stays_text(demo_org, complaints):
    sheet = xlsx_sheet(
        client_for(demo_org, "staf.krj").get(reverse("complaints:export_xlsx"), {"q": "bahu"})
    )
    cell = xlsx_cell(sheet, 0, "Uraian")
    assert cell.value == "=1+2 lapak di bahu jalan" and cell.data_type == "s"


def test_the_reporter_is_shown_as_the_list_shows_it_to_that_reader(demo_org, complaints):
    query = {"q": "trotoar"}
    staf = xlsx_sheet(
        client_for(demo_org, "staf.krj").get(reverse("complaints:export_xlsx"), query)
    )
    assert xlsx_column(staf, "Pelapor") == ["Sri Wahyuningsih"]
    assert xlsx_column(staf, "Telepon pelapor") == ["+6281277665544"]
    sekcam = xlsx_sheet(
        client_for(demo_org, "sekcam.krj").get(reverse("complaints:export_xlsx"), query)
    )
    assert xlsx_column(sekcam, "Pelapor") == ["Dirahasiakan"]
    assert xlsx_column(sekcam, "Telepon pelapor") == [None]


def test_another_kecamatan_exports_only_its_own_complaints(demo_org, complaints):
    sheet = xlsx_sheet(client_for(demo_org, "staf.cpd").get(reverse("complaints:export_xlsx")))
    assert xlsx_column(sheet, "Nomor pelacakan") == [complaints["cipondoh"].tracking]


def test_the_list_links_the_xlsx_with_its_filters(demo_org, complaints):
    html = client_for(demo_org, "staf.krj").get(
        reverse("complaints:list"), {"category": "pkl", "halaman": "1"}
    )
    assert f'href="{reverse("complaints:export_xlsx")}?category=pkl"' in html.content.decode()


def test_an_export_above_the_bound_is_refused_with_a_message(demo_org, complaints, settings):
    settings.TRANTIB_EXPORT_MAX_ROWS = 2
    client = client_for(demo_org, "staf.krj")
    response = client.get(reverse("complaints:export_xlsx"))
    assert response.status_code == 302 and response["Location"] == reverse("complaints:list")
    page = client.get(response["Location"]).content.decode()
    assert "Daftar ini berisi 3 baris; unduhan XLSX paling banyak 2 baris." in page
    assert client.get(reverse("complaints:export_xlsx"), {"category": "pkl"}).status_code == 200


def test_the_export_runs_the_same_queries_for_few_complaints_or_many(
    demo_org, complaints, complaint_categories, django_assert_max_num_queries
):
    client = client_for(demo_org, "staf.krj")
    with django_assert_max_num_queries(8):
        client.get(reverse("complaints:export_xlsx"))
    for i in range(5):
        services.complaint_file(
            channel="web",
            category=complaint_categories["hiburan"],
            description=f"Karaoke buka lewat tengah malam, laporan {i}",
        )
    with django_assert_max_num_queries(8):
        sheet = xlsx_sheet(client.get(reverse("complaints:export_xlsx")))
    assert len(xlsx_column(sheet, "Nomor pelacakan")) == 8
