"""The one context a letter is rendered from, for the PDF (HTML) and for Word (docxtpl) alike.

Plain data only (strings, lists, dicts, the logo's bytes): each format adapts the pictures
(a data URI for HTML, an ``InlineImage`` for Word) and nothing else, so the two files hold the
same texts. What is printed is what the author wrote and the unit's letter settings; the
product adds only the verification QR code and its caption (the signed document is sacred).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from trantib.accounts.models import Position
from trantib.accounts.selectors import assignments_holding
from trantib.core.dates import date_id

from ..kinds import Shape
from ..models import Letter, LetterSettings, LetterState, Review, SignMode
from ..qr import CAPTION, verify_url
from ..services import settings_for
from .bodies import berita_acara_title, body_blocks, witnesses

PAPERS = {"A4": (210, 297), "F4": (215, 330)}  # width, height in mm
BLANK_NUMBER = "…/…/…"
BLANK_DATE = "……………………"
BLANK_NAME = "……………………………"
ISSUED = {LetterState.NUMBERED, LetterState.SIGNED, LetterState.CANCELLED}
# Lines of a unit's kop that are its address, not its name (they print small).
_ADDRESS_STARTS = ("jl", "jalan", "telp", "telepon", "fax", "faks", "laman", "pos-el", "email")

Cell = dict[str, Any]


def letter_context(letter: Letter) -> dict[str, Any]:
    """Everything printed on ``letter``, as plain data (see the module docstring)."""
    settings = settings_for(letter.unit)
    spec = letter.kind_spec
    numbered = bool(letter.number) and letter.state in ISSUED
    on = letter.dated or letter.unit.today()
    place = settings.place.strip() or _place_of(letter)
    date = date_id(letter.dated) if numbered and letter.dated else BLANK_DATE
    number = letter.number if numbered else BLANK_NUMBER
    nota = letter.kind == "nota_dinas"
    shape = spec.shape.value
    tembusan = [t.strip() for t in letter.tembusan.splitlines() if t.strip()]
    signer = _signer(letter)
    judul = spec.shape is Shape.JUDUL
    place_date = f"{place}, {date}"
    qr = None
    if letter.verify_code and numbered:
        qr = {"url": verify_url(letter.verify_code), "caption": CAPTION}
    reviews = _current_round(letter)
    paraf = _paraf(letter, reviews)
    kop_lines, address = _kop(settings)
    if letter.state == LetterState.CANCELLED:
        watermark = "DIBATALKAN"
    else:
        watermark = "" if numbered else "KONSEP"
    return {
        "kind": letter.kind,
        "kind_name": letter.kind_name,
        "shape": shape,
        "nota": nota,
        "document_title": f"{letter.kind_name} {number}".strip(),
        "font": settings.font,
        "font_size": settings.font_size,
        "paper": {"name": settings.paper, "size": PAPERS.get(settings.paper, PAPERS["A4"])},
        "margins": {
            "top": settings.margin_top,
            "right": settings.margin_right,
            "bottom": settings.margin_bottom,
            "left": settings.margin_left,
        },
        "kop": {"lines": kop_lines, "address": address, "logo": _logo(settings)},
        "watermark": watermark,
        "numbered": numbered,
        "number": number,
        "place": place,
        "date": date,
        "place_date": place_date,
        "title": _title(letter),
        "subtitle": letter.hal.upper() if letter.kind == "laporan" else "",
        "header": _header(letter, number=number, date=date, tembusan=tembusan, nota=nota),
        "addressed": spec.addressed and not nota,
        "recipient": _lines(letter.recipient),
        "recipient_address": _lines(letter.recipient_address) or ["Tempat"],
        "blocks": body_blocks(letter, on),
        "sig_rows": _sig_rows(letter, signer, place_date if judul else "", paraf, qr),
        "witnesses": witnesses(letter, on),
        "tembusan": [] if nota else tembusan,
        "coordination": _coordination(letter, reviews),
        "qr": qr,
    }


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _place_of(letter: Letter) -> str:
    name = letter.unit.name
    for prefix in ("Kecamatan ", "Kelurahan ", "Kota ", "Kabupaten "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _kop(settings: LetterSettings) -> tuple[list[dict[str, Any]], list[str]]:
    """The kop's name lines (the last one, the unit's name, printed biggest) and its address
    lines: the settings' own, and any line of the unit's kop that reads as an address."""
    names: list[str] = []
    address: list[str] = []
    for line in settings.kop():
        is_address = names and line.lower().replace(".", " ").split(" ")[0] in _ADDRESS_STARTS
        (address if is_address else names).append(line)
    address = settings.address() or address
    lines = [
        {"text": text.upper(), "big": i == len(names) - 1 and len(names) > 1}
        for i, text in enumerate(names)
    ]
    return lines, address


def _logo(settings: LetterSettings) -> dict[str, Any] | None:
    """The logo's bytes and type, or None (no logo, or its file is gone from storage)."""
    if not settings.logo:
        return None
    from PIL import Image, UnidentifiedImageError

    try:
        with settings.logo.open("rb") as f:
            data = f.read()
        with Image.open(io.BytesIO(data)) as img:
            mime = Image.MIME.get(img.format or "", "")
            width, height = img.size
    except (OSError, ValueError, UnidentifiedImageError):
        return None
    if not mime or not height:
        return None
    return {"data": data, "mime": mime, "ratio": width / height}


def _title(letter: Letter) -> str:
    if letter.kind == "berita_acara":
        return berita_acara_title(letter)
    if letter.kind == "nota_dinas":
        return "NOTA DINAS"
    return str(letter.kind_spec.title or letter.kind_spec.name.upper())


