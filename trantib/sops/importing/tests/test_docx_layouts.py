# ruff: noqa: E501 - rows of real documents, verbatim, one per line
"""Word SOPs in the three layouts seen in real documents, built here with python-docx from the
texts of the seeds and reference SOPs, read back field by field."""

from __future__ import annotations

from docx.document import Document

from trantib.engine.document import document_of
from trantib.engine.loader import load_text
from trantib.engine.spec import Shape, SOPSpec, StepKind
from trantib.sops.importing import ImportResult, import_document

from .builders import Flowchart, add_flowchart, new_document, save

TERMINATOR, PROCESS, DECISION = Shape.TERMINATOR, Shape.PROCESS, Shape.DECISION


def _load(result: ImportResult) -> SOPSpec:
    spec, _warnings = load_text(result.yaml_text, "draft.yaml")
    return spec


def _line(result: ImportResult, n: int) -> str:
    return result.yaml_text.splitlines()[n - 1]


def _notes_on(result: ImportResult, text: str) -> list[str]:
    """The review messages of the lines that contain ``text``."""
    return [note.message for note in result.review if text in _line(result, note.line)]


# -- seed 000: a title line, no identity table, ticks -------------------------------------

SEED_000_ROLES = [
    "KASAT POL PP",
    "KABID KETERTIBAN DAN KETENTRAMAN MASYARAKAT",
    "KASIE OPERASIONAL DAN PENGENDALIAN",
    "PETUGAS OPERASIONAL",
]
SEED_000_ROWS = [
    ("1", "Merumuskan program Operasional Patroli dalam rangka penyelenggaraan Ketentraman dan Tetertiban Umum", 0, "Menyiapkan Surat Tugas Patroli", "15 menit", "Surat Tugas Patroli"),
    ("2", "Menyusun rencana Operasional Patroli dan berkoordinasi dengan Dinas/ Instansi terkait", 1, "Disposisi dari Kasat", "10 menit", "Koordinasi dengan TNI/ Polri"),
    ("3", "Menyusun jadwal Operasional Patroli serta menyiapkan Petugas Operasional Patroli", 2, "Perintah dari Kabid", "30 menit", "Jadwal Patroli Bulanan"),
    ("4", "Melakukan deteksi dini atau upaya pencegahan (Tindakan Preventif) melalui Patroli Pengawasan dan Pembinaan Wilayah secara rutin", 3, "Jadwal dan personil Operasional Patroli", "3-4 jam", "Kegiatan patroli harian secara rutin"),
    ("5", "Menerima Laporan Pelaksanaan Tugas Operasional Patroli", 2, "Blanko laporan patroli", "15 menit", "Laporan hasil pelaksanaan tugas patroli bulanan"),
    ("6", "Mengevaluasi Laporan Operasional Patroli kemudian melaporkan kepada Kasat", 1, "Laporan patroli harian", "10 menit", "Evaluasi laporan hasil pelaksanaan tugas patroli bulanan"),
    ("7", "Bila ada temuan pelanggaran Perda maka diberikan teguran dan Surat Peringatan", 0, "Blanko Surat Pernyataan", "15 menit", "Pelaku pelanggaran Perda mendapat Surat Pernyataan"),
    ("8", "Bila tidak mentaati Surat Teguran maka diberikan Surat Teguran I,II,III kepada pelanggar Perda", 0, "Surat Teguran I Surat Teguran II Surat Teguran III", "15 menit", "Pelaku pelanggaran Perda mendapat Surat Teguran I,II,III"),
    ("9", "Bila tidak mentaati Surat Peringatan I,II,III maka akan dilakukan penertiban secara paksa", 0, "Menyapkan Surat Perintah Penertiban", "15 menit", "Surat Perintah Penertiban"),
    ("10", "Menyusun rencana Operasional Penertiban", 1, "Disposisi dari Kasat", "10 menit", "Koordinasi dengan TNI/ Polri"),
    ("11", "Menyiapkan Petugas Operasional untuk melakukan penertiban", 2, "Perintah dari Kabid", "10 menit", "Penyiapan personil penertiban"),
    ("12", "Melakukan Tugas Penertiban non Yustitia", 3, "Jadwal dan personil penertiban", "3-4 jam", "Kegiatan penertiban, dokumentasi dan laporan hasil penertiban"),
]  # fmt: skip


