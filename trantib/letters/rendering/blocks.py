"""The body of each kind of letter laid out as a list of blocks, the same for the PDF and Word.

What is printed is what the author wrote: the letter's body exactly as stored (its first text
is the kind's standard wording, :mod:`trantib.letters.wording`, which the drafter sees and
edits), and the parts of the kind's form he filled, under the blanko's labels
(:data:`.labels.LABELS`): the Dasar and Untuk lists, the officers' table, the identity table,
the goods, a Laporan's sections. A field left empty prints nothing; no text stands in for it.

A block is a small dict the two templates lay out (``type``):

- ``para``: a justified paragraph (``text``; line breaks kept); ``indent``: the same, indented
  (a Laporan's sections);
- ``list``: a paragraph of the body whose lines start with "1." / "a." / "2)" …: ``items`` of
  {marker, text}, laid out with a hanging indent (the markers are the author's own);
- ``center``: a centred bold line ("MEMERINTAHKAN:"); ``heading``: a bold line on the left;
- ``labelled``: ``label`` ":" then the ``entries``, numbered when there are several and
  ``numbered`` (Dasar, Untuk, Barang);
- ``fields``: the identity table, ``rows`` of {label, value}, under an optional ``label``;
- ``members``: the officers' table No | Nama | Pangkat/Gol | NIP/NRP | Jabatan (``rows``),
  under an optional ``label``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db.models import Q

from trantib.accounts.models import Assignment, Person

from ..kinds import BERITA_ACARA_KINDS, FieldKind
from ..models import Letter
from .labels import LABELS

Block = dict[str, Any]

# A list item's marker at the start of a line: "1.", "12)", "a.", "b)".
_MARKER = re.compile(r"^\s*((?:\d{1,3}|[a-zA-Z])[.)])\s+(\S.*)$")


def paragraphs(text: str, kind: str = "para") -> list[Block]:
    """The text split on blank lines into paragraphs (single line breaks kept inside one); a
    paragraph whose first line starts with a list marker is a ``list``."""
    blocks: list[Block] = []
    for chunk in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n")):
        lines = [line.strip() for line in chunk.strip("\n").split("\n")]
        lines = [line for line in lines if line]
        if not lines:
            continue
        if _MARKER.match(lines[0]):
            items: list[dict[str, str]] = []
            for line in lines:
                found = _MARKER.match(line)
                if found:
                    items.append({"marker": found.group(1), "text": found.group(2)})
                else:
                    items[-1]["text"] += "\n" + line
            blocks.append({"type": "list", "items": items, "indent": kind == "indent"})
        else:
            blocks.append({"type": kind, "text": "\n".join(lines)})
    return blocks


def _labelled(label: str, items: Iterable[str], *, numbered: bool = True) -> list[Block]:
    rows = [str(i) for i in items if i]
    if not rows:
        return []
    numbered = numbered and len(rows) > 1
    return [{"type": "labelled", "label": label, "entries": rows, "numbered": numbered}]


_IDENTITY = ("pelanggar_nama", "pelanggar_nik", "pelanggar_pekerjaan", "pelanggar_alamat", "usaha")
_IDENTITY_LABELS = ("nama", "nik", "pekerjaan", "alamat", "usaha")


def _identity(data: Mapping[str, Any], label: str = "") -> list[Block]:
    rows = [
        {"label": LABELS[key], "value": data[name]}
        for name, key in zip(_IDENTITY, _IDENTITY_LABELS, strict=True)
        if data.get(name)
    ]
    return [{"type": "fields", "label": label, "rows": rows}] if rows else []


def members(letter: Letter, ids: list[int], on: dt.date) -> list[dict[str, str]]:
    """The officers named by ``ids``, in that order, with pangkat, NIP/NRP and the jabatan they
    hold on ``on`` (in the letter's unit first, else elsewhere in the same tree)."""
    if not ids:
        return []
    people = {p.pk: p for p in Person.objects.filter(pk__in=ids)}
    held = (
        Assignment.objects.filter(person_id__in=ids, valid_from__lte=on)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .select_related("position__unit")
    )
    best: dict[int, Assignment] = {}

    def rank(a: Assignment) -> tuple[bool, bool, int]:
        return (a.position.unit_id != letter.unit_id, a.acting != "", a.pk)

    for a in held:
        current = best.get(a.person_id)
        if current is None or rank(a) < rank(current):
            best[a.person_id] = a
    rows: list[dict[str, str]] = []
    for pk in ids:
        person = people.get(pk)
        if person is None:
            continue
        number = person.nip_display if person.nip else person.nrp
        rows.append(
            {
                "no": str(len(rows) + 1),
                "nama": person.full_name,
                "pangkat": person.pangkat or "-",
                "nip": number or "-",
                "jabatan": best[pk].title if pk in best else "-",
            }
        )
    return rows


def _member_ids(letter: Letter, name: str) -> list[int]:
    spec = letter.kind_spec.field(name)
    value = letter.data.get(name) or []
    if spec is None or spec.kind is not FieldKind.MEMBERS or not isinstance(value, list):
        return []
    return [i for i in value if isinstance(i, int)]


def _members(letter: Letter, name: str, label: str, on: dt.date) -> list[Block]:
    rows = members(letter, _member_ids(letter, name), on)
    return [{"type": "members", "label": label, "rows": rows}] if rows else []


def teguran(letter: Letter, on: dt.date) -> list[Block]:
    return [*_labelled(LABELS["dasar"], letter.data.get("dasar") or []), *paragraphs(letter.body)]


def perintah(letter: Letter, on: dt.date) -> list[Block]:
    d = letter.data
    return [
        *_labelled(LABELS["dasar"], d.get("dasar") or []),
        {"type": "center", "text": LABELS["memerintahkan"]},
        *_members(letter, "personel", LABELS["kepada"], on),
        *_labelled(LABELS["untuk"], d.get("untuk") or []),
        *_labelled(LABELS["waktu"], [d.get("waktu", "")], numbered=False),
        *_labelled(LABELS["tempat"], [d.get("tempat", "")], numbered=False),
        *paragraphs(letter.body),
    ]


def pernyataan(letter: Letter, on: dt.date) -> list[Block]:
    identity = _identity(letter.data)
    head: list[Block] = [{"type": "para", "text": LABELS["yang_bertanda_tangan"]}]
    return [*(head + identity if identity else []), *paragraphs(letter.body)]


def berita_acara_title(letter: Letter) -> str:
    jenis = dict(BERITA_ACARA_KINDS).get(str(letter.data.get("jenis", "")), "")
    return f"{letter.kind_spec.title} {jenis.upper()}".strip()


def berita_acara(letter: Letter, on: dt.date) -> list[Block]:
    d = letter.data
    return [
        *_members(letter, "petugas", LABELS["petugas"], on),
        *_labelled(LABELS["dasar"], d.get("dasar") or []),
        *_identity(d, LABELS["pelanggar"]),
        *_labelled(LABELS["barang"], d.get("barang") or []),
        *paragraphs(letter.body),
    ]


_LAPORAN_SECTIONS = ("pendahuluan", "kegiatan", "hasil", "hambatan", "simpulan", "penutup")


def laporan(letter: Letter, on: dt.date) -> list[Block]:
    blocks: list[Block] = []
    for name in _LAPORAN_SECTIONS:
        text = str(letter.data.get(name) or "")
        if text.strip():
            blocks.append({"type": "heading", "text": LABELS[name]})
            blocks += paragraphs(text, "indent")
    return blocks + paragraphs(letter.body)


def plain(letter: Letter, on: dt.date) -> list[Block]:
    return paragraphs(letter.body)


LAYOUTS: Mapping[str, Callable[[Letter, dt.date], list[Block]]] = {
    "surat_teguran": teguran,
    "surat_perintah_tugas": perintah,
    "surat_perintah": perintah,
    "surat_pernyataan": pernyataan,
    "berita_acara": berita_acara,
    "laporan": laporan,
    "nota_dinas": plain,
    "surat_pemberitahuan": plain,
}


def body_blocks(letter: Letter, on: dt.date) -> list[Block]:
    return LAYOUTS.get(letter.kind, plain)(letter, on)


def witnesses(letter: Letter, on: dt.date) -> list[dict[str, str]]:
    """The saksi who sign beside the parties: officers (a Surat Pernyataan) or names typed one
    per line (a Berita Acara)."""
    spec = letter.kind_spec.field("saksi")
    if spec is None:
        return []
    if spec.kind is FieldKind.MEMBERS:
        people = members(letter, _member_ids(letter, "saksi"), on)
        return [{"no": m["no"], "name": m["nama"], "detail": m["jabatan"]} for m in people]
    names = [str(n) for n in letter.data.get("saksi") or [] if str(n).strip()]
    return [{"no": str(i), "name": n, "detail": ""} for i, n in enumerate(names, 1)]
