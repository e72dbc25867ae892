"""The official document prints only what its source says (issue 14, item 1).

Every library SOP keeps the text of the document it was written from beside it
(``<CODE>.source.txt``: the seeds and reference SOPs as extracted from their PDFs). Its official
PDF, read back with ``pdftotext``, must hold no line that is neither found in that source nor
a fixed label of the Permenpan RB 35/2012 layout: no task title, no wait period, no branch
label or note the product added. The annotated view is the one place those appear, and it says
so on every page.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from trantib.engine.document import document_of
from trantib.engine.library import load_library
from trantib.engine.spec import SOPSpec
from trantib.sops.rendering import render_pdf
from trantib.sops.rendering.document import ANNOTATED_MARK, footer_text

LIBRARY = Path(__file__).resolve().parents[1] / "library"
SPECS = sorted(load_library(LIBRARY).specs, key=lambda s: s.key)

# The layout's own words: the identity labels and the table's default headings.
FIXED = {
    "Nomor SOP",
    "Tgl. Pembuatan",
    "Tgl. Revisi",
    "Tgl. Efektif",
    "Disahkan oleh",
    "Nama SOP",
    "Dasar Hukum:",
    "Keterkaitan:",
    "Peringatan:",
    "Kualifikasi Pelaksana:",
    "Peralatan/Perlengkapan:",
    "Pencatatan dan Pendataan:",
    "No",
    "Kegiatan",
    "Pelaksana",
    "Mutu Baku",
    "Kelengkapan",
    "Waktu",
    "Output",
    "Ket.",
    "Ket",  # "Ket." as pdftotext reads it back
    "-",
}
PAGE = re.compile(r"^Halaman \d+ dari \d+$")
LIST_MARK = re.compile(r"^\d+\.\s+")
NOMOR_INDUK = re.compile(r"^(NIP|NRP)\.\s+")


def _squeeze(text: str) -> str:
    """Compare letters only: pdftotext joins a word wrapped at its hyphen, and lines and
    cells break where the page does."""
    return re.sub(r"[\s\-‐–—]+", "", text)


def _source(spec: SOPSpec) -> str:
    path = Path(spec.path).parent / f"{spec.code}.source.txt"
    return path.read_text(encoding="utf-8")


def _pdf_lines(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "sop.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(  # noqa: S603
        ["pdftotext", "-enc", "UTF-8", str(path), "-"],  # noqa: S607
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _unfound(spec: SOPSpec, lines: list[str]) -> list[str]:
    source = _squeeze(_source(spec))
    rows = {row.no for row in document_of(spec).rows}
    footer = footer_text(spec)
    out = []
    for line in lines:
        if line in FIXED or PAGE.match(line) or line in rows:
            continue  # a label, a page number, a row's number (also an off-page connector's)
        if line == footer or (footer.startswith(line) and len(line) > 12):
            continue  # the footer names the document: its Nama SOP and Nomor, both checked
        if spec.column_numbers and re.fullmatch(r"\d+( \d+)*", line):
            continue  # the column-number row the document prints
        text = NOMOR_INDUK.sub("", LIST_MARK.sub("", line))
        if _squeeze(text) and _squeeze(text) not in source:
            out.append(line)
    return out


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.key)
def test_official_pdf_prints_only_its_source(spec: SOPSpec, tmp_path: Path) -> None:
    lines = _pdf_lines(render_pdf(spec), tmp_path)
    assert lines, "the PDF has text"
    assert _unfound(spec, lines) == []


def test_a_line_not_in_the_source_is_caught(tmp_path: Path) -> None:
    """The check itself: a title the product wrote, printed in the annotated view, is not in
    the source, and the annotated view's mark is on its pages."""
    spec = next(s for s in SPECS if s.code == "RTHM")
    lines = _pdf_lines(render_pdf(spec, view="annotated"), tmp_path)
    assert ANNOTATED_MARK in " ".join(lines)
    assert _unfound(spec, lines), "the annotated view prints what the source does not say"