def _seed_000() -> bytes:
    document = new_document()
    document.add_paragraph("SOP PATROLI PENGAWASAN WILAYAH")
    add_flowchart(
        document,
        Flowchart(
            no="NO",
            kegiatan="KEGIATAN",
            pelaksana="PELAKSANA",
            mutu_baku="MUTU BAKU",
            kelengkapan="PERSYARATAN KELENGKAPAN",
            waktu="WAKTU",
            output="OUTPUT",
            ket="KET",
            roles=SEED_000_ROLES,
            rows=[
                (no, act, {role: "□"}, kel, t, out, "")
                for no, act, role, kel, t, out in SEED_000_ROWS
            ],
        ),
    )
    return save(document)


def test_a_title_only_document_with_ticks_reads_the_title_headings_roles_and_rows():
    result = import_document("sop-patroli.docx", _seed_000())
    spec = _load(result)
    assert result.source_kind == "docx"
    assert spec.code == "PPW"  # the initials of the Nama SOP, flagged
    assert _notes_on(result, "code:")
    assert spec.identity.nama == "SOP PATROLI PENGAWASAN WILAYAH"
    assert _notes_on(result, "  nama:")
    assert spec.identity.instansi == ()
    assert _notes_on(result, "  instansi:")
    assert spec.identity.nomor == "" and _notes_on(result, "  nomor:")
    assert spec.headings.no == "NO"
    assert spec.headings.kegiatan == "KEGIATAN"
    assert spec.headings.pelaksana == "PELAKSANA"
    assert spec.headings.mutu_baku == "MUTU BAKU"
    assert spec.headings.kelengkapan == "PERSYARATAN KELENGKAPAN"
    assert spec.headings.keterangan == "KET"
    assert not spec.column_numbers
    assert [r.name for r in spec.roles] == SEED_000_ROLES
    assert [r.id for r in spec.roles] == [
        "kasat_pol_pp",
        "kabid_ketertiban_dan_ketentraman_masyarakat",
        "kasie_operasional_dan_pengendalian",
        "petugas_operasional",
    ]
    rows = document_of(spec).rows
    assert len(rows) == 12
    for row, (no, activity, role, kel, time, output) in zip(rows, SEED_000_ROWS, strict=True):
        assert (row.no, row.activity, row.requirements, row.time, row.output, row.notes) == (
            no,
            activity,
            (kel,),
            time,
            output,
            "",
        )
        assert [(s.column, s.shape) for s in row.symbols] == [(role, PROCESS)]
    # A tick says who acts, not which symbol: a box first, and the last box is the end.
    assert spec.steps[0].kind is StepKind.PROCESS
    assert spec.steps[-1].kind is StepKind.END
    assert spec.steps[-1].shape is PROCESS
    assert _notes_on(result, "kind: end")
    assert spec.calendar.kind.value == "working" and _notes_on(result, "calendar:")
    assert [s.next for s in spec.steps[:-1]] == [s.id for s in spec.steps[1:]]


# -- Kota Tangerang (seeds 001, 004): "Uraian Kegiatan", a column-number row ----------------

