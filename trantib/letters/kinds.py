"""The letter kinds Trantib writes (naskah dinas), as data.

Permendagri 1/2023 has two shapes, and every kind is one of them:

- **korespondensi**: kop; place and date on the right; Nomor / Sifat / Lampiran / Hal; "Yth."
  and the addressee; body; signature block; tembusan (Surat Teguran, Surat Pemberitahuan, Nota
  Dinas);
- **judul**: kop; the title centred in capitals with "NOMOR …" under it; body; signature
  (Surat Perintah / Surat Perintah Tugas, Surat Pernyataan, Berita Acara, Laporan).

A kind names its own fields (``fields``): what the drafter fills beside the common header (hal,
sifat, lampiran, addressee, body, tembusan). They are drafted from the case (an SOP step's
``letter: fill:``) and edited in the draft form. The standard wording of a kind (a Teguran's
"Berdasarkan hasil pengawasan petugas, …") is the first body of its draft
(:func:`trantib.letters.wording.body_default`), which the drafter sees and edits: the printed
letter holds the body as written, and the fields the kind prints as its form's parts (the
identity table, the officers' table, Dasar, Untuk, the list of goods), laid out by
``rendering/blocks.py``. Each shape is a template in ``templates/letters/print/<shape>.html``
(PDF) and ``letters/docx/<shape>.docx`` (Word, a working copy of a draft).

Adding a kind: a :class:`LetterKind` in ``KINDS``, its wording in ``wording.py``, its layout in
``rendering/blocks.py``, its line in the rendering tests (every kind is printed and read
back), and CONTRIBUTING's "Add a letter kind" recipe.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType


class Shape(StrEnum):
    KORESPONDENSI = "korespondensi"
    JUDUL = "judul"


class FieldKind(StrEnum):
    TEXT = "text"  # one line
    LONGTEXT = "longtext"  # paragraphs
    LIST = "list"  # one item per line (dasar, untuk, barang, tembusan)
    DATE = "date"  # an ISO date
    NUMBER = "number"  # a whole number
    MEMBERS = "members"  # person ids of the unit: name, pangkat, NIP and jabatan are printed
    CHOICE = "choice"  # one of ``choices``


@dataclass(frozen=True)
class KindField:
    name: str
    label: str
    kind: FieldKind = FieldKind.TEXT
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""


@dataclass(frozen=True)
class LetterKind:
    code: str
    name: str  # "Surat Teguran"
    shape: Shape
    title: str = ""  # the centred title ("SURAT PERINTAH TUGAS"; a Nota Dinas has one too)
    klasifikasi: str = "300.1"  # default classification code (Permendagri 83/2022)
    fields: tuple[KindField, ...] = ()
    # Who signs: "official" (an officer of the unit) or "party" (the violator signs a Surat
    # Pernyataan; the officers sign as witnesses, and the letter is always signed on paper).
    signed_by: str = "official"
    addressed: bool = False  # has a "Yth." addressee (korespondensi)

    def field(self, name: str) -> KindField | None:
        return next((f for f in self.fields if f.name == name), None)


_PELANGGAR = (
    KindField("pelanggar_nama", "Nama pelanggar", required=True),
    KindField("pelanggar_nik", "NIK pelanggar"),
    KindField("pelanggar_alamat", "Alamat pelanggar"),
    KindField("usaha", "Nama/jenis usaha atau kegiatan"),
    KindField("lokasi", "Lokasi pelanggaran", required=True),
    KindField("perda", "Perda/Perkada dan pasal yang dilanggar", required=True),
)

_PERINTAH = (
    KindField("dasar", "Dasar", FieldKind.LIST, required=True, help="Satu dasar per baris"),
    KindField("personel", "Kepada (petugas)", FieldKind.MEMBERS, required=True),
    KindField("untuk", "Untuk", FieldKind.LIST, required=True, help="Satu tugas per baris"),
    KindField("waktu", "Waktu pelaksanaan"),
    KindField("tempat", "Tempat/lokasi"),
)

TEGURAN_RUNGS = (("1", "I"), ("2", "II"), ("3", "III"))

BERITA_ACARA_KINDS = (
    ("penertiban", "Penertiban"),
    ("penyegelan", "Penyegelan"),
    ("penyitaan", "Penyitaan/Penitipan Barang"),
    # The end of seized goods (barang bukti, issue 12): returned to the owner or destroyed.
    ("pengembalian", "Pengembalian Barang"),
    ("pemusnahan", "Pemusnahan Barang"),
)

KINDS = MappingProxyType(
    {
        k.code: k
        for k in (
            LetterKind(
                code="surat_perintah_tugas",
                name="Surat Perintah Tugas",
                shape=Shape.JUDUL,
                title="SURAT PERINTAH TUGAS",
                klasifikasi="300.1.2.1",
                fields=_PERINTAH,
            ),
            LetterKind(
                code="surat_perintah",
                name="Surat Perintah",
                shape=Shape.JUDUL,
                title="SURAT PERINTAH",
                klasifikasi="300.1.2.1",
                fields=_PERINTAH,
            ),
            LetterKind(
                code="surat_pernyataan",
                name="Surat Pernyataan",
                shape=Shape.JUDUL,
                title="SURAT PERNYATAAN",
                klasifikasi="300.1.2.1",
                signed_by="party",
                fields=(
                    *_PELANGGAR,
                    KindField("pelanggar_pekerjaan", "Pekerjaan pelanggar"),
                    KindField(
                        "tempo", "Sanggup memenuhi dalam", required=True, help="mis. 15 hari"
                    ),
                    KindField("kewajiban", "Yang disanggupi", FieldKind.LONGTEXT, required=True),
                    KindField("saksi", "Petugas yang menyaksikan", FieldKind.MEMBERS),
                ),
            ),
            LetterKind(
                code="surat_teguran",
                name="Surat Teguran",
                shape=Shape.KORESPONDENSI,
                klasifikasi="300.1.2.1",
                addressed=True,
                fields=(
                    KindField(
                        "tingkat", "Teguran ke", FieldKind.CHOICE, True, choices=TEGURAN_RUNGS
                    ),
                    *_PELANGGAR,
                    KindField(
                        "surat_sebelumnya",
                        "Surat sebelumnya (nomor dan tanggal)",
                        help="mis. Surat Teguran I Nomor 300.1.2.1/0007/Trantib/2026 tanggal "
                        "3 Agustus 2026",
                    ),
                    KindField("dasar", "Dasar", FieldKind.LIST, help="Satu dasar per baris"),
                    KindField("kewajiban", "Kewajiban pelanggar", FieldKind.LONGTEXT, True),
                    KindField("tempo", "Jangka waktu", required=True, help="mis. 7 hari kerja"),
                    KindField("batas_waktu", "Batas waktu", FieldKind.DATE),
                    KindField("sanksi", "Sanksi bila tidak dipenuhi", FieldKind.LONGTEXT),
                ),
            ),
            LetterKind(
                code="berita_acara",
                name="Berita Acara",
                shape=Shape.JUDUL,
                title="BERITA ACARA",
                klasifikasi="300.1.2.1",
                fields=(
                    KindField("jenis", "Jenis", FieldKind.CHOICE, True, choices=BERITA_ACARA_KINDS),
                    KindField("tanggal_kegiatan", "Tanggal kegiatan", FieldKind.DATE, True),
                    KindField("dasar", "Dasar", FieldKind.LIST),
                    KindField("petugas", "Petugas", FieldKind.MEMBERS),
                    *_PELANGGAR,
                    KindField("tindakan", "Tindakan yang dilakukan", FieldKind.LONGTEXT, True),
                    KindField("barang", "Barang (jenis dan jumlah)", FieldKind.LIST),
                    KindField("saksi", "Saksi", FieldKind.LIST, help="Nama saksi, satu per baris"),
                ),
            ),
            LetterKind(
                code="nota_dinas",
                name="Nota Dinas",
                shape=Shape.KORESPONDENSI,
                title="NOTA DINAS",
                klasifikasi="000.1.10",
                addressed=True,
                fields=(KindField("dari", "Dari", required=True),),
            ),
            LetterKind(
                code="laporan",
                name="Laporan Hasil Pelaksanaan Tugas",
                shape=Shape.JUDUL,
                title="LAPORAN HASIL PELAKSANAAN TUGAS",
                klasifikasi="300.2.12",
                fields=(
                    KindField("pendahuluan", "I. Pendahuluan", FieldKind.LONGTEXT, True),
                    KindField("kegiatan", "II. Kegiatan yang dilaksanakan", FieldKind.LONGTEXT),
                    KindField("hasil", "III. Hasil", FieldKind.LONGTEXT, True),
                    KindField("hambatan", "IV. Hambatan", FieldKind.LONGTEXT),
                    KindField("simpulan", "V. Simpulan dan saran", FieldKind.LONGTEXT),
                    KindField("penutup", "VI. Penutup", FieldKind.LONGTEXT),
                ),
            ),
            LetterKind(
                code="surat_pemberitahuan",
                name="Surat Pemberitahuan",
                shape=Shape.KORESPONDENSI,
                klasifikasi="000.1.10",
                addressed=True,
            ),
        )
    }
)


def kind_get(code: str) -> LetterKind:
    """The kind ``code``; KeyError names the known ones."""
    try:
        return KINDS[code]
    except KeyError:
        raise KeyError(f"unknown letter kind '{code}' (known: {', '.join(KINDS)})") from None
