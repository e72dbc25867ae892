"""The one context a letter is rendered from, for the PDF (HTML) and for Word (docxtpl) alike.

Plain data only (strings, lists, dicts, the logo's bytes): each format adapts the pictures
(a data URI for HTML, an ``InlineImage`` for Word) and nothing else, so the two files hold the
same texts. What is printed is what the author wrote, the unit's letter settings, the signer's
snapshot and the blanko's labels (:data:`.labels.LABELS`); the product adds only the draft's
watermark and the verification QR code with its caption (the signed document is sacred).

The paraf hierarki is not printed: it belongs to the archive copy and stays on the letter's
page and in its audit. The paraf koordinasi stamp lists the jabatan the drafter named, with
empty Paraf and Tanggal cells to be initialled by hand on the archive copy.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from typing import Any

from trantib.accounts.models import Position
from trantib.accounts.selectors import assignments_holding
from trantib.core.dates import date_id

from ..kinds import Shape
from ..models import Letter, LetterSettings, LetterState, SignMode
from ..qr import verify_url
from ..services import settings_for
from .blocks import berita_acara_title, body_blocks, witnesses
from .labels import BLANK_DATE, BLANK_NAME, BLANK_NUMBER, LABELS

PAPERS = {"A4": (210, 297), "F4": (215, 330)}  # width, height in mm
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
        qr = {"url": verify_url(letter.verify_code), "caption": LABELS["qr"]}
    kop_lines, address = _kop(settings)
    if letter.state == LetterState.CANCELLED:
        watermark = LABELS["dibatalkan"]
    else:
        watermark = "" if numbered else LABELS["konsep"]
    return {
        "labels": dict(LABELS),
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
        "recipient_address": _lines(letter.recipient_address),
        "blocks": body_blocks(letter, on),
        "sig_rows": _sig_rows(letter, signer, place_date if judul else "", qr),
        "witnesses": witnesses(letter, on),
        "tembusan": [] if nota else tembusan,
        "coordination": _coordination(letter),
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


def logo_data_uri(settings: LetterSettings) -> str:
    """The logo as a data URI for a printed page, read through the storage (which may be a
    bucket: there is no local path to give WeasyPrint), or empty."""
    logo = _logo(settings)
    if not logo:
        return ""
    return f"data:{logo['mime']};base64,{base64.b64encode(logo['data']).decode('ascii')}"


def _title(letter: Letter) -> str:
    if letter.kind == "berita_acara":
        return berita_acara_title(letter)
    return str(letter.kind_spec.title or letter.kind_spec.name.upper())


def _header(
    letter: Letter, *, number: str, date: str, tembusan: list[str], nota: bool
) -> list[dict[str, str]]:
    """Nomor / Sifat / Lampiran / Hal (korespondensi); a Nota Dinas's whole table."""
    rows = [
        (LABELS["nomor"], number),
        (LABELS["sifat"], letter.sifat),
        (LABELS["lampiran"], letter.lampiran or "-"),
        (LABELS["hal"], letter.hal),
    ]
    if nota:
        rows = [
            (LABELS["yth"], "\n".join(_lines(letter.recipient))),
            (LABELS["dari"], str(letter.data.get("dari", ""))),
            (LABELS["tembusan_row"], "\n".join(tembusan) or "-"),
            (LABELS["tanggal"], date),
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
        return f"{LABELS['elektronik']} {signer.title}, {signer.name}"
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
    letter: Letter, signer: _Signer, place_date: str, qr: dict[str, str] | None
) -> list[dict[str, Cell]]:
    """The signature table: rows of a left and a right cell. The official signs on the right
    (a Surat Pernyataan: the violator; the officer "Mengetahui" on the left); the QR code sits
    left of the official's signature."""
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
        official["above"] = [LABELS["mengetahui"], *official["above"]]
        left, right = (
            official,
            _sig(place_date=place_date, above=[LABELS["membuat_pernyataan"]], name=party),
        )
    elif letter.kind == "berita_acara":
        official["place_date"] = place_date
        official["above"] = [LABELS["membuat_berita_acara"], *official["above"]]
        left = _sig(above=[LABELS["pihak"]], name=party)
        right = official
    else:
        official["place_date"] = place_date
        right = official
    rows = [{"left": left, "right": right}]
    if qr:
        aside: Cell = {"kind": "aside", "qr": True}
        if left is _EMPTY:
            rows[0]["left"] = aside
        else:
            rows.append({"left": aside, "right": _EMPTY})
    return rows


def _coordination(letter: Letter) -> list[dict[str, str]]:
    """Paraf koordinasi: the stamp table No | Jabatan | Paraf | Tanggal, one row per jabatan
    the drafter named, its Paraf and Tanggal left empty for the hand on the archive copy."""
    rows: list[dict[str, str]] = []
    for entry in letter.coordination or []:
        jabatan = str(entry.get("jabatan", "")) if isinstance(entry, dict) else str(entry)
        if jabatan.strip():
            rows.append({"no": str(len(rows) + 1), "jabatan": jabatan.strip()})
    return rows
