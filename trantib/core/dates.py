"""Dates written the Indonesian way: "3 Desember 2026", not ISO or "03-12-2026"."""

from __future__ import annotations

import datetime as dt

MONTHS = (
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
    """``date(2026, 12, 3)`` → ``"3 Desember 2026"`` (a datetime gives its own date)."""
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
