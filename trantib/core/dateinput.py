"""Dates and times as Indonesian officers type them, read strictly.

Accepted, day first as Indonesia writes it: ``3 Desember 2026``, ``3 Des 2026``, ``Kamis,
3 Desember 2026``, ``3/12/2026``, ``03-12-2026``, ``3.12.2026`` and ISO ``2026-12-03``; with a
time after the date (``3 Desember 2026 14.05``, ``3/12/2026 14:05``, ``2026-12-03T14:05``,
optionally ``pukul``/``jam`` before it). Anything else — a month-first date (``12/31/2026``), a
day the month does not have (``31/2/2026``), a two-digit year, a year outside 1900–2100
(:data:`~trantib.engine.runtime.YEAR_MIN`, ``YEAR_MAX``), a word (``besok``) — raises
``ValueError`` with an Indonesian message that names the accepted forms. Nothing is ever
defaulted: an unreadable date is refused, never read as today.

Used by the step forms (date, datetime and schedule fields) and anything else that takes a
typed date.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _

# The plausible years, defined once in the engine, which checks recorded dates the same way.
from trantib.engine.runtime import YEAR_MAX, YEAR_MIN

from .dates import MONTHS

# Month names (one list, with the writer in .dates) and the abbreviations people write; all
# keys casefolded, without a final dot.
_MONTH_WORDS: dict[str, int] = {name.casefold(): i for i, name in enumerate(MONTHS, 1)}
_MONTH_WORDS.update(
    {
        "jan": 1,
        "feb": 2,
        "peb": 2,
        "pebruari": 2,
        "mar": 3,
        "apr": 4,
        "jun": 6,
        "jul": 7,
        "agu": 8,
        "agt": 8,
        "ags": 8,
        "agus": 8,
        "sep": 9,
        "sept": 9,
        "okt": 10,
        "nov": 11,
        "nop": 11,
        "nopember": 11,
        "des": 12,
    }
)
_WEEKDAYS = ("senin", "selasa", "rabu", "kamis", "jumat", "jum'at", "sabtu", "minggu", "ahad")

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_NUMERIC = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_WORDS = re.compile(r"(\d{1,2})\s+([a-z']+)\.?\s+(\d{4})")
_TIME = re.compile(r"(?:(?:pukul|jam)\s+)?(\d{1,2})[.:](\d{2})(?:[.:](\d{2}))?")
_DATE_THEN_TIME = re.compile(r"(.+?)[ ,]+((?:(?:pukul|jam)\s+)?\d{1,2}[.:]\d{2}(?:[.:]\d{2})?)")


def _forms_hint() -> str:
    return _("Tulis misalnya 3 Desember 2026, 3/12/2026 atau 2026-12-03.")


def _clean(text: str) -> str:
    cleaned = " ".join(str(text).split()).casefold()
    for day in _WEEKDAYS:  # "Kamis, 3 Desember 2026": the weekday adds nothing
        if cleaned.startswith(day):
            rest = cleaned[len(day) :].lstrip(", ")
            if rest[:1].isdigit():
                return rest
    return cleaned


def _date_of(text: str, original: str) -> dt.date:
    """The date ``text`` (cleaned) spells, or ValueError quoting ``original``."""
    for pattern, order in ((_ISO, "ymd"), (_NUMERIC, "dmy"), (_WORDS, "dmy")):
        match = pattern.fullmatch(text)
        if match is None:
            continue
        parts = dict(zip(order, match.groups(), strict=True))
        if pattern is _WORDS:
            month = _MONTH_WORDS.get(parts["m"])
            if month is None:
                raise ValueError(
                    _("“%(word)s” bukan nama bulan. %(hint)s")
                    % {"word": parts["m"], "hint": _forms_hint()}
                )
        else:
            month = int(parts["m"])
        day, year = int(parts["d"]), int(parts["y"])
        if not 1 <= month <= 12:
            raise ValueError(
                _("“%(text)s”: bulan %(month)s tidak ada; tanggal ditulis hari dahulu. %(hint)s")
                % {"text": original, "month": month, "hint": _forms_hint()}
            )
        if not YEAR_MIN <= year <= YEAR_MAX:
            raise ValueError(
                _("“%(text)s”: tahun harus antara %(min)s dan %(max)s.")
                % {"text": original, "min": YEAR_MIN, "max": YEAR_MAX}
            )
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise ValueError(
                _("Tanggal “%(text)s” tidak ada di kalender.") % {"text": original}
            ) from None
    raise ValueError(
        _("“%(text)s” bukan tanggal yang dikenali. %(hint)s")
        % {"text": original, "hint": _forms_hint()}
    )


def date_parse(text: str) -> dt.date:
    """The date an officer typed (see the module docstring), or ValueError in Indonesian."""
    original = " ".join(str(text).split())
    if not original:
        raise ValueError(_("Tanggal belum diisi. %(hint)s") % {"hint": _forms_hint()})
    return _date_of(_clean(original), original)


def datetime_parse(text: str) -> dt.datetime:
    """A date and a time of day (naive: the unit's own clock), or ValueError in Indonesian.

    ``3 Desember 2026 14.05``, ``3/12/2026 pukul 14:05``, ``2026-12-03T14:05``. The time is
    required: a date alone is refused rather than read as midnight.
    """
    original = " ".join(str(text).split())
    hint = _("Tulis misalnya 3 Desember 2026 14.05, 3/12/2026 14:05 atau 2026-12-03 14:05.")
    if not original:
        raise ValueError(_("Tanggal dan jam belum diisi. %(hint)s") % {"hint": hint})
    cleaned = _clean(original)
    iso = re.fullmatch(r"(\d{4}-\d{1,2}-\d{1,2})t(.+)", cleaned)
    if iso:
        date_text, time_text = iso.group(1), iso.group(2)
    else:
        match = _DATE_THEN_TIME.fullmatch(cleaned)
        if match is None:
            raise ValueError(
                _("“%(text)s” bukan tanggal dan jam yang dikenali. %(hint)s")
                % {"text": original, "hint": hint}
            )
        date_text, time_text = match.group(1), match.group(2)
    day = _date_of(date_text, original)
    clock = _TIME.fullmatch(time_text)
    if clock is None:
        raise ValueError(
            _("“%(text)s” bukan jam yang dikenali. %(hint)s") % {"text": original, "hint": hint}
        )
    hour, minute, second = int(clock.group(1)), int(clock.group(2)), int(clock.group(3) or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(_("Jam pada “%(text)s” tidak ada.") % {"text": original})
    return dt.datetime.combine(day, dt.time(hour, minute, second))
