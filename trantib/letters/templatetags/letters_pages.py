"""Template filters of the letter pages: dates the Indonesian way, moments on the unit's clock."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

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


@register.filter
def breakable(value: str | None) -> SafeString:
    """A letter number that may wrap after each slash on a narrow screen, never inside a part."""
    return mark_safe("/<wbr>".join(escape(part) for part in (value or "").split("/")))  # noqa: S308
