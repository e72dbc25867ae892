"""The standard wording of each kind is the first body of a draft, made from its fields: what is
missing shows as "……" for the drafter to fill (never a stand-in text), numbers of days carry
their words, and the drafter's own body is kept as he wrote it."""

from __future__ import annotations

from trantib.letters.kinds import KINDS
from trantib.letters.services import letter_draft
from trantib.letters.wording import FROM_FIELDS, GAP, WORDING, body_default

PELANGGAR = {
    "pelanggar_nama": "Budi Hartono",
    "usaha": "Warung Sederhana",
    "lokasi": "trotoar Jl. Raya Cipondoh",
    "perda": "Perda Kota Tangerang Nomor 8 Tahun 2018 Pasal 5",
}


def test_every_kind_has_its_wording():
    assert set(WORDING) == set(KINDS) and set(KINDS) >= FROM_FIELDS


def test_a_teguran_says_what_its_fields_say_and_shows_gaps_where_they_are_empty():
    full = body_default(
        "surat_teguran",
        {
            "tingkat": "1",
            **PELANGGAR,
            "kewajiban": "Membongkar sendiri lapak.",
            "tempo": "7 hari kerja",
            "batas_waktu": "2026-08-25",
            "sanksi": "Surat Teguran II.",
        },
    )
    assert full.split("\n\n") == [
        "Berdasarkan hasil pengawasan petugas, Saudara Budi Hartono (Warung Sederhana) di "
        "trotoar Jl. Raya Cipondoh telah melanggar Perda Kota Tangerang Nomor 8 Tahun 2018 "
        "Pasal 5.",
        "Sehubungan dengan hal tersebut, dengan Surat Teguran I ini Saudara wajib:",
        "Membongkar sendiri lapak.",
        "dalam waktu 7 (tujuh) hari kerja sejak surat ini diterima, paling lambat tanggal "
        "25 Agustus 2026.",
        "Apabila kewajiban tersebut tidak Saudara penuhi dalam jangka waktu tersebut, akan "
        "dikenakan sanksi berikutnya, yaitu:",
        "Surat Teguran II.",
        "Demikian teguran ini disampaikan untuk dilaksanakan.",
    ]
    empty = body_default("surat_teguran", {"tingkat": "2"})
    assert f"Saudara {GAP} di {GAP} telah melanggar {GAP}." in empty
    assert f"dalam waktu {GAP} sejak" in empty
    assert "ketentuan peraturan daerah" not in empty and "sanksi" not in empty


def test_a_pernyataan_numbers_what_the_violator_states_and_a_berita_acara_writes_its_day():
    statement = body_default(
        "surat_pernyataan", {**PELANGGAR, "tempo": "15 hari", "kewajiban": "tidak berjualan."}
    )
    assert "1. Saya telah melanggar Perda Kota Tangerang Nomor 8 Tahun 2018 Pasal 5 di" in (
        statement
    )
    assert "\n2. Saya sanggup dalam waktu 15 (lima belas) hari sejak" in statement
    report = body_default(
        "berita_acara",
        {"jenis": "penyegelan", "tanggal_kegiatan": "2026-12-03", "petugas": [1], **PELANGGAR},
    )
    assert report.startswith(
        "Pada hari ini Kamis tanggal tiga bulan Desember tahun dua ribu dua puluh enam "
        "(03-12-2026), bertempat di trotoar Jl. Raya Cipondoh, petugas tersebut di atas telah "
        "melakukan penyegelan terhadap pelanggar tersebut di atas"
    )
    assert f"Tindakan yang dilakukan:\n\n{GAP}" in report
    assert f"Pada hari ini {GAP} tanggal {GAP}" in body_default("berita_acara", {})


def test_the_case_s_text_goes_inside_a_notice_and_a_nota_dinas_by_hand_starts_empty():
    notice = body_default("surat_pemberitahuan", {}, isi="Lapak sudah dibongkar.")
    assert notice.split("\n\n")[1] == "Lapak sudah dibongkar."
    assert GAP in body_default("surat_pemberitahuan", {})
    assert body_default("nota_dinas", {"dari": "Kasi"}) == ""
    assert body_default("laporan", {}) == ""


def test_a_draft_keeps_the_body_its_drafter_gave_and_else_gets_its_kinds_wording(demo_org):
    args = {
        "unit": demo_org.unit("CPD"),
        "kind": "surat_pernyataan",
        "actor": demo_org.person("kasi.cpd"),
        "hal": "Pernyataan",
        "signer_role": "kasi_trantib",
        "data": {**PELANGGAR, "tempo": "15 hari", "kewajiban": "tidak berjualan."},
    }
    own = letter_draft(**args, body="Saya berjanji pindah.")
    assert own.body == "Saya berjanji pindah."
    made = letter_draft(**args)
    assert made.body == body_default("surat_pernyataan", made.data)
    assert made.body.startswith("dengan ini menyatakan dengan sesungguhnya bahwa:")
