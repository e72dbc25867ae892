"""The standard wording of each kind of letter: the first body of a draft.

A draft's body is made once, here, from the kind's fields when the draft is made (by hand or
from a case), and the drafter sees it and edits it in the editor like any text he wrote; the
editor's "Susun ulang isi dari isian" makes it again from the fields as they are then. The
printed letter carries the body exactly as it is stored: nothing here is added at printing.

A value the wording needs and the draft does not have yet is written as :data:`GAP` ("……"),
in plain sight, for the drafter to fill. Numbers of days are written with their words ("7
(tujuh) hari kerja"), and a Berita Acara's day in words, as letters write them.

``isi``: a text the SOP fills into the body from the case (what was done about a complaint):
the Nota Dinas and the Surat Pemberitahuan wrap it in their opening and closing; other kinds
put it before their closing sentence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from trantib.core.dates import date_id

from .kinds import BERITA_ACARA_KINDS, TEGURAN_RUNGS
from .words import date_words, day_name, with_words

GAP = "……"

Data = Mapping[str, Any]


def _value(data: Data, name: str) -> str:
    value = data.get(name)
    return str(value).strip() if value not in (None, "", []) else ""


def _or_gap(data: Data, name: str) -> str:
    return _value(data, name) or GAP


def _date(data: Data, name: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(_value(data, name))
    except ValueError:
        return None


def _compose(parts: list[str], isi: str, closing: str) -> str:
    """Paragraphs, the case's text (if any) and the closing, one blank line apart."""
    paragraphs = [p.strip() for p in (*parts, isi, closing) if p and p.strip()]
    return "\n\n".join(paragraphs)


def teguran(data: Data, isi: str) -> str:
    rung = dict(TEGURAN_RUNGS).get(_value(data, "tingkat"), "")
    usaha = f" ({_value(data, 'usaha')})" if _value(data, "usaha") else ""
    found = (
        f"berdasarkan hasil pengawasan petugas, Saudara {_or_gap(data, 'pelanggar_nama')}{usaha}"
        f" di {_or_gap(data, 'lokasi')} telah melanggar {_or_gap(data, 'perda')}."
    )
    previous = _value(data, "surat_sebelumnya")
    opening = f"Menindaklanjuti {previous}, {found}" if previous else found[0].upper() + found[1:]
    letter = f"Surat Teguran {rung}" if rung else "Surat Teguran"
    deadline = _date(data, "batas_waktu")
    until = f", paling lambat tanggal {date_id(deadline)}" if deadline else ""
    tempo = with_words(_value(data, "tempo")) or GAP
    parts = [
        opening,
        f"Sehubungan dengan hal tersebut, dengan {letter} ini Saudara wajib:",
        _or_gap(data, "kewajiban"),
        f"dalam waktu {tempo} sejak surat ini diterima{until}.",
    ]
    if _value(data, "sanksi"):
        parts += [
            "Apabila kewajiban tersebut tidak Saudara penuhi dalam jangka waktu tersebut, akan "
            "dikenakan sanksi berikutnya, yaitu:",
            _value(data, "sanksi"),
        ]
    return _compose(parts, isi, "Demikian teguran ini disampaikan untuk dilaksanakan.")


def perintah(data: Data, isi: str) -> str:
    return _compose(
        [],
        isi,
        "Demikian surat perintah ini dibuat untuk dilaksanakan dengan penuh tanggung jawab.",
    )


def pernyataan(data: Data, isi: str) -> str:
    tempo = with_words(_value(data, "tempo")) or GAP
    items = [
        f"1. Saya telah melanggar {_or_gap(data, 'perda')} di {_or_gap(data, 'lokasi')}.",
        f"2. Saya sanggup dalam waktu {tempo} sejak surat pernyataan ini ditandatangani untuk: "
        f"{_or_gap(data, 'kewajiban')}",
        "3. Apabila saya tidak memenuhi pernyataan ini, saya bersedia dikenakan sanksi sesuai "
        "ketentuan peraturan perundang-undangan.",
    ]
    return _compose(
        ["dengan ini menyatakan dengan sesungguhnya bahwa:", "\n".join(items)],
        isi,
        "Demikian surat pernyataan ini saya buat dengan sebenarnya, dalam keadaan sadar dan "
        "tanpa paksaan dari pihak mana pun.",
    )


def berita_acara(data: Data, isi: str) -> str:
    day = _date(data, "tanggal_kegiatan")
    when = (
        f"Pada hari ini {day_name(day)} {date_words(day)} ({day:%d-%m-%Y})"
        if day
        else f"Pada hari ini {GAP} tanggal {GAP}"
    )
    jenis = dict(BERITA_ACARA_KINDS).get(_value(data, "jenis"), GAP).lower()
    who = "petugas tersebut di atas" if data.get("petugas") else "kami yang bertanda tangan"
    party = "pelanggar tersebut di atas" if _value(data, "pelanggar_nama") else GAP
    if _value(data, "jenis") in ("pengembalian", "pemusnahan"):
        # The end of seized goods: no violation is found again, the goods are named.
        first = f"{when}, bertempat di {_or_gap(data, 'lokasi')}, {who} telah melakukan {jenis}."
    else:
        first = (
            f"{when}, bertempat di {_or_gap(data, 'lokasi')}, {who} telah melakukan {jenis} "
            f"terhadap {party} karena melanggar {_or_gap(data, 'perda')}."
        )
    parts = [
        first,
        "Tindakan yang dilakukan:",
        _or_gap(data, "tindakan"),
    ]
    return _compose(
        parts,
        isi,
        "Demikian berita acara ini dibuat dengan sebenarnya untuk dipergunakan sebagaimana "
        "mestinya.",
    )


def laporan(data: Data, isi: str) -> str:
    return _compose([], isi, "")  # the report's sections are its own fields


def nota_dinas(data: Data, isi: str) -> str:
    if not isi.strip():
        return ""
    return _compose(
        ["Bersama ini kami laporkan hasil penyelesaian pengaduan sebagai berikut:"],
        isi,
        "Demikian kami laporkan untuk menjadi perhatian.",
    )


def pemberitahuan(data: Data, isi: str) -> str:
    return _compose(
        ["Menindaklanjuti pengaduan Saudara, dengan ini kami sampaikan hasil penanganannya:"],
        isi or GAP,
        "Demikian kami sampaikan. Terima kasih atas kepedulian Saudara.",
    )


WORDING: Mapping[str, Callable[[Data, str], str]] = {
    "surat_teguran": teguran,
    "surat_perintah_tugas": perintah,
    "surat_perintah": perintah,
    "surat_pernyataan": pernyataan,
    "berita_acara": berita_acara,
    "laporan": laporan,
    "nota_dinas": nota_dinas,
    "surat_pemberitahuan": pemberitahuan,
}

# The kinds whose standard wording is made from their fields: the editor offers to make it
# again after the fields changed.
FROM_FIELDS = frozenset({"surat_teguran", "surat_pernyataan", "berita_acara"})


def body_default(kind: str, data: Data, *, isi: str = "") -> str:
    """The first body of a draft of ``kind`` with the fields ``data`` (as stored: lists, ISO
    dates), and the case's text ``isi`` where the SOP fills the body."""
    wording = WORDING.get(kind)
    return wording(data, isi.strip()) if wording else isi.strip()
