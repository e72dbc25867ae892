"""The body of each kind of letter as a list of blocks, the same for the PDF and for Word.

A block is a small dict the two templates know how to lay out (``type``):

- ``para``: a justified paragraph (``text``; line breaks kept);
- ``indent``: the same, indented (what the violator must do, the action taken);
- ``center``: a centred bold line ("MEMERINTAHKAN:");
- ``heading``: a bold line on the left (a Laporan's "I. PENDAHULUAN");
- ``labelled``: ``label`` ":" then the ``entries``, numbered when there are several and
  ``numbered`` (Dasar, Untuk);
- ``numbered``: a numbered list without a label (``entries``);
- ``fields``: an identity table, ``rows`` of {label, value} (the violator's name, NIK, …);
- ``members``: the officers' table No | Nama | Pangkat/Gol | NIP/NRP | Jabatan (``rows``),
  under an optional ``label``.

Only what the author wrote (the letter's fields) is printed, in the wording of the letter's
form (Permendagri 1/2023, the usual Satpol PP forms); a field left empty prints nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Q

from trantib.accounts.models import Assignment, Person
from trantib.core.dates import date_id

from ..kinds import BERITA_ACARA_KINDS, TEGURAN_RUNGS, FieldKind
from ..models import Letter
from .words import date_words, day_name, with_words

Block = dict[str, Any]


def paragraphs(text: str, kind: str = "para") -> list[Block]:
    """Text split on blank lines into paragraphs (single line breaks kept inside one)."""
    chunks = [c.strip("\n") for c in text.replace("\r\n", "\n").split("\n\n")]
    return [{"type": kind, "text": c.strip()} for c in chunks if c.strip()]


def _para(text: str) -> Block:
    return {"type": "para", "text": text}


def _labelled(label: str, items: Iterable[str], *, numbered: bool = True) -> list[Block]:
    rows = [i for i in items if i]
    if not rows:
        return []
    numbered = numbered and len(rows) > 1
    return [{"type": "labelled", "label": label, "entries": rows, "numbered": numbered}]


def _identity(data: Mapping[str, Any]) -> Block | None:
    labels = (
        ("pelanggar_nama", "Nama"),
        ("pelanggar_nik", "NIK"),
        ("pelanggar_pekerjaan", "Pekerjaan"),
        ("pelanggar_alamat", "Alamat"),
        ("usaha", "Nama/jenis usaha"),
    )
    rows = [{"label": label, "value": data[k]} for k, label in labels if data.get(k)]
    return {"type": "fields", "rows": rows} if rows else None


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
    for a in held:
        rank = (a.position.unit_id != letter.unit_id, a.acting != "", a.pk)
        current = best.get(a.person_id)
        if current is None or rank < (
            current.position.unit_id != letter.unit_id,
            current.acting != "",
            current.pk,
        ):
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


def _tempo(data: Mapping[str, Any]) -> str:
    return with_words(str(data.get("tempo") or "").strip())


def teguran(letter: Letter, on: dt.date) -> list[Block]:
    d = letter.data
    rung = dict(TEGURAN_RUNGS).get(str(d.get("tingkat", "")), "")
    blocks = paragraphs(letter.body)
    blocks += _labelled("Dasar", d.get("dasar") or [])
    who = d.get("pelanggar_nama", "")
    usaha = f" ({d['usaha']})" if d.get("usaha") else ""
    where = f" di {d['lokasi']}" if d.get("lokasi") else ""
    if who or d.get("perda"):
        blocks.append(
            _para(
                f"Berdasarkan hasil pengawasan petugas, Saudara {who}{usaha}{where} telah "
                f"melanggar {d.get('perda') or 'ketentuan peraturan daerah'}."
            )
        )
    if d.get("kewajiban"):
        label = f"Teguran {rung}" if rung else "teguran"
        blocks.append(_para(f"Sehubungan dengan hal tersebut, dengan {label} ini Saudara wajib:"))
        blocks += paragraphs(d["kewajiban"], "indent")
    if d.get("tempo"):
        until = ""
        if d.get("batas_waktu"):
            until = f", paling lambat tanggal {date_id(dt.date.fromisoformat(d['batas_waktu']))}"
        blocks.append(_para(f"dalam waktu {_tempo(d)} sejak surat ini diterima{until}."))
    if d.get("sanksi"):
        blocks.append(
            _para(
                "Apabila kewajiban tersebut tidak Saudara penuhi dalam jangka waktu tersebut, "
                "akan dikenakan sanksi berikutnya, yaitu:"
            )
        )
        blocks += paragraphs(d["sanksi"], "indent")
    blocks.append(_para("Demikian teguran ini disampaikan untuk dilaksanakan."))
    return blocks


def perintah(letter: Letter, on: dt.date) -> list[Block]:
    d = letter.data
    blocks = _labelled("Dasar", d.get("dasar") or [])
    blocks.append({"type": "center", "text": "MEMERINTAHKAN:"})
    rows = members(letter, _member_ids(letter, "personel"), on)
    if rows:
        blocks.append({"type": "members", "label": "Kepada:", "rows": rows})
    blocks += _labelled("Untuk", d.get("untuk") or [])
    blocks += _labelled("Waktu", [d.get("waktu", "")], numbered=False)
    blocks += _labelled("Tempat", [d.get("tempat", "")], numbered=False)
    blocks += paragraphs(letter.body)
    blocks.append(
        _para("Demikian surat perintah ini dibuat untuk dilaksanakan dengan penuh tanggung jawab.")
    )
    return blocks


def pernyataan(letter: Letter, on: dt.date) -> list[Block]:
    d = letter.data
    blocks: list[Block] = [_para("Yang bertanda tangan di bawah ini:")]
    identity = _identity(d)
    if identity:
        blocks.append(identity)
    blocks.append(_para("dengan ini menyatakan dengan sesungguhnya bahwa:"))
    where = f" di {d['lokasi']}" if d.get("lokasi") else ""
    items = [
        f"Saya telah melanggar {d.get('perda') or 'ketentuan peraturan daerah'}{where}.",
    ]
    if d.get("kewajiban"):
        tempo = f" dalam waktu {_tempo(d)}" if d.get("tempo") else ""
        items.append(
            f"Saya sanggup{tempo} sejak surat pernyataan ini ditandatangani untuk: "
            f"{d['kewajiban'].strip()}"
        )
    items.append(
        "Apabila saya tidak memenuhi pernyataan ini, saya bersedia dikenakan sanksi sesuai "
        "ketentuan peraturan perundang-undangan."
    )
    blocks.append({"type": "numbered", "entries": items})
    blocks += paragraphs(letter.body)
    blocks.append(
        _para(
            "Demikian surat pernyataan ini saya buat dengan sebenarnya, dalam keadaan sadar "
            "dan tanpa paksaan dari pihak mana pun."
        )
    )
    return blocks


def berita_acara_title(letter: Letter) -> str:
    jenis = dict(BERITA_ACARA_KINDS).get(str(letter.data.get("jenis", "")), "")
    return f"BERITA ACARA {jenis.upper()}".strip()


def berita_acara(letter: Letter, on: dt.date) -> list[Block]:
    d = letter.data
    jenis = dict(BERITA_ACARA_KINDS).get(str(d.get("jenis", "")), "penertiban").lower()
    day = dt.date.fromisoformat(d["tanggal_kegiatan"]) if d.get("tanggal_kegiatan") else None
    when = (
        f"Pada hari ini {day_name(day)} {date_words(day)} ({day:%d-%m-%Y})"
        if day
        else "Pada hari ini …………… tanggal ……………"
    )
    where = f", bertempat di {d['lokasi']}" if d.get("lokasi") else ""
    team = members(letter, _member_ids(letter, "petugas"), on)
    if team:
        blocks: list[Block] = [_para(f"{when}{where}, kami yang bertanda tangan di bawah ini:")]
        blocks.append({"type": "members", "label": "", "rows": team})
        blocks += _labelled("Dasar", d.get("dasar") or [])
        blocks.append(_para(f"telah melakukan {jenis} terhadap:"))
    else:
        blocks = [_para(f"{when}{where}, telah dilakukan {jenis} terhadap:")]
        if d.get("dasar"):
            blocks += _labelled("Dasar", d["dasar"])
    identity = _identity(d)
    if identity:
        blocks.append(identity)
    if d.get("perda"):
        blocks.append(_para(f"atas pelanggaran {d['perda']}."))
    if d.get("tindakan"):
        blocks.append(_para("Tindakan yang dilakukan:"))
        blocks += paragraphs(d["tindakan"], "indent")
    if d.get("barang"):
        blocks.append(_para("Barang (jenis dan jumlah):"))
        blocks.append({"type": "numbered", "entries": list(d["barang"])})
    blocks += paragraphs(letter.body)
    blocks.append(
        _para(
            "Demikian berita acara ini dibuat dengan sebenarnya untuk dipergunakan "
            "sebagaimana mestinya."
        )
    )
    return blocks


_LAPORAN_SECTIONS = (
    ("pendahuluan", "I. PENDAHULUAN"),
    ("kegiatan", "II. KEGIATAN YANG DILAKSANAKAN"),
    ("hasil", "III. HASIL YANG DICAPAI"),
    ("hambatan", "IV. HAMBATAN"),
    ("simpulan", "V. SIMPULAN DAN SARAN"),
    ("penutup", "VI. PENUTUP"),
)


def laporan(letter: Letter, on: dt.date) -> list[Block]:
    blocks: list[Block] = []
    for name, heading in _LAPORAN_SECTIONS:
        text = str(letter.data.get(name) or "")
        if text.strip():
            blocks.append({"type": "heading", "text": heading})
            blocks += paragraphs(text, "indent")
    return blocks + paragraphs(letter.body)


def plain(letter: Letter, on: dt.date) -> list[Block]:
    return paragraphs(letter.body)


BODIES = {
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
    return BODIES.get(letter.kind, plain)(letter, on)


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
