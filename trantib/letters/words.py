"""Numbers, days and dates in Indonesian words, as letters write them: "7 (tujuh) hari kerja",
"Pada hari ini Kamis tanggal tiga bulan Desember tahun dua ribu dua puluh enam".

The words are Indonesian whatever the reader's language: they are part of the letter.
"""

from __future__ import annotations

import datetime as dt
import re

from trantib.core.dates import MONTHS

_UNITS = (
    "nol",
    "satu",
    "dua",
    "tiga",
    "empat",
    "lima",
    "enam",
    "tujuh",
    "delapan",
    "sembilan",
    "sepuluh",
    "sebelas",
)
_SCALES = ((1_000_000_000_000, "triliun"), (1_000_000_000, "miliar"), (1_000_000, "juta"))

DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


def number_words(n: int) -> str:
    """``17`` → "tujuh belas", ``1000`` → "seribu", ``2026`` → "dua ribu dua puluh enam"."""
    if n < 0:
        return f"minus {number_words(-n)}"
    if n < 12:
        return _UNITS[n]
    if n < 20:
        return f"{_UNITS[n - 10]} belas"
    if n < 100:
        tens, rest = divmod(n, 10)
        return _join(f"{_UNITS[tens]} puluh", rest)
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        head = "seratus" if hundreds == 1 else f"{_UNITS[hundreds]} ratus"
        return _join(head, rest)
    if n < 1_000_000:
        thousands, rest = divmod(n, 1000)
        head = "seribu" if thousands == 1 else f"{number_words(thousands)} ribu"
        return _join(head, rest)
    for scale, name in _SCALES:
        if n >= scale:
            big, rest = divmod(n, scale)
            return _join(f"{number_words(big)} {name}", rest)
    raise AssertionError("unreachable")  # pragma: no cover


def _join(head: str, rest: int) -> str:
    return f"{head} {number_words(rest)}" if rest else head


_LEADING_NUMBER = re.compile(r"^\s*(\d{1,12})(?!\s*\()")


def with_words(text: str) -> str:
    """A leading number written in words too: "7 hari kerja" → "7 (tujuh) hari kerja".
    Text without a leading number, or already with its words, is returned as it is."""
    return _LEADING_NUMBER.sub(lambda m: f"{m.group(1)} ({number_words(int(m.group(1)))})", text)


def day_name(day: dt.date) -> str:
    return DAYS[day.weekday()]


def date_words(day: dt.date) -> str:
    """ "tanggal tiga bulan Desember tahun dua ribu dua puluh enam" (a Berita Acara's opening)."""
    return (
        f"tanggal {number_words(day.day)} bulan {MONTHS[day.month - 1]} "
        f"tahun {number_words(day.year)}"
    )
