"""Reading the identity items from labelled text: shared by the Word and the text readers.

Labels are matched on their letters only, ignoring case, punctuation and spacing, and include
the variants seen in real documents ("Tgl. Pembuatan", "No. SOP", "Kualitas Pelaksana").
"""

from __future__ import annotations

import re

from .draft import DraftApproval

LABELS: dict[str, str] = {
    "nomorsop": "nomor",
    "nosop": "nomor",
    "nomorsopnomor": "nomor",
    "tanggalpembuatan": "tanggal_pembuatan",
    "tglpembuatan": "tanggal_pembuatan",
    "tanggalrevisi": "tanggal_revisi",
    "tglrevisi": "tanggal_revisi",
    "tanggalefektif": "tanggal_efektif",
    "tglefektif": "tanggal_efektif",
    "tglberlaku": "tanggal_efektif",
    "tanggalberlaku": "tanggal_efektif",
    "disahkanoleh": "disahkan_oleh",
    "pejabatyangbertanggungjawab": "disahkan_oleh",
    "namasop": "nama",
    "dasarhukum": "dasar_hukum",
    "kualifikasipelaksana": "kualifikasi_pelaksana",
    "kualitaspelaksana": "kualifikasi_pelaksana",
    "klarifikasipelaksana": "kualifikasi_pelaksana",
    "keterkaitan": "keterkaitan",
    "peralatanperlengkapan": "peralatan_perlengkapan",
    "peralatandanperlengkapan": "peralatan_perlengkapan",
    "peralatan": "peralatan_perlengkapan",
    "perlengkapan": "peralatan_perlengkapan",
    "peringatan": "peringatan",
    "pencatatandanpendataan": "pencatatan_pendataan",
    "pencatatanpendataan": "pencatatan_pendataan",
    "pencatatan": "pencatatan_pendataan",
}
_ITEM_PREFIX = re.compile(r"^\s*(?:\d{1,2}\s*[.)]|[a-z][.)]|[-•·▪●])\s+")
_ID_NUMBER = re.compile(r"^(?:NIP|NRP)\b\.?\s*:?\s*(?P<n>.*)$", re.IGNORECASE)


def letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def label_of(text: str) -> tuple[str, str] | None:
    """(identity field, the rest of the text) when ``text`` starts with a label."""
    stripped = text.strip()
    if not stripped:
        return None
    first, _, more = stripped.partition("\n")
    head, colon, after = first.partition(":")
    if colon and (name := LABELS.get(letters(head))):
        return name, "\n".join(p for p in (after.strip(), more.strip()) if p)
    if name := LABELS.get(letters(first)):
        return name, more.strip()
    return None


def list_items(text: str) -> list[str]:
    """The items of a list field, one a line, their numbering ("1.", "a)", "-") removed. When
    the items are numbered, an unnumbered line continues the item above it."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    numbered = any(_ITEM_PREFIX.match(line) for line in lines)
    items: list[str] = []
    for line in lines:
        if m := _ITEM_PREFIX.match(line):
            items.append(line[m.end() :].strip())
        elif numbered and items:
            items[-1] = f"{items[-1]} {line}"
        else:
            items.append(line)
    return [i for i in items if i]


def approval(text: str) -> tuple[DraftApproval, bool]:
    """Disahkan oleh: the jabatan, a blank (the signature), then nama, pangkat and NIP/NRP.

    Returns the reading and whether it followed that layout (False: the caller flags it).
    """
    lines = [line.strip() for line in text.splitlines()]
    while lines and not lines[0]:
        lines.pop(0)
    if not any(lines):
        return DraftApproval(), True
    if "" in lines:
        cut = lines.index("")
        head, tail = lines[:cut], [x for x in lines[cut:] if x]
        certain = True
    else:
        head, tail = lines[:1], lines[1:]
        certain = not tail
    nip = ""
    rest = []
    for line in tail:
        m = _ID_NUMBER.match(line)
        if m and not nip:
            nip = m["n"].strip()
        elif not re.fullmatch(r"\[?\s*tanda tangan\s*\]?|ttd\.?|\(?\s*ttd\s*\)?", line, re.I):
            rest.append(line)
    return (
        DraftApproval(
            jabatan=" ".join(head),
            nama=rest[0] if rest else "",
            pangkat=" ".join(rest[1:]),
            nip=nip,
        ),
        certain,
    )
