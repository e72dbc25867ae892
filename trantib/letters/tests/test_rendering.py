"""Letters as documents: every kind, made through the services, prints as a PDF (WeasyPrint)
holding its number, the date the Indonesian way, the addressee or violator, the signer's name
and NIP, in the unit's paper, font and kop — and nothing its author did not write but the
blanko's labels and the QR code's caption. A draft is also a Word file (docxtpl) with the same
texts; a numbered letter is not.

Set ``TRANTIB_SHOTS=<dir>`` to keep each kind's PDF and DOCX there (to look at them).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from docx import Document
from PIL import Image
from pyhanko.pdf_utils.reader import PdfFileReader

from trantib.accounts.models import Assignment, Person
from trantib.accounts.selectors import assignments_holding
from trantib.core.dates import date_id
from trantib.letters.kinds import KINDS, FieldKind
from trantib.letters.models import Letter, LetterState, SignMode
from trantib.letters.rendering import LABELS, letter_docx, letter_html, letter_pdf
from trantib.letters.services import (
    letter_cancel,
    letter_draft,
    letter_initial,
    letter_number,
    letter_signed_copy_attach,
    letter_submit,
    settings_for,
)
from trantib.letters.tests.support import SCAN
from trantib.letters.words import number_words, with_words

ROOT = Path(__file__).resolve().parents[3]
CAMAT_NIP = "NIP. 19780512 199803 1 002"
KASI_NIP = "NIP. 19830306 200902 1 003"

_PELANGGAR = {
    "pelanggar_nama": "Budi Hartono",
    "pelanggar_nik": "3671010101800001",
    "pelanggar_alamat": "Jl. Raya Cipondoh No. 5 RT 002/RW 004, Cipondoh",
    "usaha": "Warung makan Sederhana",
    "lokasi": "trotoar Jl. Raya Cipondoh depan Pasar Cipondoh",
    "perda": "Peraturan Daerah Kota Tangerang Nomor 8 Tahun 2018 Pasal 5 ayat (1)",
}


def _samples(demo_org: Any) -> dict[str, dict[str, Any]]:
    team = [demo_org.person(u).pk for u in ("danru.cpd", "anggota1.cpd", "anggota2.cpd")]
    dasar = [
        "Peraturan Daerah Kota Tangerang Nomor 8 Tahun 2018 tentang Ketertiban Umum",
        "Pengaduan masyarakat Nomor PGD-CPD-2026-0042",
    ]
    return {
        "surat_teguran": {
            "hal": "Teguran I",
            "recipient": "Sdr. Budi Hartono\nPemilik Warung makan Sederhana",
            "recipient_address": "Jl. Raya Cipondoh No. 5\nCipondoh",
            "tembusan": "Lurah Cipondoh\nKapolsek Cipondoh\nArsip",
            "data": {
                "tingkat": "1",
                **_PELANGGAR,
                "dasar": dasar,
                "kewajiban": "Membongkar sendiri lapak yang berdiri di atas trotoar.",
                "tempo": "7 hari kerja",
                "sanksi": "Teguran II dan penertiban oleh petugas.",
            },
        },
        "surat_perintah_tugas": {
            "hal": "Patroli wilayah Cipondoh",
            "data": {
                "dasar": dasar,
                "personel": team,
                "untuk": ["Melaksanakan patroli ketertiban umum.", "Melaporkan hasilnya."],
                "waktu": "Senin, 7 Desember 2026 pukul 08.00 WIB s.d. selesai",
                "tempat": "Wilayah Kecamatan Cipondoh",
            },
        },
        "surat_perintah": {
            "hal": "Penertiban PKL Jl. Raya Cipondoh",
            "data": {"dasar": dasar[:1], "personel": team[:2], "untuk": ["Menertibkan PKL."]},
        },
        "surat_pernyataan": {
            "hal": "Pernyataan pemilik warung",
            "signer_role": "kasi_trantib",
            "data": {
                **_PELANGGAR,
                "pelanggar_pekerjaan": "Wiraswasta",
                "tempo": "15 hari",
                "kewajiban": "membongkar sendiri lapak dan tidak berjualan lagi di trotoar.",
                "saksi": [demo_org.person("danru.cpd").pk],
            },
        },
        "berita_acara": {
            "hal": "Penyitaan gerobak PKL",
            "signer_role": "kasi_trantib",
            "data": {
                "jenis": "penyitaan",
                "tanggal_kegiatan": "2026-12-03",
                "petugas": team[:2],
                **_PELANGGAR,
                "tindakan": "Menyita gerobak dan menitipkannya di gudang kecamatan.",
                "barang": ["1 (satu) unit gerobak dorong", "2 (dua) buah kursi plastik"],
                "saksi": ["Ahmad (Ketua RT 002)", "Slamet (warga)"],
            },
        },
        "nota_dinas": {
            "hal": "Laporan kesiapan operasi",
            "recipient": "Camat Cipondoh",
            "signer_role": "kasi_trantib",
            "body": "Bersama ini kami laporkan kesiapan operasi penertiban.",
            "tembusan": "Sekretaris Kecamatan Cipondoh",
            "data": {"dari": "Kasi Ketentraman dan Ketertiban Umum"},
        },
        "laporan": {
            "hal": "Operasi penertiban PKL Jl. Raya Cipondoh",
            "signer_role": "kasi_trantib",
            "data": {
                "pendahuluan": "Operasi dilaksanakan berdasarkan Surat Perintah Tugas.",
                "kegiatan": "Penertiban 12 lapak PKL.",
                "hasil": "12 lapak dibongkar sendiri oleh pemiliknya.",
                "hambatan": "-",
                "simpulan": "Perlu patroli rutin.",
                "penutup": "Demikian laporan ini dibuat.",
            },
        },
        "surat_pemberitahuan": {
            "hal": "Tindak lanjut pengaduan",
            "recipient": "Sdri. Rina Marlina",
            "recipient_address": "Jl. Kenanga No. 7, Cipondoh",
            "body": "Pengaduan Saudari telah kami tindak lanjuti.\n\nTerima kasih.",
        },
    }


def _issued(demo_org: Any, kind: str, *, sign: bool = True, **overrides: Any) -> Letter:
    """A letter of ``kind`` drafted by the Kasi, initialled by the Sekcam, numbered by its
    signer and (``sign``) given its signed copy."""
    kasi, sekcam = demo_org.person("kasi.cpd"), demo_org.person("sekcam.cpd")
    args = {"signer_role": "camat", **_samples(demo_org)[kind], **overrides}
    signer = kasi if args["signer_role"] == "kasi_trantib" else demo_org.person("camat.cpd")
    paraf = ["sekcam"] if args["signer_role"] == "camat" else []
    letter = letter_draft(
        unit=demo_org.unit("CPD"), kind=kind, actor=kasi, paraf_roles=paraf, **args
    )
    letter = letter_submit(letter=letter, actor=kasi)
    if paraf:
        letter = letter_initial(letter=letter, actor=sekcam)
    letter = letter_number(letter=letter, actor=signer)
    if sign:
        letter = letter_signed_copy_attach(
            letter=letter, actor=signer, content=SCAN, filename="scan.pdf"
        )
    return Letter.objects.get(pk=letter.pk)


def _tool(name: str) -> str:
    return shutil.which(name) or name


def _pdf_text(pdf: bytes) -> str:
    # -raw: the content stream's order, so table rows and the rotated watermark read whole
    out = subprocess.run(  # noqa: S603 — a fixed tool on bytes we made
        [_tool("pdftotext"), "-raw", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return " ".join(out.stdout.decode("utf-8").split())


def _docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    texts = [p.text for p in doc.paragraphs]

    def cells(tables: Any) -> None:
        for table in tables:
            for row in table.rows:
                for cell in row.cells:
                    texts.extend(p.text for p in cell.paragraphs)
                    cells(cell.tables)

    cells(doc.tables)
    return " ".join(" ".join(texts).split())


def _keep(name: str, pdf: bytes, docx: bytes | None = None) -> None:
    shots = os.environ.get("TRANTIB_SHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        Path(shots, f"{name}.pdf").write_bytes(pdf)
        if docx is not None:
            Path(shots, f"{name}.docx").write_bytes(docx)


def _who(letter: Letter) -> str:
    """The addressee, or the violator (or the first officer of an order)."""
    if letter.kind_spec.addressed:
        return letter.recipient.splitlines()[0]
    if letter.data.get("pelanggar_nama"):
        return letter.data["pelanggar_nama"]
    return "Dedi Kurniawan" if letter.kind.startswith("surat_perintah") else letter.hal.upper()


def _logo(settings: Any, demo_org: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    img = Image.new("RGB", (240, 300), "white")
    img.paste((20, 90, 40), (30, 30, 210, 270))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    letter_settings = settings_for(demo_org.unit("CPD"))
    letter_settings.logo.save("lambang.png", ContentFile(buf.getvalue()), save=True)


def test_every_kind_has_a_sample_here(demo_org):
    assert set(_samples(demo_org)) == set(KINDS)


def _words(text: str) -> set[str]:
    return set(re.findall(r"[^\W\d_]+", text.lower()))


def _written(letter: Letter) -> str:
    """Everything a letter's author and its unit gave it: the header, the body, the kind's
    fields (an officer by his name, pangkat, NIP/NRP and jabatan), the kop and place, the
    signer (his snapshot, or who holds the position today), number and date; the kind's title
    and the blanko's labels."""
    unit = letter.unit
    letter_settings = settings_for(unit)
    texts = [
        letter.hal,
        letter.sifat,
        letter.lampiran,
        letter.recipient,
        letter.recipient_address,
        letter.body,
        letter.tembusan,
        letter.number,
        date_id(letter.dated) if letter.dated else "",
        *letter_settings.kop(),
        *letter_settings.address(),
        letter_settings.place,
        unit.name,
        *(str(c.get("jabatan", "")) for c in letter.coordination),
        letter.kind_spec.title,
        *LABELS.values(),
    ]
    people: list[Person] = []
    if letter.signer_name:
        texts += [letter.signer_title, letter.signer_name, letter.signer_pangkat]
        texts.append(letter.signer_id_line)
    else:
        held = assignments_holding(unit, letter.signer_role).first()
        if held is not None:
            texts.append(held.title)
            people.append(held.person)
    for f in letter.kind_spec.fields:
        value = letter.data.get(f.name)
        if value in (None, "", []):
            continue
        if f.kind is FieldKind.MEMBERS:
            people += list(Person.objects.filter(pk__in=value))
        elif f.kind is FieldKind.CHOICE:
            texts.append(dict(f.choices)[value])
        elif f.kind is FieldKind.LIST:
            texts += value
        else:
            texts.append(str(value))
    for person in people:
        texts += [person.full_name, person.pangkat, person.identity_line]
        texts += [a.title for a in Assignment.objects.filter(person=person)]
    return "\n".join(t for t in texts if t)


