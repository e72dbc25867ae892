"""Import an SOP from the documents units already have: a Word file, a PDF or plain text.

``import_document(filename, data)`` reads the document's identity items and flowchart table
and writes a draft SOP file (``status: draft``) that :func:`trantib.engine.loader.load_text`
accepts, with a ``# REVIEW: …`` comment above every uncertain reading and a
:class:`ReviewNote` for each. Word tables are read cell by cell (:mod:`.docx_reader`); PDF
(through ``pdftotext -layout``) and text as lines (:mod:`.text_reader`), every reading flagged.
:func:`.docx_export.document_docx` writes an SOP's document layer back as a Word file.
See docs/sop-import.md.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import PurePath

from trantib.engine.errors import SOPValidationError
from trantib.engine.loader import load_text

from .draft import Draft, ImportRefused, take_list_marks
from .writer import ReviewNote, write_draft

__all__ = ["ImportRefused", "ImportResult", "ReviewNote", "import_document"]


@dataclass(frozen=True)
class ImportResult:
    yaml_text: str  # a draft SOP file (status: draft)
    review: tuple[ReviewNote, ...]  # every uncertain reading, with the YAML line it concerns
    source_kind: str  # "docx" | "pdf" | "text"


def import_document(
    filename: str, data: bytes, *, code: str = "", domain: str = ""
) -> ImportResult:
    """A draft SOP file read from ``data`` (the bytes of the file ``filename``).

    The kind is told by the content (a ZIP package is Word, ``%PDF`` a PDF), else by the name
    (``.txt``, ``.md``). Raises :class:`ImportRefused` with one line naming the file when it
    cannot be read as an SOP.
    """
    name = filename
    draft = _read(name, data)
    take_list_marks(draft)
    text, review = write_draft(
        draft, filename=PurePath(filename).name or filename, code=code, domain=domain
    )
    try:
        load_text(text, name)
    except SOPValidationError as exc:  # a reader's bug, not the user's: say so in one line
        first = exc.problems[0] if exc.problems else None
        raise ImportRefused(
            f"{name}: the draft read from it does not validate"
            + (f" (line {first.line}: {first.field}: {first.message})" if first else "")
        ) from None
    return ImportResult(yaml_text=text, review=review, source_kind=draft.source_kind)


def _read(name: str, data: bytes) -> Draft:
    suffix = PurePath(name).suffix.lower()
    if not data.strip():
        raise ImportRefused(f"{name}: the file is empty")
    if data[:2] == b"PK" or data[:4] == b"\xd0\xcf\x11\xe0" or suffix in (".docx", ".doc"):
        from .docx_reader import read_docx

        if suffix == ".doc" and data[:2] != b"PK":
            raise ImportRefused(f"{name}: an old Word .doc file; save it as .docx and import that")
        return read_docx(name, data)
    if data[:5] == b"%PDF-" or suffix == ".pdf":
        from .text_reader import read_pdf

        return read_pdf(name, data)
    if suffix in (".txt", ".text", ".md", "") or _looks_like_text(data):
        from .text_reader import read_text

        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
        return read_text(name, text, kind="text")
    raise ImportRefused(f"{name}: not a Word (.docx), PDF or text file")


def _looks_like_text(data: bytes) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data[:4096], final=False)
    except UnicodeDecodeError:
        return False
    return b"\x00" not in data[:4096]
