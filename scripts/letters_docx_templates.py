#!/usr/bin/env python3
"""Write the Word templates of letters (docxtpl): trantib/letters/docx/<shape>.docx.

    .venv/bin/python scripts/letters_docx_templates.py [OUT_DIR]

The templates are made by this script, not by hand in Word, so that they are reviewable as code
and byte-for-byte reproducible (fixed document properties and zip timestamps); a test checks
that the committed files are what this script writes. They lay out the context of
``trantib.letters.rendering.context.letter_context`` -- the same data as the PDF -- with Jinja
tags: ``{%p %}`` for paragraphs, ``{%tr %}`` for table rows, ``{{ x|br }}`` for text with line
breaks. Page size, margins and the font are applied from the unit's settings at rendering.
Every fixed text comes from the context's ``labels`` (``trantib.letters.rendering.labels``),
never from here. The Word file is a working copy of a draft: it has no QR code.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

OUT = Path(__file__).resolve().parent.parent / "trantib" / "letters" / "docx"
FIXED = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
TEXT_WIDTH_MM = 165  # A4 with 25/20 mm margins; Word stretches tables to the real width

Container = DocumentObject | _Cell


class Writer:
    """Appends paragraphs and tables to the document or to a table cell."""

    def __init__(self, target: Container) -> None:
        self.target = target
        self.fresh = isinstance(target, _Cell)  # a new cell holds one empty paragraph

    def p(
        self,
        text: str = "",
        *,
        bold: bool = False,
        italic: bool = False,
        underline: bool = False,
        size: float | None = None,
        align: str = "",
        indent_mm: float = 0,
        after: float = 0,
        before: float = 0,
        color: str = "",
    ) -> Paragraph:
        if self.fresh:
            par = self.target.paragraphs[0]
            self.fresh = False
        else:
            par = self.target.add_paragraph()
        if text:
            run = par.add_run(text)
            run.bold, run.italic, run.underline = bold or None, italic or None, underline or None
            if size:
                run.font.size = Pt(size)
            if color:
                run.font.color.rgb = RGBColor.from_string(color)
        fmt = par.paragraph_format
        fmt.space_after, fmt.space_before = Pt(after), Pt(before)
        if indent_mm:
            fmt.left_indent = Mm(indent_mm)
        if align:
            fmt.alignment = {
                "center": WD_ALIGN_PARAGRAPH.CENTER,
                "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
                "right": WD_ALIGN_PARAGRAPH.RIGHT,
            }[align]
        return par

    def tag(self, tag: str) -> None:
        """A paragraph that holds only a ``{%p … %}`` tag (docxtpl removes the paragraph)."""
        self.p(f"{{%p {tag} %}}")

    def table(self, widths_mm: list[float], *, grid: bool = False, indent_mm: float = 0) -> Table:
        doc = self.target
        table = doc.add_table(rows=0, cols=len(widths_mm))
        if grid:
            table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        table.autofit = False
        props = table._tbl.tblPr
        width = OxmlElement("w:tblW")
        width.set(qn("w:w"), str(int(sum(widths_mm) * 56.7)))
        width.set(qn("w:type"), "dxa")
        for old in props.findall(qn("w:tblW")):
            props.remove(old)
        props.append(width)
        if indent_mm:
            ind = OxmlElement("w:tblInd")
            ind.set(qn("w:w"), str(int(indent_mm * 56.7)))
            ind.set(qn("w:type"), "dxa")
            props.append(ind)
        margins = OxmlElement("w:tblCellMar")
        for side, value in (("left", 0 if not grid else 60), ("right", 60)):
            el = OxmlElement(f"w:{side}")
            el.set(qn("w:w"), str(value))
            el.set(qn("w:type"), "dxa")
            margins.append(el)
        props.append(margins)
        for col, w in zip(table.columns, widths_mm, strict=True):
            col.width = Mm(w)
        table._widths = widths_mm  # type: ignore[attr-defined]
        self.fresh = False
        return table


def row(table: Table, texts: list[str] | None = None, **style: object) -> list[_Cell]:
    cells = table.add_row().cells
    for cell, w in zip(cells, table._widths, strict=True):  # type: ignore[attr-defined]
        cell.width = Mm(w)
    for cell, text in zip(cells, texts or [], strict=False):
        Writer(cell).p(text, **style)  # type: ignore[arg-type]
    return cells


def tag_row(table: Table, tag: str) -> None:
    cells = row(table)
    Writer(cells[0]).p(f"{{%tr {tag} %}}")


def border(par: Paragraph, *, kind: str = "thickThinSmallGap", size: int = 24) -> None:
    """A rule under the paragraph (the kop's double line: thick over thin)."""
    ppr = par._p.get_or_add_pPr()
    pbdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", kind), ("w:sz", str(size)), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    pbdr.append(bottom)
    ppr.append(pbdr)


# --- the parts ---------------------------------------------------------------------------------


def kop(w: Writer) -> None:
    w.tag("if watermark")
    w.p("{{ watermark }}", bold=True, size=28, align="center", color="B0B0B0", after=6)
    w.tag("endif")
    table = w.table([26, TEXT_WIDTH_MM - 52, 26])
    logo, lines, _pad = row(table)
    Writer(logo).p("{{ logo }}")
    lines.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    logo.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    k = Writer(lines)
    k.tag("for line in kop.lines")
    k.tag("if line.big")
    k.p("{{ line.text }}", bold=True, size=17, align="center")
    k.tag("else")
    k.p("{{ line.text }}", bold=True, size=14, align="center")
    k.tag("endif")
    k.tag("endfor")
    k.tag("for line in kop.address")
    k.p("{{ line }}", size=9.5, align="center")
    k.tag("endfor")
    border(w.p(size=2), size=24)
    w.p(after=6)


def header_rows(w: Writer, value: str) -> None:
    table = w.table([24, 5, TEXT_WIDTH_MM - 29])
    tag_row(table, "for row in header")
    row(table, ["{{ row.label }}", ":", value])
    tag_row(table, "endfor")


def korespondensi_header(w: Writer) -> None:
    w.tag("if nota")
    w.p("{{ title }}", bold=True, align="center", after=8)
    header_rows(w, "{{ row.value|br }}")
    border(w.p(size=2), kind="single", size=12)
    w.p(after=4)
    w.tag("else")
    w.p("{{ place_date }}", indent_mm=TEXT_WIDTH_MM / 2, after=8)
    header_rows(w, "{{ row.value }}")
    w.tag("if addressed")
    w.p(before=10)
    w.tag("for line in recipient")
    w.p("{{ (labels.yth ~ ' ') if loop.first else '' }}{{ line }}")
    w.tag("endfor")
    w.tag("if recipient_address")
    w.p("{{ labels.di }}")
    w.tag("for line in recipient_address")
    w.p("{{ line }}", indent_mm=8)
    w.tag("endfor")
    w.tag("endif")
    w.p(after=6)
    w.tag("endif")
    w.tag("endif")


def judul_header(w: Writer) -> None:
    w.p("{{ title }}", bold=True, underline=True, align="center")
    w.tag("if subtitle")
    w.p("{{ subtitle }}", bold=True, align="center")
    w.tag("endif")
    w.p("{{ labels.nomor_judul }} {{ number }}", align="center", after=12)


def blocks(w: Writer) -> None:
    w.tag("for b in blocks")
    w.tag("if b.type == 'para'")
    w.p("{{ b.text|br }}", align="justify", after=6)
    w.tag("elif b.type == 'indent'")
    w.p("{{ b.text|br }}", align="justify", indent_mm=8, after=6)
    w.tag("elif b.type == 'list'")
    table = w.table([8, TEXT_WIDTH_MM - 8])
    tag_row(table, "for item in b.items")
    row(table, ["{{ item.marker }}", "{{ item.text|br }}"])
    tag_row(table, "endfor")
    w.p(size=4)
    w.tag("elif b.type == 'center'")
    w.p("{{ b.text }}", bold=True, align="center", before=4, after=6)
    w.tag("elif b.type == 'heading'")
    w.p("{{ b.text }}", bold=True, before=6, after=3)
    w.tag("elif b.type == 'labelled'")
    table = w.table([22, 5, 7, TEXT_WIDTH_MM - 34])
    tag_row(table, "for entry in b.entries")
    row(
        table,
        [
            "{{ b.label if loop.first else '' }}",
            "{{ ':' if loop.first else '' }}",
            "{{ (loop.index ~ '.') if b.numbered else '' }}",
            "{{ entry|br }}",
        ],
    )
    tag_row(table, "endfor")
    w.p(size=4)
    w.tag("elif b.type == 'fields'")
    w.tag("if b.label")
    w.p("{{ b.label }}", after=3)
    w.tag("endif")
    table = w.table([42, 5, TEXT_WIDTH_MM - 55], indent_mm=8)
    tag_row(table, "for r in b.rows")
    row(table, ["{{ r.label }}", ":", "{{ r.value }}"])
    tag_row(table, "endfor")
    w.p(size=4)
    w.tag("elif b.type == 'members'")
    w.tag("if b.label")
    w.p("{{ b.label }}", after=3)
    w.tag("endif")
    widths = [9, 45, 33, 38, TEXT_WIDTH_MM - 125]
    table = w.table(widths, grid=True)
    heads = ["no", "nama", "pangkat", "nip", "jabatan"]
    row(table, [f"{{{{ labels.{h} }}}}" for h in heads], bold=True, size=10)
    tag_row(table, "for m in b.rows")
    row(
        table,
        ["{{ m.no }}", "{{ m.nama }}", "{{ m.pangkat }}", "{{ m.nip }}", "{{ m.jabatan }}"],
        size=10,
    )
    tag_row(table, "endfor")
    w.p(size=4)
    w.tag("endif")
    w.tag("endfor")


def cell_head(w: Writer, name: str) -> None:
    """What stands above a signature (bottom-aligned, so the names line up)."""
    w.tag(f"if {name}.kind == 'sig'")
    w.tag(f"if {name}.place_date")
    w.p(f"{{{{ {name}.place_date }}}}")
    w.tag("endif")
    w.tag(f"for line in {name}.above")
    w.p("{{ line }}")
    w.tag("endfor")
    w.tag("endif")
    w.p(size=2)  # a cell must keep one paragraph whatever the tags remove


def cell_foot(w: Writer, name: str) -> None:
    """The signature's space (a draft is never signed yet), the name, pangkat and NIP."""
    w.tag(f"if {name}.kind == 'sig'")
    for _ in range(4):
        w.p()
    w.p(f"{{{{ {name}.name }}}}", bold=True, underline=True)
    w.tag(f"if {name}.pangkat")
    w.p(f"{{{{ {name}.pangkat }}}}")
    w.tag("endif")
    w.tag(f"if {name}.id_line")
    w.p(f"{{{{ {name}.id_line }}}}")
    w.tag("endif")
    w.tag("endif")
    w.p(size=2)


def signatures(w: Writer) -> None:
    w.p(after=6)
    half = TEXT_WIDTH_MM / 2
    table = w.table([half, half])
    tag_row(table, "for row in sig_rows")
    for part, align in ((cell_head, "BOTTOM"), (cell_foot, "TOP")):
        left, right = row(table)
        for c, name in ((left, "row.left"), (right, "row.right")):
            c.vertical_alignment = getattr(WD_CELL_VERTICAL_ALIGNMENT, align)
            part(Writer(c), name)
    tag_row(table, "endfor")
    w.tag("if witnesses")
    w.p("{{ labels.saksi }}", before=10, after=4)
    table = w.table([7, TEXT_WIDTH_MM * 0.55 - 7, TEXT_WIDTH_MM * 0.45])
    tag_row(table, "for x in witnesses")
    no, who, line = row(table)
    Writer(no).p("{{ x.no }}.")
    ww = Writer(who)
    ww.p("{{ x.name }}")
    ww.tag("if x.detail")
    ww.p("{{ x.detail }}", size=9)
    ww.tag("endif")
    Writer(line).p("{{ x.no }}. ……………………………", after=14)
    tag_row(table, "endfor")
    w.tag("endif")
    w.tag("if tembusan")
    w.p("{{ labels.tembusan }}", before=14)
    w.tag("for t in tembusan")
    w.p("{{ (loop.index ~ '. ') if tembusan|length > 1 else '' }}{{ t }}")
    w.tag("endfor")
    w.tag("endif")
    w.tag("if coordination")
    w.p(before=10)
    table = w.table([9, 50, 22, 26], grid=True)
    heads = ["no", "jabatan", "paraf", "tanggal"]
    row(table, [f"{{{{ labels.{h} }}}}" for h in heads], bold=True, size=8)
    tag_row(table, "for r in coordination")
    row(table, ["{{ r.no }}", "{{ r.jabatan }}", "", ""], size=8)
    tag_row(table, "endfor")
    w.tag("endif")


def template(header: Callable[[Writer], None]) -> DocumentObject:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = section.right_margin = Mm(20)
    section.left_margin = Mm(25)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = "Arial", Pt(12)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.1
    body = doc.element.body
    for par in list(body.iterchildren(qn("w:p"))):  # the default template's empty paragraph
        body.remove(par)
    w = Writer(doc)
    kop(w)
    header(w)
    blocks(w)
    signatures(w)
    props = doc.core_properties
    props.author = props.last_modified_by = props.comments = ""  # nothing of the product's
    props.title = "{{ document_title }}"
    props.created = props.modified = FIXED
    props.revision = 1
    return doc


SHAPES: dict[str, Callable[[Writer], None]] = {
    "korespondensi": korespondensi_header,
    "judul": judul_header,
}


def reproducible(data: bytes) -> bytes:
    """The same zip with fixed timestamps and member order, so the file is the same each run."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in sorted(source.namelist(), key=lambda n: (n != "[Content_Types].xml", n)):
            info = zipfile.ZipInfo(name, date_time=FIXED.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(name))
    return out.getvalue()


def build(shape: str) -> bytes:
    doc = template(SHAPES[shape])
    buf = io.BytesIO()
    doc.save(buf)
    return reproducible(buf.getvalue())


def main(out: Path = OUT) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for shape in SHAPES:
        (out / f"{shape}.docx").write_bytes(build(shape))
        print(out / f"{shape}.docx")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
