"""The enforcement app's XLSX: the violators register (filtered rows, every page, masked as on
the page), the ladder board (its filtered rows) and the Perda catalogue — title rows, real date
cells on the unit's clock, text that stays text, nothing of another unit, the bound on rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from trantib.core.tests.xlsx_support import (
    xlsx_cell,
    xlsx_column,
    xlsx_headers,
    xlsx_rows,
    xlsx_sheet,
    xlsx_title,
)
from trantib.enforcement import services
from trantib.enforcement.models import Enforcement, FindingSource, Violator
from trantib.enforcement.tests import ladder_support as support

pytestmark = pytest.mark.django_db

NIK = "3671011705850001"
NIK_MASKED = "3671••••••••0001"
# 20.00 UTC on 30 June is 03.00 on 1 July in WIB.
RECORDED = dt.datetime(2026, 6, 30, 20, 0, tzinfo=dt.UTC)


def client_for(demo_org, login: str) -> Client:
    client = Client()
    client.force_login(demo_org.user(login))
    return client


@pytest.fixture
def violators(demo_org) -> dict[str, Violator]:
    """Satpol PP Kota Tangerang: two in Babakan (a person with a NIK, a business whose name
    looks like a formula) and one in Cibodas; Karawaci: one in Babakan too."""
    pptng = demo_org.unit("PPTNG")
    kasie = demo_org.person("kasie.pptng")
    return {
        "budi": services.violator_create(
            unit=pptng,
            actor=kasie,
            kind="orang",
            name="Budi Hartono",
            nik=NIK,
            phone="0812-7766-5544",
            address="Jl. Gatot Subroto No. 14",
            desa="Babakan",
            kecamatan="Tangerang",
            now=RECORDED,
        ),
        "formula": services.violator_create(
            unit=pptng,
            actor=kasie,
            kind="usaha",
            name="=HYPERLINK(1) Toko",
            business_type="Toko kelontong",
            desa="Babakan",
        ),
        "cibodas": services.violator_create(
            unit=pptng, actor=kasie, kind="orang", name="Siti Rahma", desa="Cibodas"
        ),
        "karawaci": Violator.objects.create(
            unit=demo_org.unit("KRW"),
            kind="orang",
            name="Andi Karawaci",
            desa="Babakan",
            created_at=RECORDED,
        ),
    }


# -- the violators register ---------------------------------------------------------------------


def test_the_register_xlsx_holds_exactly_the_filtered_violators(demo_org, violators):
    response = client_for(demo_org, "kasie.pptng").get(
        reverse("enforcement:violator_export_xlsx"), {"desa": "Babakan", "halaman": "2"}
    )
    sheet = xlsx_sheet(response)
    title, unit, period = xlsx_title(sheet)
    assert title == "Daftar pelanggar"
    assert unit == "Satuan Polisi Pamong Praja Kota Tangerang"
    assert period.startswith("Desa/kelurahan: Babakan · diunduh ")
    assert xlsx_headers(sheet)[:4] == ["Unit", "Jenis", "Nama", "NIK"]
    # By name, as on the page: the Cibodas one filtered out, Karawaci's never there.
    assert xlsx_column(sheet, "Nama") == ["=HYPERLINK(1) Toko", "Budi Hartono"]
    assert xlsx_cell(sheet, 0, "Nama").data_type == "s"
    recorded = xlsx_cell(sheet, 1, "Dicatat")
    assert recorded.is_date and recorded.value == dt.datetime(2026, 7, 1, 3, 0)
    link = xlsx_cell(sheet, 1, "Nama").hyperlink.target
    assert link.endswith(reverse("enforcement:violator_detail", args=[violators["budi"].pk]))


def test_an_enforcement_officer_reads_the_nik_and_a_supervisor_the_mask(demo_org, violators):
    url = reverse("enforcement:violator_export_xlsx")
    officer = xlsx_sheet(client_for(demo_org, "kasie.pptng").get(url, {"q": "Budi"}))
    assert xlsx_column(officer, "NIK") == [NIK]
    assert xlsx_column(officer, "Telepon") == ["+6281277665544"]
    assert xlsx_column(officer, "Alamat") == ["Jl. Gatot Subroto No. 14"]
    sekda = xlsx_sheet(client_for(demo_org, "sekda.tng").get(url, {"q": "Budi"}))
    assert xlsx_column(sekda, "Nama") == ["Budi Hartono"]
    assert xlsx_column(sekda, "NIK") == [NIK_MASKED]
    assert "7766" not in str(xlsx_column(sekda, "Telepon"))
    assert xlsx_column(sekda, "Alamat") == ["•••"]


def test_another_units_officer_exports_none_of_the_register(demo_org, violators):
    sheet = xlsx_sheet(
        client_for(demo_org, "kasi.krw").get(reverse("enforcement:violator_export_xlsx"))
    )
    assert xlsx_column(sheet, "Nama") == ["Andi Karawaci"]


def test_the_register_links_its_xlsx_with_the_filters(demo_org, violators):
    html = client_for(demo_org, "kasie.pptng").get(
        reverse("enforcement:violators"), {"desa": "Babakan"}
    )
    expected = f'href="{reverse("enforcement:violator_export_xlsx")}?desa=Babakan"'
    assert expected in html.content.decode()


def test_a_register_above_the_bound_is_refused_with_a_message(demo_org, violators, settings):
    settings.TRANTIB_EXPORT_MAX_ROWS = 2
    client = client_for(demo_org, "kasie.pptng")
    response = client.get(reverse("enforcement:violator_export_xlsx"))
    assert response.status_code == 302
    assert response["Location"] == reverse("enforcement:violators")
    assert "Daftar ini berisi 3 baris" in client.get(response["Location"]).content.decode()
    url = reverse("enforcement:violator_export_xlsx")
    assert client.get(url, {"desa": "Babakan"}).status_code == 200


# -- the ladder board ---------------------------------------------------------------------------


@pytest.fixture
def board(demo_org, violators) -> dict[str, Enforcement]:
    """Two open enforcements: Budi for Pasal 14, Siti for Pasal 12 ayat (1)."""
    now = timezone.now()
    tibum, _reklame = support.catalogue(demo_org, now)

    def finding(violator: Violator, label: str) -> Enforcement:
        return services.finding_open(
            unit=demo_org.unit("PPTNG"),
            actor=demo_org.person("petugas1.pptng"),
            violator=violator,
            articles=[support.article(tibum, label)],
            place="Trotoar Jl. Sudirman",
            found_at=now - dt.timedelta(hours=1),
            source=FindingSource.PATROL,
            now=now,
        )

    return {
        "budi": finding(violators["budi"], "Pasal 14"),
        "siti": finding(violators["cibodas"], "Pasal 12 ayat (1)"),
    }


def test_the_board_xlsx_holds_the_boards_filtered_rows(demo_org, board):
    client = client_for(demo_org, "kasie.pptng")
    article = board["budi"].articles.get()
    sheet = xlsx_sheet(client.get(reverse("enforcement:board_xlsx"), {"pasal": article.pk}))
    title, _unit, period = xlsx_title(sheet)
    assert title == "Papan tangga teguran"
    assert period.startswith("Pasal: Pasal 14 Perda 8/2018")
    assert xlsx_column(sheet, "Pelanggar") == ["Budi Hartono"]
    assert xlsx_column(sheet, "Nomor kasus") == [board["budi"].case.number]
    assert xlsx_column(sheet, "Pasal") == [str(article)]
    deadline = xlsx_cell(sheet, 0, "Tenggat")
    assert deadline.is_date
    every = xlsx_sheet(client.get(reverse("enforcement:board_xlsx")))
    assert sorted(xlsx_column(every, "Pelanggar")) == ["Budi Hartono", "Siti Rahma"]
    assert xlsx_title(every)[2].startswith("Semua penegakan berjalan · diunduh ")
    late = xlsx_sheet(client.get(reverse("enforcement:board_xlsx"), {"terlambat": "1"}))
    assert xlsx_rows(late) == []


def test_the_board_links_its_xlsx_and_an_outsider_exports_nothing(demo_org, board):
    html = client_for(demo_org, "kasie.pptng").get(
        reverse("enforcement:board"), {"desa": "Babakan"}
    )
    assert f'href="{reverse("enforcement:board_xlsx")}?desa=Babakan"' in html.content.decode()
    sheet = xlsx_sheet(client_for(demo_org, "kasi.krw").get(reverse("enforcement:board_xlsx")))
    assert xlsx_rows(sheet) == []


# -- the Perda catalogue ------------------------------------------------------------------------


def test_the_catalogue_xlsx_has_a_row_per_article_and_the_ladders(demo_org):
    tibum, reklame = support.catalogue(demo_org, timezone.now())
    response = client_for(demo_org, "kasie.pptng").get(reverse("enforcement:perda_xlsx"))
    articles = xlsx_sheet(response)
    assert xlsx_title(articles)[0] == "Katalog Perda dan tangga teguran"
    assert sorted(
        zip(xlsx_column(articles, "Peraturan"), xlsx_column(articles, "Pasal"), strict=True)
    ) == [
        (str(reklame), "Pasal 9"),
        (str(tibum), "Pasal 12 ayat (1)"),
        (str(tibum), "Pasal 14"),
    ]
    fines = dict(
        zip(
            xlsx_column(articles, "Pasal"),
            xlsx_column(articles, "Denda paling banyak (Rp)"),
            strict=True,
        )
    )
    assert fines["Pasal 12 ayat (1)"] == 5_000_000
    ladder = xlsx_sheet(response, 1)
    local = [r[2:] for r in xlsx_rows(ladder) if r[1] == str(reklame)]
    assert local == [
        ["Surat Pernyataan", 7, "Hari kalender"],
        ["Surat Teguran I", 5, "Hari kerja"],
        ["Surat Teguran II", 3, "Hari kerja"],
        ["Surat Teguran III", 3, "Hari kerja"],
    ]
    outsider = xlsx_sheet(client_for(demo_org, "kasi.krw").get(reverse("enforcement:perda_xlsx")))
    assert xlsx_rows(outsider) == []
