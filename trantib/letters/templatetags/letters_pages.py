"""Template filters of the letter pages: dates the Indonesian way, moments on the unit's clock."""

from __future__ import annotations

import datetime as dt

from django import template

from trantib.accounts.models import OrgUnit
from trantib.core.dates import date_id

register = template.Library()


@register.filter
def tanggal(value: dt.date | None) -> str:
    """``3 Desember 2026``."""
    return date_id(value) if value else ""


@register.filter
def waktu(value: dt.datetime | None, unit: OrgUnit) -> str:
    """``22 Nov 2026 09.30 WIB``: the moment as the unit's clock shows it."""
    return unit.time_text(value)


@register.filter
def lines(value: str | None) -> list[str]:
    """The non-blank lines of a text."""
    return [line.strip() for line in (value or "").splitlines() if line.strip()]
