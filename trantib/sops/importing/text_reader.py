"""Reading an SOP from text: a ``.txt`` file, or a PDF through ``pdftotext -layout``.

Best effort, and every reading is flagged for review. The text is read as lines whose cells
are separated by tabs (or, in PDF text, by runs of two or more spaces):

- identity labels ("Nomor SOP : …", "TGL PEMBUATAN 28 Februari 2023", "DASAR HUKUM:" with the
  items on the lines below; two labels on one line share the lines below cell by cell);
- the lines above the first label (or above the table) are the title: the Nama SOP when no
  label gives it, and the instansi;
- the flowchart: a heading line with "No" and "Kegiatan", the line under it with the Pelaksana
  column headings and Mutu Baku's; then one line per numbered row. A tick or glyph in a role's
  cell (by its position) is a mark; the Waktu is the cell that reads as a time standard, the
  Kelengkapan the cells before it, the Output and Ket the cells after it.

HTML left in extracted text (``<ol>``, ``<p>``) and Markdown bold (``**``) are dropped.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import tempfile

from trantib.core.text import CONTROL
from trantib.engine.spec import IDENTITY_LIST_FIELDS, Shape
from trantib.engine.timing import TimeStandard, TimeStandardError

from . import identity as labels
from .docx_reader import EXTERNAL_WORDS, heading_kind
from .draft import Draft, DraftRole, DraftRow, DraftSymbol, ImportRefused
from .glyphs import Mark, cell_marks, order_marks

PDFTOTEXT_TIMEOUT = 60
_ROW_START = re.compile(r"^(\d{1,3})\.?$")
_TAG = re.compile(r"<[^>]{1,200}>")


def read_pdf(filename: str, data: bytes) -> Draft:
    """The text of a PDF (``pdftotext -layout``), read as :func:`read_text` does."""
    fd, path = tempfile.mkstemp(suffix=".pdf")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        try:
            done = subprocess.run(  # noqa: S603 - fixed program, a file we wrote
                ["pdftotext", "-layout", "-enc", "UTF-8", path, "-"],  # noqa: S607
                capture_output=True,
                timeout=PDFTOTEXT_TIMEOUT,
                check=False,
            )
        except FileNotFoundError:
            raise ImportRefused(
                f"{filename}: cannot read PDF here: pdftotext (poppler-utils) is not installed"
            ) from None
        except subprocess.TimeoutExpired:
            raise ImportRefused(f"{filename}: the PDF took too long to read") from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)
    message = done.stderr.decode("utf-8", "replace").strip().splitlines()
    if done.returncode != 0:
        first = message[0] if message else f"pdftotext exit code {done.returncode}"
        if "password" in first.lower() or "encrypt" in first.lower():
            raise ImportRefused(f"{filename}: the PDF is encrypted; remove its password first")
        raise ImportRefused(f"{filename}: not a readable PDF: {first}")
    text = done.stdout.decode("utf-8", "replace")
    if not text.strip():
        raise ImportRefused(
            f"{filename}: the PDF has no text (a scanned document?); import the Word file, or "
            "OCR it first"
        )
    return read_text(filename, text, kind="pdf")


def _clean(line: str) -> str:
    line = _TAG.sub(" ", CONTROL.sub("", line.replace("\xa0", " ")))
    return line.replace("**", "").rstrip()


def _fields(line: str) -> list[str]:
    if "\t" in line:
        return [re.sub(r"\s+", " ", f).strip() for f in line.split("\t")]
    return [re.sub(r"\s+", " ", f).strip() for f in re.split(r" {2,}", line.strip())]


def _is_header(fields: list[str]) -> bool:
    kinds = [heading_kind(f) for f in fields if f]
    return bool(kinds) and kinds[0] == "no" and "kegiatan" in kinds


def _is_number_row(fields: list[str]) -> bool:
    texts = [f for f in fields if f]
    return len(texts) >= 4 and texts == [str(i) for i in range(1, len(texts) + 1)]


def read_text(filename: str, text: str, *, kind: str = "text") -> Draft:
    lines = [_clean(line) for line in text.splitlines()]
    draft = Draft(source_kind=kind)
    header = next((i for i, line in enumerate(lines) if _is_header(_fields(line))), None)
    labelled = _identity(draft, lines[: header if header is not None else len(lines)])
    if header is not None:
        _table(draft, lines, header)
    if not draft.rows and labelled < 2:
        raise ImportRefused(
            f"{filename}: no SOP found in the text (no identity labels and no flowchart table "
            "with the headings No and Kegiatan)"
        )
    return draft


# -- identity -----------------------------------------------------------------------------


def _label_prefix(field: str) -> tuple[str, str] | None:
    """(identity field, rest) for "Nomor SOP : x", "NOMOR SOP x", "DASAR HUKUM:"."""
    hit = labels.label_of(field)
    if hit:
        return hit
    words = field.split()
    best = None
    for k in range(1, min(5, len(words)) + 1):
        if not re.search(r"[A-Za-z]", words[k - 1]):
            break  # the value begins: "NOMOR SOP 188 / 07 TAHUN 2023"
        name = labels.LABELS.get(labels.letters(" ".join(words[:k])))
        if name:
            best = name, " ".join(words[k:]).lstrip(": ").strip()
    return best


def _identity(draft: Draft, lines: list[str]) -> int:
    """Read the identity items; returns how many labels were found."""
    ident = draft.identity
    values: dict[str, list[str]] = {}
    order: list[str] = []
    current: list[str] = []  # the labels the lines below belong to, one per cell
    title: list[str] = []
    for line in lines:
        fields = [f for f in _fields(line) if f]
        if not fields:
            continue
        hits = [_label_prefix(f) for f in fields]
        if hits[0] and not all(hits):
            # "NOMOR SOP<tab>: SOP / 06 / IX / 2019": the cells after the label are its value.
            name, rest = hits[0]
            value = " ".join([rest, *fields[1:]]).strip().lstrip(":").strip()
            fields, hits = [fields[0]], [(name, value)]
        if all(hits):
            current = []
            for name, rest in (h for h in hits if h):
                if name in values:
                    current.append("")
                    continue
                values[name] = [rest] if rest else []
                order.append(name)
                # A scalar label with its value on the same line is done.
                current.append("" if rest and name not in IDENTITY_LIST_FIELDS else name)
            continue
        if not order:
            title += fields
            continue
        if len(current) > 1 and len(current) == len(fields):
            pairs = list(zip(current, fields, strict=True))
        else:
            pairs = [(current[0], " ".join(fields))] if current else []
        for name, field in pairs:
            if not name:
                continue
            values[name].append(field)
            if name not in IDENTITY_LIST_FIELDS and name != "disahkan_oleh":
                current = [n if n != name else "" for n in current]
    for name in order:
        content = values[name]
        if name == "disahkan_oleh":
            approval, _ = labels.approval(re.sub(r" {2,}", "\n", "\n".join(content)))
            ident.disahkan_oleh = approval
        elif name in IDENTITY_LIST_FIELDS:
            setattr(ident, name, _items(content))
        else:
            setattr(ident, name, " ".join(content).strip())
        if content:
            ident.flag(name, "dibaca dari teks; periksa terhadap dokumen")
    title = [t for t in title if t.strip()]
    if not ident.nama and title:
        named = next((t for t in title if t.upper().startswith("SOP")), title[0])
        ident.nama = named
        title.remove(named)
        ident.flag("nama", "tidak ada label Nama SOP; diambil dari judul dokumen")
    ident.instansi = [t for t in title if t.lower() != ident.nama.lower()]
    ident.flag(
        "instansi",
        "baris judul dokumen dibaca sebagai nama instansi; periksa"
        if ident.instansi
        else "nama instansi tidak ditemukan",
    )
    return len(order)


def _items(content: list[str]) -> list[str]:
    text = "\n".join(content).strip()
    if not re.match(r"1\s*[.)]\s", text):
        return labels.list_items(text)
    # A numbered list whose line breaks extraction lost ("… Indonesia2. Peraturan …"): cut
    # before "2. ", then "3. " after it, and so on.
    items: list[str] = []
    rest = re.sub(r"^1\s*[.)]\s*", "", text)
    n = 2
    while (at := rest.find(f"{n}. ")) >= 0:
        items.append(rest[:at])
        rest = rest[at + len(f"{n}. ") :]
        n += 1
    items.append(rest)
    return [re.sub(r"\s+", " ", item).strip() for item in items if item.strip()]


# -- the flowchart ------------------------------------------------------------------------


def _table(draft: Draft, lines: list[str], header: int) -> None:
    head = _fields(lines[header])
    sub_index = header + 1
    while sub_index < len(lines) and not lines[sub_index].strip():
        sub_index += 1
    sub = _fields(lines[sub_index]) if sub_index < len(lines) else []
    if sub and _ROW_START.match(next((f for f in sub if f), "")) and not _is_number_row(sub):
        sub, sub_index = [], header
    for f in head:
        kind = heading_kind(f)
        if kind in ("no", "kegiatan", "pelaksana", "mutu_baku", "keterangan"):
            draft.headings.setdefault(kind, f)
    role_positions: list[int] = []
    for i, f in enumerate(sub):
        kind = heading_kind(f)
        if kind in ("kelengkapan", "waktu", "output", "keterangan"):
            draft.headings.setdefault(kind, f)
        elif f and not kind:
            role_positions.append(i)
            words = set(re.findall(r"[a-z]+", f.lower()))
            role = DraftRole(f, external=bool(words & EXTERNAL_WORDS))
            if role.external:
                role.review.append(f"{f!r} dianggap di luar unit (external: true); periksa")
            draft.roles.append(role)
    for f in head:
        if heading_kind(f) in ("kelengkapan", "waktu", "output"):
            draft.headings.setdefault(heading_kind(f), f)
    draft.headings_review.append("judul kolom dibaca dari teks; periksa terhadap dokumen")
    for key, name in (("output", "Output"), ("keterangan", "Ket"), ("waktu", "Waktu")):
        if key not in draft.headings:
            draft.headings_review.append(f"kolom {name} tidak terbaca; judul bawaan dipakai")
    row: DraftRow | None = None
    i = sub_index + 1
    while i < len(lines):
        fields = _fields(lines[i])
        i += 1
        if not any(fields):
            continue
        if _is_number_row(fields):
            draft.column_numbers = True
            continue
        if _is_header(fields):
            for f in fields:
                if heading_kind(f) in ("output", "keterangan"):
                    draft.headings.setdefault(heading_kind(f), f)
            nxt = _fields(lines[i]) if i < len(lines) else []
            if nxt and not _ROW_START.match(next((f for f in nxt if f), "")):
                for f in nxt:
                    if heading_kind(f) in ("kelengkapan", "waktu", "output"):
                        draft.headings.setdefault(heading_kind(f), f)
                i += 1
            continue
        start = next((k for k, f in enumerate(fields) if f), 0)
        m = _ROW_START.match(fields[start])
        if m:
            row = _row(m[1], fields, start, role_positions)
            draft.rows.append(row)
        elif row is not None and fields[start]:
            row.activity = f"{row.activity} {fields[start]}".strip()
            row.flag("activity", "baris lanjutan teks digabung ke kegiatan; periksa")


def _row(no: str, fields: list[str], start: int, role_positions: list[int]) -> DraftRow:
    row = DraftRow(no=no, activity=fields[start + 1] if start + 1 < len(fields) else "")
    row.flag("no", "baris dibaca dari teks: periksa pelaksana, simbol dan Mutu Baku")
    found: list[tuple[int, Mark]] = []
    texts: list[str] = []
    for k in range(start + 2, len(fields)):
        value = fields[k]
        if not value:
            continue
        marks, whole = cell_marks(value)
        if marks and whole:
            if k in role_positions:
                found += [(role_positions.index(k), mark) for mark in marks]
            else:
                row.flag("role", f"tanda {value!r} tidak sejajar dengan kolom Pelaksana")
            continue
        texts.append(value)
    ordered, _ = order_marks(sorted(found, key=lambda item: item[0]))
    row.symbols = [DraftSymbol(col, mark.shape) for col, mark in ordered]
    at = next((k for k, t in enumerate(texts) if _is_time(t)), None)
    if at is None:
        row.flag("time", "kolom Waktu tidak ditemukan di baris ini")
        kel, rest = texts[:1], texts[1:]
    else:
        kel, rest = texts[:at], texts[at:]
        row.time = rest.pop(0)
    row.requirements = kel
    row.output = rest[0] if rest else ""
    row.notes = " ".join(rest[1:])
    return row


def _is_time(text: str) -> bool:
    try:
        standard = TimeStandard.parse(text)
    except TimeStandardError:
        return False
    return standard.has_deadline or standard.tentative


__all__ = ["Shape", "read_pdf", "read_text"]
