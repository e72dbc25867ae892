"""Dates and times written the Indonesian way, for people: ``3 Desember 2026`` and
``3 Desember 2026 14.05 WIB``.

Month names are Indonesian in every interface language: these strings go into the case file
and printed documents, whose language is the unit's, not the reader's. Parsing typed dates is
not done here.
"""

from __future__ import annotations

import datetime as dt

MONTHS: tuple[str, ...] = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def date_id(d: dt.date) -> str:
    """``3 Desember 2026``; a datetime is written by its own (naive or local) date."""
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def time_id(t: dt.time | dt.datetime) -> str:
    """``14.05``: hours and minutes with a dot, as Indonesian style guides write them."""
    return f"{t.hour:02d}.{t.minute:02d}"


def datetime_id(value: dt.datetime, zone: dt.tzinfo) -> str:
    """``3 Desember 2026 14.05 WIB``: the moment on the clock of ``zone`` (a unit's zone).

    An aware moment is converted to ``zone``; a naive one (a time typed into a form, read as
    the unit's local time) is taken as already in ``zone``. The zone is named by its
    abbreviation (WIB, WITA, WIT).
    """
    local = value.astimezone(zone) if value.tzinfo is not None else value.replace(tzinfo=zone)
    return f"{date_id(local)} {time_id(local)} {local.tzname() or ''}".rstrip()