def _not_written(letter: Letter, printed: str) -> set[str]:
    return _words(printed) - _words(_written(letter))


AUTHOR_BODY = "Isi ini ditulis penyusun sendiri.\n\n1. Butir pertama.\n2. Butir kedua."


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_signed_letter_of_every_kind_prints_its_number_date_party_and_signer(
    demo_org, kind, settings, tmp_path
):
    _logo(settings, demo_org, tmp_path)
    letter = _issued(demo_org, kind)
    assert letter.state == LetterState.SIGNED and letter.number
    pdf = letter_pdf(letter)
    _keep(f"{kind}-signed", pdf)
    text = _pdf_text(pdf)
    signer_nip = KASI_NIP if letter.signer_role == "kasi_trantib" else CAMAT_NIP
    assert letter.number in text
    assert date_id(letter.dated) in text
    assert _who(letter) in text
    assert letter.signer_name in text
    assert signer_nip in text
    assert "KONSEP" not in text
    assert LABELS["qr"] in text
    assert "http" not in text and "verifikasi" not in text.lower()  # the QR holds the link


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_signed_letter_prints_nothing_its_author_did_not_write(demo_org, kind):
    letter = _issued(demo_org, kind, body=AUTHOR_BODY)
    text = _pdf_text(letter_pdf(letter))
    assert "Isi ini ditulis penyusun sendiri." in text
    assert "1. Butir pertama. 2. Butir kedua." in text  # the author's own numbering
    assert _not_written(letter, text) == set()


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_draft_with_its_fields_empty_prints_no_text_in_their_place(demo_org, kind):
    kasi = demo_org.person("kasi.cpd")
    letter = letter_draft(
        unit=demo_org.unit("CPD"),
        kind=kind,
        actor=kasi,
        hal="Konsep kosong",
        signer_role="camat",
        body="Isi sementara.",
    )
    pdf, docx = letter_pdf(letter), letter_docx(letter)
    _keep(f"{kind}-empty-draft", pdf, docx)
    for text in (_pdf_text(pdf), _docx_text(docx)):
        assert _not_written(letter, text) == set()
        assert "Tempat" not in text.replace(LABELS["tempat"] + " :", "")  # no "di Tempat"