TANGERANG_ROLES = ["Camat", "Sekcam", "Kasi Trantib", "Komandan", "Anggota Trantib"]
SEED_001_ROWS = [
    ("1.", "Kasi Ketentraman dan Ketertiban Umum menerima laporan pendataan kegiatan Pelacuran /protitusi dan lokalisasi keW ilayahan/ OPD terkait dan menyusun laporan untuk Camat", 2, "Informasi Pelanggaran", "2 Jam", "Surat Perintah"),
    ("2.", "Camat menerima laporan dari Kasi Ketentraman dan Ketertiban Umum dan memberikan perintah penertiban kegiatan pelacuran dan lokalisasi", 0, "Surat Perintah", "2 Jam", "Surat Perintah"),
    ("3.", "Kasi Ketentraman dan Ketertiban Umum menerima perintah penertiban kegiatan protitusi dan lokalisasi lalu membuat draft surat perintah yang kemudian diberikan kepada Sekcam untuk dilakukan verifikasi dan paraf", 2, "Surat Perintah", "1 Jam", "Surat Perintah"),
    ("4.", "Sekcam menerima draft surat perintah dari Kasi Ketentraman dan Ketertiban Umum, melakukan verifikasi dan paraf apabila tidak ada koreksi, kemudian draft surat perintah diteruskan kepada Camat untuk ditanda tangani dan dilakukan validasi, yang selanjutnya diteruskan kepada Kasi Ketentraman dan Ketertiban Umum", 1, "Surat Perintah", "2 Jam", "Laporan Pelaksana"),
    ("5.", "Kasi Ketentraman dan Ketertiban Umum menerima surat perintah penertiban kegiatan pelacuran dan lokalisasi, kemudian memberikan perintah dan arahan kepada Danru untuk pelaksanaan kegiatan", 2, "Laporan Pelaksana", "2 Jam", "Draft Laporan Kegiatan"),
    ("6.", "Danru menerima perintah penertiban kegiatan protitusi dan lokalisasi, dari Kasi Ketentraman dan Ketertiban Umum, lalu menyiapkan anggota Trantib guna pelaksanaan kegiatan", 3, "Draft Laporan", "2 Jam", "Dokumen Laporan Penyelidikan"),
    ("7.", "Anggota Trantib menerima perintah dan arahan dari Danru untuk pelaksanaan peretiban kegiatan pelacuran dan lokalisasi, yang kemudian menyiapkan kelengkapan yang dibutuhkan dalam pelaksanaan", 4, "Surat Perintah, Seragam, alat peneritiban, kendaraan, dan perlengkapan", "1 Jam", "Laporan Pelaksanaan Lapangan"),
    ("8.", "Danru menerima laporan pelaksanaan lapangan dari anggota dan menyusun draft laporan pelaksanaan untuk Kasi Ketentraman dan Ketertiban Umum", 3, "Laporan Pelaksanaan Lapangan", "2 Hari", "Draft Laporan Pelaksanaan"),
    ("9.", "Kasi Ketentraman dan Ketertiban Umum mendapatkan draft laporan pelaksanaan dari Danru, apabila tidak ada koreksi lalu diteruskan kepada Camat sebagai laporan pelaksanaan penertiban kegiatan pelacuran dan lokalisasi", 2, "Draft Laporan Pelaksanaan", "1 Hari", "Laporan Pelaksanaan"),
    ("10.", "Kasi Ketentraman dan Ketertiban Umum melakukan pengarsipan laporan pelaksanaan penertiban kegiatan penertiban pelacuran", 2, "Laporan Pelaksanaan", "10 Menit", "Surat Perintah"),
]  # fmt: skip


def _tangerang(title: str, rows: list, tick: str = "√", extra: Document | None = None) -> bytes:
    document = extra or new_document(paper="F4")
    paragraph = document.add_paragraph()
    paragraph.add_run(title).bold = True
    add_flowchart(
        document,
        Flowchart(
            no="No.",
            kegiatan="Uraian Kegiatan",
            pelaksana="Pelaksana",
            mutu_baku="Mutu Baku",
            kelengkapan="Kelengkapan",
            waktu="Waktu",
            output="Output",
            ket="Ket.",
            roles=TANGERANG_ROLES,
            rows=[(no, act, {role: tick}, kel, t, out, "") for no, act, role, kel, t, out in rows],
            column_numbers=True,
        ),
    )
    return save(document)


