"""Dates and times of the patrol pages, the Indonesian way."""

from __future__ import annotations

import datetime as dt

from django import template

from trantib.core.dates import date_id

from ..selectors import DAY_NAMES

register = template.Library()


@register.filter
def tanggal(value: dt.date | None) -> str:
    """3 Desember 2026."""
    return date_id(value) if value else ""


@register.filter
def hari(value: dt.date | None) -> str:
    """Kamis."""
    return DAY_NAMES[value.weekday()] if value else ""


@register.filter
def jam(value: dt.time | None) -> str:
    """08.00."""
    return value.strftime("%H.%M") if value else ""


@register.filter
def contains(values: object, item: object) -> bool:
    try:
        return item in values  # type: ignore[operator]
    except TypeError:
        return False
