"""The SMS language: what an SMS asks for, and the text of the help and status replies.

One keyword first, upper or lower case; ``#``, ``.``, ``:`` or spaces between the first words,
as people type them on a phone::

    LAPOR <kode> <uraian dan lokasi>          a complaint, the sender's number kept for the answer
    LAPOR ANONIM <kode> <uraian dan lokasi>   a complaint without name or number
    CEK <nomor pelacakan>                     the public status of a complaint
    INFO / BANTUAN / anything else           the help reply: the format and the category codes

- ``LAPORAN``, ``ADU`` and ``ADUAN`` mean ``LAPOR``; ``STATUS`` and ``LACAK`` mean ``CEK``.
- ``<kode>`` is a category's code or one of its SMS keywords (``Category.keywords``), without
  regard to case. A code is taken off the description; a keyword is a word of the report
  (``LAPOR SPANDUK liar di pohon``) and stays in it. No known code: the category ``lainnya``
  takes the whole text if it still reads as a report (10 characters or more), else the sender
  gets the help reply (see :mod:`.services`).
- The place: the words after ``di`` (up to the end of the sentence) become the address, and a
  desa/kelurahan named in the text that a routing rule knows becomes the complaint's
  kelurahan, so the complaint is routed by where it happened.

Pure text work: nothing here reads or writes the database.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from trantib.core.dates import date_id

from .. import selectors
from ..models import Category

REPORT_WORDS = frozenset({"LAPOR", "LAPORAN", "ADU", "ADUAN"})
STATUS_WORDS = frozenset({"CEK", "STATUS", "LACAK"})
ANONYMOUS_WORD = "ANONIM"
STATUS_REPLY_MAX = 300
HELP_REPLY_MAX = 320
ADDRESS_MAX = 300

# The first words of an SMS are separated by spaces or by what people type instead.
_WORD = re.compile(r"[\s#*:;,.]*([^\s#*:;,.]+)[\s#*:;,.]*(.*)\Z", re.S)
# "… di depan Pasar Kerjo, Desa Kuto. Sudah seminggu" → "depan Pasar Kerjo, Desa Kuto".
_PLACE = re.compile(r"(?:^|\s)di\s+(.+?)(?:[.!?;](?:\s|\Z)|\n|\Z)", re.I | re.S)


# -- the language -------------------------------------------------------------------------


@dataclass(frozen=True)
class Parsed:
    """What an SMS asks for. ``kind``: "report", "status" or "help"."""

    kind: str
    anonymous: bool = False
    code: str = ""  # the first word after LAPOR [ANONIM], as written
    rest: str = ""  # everything after it (report), or the tracking text (status)
    whole: str = ""  # everything after LAPOR [ANONIM] (for the fallback category)


def _first_word(text: str) -> tuple[str, str]:
    match = _WORD.match(text)
    if match is None:
        return "", ""
    return match.group(1), match.group(2).strip()


def sms_parse(text: str) -> Parsed:
    """Read the keyword, ``ANONIM`` and the category word; the rest is left as written."""
    word, rest = _first_word((text or "").strip())
    keyword = word.upper()
    if keyword in STATUS_WORDS:
        return Parsed(kind="status", rest=rest)
    if keyword not in REPORT_WORDS:
        return Parsed(kind="help")
    anonymous = False
    word, after = _first_word(rest)
    if word.upper() == ANONYMOUS_WORD:
        anonymous, rest = True, after
        word, after = _first_word(rest)
    return Parsed(kind="report", anonymous=anonymous, code=word, rest=after, whole=rest)


def category_match(word: str, categories: list[Category]) -> tuple[Category | None, bool]:
    """The category named by ``word`` and whether it was its code (not a keyword)."""
    wanted = word.casefold()
    if not wanted:
        return None, False
    for category in categories:
        if category.code.casefold() == wanted:
            return category, True
    for category in categories:
        keywords = {k.strip().casefold() for k in category.keywords.split(",") if k.strip()}
        if wanted in keywords:
            return category, False
    return None, False


def place_find(text: str) -> str:
    """The words after ``di`` up to the end of the sentence: the address as written."""
    match = _PLACE.search(text)
    if match is None:
        return ""
    place = " ".join(match.group(1).split()).strip(" ,")
    return place[:ADDRESS_MAX]


def kelurahan_find(text: str, names: list[str]) -> str:
    """A desa/kelurahan of the routing rules named in ``text`` as a whole word (the longest
    name first: "Karangrejo" before "Rejo"); its spelling from the rule."""
    folded = text.casefold()
    for name in sorted(names, key=len, reverse=True):
        if re.search(rf"(?<!\w){re.escape(name.casefold())}(?!\w)", folded):
            return name
    return ""


# -- the replies --------------------------------------------------------------------------


def help_text(categories: list[Category], reason: str = "") -> str:
    """The format and the active category codes, short enough for two SMS parts."""
    text = _(
        "Format: LAPOR <kode> <uraian> di <lokasi>. Tanpa identitas: LAPOR ANONIM <kode> "
        "<uraian>. Cek status: CEK <nomor pelacakan>."
    )
    if reason:
        text = f"{reason} {text}"
    codes = sorted({c.code for c in categories})
    if not codes:
        return text
    listed = _("Kode:")
    for code in codes:
        more = f"{listed} {code}" if listed.endswith(":") else f"{listed}, {code}"
        if len(text) + 1 + len(more) > HELP_REPLY_MAX:
            break
        listed = more
    return text if listed.endswith(":") else f"{text} {listed}"


def status_text(status: selectors.PublicStatus, zone: dt.tzinfo | None = None) -> str:
    """The public status in one SMS or two: label, last update, the answer if any."""
    last = status.updates[-1] if status.updates else None
    parts = [
        _("Pengaduan %(tracking)s: %(label)s.")
        % {"tracking": status.tracking, "label": status.status_label}
    ]
    if last is not None:
        day = date_id(timezone.localtime(last.at, zone))
        parts.append(_("Terakhir: %(text)s (%(day)s).") % {"text": last.text, "day": day})
    if status.answer:
        parts.append(_("Hasil: %(answer)s") % {"answer": " ".join(status.answer.split())})
    text = " ".join(parts)
    if len(text) > STATUS_REPLY_MAX:
        text = text[: STATUS_REPLY_MAX - 1].rstrip() + "…"
    return text
