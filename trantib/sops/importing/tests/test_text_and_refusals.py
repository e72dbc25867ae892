# ruff: noqa: E501 - activities of real documents, verbatim
"""Text and PDF SOPs (best effort, all flagged), files that cannot be imported, and the CLI."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from trantib.engine.document import document_of
from trantib.engine.loader import load_text
from trantib.sops.importing import ImportRefused, import_document

from .builders import new_document, save

SEEDS = Path(__file__).resolve().parents[4].parent / "shared" / "seeds"
# Rows of each seed as the text gives them: (count, first activity's start, last's start).
SEED_ROWS = {
    "000": (12, "Merumuskan program Operasional Patroli", "Melakukan Tugas Penertiban non Yustitia"),
    "001": (10, "Kasi Ketentraman dan Ketertiban Umum menerima laporan pendataan", "Kasi Ketentraman dan Ketertiban Umum melakukan pengarsipan"),
    "003": (4, "A. POS SAPTA 1. Maksud", "D. POS KHIDMAT 1. Maksud"),
    "004": (11, "Setelah melakukan koordinasi dengan pihak Kepolisian", "Kasi Trantib melakukan pengarsipan"),
}  # fmt: skip


def _seed(prefix: str) -> Path:
    found = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not found:
        pytest.skip(f"seed {prefix} not present in {SEEDS}")
    return found[0]


def _numbered_activities(text: str) -> list[str]:
    """The activity cell of each numbered row line of a seed (tab-separated)."""
    out = []
    for line in text.splitlines():
        cells = line.split("\t")
        numbered = re.fullmatch(r"\d+\.?", cells[0].strip()) if len(cells) > 2 else None
        column_numbers = all(re.fullmatch(r"\d+", c.strip()) for c in cells if c.strip())
        if numbered and cells[1].strip() and not column_numbers:
            out.append(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cells[1])).strip())
    return out


@pytest.mark.parametrize("prefix", sorted(SEED_ROWS))
def test_a_seed_as_text_gives_a_loadable_draft_with_its_rows_and_activities(prefix: str):
    path = _seed(prefix)
    result = import_document(path.name, path.read_bytes())
    spec, _warnings = load_text(result.yaml_text, "draft.yaml")
    rows = document_of(spec).rows
    count, first, last = SEED_ROWS[prefix]
    assert result.source_kind == "text"
    assert len(rows) == count
    assert rows[0].activity.startswith(first) and rows[-1].activity.startswith(last)
    assert [r.activity for r in rows] == _numbered_activities(path.read_text(encoding="utf-8"))
    assert [r.no for r in rows] == [str(n) for n in range(1, count + 1)]
    # Everything read from text is to be checked: each row, and the identity.
    flagged = {result.yaml_text.splitlines()[n.line - 1] for n in result.review}
    assert sum(line.lstrip().startswith("no:") for line in flagged) == count
    assert any(line.lstrip().startswith("instansi:") for line in flagged)


def test_seed_000_as_text_reads_its_ticks_times_and_mutu_baku():
    path = _seed("000")
    spec, _ = load_text(import_document(path.name, path.read_bytes()).yaml_text)
    rows = document_of(spec).rows
    assert spec.roles[0].name == "KASAT POL PP"
    assert spec.headings.kelengkapan == "PERSYARATAN KELENGKAPAN"
    assert [r.symbols[0].column for r in rows] == [0, 1, 2, 3, 2, 1, 0, 0, 0, 1, 2, 3]
    assert rows[3].time == "3-4 jam"
    assert rows[3].requirements == ("Jadwal dan personil Operasional Patroli",)
    assert rows[3].output == "Kegiatan patroli harian secara rutin"


def test_seed_003_as_text_reads_its_labelled_identity():
    path = _seed("003")
    spec, _ = load_text(import_document(path.name, path.read_bytes()).yaml_text)
    assert spec.identity.nomor == "SOP / 06 / IX / 2019"
    assert spec.identity.tanggal_efektif == "01 OKTOBER 2019"
    assert spec.identity.nama == "COMUNITY POLICYNG"
    assert spec.identity.keterkaitan == ("SOP COMUNITY POLICYNG",)
    assert len(spec.identity.dasar_hukum) == 7
    assert len(spec.roles) == 6


def test_seed_002_as_text_keeps_its_identity_and_asks_for_the_unreadable_flowchart():
    path = _seed("002")
    result = import_document(path.name, path.read_bytes())
    spec, _ = load_text(result.yaml_text)
    assert spec.identity.nomor == "188 / 07 TAHUN 2023"
    assert spec.identity.nama == "Pengamanan Pelaksanaan Perda"
    assert any("tabel bagan alir tidak terbaca" in n.message for n in result.review)


def test_a_pdf_of_a_rendered_sop_imports_its_rows():
    from trantib.engine.library import library_files
    from trantib.engine.loader import load_file
    from trantib.sops.rendering import render_pdf

    path = next(p for p in library_files(Path(__file__).resolve().parents[2] / "library"))
    spec, _ = load_file(path)
    result = import_document(f"{spec.code}.pdf", render_pdf(spec))
    imported, _ = load_text(result.yaml_text)
    assert result.source_kind == "pdf"
    assert imported.identity.nama  # best effort: loadable, flagged
    assert result.review


# -- refusals -------------------------------------------------------------------------------


def _no_table_docx() -> bytes:
    document = new_document()
    document.add_paragraph("SOP TANPA TABEL")
    return save(document)


def _other_table_docx() -> bytes:
    document = new_document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Nama"
    table.cell(0, 1).text = "Alamat"
    return save(document)


# A PDF with one blank page and no text.
BLANK_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

REFUSED = {
    "not a zip.docx": (b"this is not a Word file", "not a Word document"),
    "empty.docx": (b"", "the file is empty"),
    "no table.docx": (_no_table_docx(), "no table"),
    "other table.docx": (_other_table_docx(), "no flowchart table"),
    "old.doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "an old Word .doc file"),
    "locked.docx": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "an encrypted Word document"),
    "blank.pdf": (BLANK_PDF, "no text"),
    "not a.pdf": (b"%PDF-1.4 garbage", "not a readable PDF"),
    "photo.png": (b"\x89PNG\r\n\x1a\n\0\0\0", "not a Word (.docx), PDF or text file"),
    "notes.txt": (b"Rapat hari Senin.\nTidak ada SOP di sini.", "no SOP found"),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_file_that_is_no_sop_is_refused_in_one_line_naming_it(name: str):
    data, words = REFUSED[name]
    with pytest.raises(ImportRefused) as caught:
        import_document(name, data)
    message = str(caught.value)
    assert message.startswith(f"{name}: ") and words in message
    assert "\n" not in message


# -- the command ----------------------------------------------------------------------------


def _run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("sop", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("name", ["not a zip.docx", "empty.docx", "other table.docx", "blank.pdf"])
def test_the_import_command_refuses_a_bad_file_in_one_line_and_exits_1(tmp_path, name):
    source = tmp_path / name
    source.write_bytes(REFUSED[name][0])
    code, out, err = _run("import", str(source), "-o", str(tmp_path / "out.yaml"))
    assert code == 1
    assert out == ""
    assert err.strip().count("\n") == 0 and err.startswith(str(source))
    assert "Traceback" not in err
    assert not (tmp_path / "out.yaml").exists()


def test_the_import_command_writes_the_draft_and_prints_its_review_notes(tmp_path):
    source = tmp_path / "patroli.txt"
    source.write_bytes(_seed("000").read_bytes())
    out_file = tmp_path / "PPW.v1.yaml"
    code, out, _err = _run("import", str(source), "-o", str(out_file), "--domain", "patroli")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith(f"{source}: wrote draft {out_file}")
    notes = lines[1:]
    assert notes and all(re.match(rf"{re.escape(str(out_file))}:\d+: REVIEW: ", n) for n in notes)
    written = out_file.read_text(encoding="utf-8").splitlines()
    for note in notes:
        number = int(note.split(":")[1])
        assert written[number - 2].lstrip().startswith("# REVIEW: ")
    spec, _ = load_text(out_file.read_text(encoding="utf-8"), str(out_file), check_name=True)
    assert spec.domain == "patroli"


def test_the_import_command_refuses_to_overwrite_unless_forced(tmp_path):
    source = tmp_path / "patroli.txt"
    source.write_bytes(_seed("000").read_bytes())
    out_file = tmp_path / "draft.yaml"
    out_file.write_text("mine", encoding="utf-8")
    code, _out, err = _run("import", str(source), "-o", str(out_file))
    assert code == 1 and "already exists" in err and str(out_file) in err
    assert out_file.read_text(encoding="utf-8") == "mine"
    code, _out, _err = _run("import", str(source), "-o", str(out_file), "--force")
    assert code == 0 and out_file.read_text(encoding="utf-8").startswith("# yaml-language")


def test_export_docx_writes_a_word_file_the_import_reads_back(tmp_path):
    out_file = tmp_path / "ppw.docx"
    code, out, _err = _run("export-docx", "PPW", "-o", str(out_file))
    assert code == 0 and "wrote" in out
    result = import_document(out_file.name, out_file.read_bytes())
    assert result.source_kind == "docx"