def test_a_kota_tangerang_document_reads_the_column_numbers_and_its_headings():
    data = _tangerang(
        "SOP PELARANGAN PELACURAN\nKETENTRAMAN DAN KETERTIBAN UMUM - KOTA TANGERANG",
        SEED_001_ROWS,
    )
    result = import_document("pelacuran.docx", data, code="PPL", domain="ketertiban")
    spec = _load(result)
    assert spec.code == "PPL" and spec.domain == "ketertiban"
    assert not _notes_on(result, "code:")
    assert spec.paper == "F4"
    assert spec.column_numbers
    assert spec.identity.nama == "SOP PELARANGAN PELACURAN"
    assert spec.identity.instansi == ("KETENTRAMAN DAN KETERTIBAN UMUM - KOTA TANGERANG",)
    assert _notes_on(result, "  instansi:")
    assert (spec.headings.no, spec.headings.kegiatan, spec.headings.keterangan) == (
        "No.",
        "Uraian Kegiatan",
        "Ket.",
    )
    lines = result.yaml_text.splitlines()
    assert '  no: "No."' in lines  # headings: only those that differ from the defaults
    assert not any(line.startswith("  pelaksana:") for line in lines)
    assert [r.name for r in spec.roles] == TANGERANG_ROLES
    rows = document_of(spec).rows
    assert [r.no for r in rows] == [str(n) for n in range(1, 11)]  # "1." is row 1
    assert [r.activity for r in rows] == [row[1] for row in SEED_001_ROWS]
    assert [r.symbols[0].column for r in rows] == [row[2] for row in SEED_001_ROWS]
    assert rows[6].requirements == (
        "Surat Perintah, Seragam, alat peneritiban, kendaraan, dan perlengkapan",
    )
    assert [r.time for r in rows] == [row[4] for row in SEED_001_ROWS]


def test_a_row_without_a_tick_gets_the_first_role_and_is_flagged():
    rows = [(no, act, -1, kel, t, out) for no, act, _role, kel, t, out in SEED_001_ROWS[:3]]
    document = new_document()
    document.add_paragraph("SOP PENANGANAN UNJUK RASA DAN KERUSUHAN WARGA")
    add_flowchart(
        document,
        Flowchart(
            "No.", "Uraian Kegiatan", "Pelaksana", "Mutu Baku", "Kelengkapan", "Waktu",
            "Output", "Ket.", TANGERANG_ROLES,
            [(no, act, {}, kel, t, out, "") for no, act, _r, kel, t, out in rows],
            column_numbers=True,
        ),
    )  # fmt: skip
    result = import_document("unjuk-rasa.docx", save(document))
    spec = _load(result)
    assert [s.role for s in spec.steps] == ["camat"] * 3
    assert len(_notes_on(result, "role: camat")) == 3
    assert "tidak ada tanda" in _notes_on(result, "role: camat")[0]


# -- Kalbar (reference sop-01, sop-02): identity table, glyphs, several columns a row -------