def test_a_draft_shows_no_number_nor_date_and_says_konsep_with_its_future_signer(demo_org):
    kasi = demo_org.person("kasi.cpd")
    letter = letter_draft(
        unit=demo_org.unit("CPD"),
        kind="surat_teguran",
        actor=kasi,
        signer_role="camat",
        paraf_roles=["sekcam"],
        **_samples(demo_org)["surat_teguran"],
    )
    pdf, docx = letter_pdf(letter), letter_docx(letter)
    _keep("surat_teguran-draft", pdf, docx)
    for text in (_pdf_text(pdf), _docx_text(docx)):
        assert "KONSEP" in text
        assert "…/…/…" in text
        assert "/CPD/" not in text
        assert date_id(timezone.localdate()) not in text
        assert "Pindai" not in text  # no QR before the number
        # the preview shows who will sign: the Camat holding the position today
        assert "H. Rahmat Hidayat, S.STP., M.Si." in text and CAMAT_NIP in text
        assert letter.body.splitlines()[0] in text  # the body as stored


def test_the_word_file_of_a_numbered_letter_is_a_marked_copy_without_qr(demo_org):
    letter = _issued(demo_org, "surat_teguran")
    data = letter_docx(letter)
    words = _docx_text(data)
    assert "SALINAN" in words and letter.number in words
    assert "Pindai" not in words  # no QR code, nor its caption
    assert data.count(b"word/media/") <= _docx_text_images(letter)
    cancelled = letter_cancel(
        letter=_issued(demo_org, "nota_dinas"), actor=demo_org.person("kasi.cpd"), reason="Salah"
    )
    assert "DIBATALKAN" in _docx_text(letter_docx(cancelled))


