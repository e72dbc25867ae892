"""The shared helpers of every list's XLSX (``trantib.core.exports``), and every export URL fed
the inputs people (and scanners) type: a NUL, an overflowing id, a date that is not one, a unit
that does not exist — an answer (the file, the list with a message, a 404), never a 500."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from types import SimpleNamespace

import pytest
from django import forms
from django.test import Client

from trantib.core.exports import filters_text, form_parts, local_time, number_id, units_text

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
WITA = zoneinfo.ZoneInfo("Asia/Makassar")


def unit(pk: int, name: str, parent: int | None = None) -> SimpleNamespace:
    return SimpleNamespace(pk=pk, name=name, parent_id=parent)


def test_units_are_named_by_their_top_units():
    assert units_text([unit(1, "Kecamatan Kerjo")]) == "Kecamatan Kerjo"
    tree = [unit(1, "Pemerintah Kota Tangerang"), unit(2, "Kecamatan Cipondoh", 1)]
    assert units_text(tree) == "Pemerintah Kota Tangerang beserta unit di bawahnya"
    two = [unit(3, "Kecamatan Kerjo"), unit(2, "Kecamatan Cipondoh", 1)]
    assert units_text(two) == "Kecamatan Cipondoh, Kecamatan Kerjo"
    assert units_text([]) == "Tidak ada unit"


def test_a_moment_is_written_at_the_wall_time_of_its_units_clock():
    moment = dt.datetime(2026, 10, 1, 17, 5, 30, 123456, tzinfo=dt.UTC)
    assert local_time(moment, WIB) == dt.datetime(2026, 10, 2, 0, 5, 30)
    assert local_time(moment, WITA) == dt.datetime(2026, 10, 2, 1, 5, 30)
    assert local_time(None, WIB) is None


def test_the_filters_row_names_each_filter_with_a_value_and_the_download_moment():
    now = dt.datetime(2026, 12, 4, 3, 0, tzinfo=dt.UTC)
    text = filters_text(
        [("Status", "Berjalan"), ("Jenis", ""), ("Dibuka dari", dt.date(2026, 10, 1))],
        zone=WIB,
        now=now,
    )
    assert (
        text == "Status: Berjalan · Dibuka dari: 1 Oktober 2026 · diunduh 4 Desember 2026 10.00 WIB"
    )
    assert filters_text([], zone=WIB, now=now) == "Semua data · diunduh 4 Desember 2026 10.00 WIB"


class Filters(forms.Form):
    q = forms.CharField(label="Cari", required=False)
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Semua"), ("open", "Berjalan")]
    )
    dari = forms.DateField(label="Dibuka dari", required=False)
    late = forms.BooleanField(label="Terlambat saja", required=False)


def test_a_forms_valid_filters_are_named_by_their_labels_and_choices():
    form = Filters({"q": " remang ", "status": "open", "dari": "bukan tanggal", "late": "on"})
    assert form_parts(form) == [
        ("Cari", "“remang”"),
        ("Status", "Berjalan"),
        ("Terlambat saja", "Ya"),
    ]  # the date that cannot be read is no filter, as on the page
    assert form_parts(Filters({"status": ""})) == []


def test_numbers_have_the_indonesian_thousands_dot():
    assert number_id(50000) == "50.000" and number_id(999) == "999"


# -- every export URL, fed bad input ------------------------------------------------------------

BAD = [
    ("staf.krj", "/kasus/ekspor.xlsx?dari=31/02/2026&sampai=x&status=%00&sop=NOPE&q=a%00b"),
    ("staf.krj", "/kasus/ekspor.xlsx?terlambat=mungkin&halaman=99999999999999999999"),
    ("staf.krj", "/tugas/ekspor.xlsx?x=%00"),
    ("staf.krj", "/pengaduan/ekspor.xlsx?q=%00&status=nope&category=%00&unit=NOPE"),
    ("kasie.pptng", "/penegakan/pelanggar/ekspor.xlsx?q=%00&jenis=x&desa=%00&berulang=2"),
    ("kasie.pptng", "/penegakan/ekspor.xlsx?tingkat=x&pasal=99999999999999999999&desa=%00"),
    ("kasie.pptng", "/penegakan/ekspor.xlsx?pasal=-1&terlambat=%00"),
    ("kasie.pptng", "/penegakan/perda/ekspor.xlsx?x=1"),
    ("camat.cpd", "/operasi/ekspor.xlsx?q=%00%00"),
    ("camat.cpd", "/operasi/barang-bukti/ekspor.xlsx?status=%00"),
    ("kbo.binmas", "/polmas/kegiatan/ekspor.xlsx?unit=%00&bulan=2026-99&petugas=x"),
    ("kbo.binmas", "/polmas/kegiatan/ekspor.xlsx?unit=NOPE"),
    ("kasie.pptng", "/patroli/rencana/99999999999999999999/laporan.xlsx"),
    ("camat.cpd", "/surat/buku-agenda.xlsx?dari=x&jenis=%00"),
    ("camat.cpd", "/surat-masuk/ekspor.xlsx?dari=31/02/2026&q=%00"),
    (None, "/sop/ekspor.xlsx?x=%00"),
]


@pytest.mark.parametrize(("login", "url"), BAD)
def test_bad_input_to_an_export_is_answered_never_a_500(demo_org, login, url):
    client = Client()
    if login:
        client.force_login(demo_org.user(login))
    response = client.get(url)
    assert response.status_code in (200, 302, 404), (url, response.status_code)