KALBAR_ROLES = ["Pol PP", "PPNS", "Kasi", "Kabid", "Sekretaris", "Kasat"]
SOP_01_ROWS = [
    ("1", "Melakukan persiapan operasi dengan berkoordinasi dengan TNI dan Kepolisian serta mendapat advisteknis dari OPD terkait.", {3: "⬭", 5: "▭"}, "Surat kesiapan operasi kepada TNI, Kepolisian dan OPD terkait", "7 hari", "Laporan hasil koordinasi dan advisteknis dari OPD terkait", ""),
    ("2", "Memerintahkan Kabid PPD untuk pelaksanaan operasi sesuai dengan waktu dan tempat yang telah ditetapkan.", {3: "▭"}, "Disposisi", "15 menit", "Disposisi/ Perintah Operasi Penegakan Perda dan Perkada", ""),
    ("3", "Memerintahkan Kepala Seksi Penegakan untuk membuat surat pemberitahuan/peringatan I, II dan III tentang pelaksanaan operasi.", {2: "▭"}, "Disposisi", "15 menit", "Disposisi", ""),
    ("4", "Mengonsep surat pemberitahuan/peringatan I, II dan III tentang pelaksanaan operasi.", {1: "▭"}, "Konsep surat pemberitahuan/peringatan I, II dan III.", "2 jam", "Konsep surat", ""),
    ("5", "Memeriksa konsep surat pemberitahuan/peringatan I, II dan III tentang pelaksanaan operasi. Jika setuju menyampaikan kepada Kabid, Jika tidak setuju dikembalikan kepada Kepala Seksi untuk diperbaiki.", {2: "◇"}, "Konsep surat pemberitahuan/peringatan I, II dan III.", "1 jam", "Draft surat", ""),
    ("6", "Memeriksa draft surat pemberitahuan/peringatan I, II dan III tentang pelaksanaan operasi. Jika setuju ditandatangani dan diserahkan kepada Kasat untuk disampaikan kepada yang terkait. Jika tidak setuju diserahkan kembali kepada Kabid untuk diperbaiki.", {3: "◇", 4: "◇", 5: "◇"}, "Draft Surat", "1 hari", "Surat pemberitahuan/peringatan I, II dan III dan Disposisi", ""),
    ("12", "Pelaksanaan Operasi sesuai Surat Tugas", {0: "⬭"}, "Surat Tugas", "1 hari", "Operasi Kegiatan", ""),
]  # fmt: skip
SOP_01_IDENTITY = {
    "Nomor SOP": "000.8.3.3/ 329 /SATPOLPP-A",
    "Tanggal Pembuatan": "Agustus 2023",
    "Tanggal Revisi": "",
    "Tanggal Efektif": "Agustus 2023",
    "Disahkan oleh": (
        "KEPALA SATUAN POLISI PAMONG PRAJA PROVINSI KALIMANTAN BARAT,\n\n\n"
        "SUHERMAN, S.H., M.H.\nNIP.19701110 200212 1 005"
    ),
    "Nama SOP": "Operasi Penegakkan Perda dan Perkada",
}
KALBAR_INSTANSI = [
    "PEMERINTAH PROVINSI KALIMANTAN BARAT",
    "SEKRETARIAT",
    "SATUAN POLISI PAMONG PRAJA",
    "BIDANG PENEGAKAN PERATURAN DAERAH DAN PERATURAN KEPALA DAERAH",
    "SEKSI PENEGAKKAN",
]


def _kalbar_identity(document: Document) -> None:
    """Logo and instansi on the left; label, ":", value on the right; paired items below,
    numbered by hand."""
    table = document.add_table(rows=12, cols=4)
    table.cell(0, 0).merge(table.cell(5, 0)).text = "\n".join(KALBAR_INSTANSI)
    for r, (label, value) in enumerate(SOP_01_IDENTITY.items()):
        table.cell(r, 1).text = label
        table.cell(r, 2).text = ":"
        table.cell(r, 3).text = value
    pairs = [
        ("Dasar Hukum :", "1. Undang-Undang Nomor 1 Tahun 2022 tentang Hubungan Keuangan Antara Pemerintah Pusat dengan Pemerintahan Daerah\n2. Peraturan Menteri Dalam Negeri Nomor 54 Tahun 2011 tentang Prosedur Tetap Operasional Satuan Polisi Pamong Praja;",
         "Kualifikasi pelaksana", "1. Memiliki tugas bidang penegakan Perda dan Perkada;\n2. Memiliki kemampuan pengendalian masa."),
        ("Keterkaitan", "1. SOP Penyidikan dan Penyelidikan", "Peralatan/perlengkapan", "1. Komputer, proyektor, printer dan scanner;\n2. ATK;"),
        ("Peringatan", "Jika tidak dilaksanakan sesuai SOP, maka operasi penegakan Perda dan Perkada dapat berakibat hukum lain karena tidak berjalan sesuai dengan ketentuan per Undang-Undangan",
         "Pencatatan dan pendataan", "Disampaikan sebagai data elektronik dan manual"),
    ]  # fmt: skip
    for i, (left, left_value, right, right_value) in enumerate(pairs):
        r = 6 + 2 * i
        table.cell(r, 0).text = left
        table.cell(r, 1).merge(table.cell(r, 3)).text = right
        table.cell(r + 1, 0).text = left_value
        table.cell(r + 1, 1).merge(table.cell(r + 1, 3)).text = right_value