def _docx_text_images(letter: Letter) -> int:
    """The pictures a Word file may hold: the logo at most (never a QR code)."""
    return 1 if settings_for(letter.unit).logo else 0


def test_a_cancelled_letter_says_dibatalkan_and_keeps_its_number(demo_org):
    letter = _issued(demo_org, "surat_pemberitahuan")
    letter = letter_cancel(letter=letter, actor=demo_org.person("camat.cpd"), reason="Salah")
    text = _pdf_text(letter_pdf(Letter.objects.get(pk=letter.pk)))
    assert "DIBATALKAN" in text and letter.number in text


def test_an_acting_official_signs_as_plh_with_his_own_nip(demo_org):
    kasi, plh = demo_org.person("kasi.krw"), demo_org.person("sekcam.cpd")
    letter = letter_draft(
        unit=demo_org.unit("KRW"),
        kind="surat_pemberitahuan",
        actor=kasi,
        signer_role="camat",
        **_samples(demo_org)["surat_pemberitahuan"],
    )
    letter = letter_submit(letter=letter, actor=kasi)
    letter = letter_number(letter=letter, actor=plh)
    text = _pdf_text(letter_pdf(letter))
    assert "Plh. Camat Karawaci, " in text
    assert "Dra. Siti Nurhasanah, M.M." in text and "NIP. 19790823 200501 2 011" in text


def _page_size(pdf: bytes) -> tuple[float, float]:
    reader = PdfFileReader(io.BytesIO(pdf))
    page = reader.root["/Pages"]["/Kids"][0].get_object()
    box = [float(v) for v in page["/MediaBox"]]
    return box[2] - box[0], box[3] - box[1]


def _draft_of(demo_org: Any, kind: str) -> Letter:
    args = {"signer_role": "camat", **_samples(demo_org)[kind]}
    return letter_draft(
        unit=demo_org.unit("CPD"), kind=kind, actor=demo_org.person("kasi.cpd"), **args
    )


def test_paper_font_and_margins_come_from_the_units_settings(demo_org):
    letter = _issued(demo_org, "surat_pemberitahuan")
    draft = _draft_of(demo_org, "surat_pemberitahuan")
    unit_settings = settings_for(letter.unit)
    unit_settings.paper, unit_settings.font = "A4", "bookman"
    unit_settings.save()
    a4 = letter_pdf(letter)
    assert "DejaVu Serif" in letter_html(letter)
    unit_settings.paper = "F4"
    unit_settings.save()
    f4 = letter_pdf(letter)
    mm = 72 / 25.4
    assert _page_size(a4) == pytest.approx((210 * mm, 297 * mm), abs=1)
    assert _page_size(f4) == pytest.approx((215 * mm, 330 * mm), abs=1)
    section = Document(io.BytesIO(letter_docx(draft))).sections[0]
    assert (section.page_width.mm, section.page_height.mm) == pytest.approx((215, 330), abs=0.5)


