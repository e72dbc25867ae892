"""What a reader (Word, text) found in a document, before it is written as a draft SOP file.

A reader fills a :class:`Draft` with the document's texts verbatim and a review message for
every reading it is not sure of; :mod:`.writer` turns it into YAML. Review messages are for the
SOP administrator who checks the draft against the document: in Bahasa Indonesia.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from trantib.engine.spec import Headings, Shape


@dataclass
class DraftApproval:
    jabatan: str = ""
    nama: str = ""
    nip: str = ""
    pangkat: str = ""


@dataclass
class DraftIdentity:
    instansi: list[str] = field(default_factory=list)
    nomor: str = ""
    tanggal_pembuatan: str = ""
    tanggal_revisi: str = ""
    tanggal_efektif: str = ""
    disahkan_oleh: DraftApproval = field(default_factory=DraftApproval)
    nama: str = ""
    dasar_hukum: list[str] = field(default_factory=list)
    keterkaitan: list[str] = field(default_factory=list)
    peringatan: list[str] = field(default_factory=list)
    kualifikasi_pelaksana: list[str] = field(default_factory=list)
    peralatan_perlengkapan: list[str] = field(default_factory=list)
    pencatatan_pendataan: list[str] = field(default_factory=list)
    # identity field name → why its reading is uncertain
    review: dict[str, list[str]] = field(default_factory=dict)

    def flag(self, name: str, message: str) -> None:
        self.review.setdefault(name, []).append(message)


@dataclass
class DraftRole:
    name: str
    external: bool = False
    review: list[str] = field(default_factory=list)


@dataclass
class DraftSymbol:
    column: int  # index into Draft.roles
    shape: Shape


@dataclass
class DraftRow:
    no: str
    activity: str
    requirements: list[str] = field(default_factory=list)
    time: str = ""
    output: str = ""
    notes: str = ""
    symbols: list[DraftSymbol] = field(default_factory=list)
    # step field ("no", "activity", "role", "time" …) → why its reading is uncertain
    review: dict[str, list[str]] = field(default_factory=dict)

    def flag(self, name: str, message: str) -> None:
        self.review.setdefault(name, []).append(message)


@dataclass
class Draft:
    source_kind: str  # docx | pdf | text
    identity: DraftIdentity = field(default_factory=DraftIdentity)
    headings: dict[str, str] = field(default_factory=dict)  # Headings field → as printed
    headings_review: list[str] = field(default_factory=list)
    column_numbers: bool = False
    list_marks: str = ""  # how Kelengkapan lists mark their items: "numbered", "dash" or ""
    roles: list[DraftRole] = field(default_factory=list)
    rows: list[DraftRow] = field(default_factory=list)
    rows_review: list[str] = field(default_factory=list)  # about the table as a whole
    paper: str = "A4"
    paper_review: list[str] = field(default_factory=list)

    def heading_values(self) -> dict[str, str]:
        """The headings that differ from the Permenpan defaults (``headings:`` in the file)."""
        default = Headings()
        return {k: v for k, v in self.headings.items() if v and v != getattr(default, k)}


_NUMBERED = re.compile(r"^\s*\d+\s*[.)]\s*")
_DASHED = re.compile(r"^\s*[-\u2013\u2022]\s*")


def take_list_marks(draft: Draft) -> None:
    """Read how the document marks its Kelengkapan lists (``list_marks``) from the cells of
    several items, and keep the items without their marks: "1. Surat", "2. Kamera" are the
    items "Surat" and "Kamera" of a numbered list. Only when every such cell marks every
    item alike; otherwise the items stay as written."""
    lists = [row.requirements for row in draft.rows if len(row.requirements) > 1]
    for name, pattern in (("numbered", _NUMBERED), ("dash", _DASHED)):
        if lists and all(pattern.match(item) for items in lists for item in items):
            draft.list_marks = name
            for row in draft.rows:
                if len(row.requirements) > 1:
                    row.requirements = [pattern.sub("", item, count=1) for item in row.requirements]
            return


class ImportRefused(Exception):
    """The file cannot be imported; the message is one line naming the file (and the table
    and row when known)."""
