"""Every fixed text the printed letter carries that its author did not write: the labels of
the blanko (Permendagri 1/2023 and the usual Satpol PP forms), and the product's own marks
(the draft's watermark, the QR code's caption, the electronic signature's line).

The PDF's and the Word file's templates print these from the context's ``labels``, never as
text of their own, and the rendering tests take everything the author wrote and these away
from a printed letter and find nothing left: a sentence added here is a sentence the drafter
did not write, and belongs in his body (:mod:`trantib.letters.wording`) instead.

Letters are in Indonesian whatever the reader's language: these are not translated.
"""

from __future__ import annotations

from types import MappingProxyType

from ..qr import CAPTION

LABELS = MappingProxyType(
    {
        # The korespondensi's header (a Nota Dinas's has Yth., Dari, Tembusan and Tanggal too)
        "nomor": "Nomor",
        "sifat": "Sifat",
        "lampiran": "Lampiran",
        "hal": "Hal",
        "yth": "Yth.",
        "di": "di",
        "dari": "Dari",
        "tembusan_row": "Tembusan",
        "tanggal": "Tanggal",
        # A document's title block: "NOMOR: …"
        "nomor_judul": "NOMOR:",
        # The parts of a form the author fills
        "dasar": "Dasar",
        "memerintahkan": "MEMERINTAHKAN:",
        "kepada": "Kepada:",
        "untuk": "Untuk",
        "waktu": "Waktu",
        "tempat": "Tempat",
        "petugas": "Petugas:",
        "pelanggar": "Pelanggar:",
        "barang": "Barang",
        "yang_bertanda_tangan": "Yang bertanda tangan di bawah ini:",
        # The identity table
        "nama": "Nama",
        "nik": "NIK",
        "pekerjaan": "Pekerjaan",
        "alamat": "Alamat",
        "usaha": "Nama/jenis usaha",
        # The officers' table and the paraf koordinasi stamp
        "no": "No",
        "pangkat": "Pangkat/Gol",
        "nip": "NIP/NRP",
        "jabatan": "Jabatan",
        "paraf": "Paraf",
        # A Laporan's sections
        "pendahuluan": "I. PENDAHULUAN",
        "kegiatan": "II. KEGIATAN YANG DILAKSANAKAN",
        "hasil": "III. HASIL YANG DICAPAI",
        "hambatan": "IV. HAMBATAN",
        "simpulan": "V. SIMPULAN DAN SARAN",
        "penutup": "VI. PENUTUP",
        # Above the signatures
        "mengetahui": "Mengetahui,",
        "membuat_pernyataan": "Yang membuat pernyataan,",
        "membuat_berita_acara": "Yang membuat berita acara,",
        "pihak": "Pelanggar/penanggung jawab,",
        "saksi": "Saksi-saksi:",
        "tembusan": "Tembusan:",
        # The product's marks
        "elektronik": "Ditandatangani secara elektronik oleh",
        "qr": CAPTION,
        "konsep": "KONSEP",
        "dibatalkan": "DIBATALKAN",
        # A Word file of a numbered letter: a copy; the official one is the signed PDF.
        "salinan": "SALINAN — naskah resmi adalah PDF bertanda tangan",
    }
)

# Blanks where a draft has no value yet: dots only, never words.
BLANK_NUMBER = "…/…/…"
BLANK_DATE = "……………………"
BLANK_NAME = "……………………………"