def _sop_01(rows: list | None = None) -> bytes:
    document = new_document()
    _kalbar_identity(document)
    document.add_paragraph("80.SOP Operasi Penegakkan Perda dan Perkada")
    add_flowchart(
        document,
        Flowchart(
            "No.", "Proses/Tahapan Kegiatan", "Pelaksana", "Mutu Baku", "Persyaratan/Kelengkapan",
            "Waktu", "Output", "Ket", KALBAR_ROLES, rows or SOP_01_ROWS,
        ),
    )  # fmt: skip
    return save(document)


def test_a_kalbar_document_reads_its_identity_table():
    result = import_document("sop-80.docx", _sop_01())
    spec = _load(result)
    ident = spec.identity
    assert ident.instansi == tuple(KALBAR_INSTANSI)
    assert ident.nomor == "000.8.3.3/ 329 /SATPOLPP-A"
    assert ident.tanggal_pembuatan == "Agustus 2023"
    assert ident.tanggal_revisi == ""
    assert ident.tanggal_efektif == "Agustus 2023"
    assert ident.disahkan_oleh.jabatan == (
        "KEPALA SATUAN POLISI PAMONG PRAJA PROVINSI KALIMANTAN BARAT,"
    )
    assert ident.disahkan_oleh.nama == "SUHERMAN, S.H., M.H."
    assert ident.disahkan_oleh.nip == "19701110 200212 1 005"
    assert ident.nama == "Operasi Penegakkan Perda dan Perkada"
    assert ident.dasar_hukum == (
        "Undang-Undang Nomor 1 Tahun 2022 tentang Hubungan Keuangan Antara Pemerintah Pusat "
        "dengan Pemerintahan Daerah",
        "Peraturan Menteri Dalam Negeri Nomor 54 Tahun 2011 tentang Prosedur Tetap Operasional "
        "Satuan Polisi Pamong Praja;",
    )
    assert ident.kualifikasi_pelaksana == (
        "Memiliki tugas bidang penegakan Perda dan Perkada;",
        "Memiliki kemampuan pengendalian masa.",
    )
    assert ident.keterkaitan == ("SOP Penyidikan dan Penyelidikan",)
    assert ident.peralatan_perlengkapan == ("Komputer, proyektor, printer dan scanner;", "ATK;")
    assert ident.peringatan[0].startswith("Jika tidak dilaksanakan sesuai SOP")
    assert ident.pencatatan_pendataan == ("Disampaikan sebagai data elektronik dan manual",)
    assert spec.code == "OPPP"
    assert not _notes_on(result, "  nomor:") and not _notes_on(result, "  instansi:")


def test_a_kalbar_document_reads_glyphs_and_rows_through_several_columns():
    result = import_document("sop-80.docx", _sop_01())
    spec = _load(result)
    assert spec.headings.kegiatan == "Proses/Tahapan Kegiatan"
    assert spec.headings.kelengkapan == "Persyaratan/Kelengkapan"
    assert spec.headings.no == "No."
    assert [r.name for r in spec.roles] == KALBAR_ROLES
    rows = document_of(spec).rows
    assert [r.no for r in rows] == ["1", "2", "3", "4", "5", "6", "12"]
    assert [[(s.column, s.shape) for s in r.symbols] for r in rows] == [
        [(3, TERMINATOR), (5, PROCESS)],
        [(3, PROCESS)],
        [(2, PROCESS)],
        [(1, PROCESS)],
        [(2, DECISION)],
        [(3, DECISION), (4, DECISION), (5, DECISION)],
        [(0, TERMINATOR)],
    ]
    kinds = [s.kind for s in spec.steps]
    assert kinds[0] is StepKind.START and kinds[-1] is StepKind.END
    assert kinds.count(StepKind.DECISION) == 4
    # The three steps of row 6 share its number and its texts.
    row_6 = [s for s in spec.steps if s.no == "6"]
    assert len(row_6) == 3 and len({s.activity for s in row_6}) == 1
    assert [s.role for s in row_6] == ["kabid", "sekretaris", "kasat"]
    decision = spec.steps[5]
    assert [(b.label, b.to, b.label_drawn) for b in decision.branches] == [
        ("ya", spec.steps[6].id, False),
        ("tidak", spec.steps[6].id, False),
    ]
    assert len(_notes_on(result, "label: tidak")) == 4
    assert len(_notes_on(result, "label: ya")) == 4


