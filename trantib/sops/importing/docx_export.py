"""An SOP's document layer as a Word file: the identity table and the flowchart table.

``document_docx(spec)`` writes :func:`trantib.engine.document.document_of` as a unit would
type it in Word: the identity table (instansi on the left; Nomor SOP … Nama SOP on the right;
then the paired items), the flowchart table with its headings as printed, the column-number
row when the document has one, and in each Pelaksana cell the glyphs of the symbols drawn
there (:mod:`.glyphs`). A Word table carries no arrows: importing the file gives back the
document layer without them (``SopDocument.table()``). Which roles are outside the unit is not
printed either; the file's properties (keywords) record it for the importer.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from trantib.engine.document import SopDocument, document_of
from trantib.engine.spec import Approval, SOPSpec

from .docx_reader import METADATA
from .glyphs import row_cells

if TYPE_CHECKING:
    from docx.table import Table, _Cell

_PAGE_MM = {"A4": (297, 210), "F4": (330, 215)}
_LISTS = (
    ("dasar_hukum", "Dasar Hukum:", "kualifikasi_pelaksana", "Kualifikasi Pelaksana:"),
    ("keterkaitan", "Keterkaitan:", "peralatan_perlengkapan", "Peralatan/Perlengkapan:"),
    ("peringatan", "Peringatan:", "pencatatan_pendataan", "Pencatatan dan Pendataan:"),
)


def document_docx(spec: SOPSpec) -> bytes:
    """The Word file (bytes) of ``spec``'s document layer."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm, Pt

    doc_layer = document_of(spec)
    document = docx.Document()
    section = document.sections[0]
    width, height = _PAGE_MM.get(doc_layer.paper, _PAGE_MM["A4"])
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(width), Mm(height)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(12))
    document.styles["Normal"].font.size = Pt(9)
    external = [str(i + 1) for i, c in enumerate(doc_layer.columns) if c.external]
    props = document.core_properties
    props.title = doc_layer.identity.nama
    props.subject = f"SOP {spec.code} v{spec.version}"
    props.keywords = f"{METADATA}; external={','.join(external)}"
    _identity_table(document, doc_layer)
    document.add_paragraph()
    _flowchart_table(document, doc_layer)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _put(cell: _Cell, text: str, *, bold: bool = False) -> None:
    """Write ``text`` into ``cell``, one paragraph a line."""
    lines = text.split("\n") if text else [""]
    cell.paragraphs[0].text = ""
    for i, line in enumerate(lines):
        paragraph = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        run = paragraph.add_run(line)
        run.bold = bold


def _approval_text(a: Approval) -> str:
    lines = [a.jabatan] if a.jabatan else []
    if a.nama or a.pangkat or a.nip:
        lines += ["", a.nama]
        if a.pangkat:
            lines.append(a.pangkat)
        if a.nip:
            digits = "".join(ch for ch in a.nip if ch.isdigit())
            lines.append(f"{'NRP' if len(digits) == 8 else 'NIP.'} {a.nip}")
    return "\n".join(lines)


def _numbered(items: tuple[str, ...]) -> str:
    return "\n".join(f"{i}. {item}" for i, item in enumerate(items, start=1))


def _identity_table(document: Any, doc_layer: SopDocument) -> Table:
    ident = doc_layer.identity
    table = document.add_table(rows=12, cols=3)
    table.style = "Table Grid"
    instansi = table.cell(0, 0).merge(table.cell(5, 0))
    _put(instansi, "\n".join(ident.instansi), bold=True)
    pairs = [
        ("Nomor SOP", ident.nomor),
        ("Tanggal Pembuatan", ident.tanggal_pembuatan),
        ("Tanggal Revisi", ident.tanggal_revisi),
        ("Tanggal Efektif", ident.tanggal_efektif),
        ("Disahkan oleh", _approval_text(ident.disahkan_oleh)),
        ("Nama SOP", ident.nama),
    ]
    for r, (label, value) in enumerate(pairs):
        _put(table.cell(r, 1), label, bold=True)
        _put(table.cell(r, 2), value)
    for i, (left, left_label, right, right_label) in enumerate(_LISTS):
        r = 6 + 2 * i
        _put(table.cell(r, 0), left_label, bold=True)
        _put(table.cell(r, 1).merge(table.cell(r, 2)), right_label, bold=True)
        _put(table.cell(r + 1, 0), _numbered(getattr(ident, left)))
        _put(table.cell(r + 1, 1).merge(table.cell(r + 1, 2)), _numbered(getattr(ident, right)))
    return table


def _flowchart_table(document: Any, doc_layer: SopDocument) -> Table:
    h = doc_layer.headings
    roles = len(doc_layer.columns)
    width = 2 + roles + 3 + 1
    header = 2 + (1 if doc_layer.column_numbers else 0)
    table = document.add_table(rows=header + len(doc_layer.rows), cols=width)
    table.style = "Table Grid"
    _put(table.cell(0, 0).merge(table.cell(1, 0)), h.no, bold=True)
    _put(table.cell(0, 1).merge(table.cell(1, 1)), h.kegiatan, bold=True)
    _put(table.cell(0, 2).merge(table.cell(0, 1 + roles)), h.pelaksana, bold=True)
    _put(table.cell(0, 2 + roles).merge(table.cell(0, 4 + roles)), h.mutu_baku, bold=True)
    _put(table.cell(0, 5 + roles).merge(table.cell(1, 5 + roles)), h.keterangan, bold=True)
    for i, column in enumerate(doc_layer.columns):
        _put(table.cell(1, 2 + i), column.name, bold=True)
    for i, text in enumerate((h.kelengkapan, h.waktu, h.output)):
        _put(table.cell(1, 2 + roles + i), text, bold=True)
    if doc_layer.column_numbers:
        for g in range(width):
            _put(table.cell(2, g), str(g + 1))
    for r, row in enumerate(doc_layer.rows, start=header):
        _put(table.cell(r, 0), row.no)
        _put(table.cell(r, 1), row.activity)
        cells = row_cells([(s.column, s.shape) for s in row.symbols], roles)
        for i, text in enumerate(cells):
            _put(table.cell(r, 2 + i), text)
        _put(table.cell(r, 2 + roles), "\n".join(_marked(row.requirements, doc_layer.list_marks)))
        _put(table.cell(r, 3 + roles), row.time)
        _put(table.cell(r, 4 + roles), row.output)
        _put(table.cell(r, 5 + roles), row.notes)
    return table


def _marked(items: tuple[str, ...], marks: str) -> list[str]:
    """A Kelengkapan list's items as the document prints them (``list_marks``)."""
    if len(items) < 2 or not marks:
        return list(items)
    return [(f"{n}. " if marks == "numbered" else "- ") + item for n, item in enumerate(items, 1)]
