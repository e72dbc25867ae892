"""Reading a Permenpan RB 35/2012 SOP from a Word document (python-docx).

The flowchart table is the first table with a "No" heading and a "Kegiatan" heading (also
"Uraian Kegiatan", "Proses/Tahapan Kegiatan", "Aktivitas"); tables after it with the same
Pelaksana columns continue it (a table split across pages). The identity table is a table
before it (or the rows above its headings) that holds identity labels; without one, the lines
of text above the table are the title: the first is the Nama SOP, the others the instansi.

Merged cells: python-docx returns a merged cell once per grid column and row it covers, as the
same element; cells are told apart by their element (``cell._tc``), so a heading spanning two
rows or several columns counts once.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from trantib.engine.spec import Shape

from . import identity as labels
from .draft import Draft, DraftIdentity, DraftRole, DraftRow, DraftSymbol, ImportRefused
from .glyphs import Mark, cell_marks, order_marks

if TYPE_CHECKING:
    from docx.table import Table, _Cell

# Roles whose heading names someone outside the unit (external: true), when the document does
# not say (a Word file written by ``document_docx`` says so in its properties).
EXTERNAL_WORDS = frozenset(
    {
        "pelapor",
        "warga",
        "masyarakat",
        "pelanggar",
        "pemohon",
        "tni",
        "polri",
        "kepolisian",
        "kejari",
        "kejaksaan",
        "pengadilan",
        "pn",
    }
)
METADATA = "trantib-sop/1"
_MM_A4, _MM_F4 = 297, 330
_ROW_NO = re.compile(r"^(\d+)\.?$")
_SHAPES = {
    "flowChartTerminator": Shape.TERMINATOR,
    "roundRect": Shape.TERMINATOR,
    "ellipse": Shape.TERMINATOR,
    "flowChartAlternateProcess": Shape.TERMINATOR,
    "flowChartProcess": Shape.PROCESS,
    "rect": Shape.PROCESS,
    "flowChartDecision": Shape.DECISION,
    "diamond": Shape.DECISION,
}


def heading_kind(text: str) -> str:
    """Which column a heading names: no, kegiatan, pelaksana, mutu_baku, kelengkapan, waktu,
    output, keterangan; "" when none."""
    t = labels.letters(text)
    if t in {"no", "nomor", "nourut"}:
        return "no"
    if "kegiatan" in t or "aktivitas" in t or t.startswith("uraian") or "tahapan" in t:
        return "kegiatan"
    if t.startswith("pelaksana"):
        return "pelaksana"
    if "mutubaku" in t:
        return "mutu_baku"
    if "kelengkapan" in t or "persyaratan" in t:
        return "kelengkapan"
    if t.startswith("waktu"):
        return "waktu"
    if t.startswith("output") or t in {"keluaran", "hasil"}:
        return "output"
    if t in {"ket", "keterangan"}:
        return "keterangan"
    return ""


def text_of(cell: _Cell) -> str:
    return "\n".join(line.rstrip() for line in cell.text.replace("\r", "\n").split("\n")).strip()


def heading_text(cell: _Cell) -> str:
    return re.sub(r"\s+", " ", cell.text).strip()


@dataclass
class _Column:
    kind: str  # no, kegiatan, role, kelengkapan, waktu, output, keterangan, unknown
    grid: int  # the first grid column it covers
    heading: str
    role: int = -1  # index into the roles when kind == "role"


@dataclass
class _Layout:
    table: Table
    header_start: int
    body_start: int
    columns: list[_Column]
    roles: list[str]
    headings: dict[str, str] = field(default_factory=dict)
    review: list[str] = field(default_factory=list)
    column_numbers: bool = False


def read_docx(filename: str, data: bytes) -> Draft:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise ImportRefused(
            f"{filename}: an encrypted Word document or an old .doc file; save it as .docx "
            "(Word 2007 or later) without a password"
        )
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportRefused(f"{filename}: not a Word document (.docx): {exc}") from None
    except Exception as exc:  # a damaged package: lxml, zipfile and others
        raise ImportRefused(f"{filename}: not a readable Word document (.docx): {exc}") from None
    tables = list(document.tables)
    if not tables:
        raise ImportRefused(f"{filename}: no table in the document; an SOP's flowchart is a table")
    found = next(((i, lay) for i, t in enumerate(tables) if (lay := _layout(t))), None)
    if found is None:
        raise ImportRefused(
            f"{filename}: no flowchart table found (a table with the headings No and Kegiatan) "
            f"among its {len(tables)} table(s)"
        )
    index, layout = found
    draft = Draft(source_kind="docx")
    draft.headings = layout.headings
    draft.headings_review = layout.review
    draft.column_numbers = layout.column_numbers
    draft.roles = [DraftRole(name) for name in layout.roles]
    _external(document, draft)
    draft.rows = _rows(filename, index, layout)
    for later in tables[index + 1 :]:
        more = _layout(later)
        if more is not None and more.roles == layout.roles:
            draft.column_numbers = draft.column_numbers or more.column_numbers
            draft.rows += _rows(filename, tables.index(later), more)
    if not draft.rows:
        raise ImportRefused(
            f"{filename}: table {index + 1}: the flowchart table has headings but no rows"
        )
    draft.identity = _identity(document, tables[:index], layout)
    _paper(document, draft)
    return draft


# -- the flowchart table ------------------------------------------------------------------


def _grid(table: Table) -> list[list[_Cell]]:
    return [list(row.cells) for row in table.rows]


def _layout(table: Table) -> _Layout | None:
    try:
        grid = _grid(table)
    except (IndexError, ValueError):
        return None
    for r, row in enumerate(grid[:12]):
        kinds = [heading_kind(heading_text(c)) for c in row]
        if "no" in kinds and "kegiatan" in kinds:
            return _columns(table, grid, r)
    return None


def _is_number_row(row: list[_Cell]) -> bool:
    texts = [heading_text(c) for c in _unique(row)]
    return len(texts) >= 3 and texts == [str(i) for i in range(1, len(texts) + 1)]


def _unique(row: list[_Cell]) -> list[_Cell]:
    out: list[_Cell] = []
    for cell in row:
        if not any(cell._tc is c._tc for c in out):
            out.append(cell)
    return out


def _columns(table: Table, grid: list[list[_Cell]], start: int) -> _Layout:
    head = grid[start]
    no_grid = next(g for g, c in enumerate(head) if heading_kind(heading_text(c)) == "no")
    body = start + 1
    while body < len(grid) and body - start < 3:
        row = grid[body]
        if _is_number_row(row):
            break
        same_no = row[no_grid]._tc is head[no_grid]._tc
        if not same_no and (heading_text(row[no_grid]) or any(_marks_in(c) for c in row)):
            break
        if not same_no and body > start + 1:
            break
        body += 1
    header_rows = grid[start:body]
    columns: list[_Column] = []
    roles: list[str] = []
    headings: dict[str, str] = {}
    review: list[str] = []
    width = len(head)
    previous_leaf: Any = None
    for g in range(width):
        stack: list[_Cell] = []
        for row in header_rows:
            if g < len(row) and not any(row[g]._tc is c._tc for c in stack):
                stack.append(row[g])
        leaf = stack[-1]
        if previous_leaf is not None and leaf._tc is previous_leaf:
            continue
        previous_leaf = leaf._tc
        kinds = [heading_kind(heading_text(c)) for c in stack]
        leaf_kind = kinds[-1]
        text = heading_text(leaf)
        if "pelaksana" in kinds[:-1]:
            headings.setdefault("pelaksana", heading_text(stack[kinds.index("pelaksana")]))
            columns.append(_Column("role", g, text, len(roles)))
            roles.append(text)
            continue
        if "mutu_baku" in kinds[:-1]:
            headings.setdefault("mutu_baku", heading_text(stack[kinds.index("mutu_baku")]))
        if leaf_kind in ("no", "kegiatan", "kelengkapan", "waktu", "output", "keterangan"):
            key = leaf_kind
            if key in headings:
                review.append(f"kolom {text!r} muncul dua kali; yang kedua diabaikan")
                columns.append(_Column("unknown", g, text))
                continue
            headings[key] = text
            columns.append(_Column(leaf_kind, g, text))
        elif leaf_kind == "pelaksana":
            # "Pelaksana" heading a single column with nothing under it.
            headings.setdefault("pelaksana", text)
            columns.append(_Column("role", g, "", len(roles)))
            roles.append("")
        else:
            columns.append(_Column("unknown", g, text))
    # Columns between Kegiatan and Mutu Baku without a Pelaksana heading above them.
    kinds_order = [c.kind for c in columns]
    if not roles and "kegiatan" in kinds_order:
        first = kinds_order.index("kegiatan") + 1
        for col in columns[first:]:
            if col.kind != "unknown":
                break
            col.kind, col.role = "role", len(roles)
            roles.append(col.heading)
        if roles:
            review.append(
                "tidak ada judul Pelaksana di atas kolom peran; kolom di antara Kegiatan dan "
                "Mutu Baku dibaca sebagai Pelaksana"
            )
    review += [
        f"judul kolom {col.heading!r} tidak dikenali; isinya tidak dibaca"
        for col in columns
        if col.kind == "unknown"
    ]
    names = {
        "kelengkapan": "Kelengkapan",
        "waktu": "Waktu",
        "output": "Output",
        "keterangan": "Ket",
    }
    for key, name in names.items():
        if key not in headings:
            review.append(f"tabel tidak memiliki kolom {name}; judul bawaan dipakai")
    layout = _Layout(table, start, body, columns, roles, headings, review)
    if body < len(grid) and _is_number_row(grid[body]):
        layout.column_numbers = True
        layout.body_start = body + 1
    if not roles:
        review.append("tidak ada kolom Pelaksana yang terbaca")
    return layout


def _marks_in(cell: _Cell) -> bool:
    marks, _whole = cell_marks(cell.text)
    return bool(marks)


def _rows(filename: str, table_index: int, layout: _Layout) -> list[DraftRow]:
    grid = _grid(layout.table)
    rows: list[DraftRow] = []
    by_kind = {c.kind: c for c in layout.columns if c.kind not in ("role", "unknown")}
    role_columns = [c for c in layout.columns if c.kind == "role"]
    for r in range(layout.body_start, len(grid)):
        cells = grid[r]

        def text(kind: str, cells: list[_Cell] = cells) -> str:
            col = by_kind.get(kind)
            return text_of(cells[col.grid]) if col and col.grid < len(cells) else ""

        if _is_number_row(cells):
            layout.column_numbers = True
            continue
        if heading_kind(text("kegiatan")) == "kegiatan" and heading_kind(text("no")) == "no":
            continue  # the headings repeated on the next page
        row = DraftRow(no="", activity=text("kegiatan"))
        found: list[tuple[int, Mark]] = []
        for col in role_columns:
            if col.grid >= len(cells):
                continue
            cell = cells[col.grid]
            raw = text_of(cell)
            marks, whole = cell_marks(raw)
            if not marks:
                marks = [Mark(shape) for shape in _drawn_shapes(cell)]
                if marks:
                    row.flag(
                        "kind",
                        f"simbol di kolom {col.heading!r} dibaca dari gambar bentuk; periksa "
                        "bentuk dan urutannya",
                    )
            if raw and not whole:
                row.flag(
                    "role",
                    f"isi kolom {col.heading!r} ({raw!r}) bukan tanda yang dikenal; "
                    + ("dibaca sebagai tanda" if marks else "dibaca sebagai satu kotak proses"),
                )
                if not marks:
                    marks = [Mark(Shape.PROCESS)]
            found += [(col.role, m) for m in marks]
        if not any(
            [row.activity, text("no"), found, text("kelengkapan"), text("waktu"), text("output")]
        ):
            continue
        ordered, certain = order_marks(found)
        if not certain:
            row.flag(
                "kind",
                "urutan simbol baris ini tidak pasti (nomor urut tidak lengkap atau ganda); "
                "periksa urutannya",
            )
        row.symbols = [DraftSymbol(col, mark.shape) for col, mark in ordered]
        no = re.sub(r"\s+", " ", text("no"))
        m = _ROW_NO.match(no)
        if m:
            row.no = m[1]
        elif no:
            row.no = no
            row.flag("no", f"No baris {no!r} bukan angka")
        else:
            row.no = str(len(rows) + 1)
            row.flag(
                "no", f"tabel {table_index + 1} baris {r + 1}: kolom No kosong; diberi nomor urut"
            )
        row.requirements = [line for line in text("kelengkapan").split("\n") if line.strip()]
        row.time = re.sub(r"\s*\n\s*", " ", text("waktu"))
        row.output = text("output")
        row.notes = text("keterangan")
        rows.append(row)
    return rows


def _drawn_shapes(cell: _Cell) -> list[Shape]:
    """Flowchart shapes drawn (DrawingML) inside a cell, in document order."""
    shapes = []
    for element in cell._tc.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag.endswith("}prstGeom"):
            shape = _SHAPES.get(element.get("prst", ""))
            if shape is not None:
                shapes.append(shape)
    return shapes


# -- identity, roles, paper ---------------------------------------------------------------


def _external(document: Any, draft: Draft) -> None:
    keywords = document.core_properties.keywords or ""
    if METADATA in keywords:
        m = re.search(r"external=([\d,]*)", keywords)
        marked = {int(n) - 1 for n in (m[1].split(",") if m and m[1] else [])}
        for i, role in enumerate(draft.roles):
            role.external = i in marked
        return
    for role in draft.roles:
        words = set(re.findall(r"[a-z]+", role.name.lower()))
        if words & EXTERNAL_WORDS:
            role.external = True
            role.review.append(
                f"{role.name!r} dianggap di luar unit (external: true); hapus bila jabatan di unit"
            )


def _paper(document: Any, draft: Draft) -> None:
    section = document.sections[0] if document.sections else None
    if section is None or section.page_width is None or section.page_height is None:
        return
    long_side = max(section.page_width.mm, section.page_height.mm)
    draft.paper = "F4" if long_side > (_MM_A4 + _MM_F4) / 2 else "A4"
    if min(abs(long_side - _MM_A4), abs(long_side - _MM_F4)) > 8:
        draft.paper_review.append(
            f"kertas dokumen {long_side:.0f} mm (bukan A4 atau F4); dicetak {draft.paper}"
        )


def _body_lines_before_first_table(document: Any) -> list[str]:
    from docx.oxml.ns import qn

    paragraphs = {id(p._p): p for p in document.paragraphs}
    lines: list[str] = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:tbl"):
            break
        paragraph = paragraphs.get(id(child))
        if paragraph is not None:
            lines += [line.strip() for line in paragraph.text.split("\n") if line.strip()]
    return lines


def _identity(document: Any, before: list[Table], layout: _Layout) -> DraftIdentity:
    ident = DraftIdentity()
    grids = [_grid(t) for t in before]
    own = _grid(layout.table)[: layout.header_start]
    if own:
        grids.append(own)
    found = False
    for grid in grids:
        if _identity_from_grid(grid, ident):
            found = True
    if not found:
        lines = _body_lines_before_first_table(document)
        if lines:
            ident.nama = lines[0]
            ident.flag("nama", "tidak ada tabel identitas; Nama SOP diambil dari judul dokumen")
            ident.instansi = lines[1:]
            ident.flag(
                "instansi",
                "tidak ada tabel identitas; baris judul lainnya dibaca sebagai nama instansi"
                if lines[1:]
                else "tidak ada tabel identitas; nama instansi tidak ditemukan",
            )
        for name in ("nomor", "tanggal_pembuatan", "tanggal_efektif", "disahkan_oleh"):
            ident.flag(name, "tidak ada tabel identitas; isi dari dokumen yang disahkan")
    return ident


def _identity_from_grid(grid: list[list[_Cell]], ident: DraftIdentity) -> bool:
    label_cells = {}
    for row in grid:
        for cell in _unique(row):
            hit = labels.label_of(text_of(cell))
            if hit:
                label_cells[id(cell._tc)] = hit
    if len({name for name, _ in label_cells.values()}) < 2:
        return False
    used: set[int] = set(label_cells)
    seen: set[str] = set()
    for r, row in enumerate(grid):
        for g, cell in enumerate(row):
            hit = label_cells.get(id(cell._tc))
            if hit is None or hit[0] in seen or (g > 0 and row[g - 1]._tc is cell._tc):
                continue
            name, rest = hit
            seen.add(name)
            value_cell = _value_cell(grid, r, g, label_cells) if not rest else None
            if value_cell is not None:
                used.add(id(value_cell._tc))
                rest = text_of(value_cell)
            _set(ident, name, rest)
    for row in grid:
        for cell in _unique(row):
            if id(cell._tc) not in used and text_of(cell):
                ident.instansi = [
                    line.strip() for line in text_of(cell).split("\n") if line.strip()
                ]
                return True
    ident.flag("instansi", "nama instansi tidak ditemukan di tabel identitas")
    return True


def _value_cell(
    grid: list[list[_Cell]], r: int, g: int, label_cells: dict[int, tuple[str, str]]
) -> _Cell | None:
    """The value of the label at (r, g): the next cell to the right (skipping a lone ":"),
    or, when that is a label too (a row of paired labels), the cell below."""
    row = grid[r]
    tc = row[g]._tc
    for cell in row[g + 1 :]:
        if cell._tc is tc:
            continue
        if id(cell._tc) in label_cells:
            break
        if text_of(cell) == ":":
            tc = cell._tc
            continue
        return cell
    for below in grid[r + 1 :]:
        if g < len(below) and below[g]._tc is not row[g]._tc:
            cell = below[g]
            return None if id(cell._tc) in label_cells else cell
    return None


def _set(ident: DraftIdentity, name: str, text: str) -> None:
    if name == "disahkan_oleh":
        approval, certain = labels.approval(text)
        ident.disahkan_oleh = approval
        if not certain:
            ident.flag(
                "disahkan_oleh",
                "jabatan, nama, pangkat dan NIP pengesah dibaca dari baris-barisnya; periksa",
            )
    elif name in (
        "dasar_hukum",
        "keterkaitan",
        "peringatan",
        "kualifikasi_pelaksana",
        "peralatan_perlengkapan",
        "pencatatan_pendataan",
    ):
        setattr(ident, name, labels.list_items(text))
    else:
        setattr(ident, name, re.sub(r"\s*\n\s*", " ", text).strip())
