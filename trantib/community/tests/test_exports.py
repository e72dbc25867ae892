"""The Polmas activity list's XLSX: the activities its filters select, title rows, real date
cells, text that stays text, another unit's list a 404 as the page, the bound on rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from trantib.community import services
from trantib.community.models import Activity, Pos
from trantib.core.tests.xlsx_support import (
    xlsx_cell,
    xlsx_column,
    xlsx_rows,
    xlsx_sheet,
    xlsx_title,
)

from .conftest import wita

pytestmark = pytest.mark.django_db

URL = "/polmas/kegiatan/ekspor.xlsx"


def client_for(demo_org, login: str) -> Client:
    client = Client()
    client.force_login(demo_org.user(login))
    return client


@pytest.fixture
def december(programme) -> None:
    """4-6 December: Satria in Biawao each day (the 4th held, topics typed by its officer, the
    others missed), Khidmat on Friday the 4th and Sapta on Saturday the 5th (missed)."""
    for day in (4, 5, 6):
        services.activities_open(now=wita(day))
    held = Activity.objects.get(pos=Pos.SATRIA, day=dt.date(2026, 12, 4))
    services.activity_record(
        activity=held,
        actor=held.officer,
        held_at=wita(4, 8, 15),
        held_place="Pos Kamling Biawao",
        attendance=6,
        topics=["=SUM(A1) bukan rumus", "Ronda malam"],
        warnings_kept=True,
        now=wita(4, 9),
    )
    services.activities_mark_missed(now=wita(7, 13))


def test_the_xlsx_holds_exactly_the_filtered_activities(demo_org, december):
    sheet = xlsx_sheet(
        client_for(demo_org, "kbo.binmas").get(
            URL, {"unit": "BINMAS", "bulan": "2026-12", "pos": "pos_satria", "status": "missed"}
        )
    )
    title, unit, period = xlsx_title(sheet)
    assert (title, unit) == ("Kegiatan Polmas", "Satbinmas Polres Gorontalo Kota")
    assert period.startswith("Bulan: Desember 2026 · Kegiatan: Pos Satria · Status: ")
    days = xlsx_column(sheet, "Tanggal")
    assert days == [dt.datetime(2026, 12, 5), dt.datetime(2026, 12, 6)]  # the 4th was held
    assert xlsx_cell(sheet, 0, "Tanggal").is_date
    assert set(xlsx_column(sheet, "Desa/kelurahan")) == {"Biawao"}


def test_a_held_activity_has_its_time_on_gorontalos_clock_and_its_topics_as_text(
    demo_org, december
):
    sheet = xlsx_sheet(
        client_for(demo_org, "kbo.binmas").get(
            URL, {"unit": "BINMAS", "bulan": "2026-12", "status": "held"}
        )
    )
    assert len(xlsx_rows(sheet)) == 1
    held = xlsx_cell(sheet, 0, "Dilaksanakan")
    assert held.is_date and held.value == dt.datetime(2026, 12, 4, 8, 15)  # WITA
    topics = xlsx_cell(sheet, 0, "Topik")
    assert topics.value == "=SUM(A1) bukan rumus; Ronda malam" and topics.data_type == "s"
    assert xlsx_column(sheet, "Jumlah hadir") == [6]


def test_the_list_links_its_xlsx_with_its_filters(demo_org, december):
    query = "unit=BINMAS&bulan=2026-12&pos=pos_satria"
    html = client_for(demo_org, "kbo.binmas").get(f"/polmas/kegiatan/?{query}").content.decode()
    assert f'href="{URL}?{query.replace("&", "&amp;")}"' in html


def test_another_units_officer_gets_a_404_and_bad_input_never_a_500(demo_org, december):
    outsider = client_for(demo_org, "camat.cpd")
    assert outsider.get(URL, {"unit": "BINMAS"}).status_code == 404
    kbo = client_for(demo_org, "kbo.binmas")
    for query in (
        "unit=BIN%00MAS",
        "unit=BINMAS&petugas=99999999999999999999",
        "unit=BINMAS&bulan=9999-12",
        "unit=BINMAS&desa=a%00b",
        "unit=NOPE",
    ):
        assert kbo.get(f"{URL}?{query}").status_code in (200, 404), query


def test_a_list_above_the_bound_is_refused_with_a_message(demo_org, december, settings):
    settings.TRANTIB_EXPORT_MAX_ROWS = 2
    kbo = client_for(demo_org, "kbo.binmas")
    response = kbo.get(URL, {"unit": "BINMAS", "bulan": "2026-12"})
    assert response.status_code == 302
    assert response["Location"] == "/polmas/kegiatan/?unit=BINMAS&bulan=2026-12"
    assert "Daftar ini berisi 5 baris" in kbo.get(response["Location"]).content.decode()