def test_an_electronically_signed_letter_says_so_and_imitates_no_bsre_footer(demo_org):
    letter = _issued(demo_org, "surat_teguran", sign=False)
    # What letter_sign_electronic renders: in its transaction, the letter is marked signed
    # electronically before letter_pdf runs (and before it is saved).
    letter.sign_mode, letter.state, letter.signed_at = (
        SignMode.ELECTRONIC,
        LetterState.SIGNED,
        timezone.now(),
    )
    line = "Ditandatangani secara elektronik oleh Camat Cipondoh, H. Rahmat Hidayat, S.STP., M.Si."
    pdf = letter_pdf(letter)
    _keep("surat_teguran-electronic", pdf)
    text = _pdf_text(pdf)
    assert line in text
    assert "BSrE" not in text and "Balai Sertifikasi" not in text


def test_the_logo_of_the_settings_is_printed_in_the_kop(demo_org, settings, tmp_path):
    letter = _issued(demo_org, "surat_pemberitahuan")
    draft = _draft_of(demo_org, "surat_pemberitahuan")
    path = tmp_path / "x.pdf"
    path.write_bytes(letter_pdf(letter))
    before = _pdf_images(path)
    shapes_before = len(Document(io.BytesIO(letter_docx(draft))).inline_shapes)
    _logo(settings, demo_org, tmp_path)
    path.write_bytes(letter_pdf(letter))
    assert before == 0 and _pdf_images(path) == 1  # the QR code is drawn, not an image
    assert shapes_before == 0  # a draft's Word file has no QR code
    assert len(Document(io.BytesIO(letter_docx(draft))).inline_shapes) == 1


def _pdf_images(path: Path) -> int:
    out = subprocess.run(  # noqa: S603 — a fixed tool on a file we wrote
        [_tool("pdfimages"), "-list", str(path)], capture_output=True, check=True
    )
    return len(out.stdout.decode().splitlines()) - 2  # two header lines


def test_the_paraf_is_not_printed_and_coordination_is_a_stamp_table_left_to_initial(demo_org):
    letter = _issued(
        demo_org, "surat_teguran", coordination=["Kepala Bagian Hukum", "Kapolsek Cipondoh"]
    )
    assert letter.reviews.filter(outcome="paraf").exists()  # the Sekcam did initial it
    pdf = letter_pdf(letter)
    _keep("surat_teguran-coordination", pdf)
    text = _pdf_text(pdf)
    assert "Paraf:" not in text and "✓" not in text
    assert "Sekretaris Kecamatan Cipondoh" not in text  # the paraf hierarki is the archive's
    # No | Jabatan | Paraf | Tanggal, the last two empty: initialled by hand on the archive copy
    assert text.endswith("No Jabatan Paraf Tanggal 1 Kepala Bagian Hukum 2 Kapolsek Cipondoh")


def test_numbers_are_written_in_words_too():
    assert number_words(7) == "tujuh"
    assert number_words(15) == "lima belas"
    assert number_words(111) == "seratus sebelas"
    assert number_words(2026) == "dua ribu dua puluh enam"
    assert number_words(1_250_000) == "satu juta dua ratus lima puluh ribu"
    assert with_words("7 hari kerja") == "7 (tujuh) hari kerja"
    assert with_words("7 (tujuh) hari") == "7 (tujuh) hari"
    assert with_words("tiga hari") == "tiga hari"


def test_the_body_prints_as_written_and_the_officers_table_beside_it(demo_org):
    teguran = _issued(demo_org, "surat_teguran", body="Saudara wajib pindah dalam 7 hari.")
    text = _pdf_text(letter_pdf(teguran))
    assert "dalam 7 hari." in text and "(tujuh)" not in text  # never rewritten
    ba = _issued(demo_org, "berita_acara")
    text = _pdf_text(letter_pdf(ba))
    assert "BERITA ACARA PENYITAAN/PENITIPAN BARANG" in text
    assert "Pada hari ini Kamis tanggal tiga bulan Desember tahun dua ribu dua puluh enam" in text
    assert "Dedi Kurniawan" in text and "Pengatur (II/c)" in text  # the officers' table
    assert "Barang : 1. 1 (satu) unit gerobak dorong 2. 2 (dua) buah kursi plastik" in text


def test_the_committed_word_templates_are_what_the_script_writes(tmp_path):
    import runpy

    script = runpy.run_path(str(ROOT / "scripts" / "letters_docx_templates.py"))
    for shape in ("korespondensi", "judul"):
        committed = ROOT / "trantib" / "letters" / "docx" / f"{shape}.docx"
        assert script["build"](shape) == committed.read_bytes(), (
            f"{committed.name} is stale: run scripts/letters_docx_templates.py"
        )
