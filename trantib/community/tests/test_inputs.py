"""Typed query strings and ids on the Polmas pages and API: never a 500."""

from __future__ import annotations

import pytest

from trantib.api.services import api_token_create
from trantib.api.tests.support import ApiClient

pytestmark = pytest.mark.django_db

URLS = [
    "/polmas/?unit=BINMAS&tampilan=minggu&tanggal=9999-12-31",
    "/polmas/?unit=BINMAS&tampilan=minggu&tanggal=0001-01-01",
    "/polmas/?unit=BINMAS&bulan=9999-12",
    "/polmas/?unit=BINMAS&bulan=0001-01",
    "/polmas/?unit=BINMAS&bulan=2026-13",
    "/polmas/kegiatan/?unit=BINMAS&petugas=99999999999999999999",
    "/polmas/kegiatan/?unit=BINMAS&petugas=-3&bulan=9999-12",
    "/polmas/kegiatan/?unit=BINMAS&desa=a%00b",
    "/polmas/rekap/?unit=BINMAS&bulan=9999-12",
    "/polmas/rekap/?unit=BINMAS&bulan=0001-01",
    "/polmas/rekap.xlsx?unit=BINMAS&bulan=0001-01",
    "/polmas/?unit=BIN%00MAS",
]


@pytest.mark.parametrize("url", URLS)
def test_an_impossible_month_week_or_officer_falls_back_instead_of_failing(
    client, demo_org, programme, url
) -> None:
    client.force_login(demo_org.user("kbo.binmas"))
    assert client.get(url).status_code in (200, 404)


def test_a_year_outside_1900_2100_shows_the_current_month(client, demo_org, programme) -> None:
    client.force_login(demo_org.user("kbo.binmas"))
    far = client.get("/polmas/?unit=BINMAS&bulan=9999-12")
    assert far.status_code == 200 and "Desember 9999" not in far.content.decode()
    near = client.get("/polmas/?unit=BINMAS&bulan=2100-12").content.decode()
    assert "Desember 2100" in near


def test_ids_too_large_for_the_database_are_404(client, demo_org, programme) -> None:
    client.force_login(demo_org.user("kbo.binmas"))
    huge = "9" * 25
    assert client.get(f"/polmas/kegiatan/{huge}/").status_code == 404
    assert client.get(f"/polmas/jadwal/{huge}/").status_code == 404


def test_the_api_refuses_a_month_outside_the_plausible_years(demo_org, programme) -> None:
    _row, token = api_token_create(user=demo_org.user("kbo.binmas"), name="test")
    kbo = ApiClient(token)
    for month in ("0000-01", "9999-12", "2026-13"):
        got = kbo.get("/polmas/activities", unit="BINMAS", month=month)
        assert got.status_code == 422, (month, got.status_code)
