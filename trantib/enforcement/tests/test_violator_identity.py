"""NIK and NIB structure: what a valid one says, and each refusal in words an officer reads."""

from __future__ import annotations

import datetime as dt

import pytest

from trantib.enforcement.identity import (
    IdentityError,
    nib_clean,
    nik_clean,
    nik_mask,
    nik_parse,
)

TODAY = dt.date(2026, 12, 3)


def test_a_mans_nik_gives_his_birth_date_and_region():
    info = nik_parse("3671011705850001", today=TODAY)
    assert info.province == "36" and info.regency == "71" and info.district == "01"
    assert info.birth_date == dt.date(1985, 5, 17)
    assert not info.female and info.gender_text == "Laki-laki"
    assert info.serial == "0001"


def test_a_womans_nik_adds_forty_to_the_day():
    info = nik_parse("3671015708920003", today=TODAY)
    assert info.female and info.gender_text == "Perempuan"
    assert info.birth_date == dt.date(1992, 8, 17)


def test_the_century_is_the_one_that_puts_the_birth_date_in_the_past():
    assert nik_parse("3671010101100002", today=TODAY).birth_date == dt.date(2010, 1, 1)
    # 31 December 26 has not come yet in 2026: it is 1926.
    assert nik_parse("3671013112260002", today=TODAY).birth_date == dt.date(1926, 12, 31)


def test_spaces_and_dots_are_dropped_from_a_typed_nik():
    assert nik_clean("3671 0117 0585 0001", today=TODAY) == "3671011705850001"
    assert nik_clean("  ", today=TODAY) == ""


@pytest.mark.parametrize(
    ("nik", "message"),
    [
        ("367101170585001", "NIK harus 16 angka (yang diisi 15 angka)."),
        ("36710117058500012", "NIK harus 16 angka (yang diisi 17 angka)."),
        ("36710117O5850001", "NIK hanya boleh berisi angka."),
        ("0071011705850001", "Kode provinsi pada NIK tidak dikenal: 00."),
        ("2071011705850001", "Kode provinsi pada NIK tidak dikenal: 20."),
        ("3600011705850001", "Kode kabupaten/kota pada NIK tidak boleh 00."),
        ("3671001705850001", "Kode kecamatan pada NIK tidak boleh 00."),
        ("3671013102850001", "Tanggal lahir pada NIK tidak ada: 31-02-85."),
        ("3671017102850001", "Tanggal lahir pada NIK tidak ada: 31-02-85."),
        ("3671012902010001", "Tanggal lahir pada NIK tidak ada: 29-02-01."),
        ("3671013213850001", "Tanggal lahir pada NIK tidak ada: 32-13-85."),
        ("3671011705850000", "Nomor urut pada NIK tidak boleh 0000."),
    ],
)
def test_a_malformed_nik_is_refused_saying_what_is_wrong(nik: str, message: str):
    with pytest.raises(IdentityError) as refused:
        nik_parse(nik, today=TODAY)
    assert refused.value.message == message


def test_29_february_is_a_birth_date_only_in_a_leap_year():
    assert nik_parse("3671012902000001", today=TODAY).birth_date == dt.date(2000, 2, 29)
    assert nik_parse("3671016902960001", today=TODAY).birth_date == dt.date(1996, 2, 29)


def test_an_nib_is_thirteen_digits():
    assert nib_clean("9120 1234 5678 9") == "9120123456789"
    assert nib_clean("") == ""
    with pytest.raises(IdentityError, match="NIB harus 13 angka"):
        nib_clean("912012345678")
    with pytest.raises(IdentityError, match="NIB hanya boleh berisi angka"):
        nib_clean("91201234567AB")


def test_a_masked_nik_keeps_the_region_and_the_serial_only():
    assert nik_mask("3671011705850001") == "3671••••••••0001"
    assert nik_mask("") == ""