def _header(
    letter: Letter, *, number: str, date: str, tembusan: list[str], nota: bool
) -> list[dict[str, str]]:
    """Nomor / Sifat / Lampiran / Hal (korespondensi); a Nota Dinas's whole table."""
    rows = [
        ("Nomor", number),
        ("Sifat", letter.sifat),
        ("Lampiran", letter.lampiran or "-"),
        ("Hal", letter.hal),
    ]
    if nota:
        rows = [
            ("Yth.", "\n".join(_lines(letter.recipient))),
            ("Dari", str(letter.data.get("dari", ""))),
            ("Tembusan", "\n".join(tembusan) or "-"),
            ("Tanggal", date),
            *rows,
        ]
    return [{"label": label, "value": value} for label, value in rows]


@dataclass(frozen=True)
class _Signer:
    title: str
    name: str
    pangkat: str
    id_line: str


def _signer(letter: Letter) -> _Signer:
    """The snapshot taken at numbering/signing; before it, who holds the signer's jabatan in
    the unit today (so a preview shows who will sign)."""
    if letter.signer_name:
        return _Signer(
            letter.signer_title, letter.signer_name, letter.signer_pangkat, letter.signer_id_line
        )
    held = assignments_holding(letter.unit, letter.signer_role).first()
    if held is not None:
        p = held.person
        return _Signer(held.title, p.full_name, p.pangkat, p.identity_line)
    jabatan = (
        Position.objects.filter(unit=letter.unit, code=letter.signer_role)
        .values_list("name", flat=True)
        .first()
    )
    return _Signer(jabatan or letter.signer_role, "", "", "")


def _electronic(letter: Letter, signer: _Signer) -> str:
    if letter.sign_mode == SignMode.ELECTRONIC and letter.signed_at and letter.signer_name:
        return f"Ditandatangani secara elektronik oleh {signer.title}, {signer.name}"
    return ""


def _sig(
    *, place_date: str = "", above: list[str], name: str, pangkat: str = "", id_line: str = ""
) -> Cell:
    return {
        "kind": "sig",
        "place_date": place_date,
        "above": [a for a in above if a],
        "electronic": "",
        "name": name or BLANK_NAME,
        "pangkat": pangkat,
        "id_line": id_line,
    }


_EMPTY: Cell = {"kind": ""}


def _sig_rows(
    letter: Letter,
    signer: _Signer,
    place_date: str,
    paraf: list[dict[str, str]],
    qr: dict[str, str] | None,
) -> list[dict[str, Cell]]:
    """The signature table: rows of a left and a right cell. The official signs on the right
    (a Surat Pernyataan: the violator; the officer "Mengetahui" on the left). The paraf column
    and the QR code sit left of the official's signature."""
    official = _sig(
        above=[f"{signer.title},"],
        name=signer.name,
        pangkat=signer.pangkat,
        id_line=signer.id_line,
    )
    official["electronic"] = _electronic(letter, signer)
    party = str(letter.data.get("pelanggar_nama") or "")
    left: Cell = _EMPTY
    if letter.kind == "surat_pernyataan":
        official["above"] = ["Mengetahui,", *official["above"]]
        left, right = (
            official,
            _sig(place_date=place_date, above=["Yang membuat pernyataan,"], name=party),
        )
    elif letter.kind == "berita_acara":
        official["place_date"] = place_date
        official["above"] = ["Yang membuat berita acara,", *official["above"]]
        left = _sig(above=["Pelanggar/penanggung jawab,"], name=party)
        right = official
    else:
        official["place_date"] = place_date
        right = official
    rows = [{"left": left, "right": right}]
    if paraf or qr:
        aside: Cell = {"kind": "aside", "paraf": paraf, "qr": bool(qr)}
        if left is _EMPTY:
            rows[0]["left"] = aside
        else:
            rows.append({"left": aside, "right": _EMPTY})
    return rows


def _current_round(letter: Letter) -> list[Review]:
    reviews = list(letter.reviews.all())
    last = max((r.round for r in reviews), default=0)
    return [r for r in reviews if r.round == last]


def _day(at: dt.datetime | None, letter: Letter) -> str:
    return date_id(timezone.localtime(at, letter.unit.zone()).date()) if at else ""


def _paraf(letter: Letter, reviews: list[Review]) -> list[dict[str, str]]:
    """The paraf hierarki given in the last round: the small column left of the signer."""
    return [
        {"jabatan": r.jabatan, "date": _day(r.at, letter)}
        for r in sorted(reviews, key=lambda r: r.order)
        if r.kind == Review.Kind.HIERARCHY and r.outcome == Review.Outcome.INITIALLED
    ]


def _coordination(letter: Letter, reviews: list[Review]) -> list[dict[str, str]]:
    """Paraf koordinasi as the stamp table No | Jabatan | Paraf | Tanggal (filled where a
    coordination paraf was recorded; otherwise left for the stamp)."""
    given = {
        r.jabatan: r
        for r in reviews
        if r.kind == Review.Kind.COORDINATION and r.outcome == Review.Outcome.INITIALLED
    }
    rows = []
    for i, entry in enumerate(letter.coordination or [], 1):
        jabatan = str(entry.get("jabatan", "")) if isinstance(entry, dict) else str(entry)
        review = given.get(jabatan)
        rows.append(
            {
                "no": str(i),
                "jabatan": jabatan,
                "paraf": "✓" if review else "",
                "date": _day(review.at, letter) if review else "",
            }
        )
    return rows