def test_numbered_glyphs_give_the_rows_order_across_columns():
    rows = [
        ("1", "a. membuat Surat Perintah Tugas dan disampaikan kepada Kasi untuk diperiksa", {0: "⬭"}, "- Alat Tulis Kantor", "1 hari", "- Draft SK Tim", ""),
        ("4", "Tim membuat laporan hasil pelaksanaan kegiatan dan melaporkan kepada Kasat melalui Kasi dan Kabid", {5: "1▭", 2: "2◇", 0: "3▭"}, "Alat Tulis Kantor, data kegiatan", "1 hari", "Laporan hasil pelaksanaan kegiatan", ""),
        ("5", "Mengagendakan, menggandakan dan mengarsipkan Laporan Kegiatan", {0: "⬭"}, "Alat Tulis Kantor, data kegiatan", "1 hari", "Laporan hasil pelaksanaan kegiatan", ""),
    ]  # fmt: skip
    spec = _load(import_document("sop-77.docx", _sop_01(rows)))
    row_4 = document_of(spec).rows[1]
    assert [(s.column, s.shape) for s in row_4.symbols] == [
        (5, PROCESS),
        (2, DECISION),
        (0, PROCESS),
    ]


def test_a_time_the_engine_cannot_read_is_left_empty_and_flagged_with_its_text():
    rows = [
        ("1", "Menerima laporan", {0: "⬭"}, "Laporan", "sesegera mungkin", "Laporan", "segera"),
        ("2", "Menutup laporan", {0: "⬭"}, "", "Waktu Tentatif sesuai Per UU", "", ""),
    ]
    result = import_document("waktu.docx", _sop_01(rows))
    spec = _load(result)
    assert spec.steps[0].time.text == ""
    assert spec.steps[0].notes == "segera"
    assert any("sesegera mungkin" in m for m in _notes_on(result, 'time: ""'))
    assert spec.steps[1].time.tentative


def test_a_row_whose_no_is_not_a_number_and_a_repeated_number_are_kept_apart():
    rows = [
        ("1", "Pertama", {0: "⬭"}, "", "1 jam", "", ""),
        ("1", "Kedua", {1: "▭"}, "", "1 jam", "", ""),
        ("1a", "Ketiga", {0: "⬭"}, "", "1 jam", "", ""),
    ]
    result = import_document("nomor.docx", _sop_01(rows))
    spec = _load(result)
    doc_rows = document_of(spec).rows
    assert [(r.no, r.activity) for r in doc_rows] == [
        ("1", "Pertama"),
        ("1", "Kedua"),
        ("1a", "Ketiga"),
    ]
    assert spec.steps[1].row == "1/2"
    assert _notes_on(result, 'no: "1a"')


def test_an_unknown_heading_and_a_missing_column_are_flagged():
    document = new_document()
    document.add_paragraph("SOP CONTOH")
    table = document.add_table(rows=3, cols=5)
    for g, text in enumerate(["No", "Kegiatan", "Petugas", "Waktu", "Catatan Khusus"]):
        table.cell(0, g).text = text
    for g, text in enumerate(["1", "Mencatat laporan", "v", "10 menit", "x-y"]):
        table.cell(1, g).text = text
    for g, text in enumerate(["2", "Menutup", "v", "5 menit", ""]):
        table.cell(2, g).text = text
    result = import_document("contoh.docx", save(document))
    spec = _load(result)
    assert [r.name for r in spec.roles] == ["Petugas"]
    notes = _notes_on(result, "headings")
    assert any("Catatan Khusus" in n for n in notes)
    assert any("Output" in n for n in notes)
    assert any("Pelaksana" in n for n in notes)
    assert [s.activity for s in spec.steps] == ["Mencatat laporan", "Menutup"]
