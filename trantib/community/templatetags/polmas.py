"""Dates of the Polmas pages in Indonesian."""

from __future__ import annotations

import datetime as dt

from django import template

from trantib.community.models import WEEKDAYS
from trantib.core.dates import date_id, time_id

register = template.Library()


@register.filter
def tanggal(value: dt.date | None) -> str:
    """``5 Desember 2026``."""
    return date_id(value) if value else ""


@register.filter
def hari(value: dt.date | None) -> str:
    """``Sabtu``."""
    return str(WEEKDAYS[value.weekday()]) if value else ""


@register.filter
def jam(value: dt.time | None) -> str:
    """``07.30``."""
    return time_id(value) if value else ""
