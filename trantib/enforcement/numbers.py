"""Whole numbers and text typed into the enforcement app's forms and API, parsed strictly.

``int()`` takes "١٢٣" and "1_000", ``str.isdigit`` takes "²" (which ``int()`` then refuses) and
nothing bounds their size (25 nines overflow the database): a number from a request is ASCII
digits, at most 15 of them, under a maximum, else an Invalid that names the field.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from trantib.core.errors import Invalid
from trantib.core.text import CONTROL, has_control_characters

WHOLE = re.compile(r"[0-9]{1,15}")
# The most a Perda or a court may fine, with room to spare: Rp 1 triliun.
FINE_MAX = 1_000_000_000_000


def whole_or_none(value: Any) -> int | None:
    """An id or a count from a query string: None when it is not 1–15 ASCII digits."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value < 10**15 else None
    text = str(value if value is not None else "").strip()
    return int(text) if WHOLE.fullmatch(text) else None


def whole(value: Any, *, field: str, message: str) -> int:
    """A whole number from a form, or ``Invalid(message, field=field)``."""
    number = whole_or_none(value)
    if number is None:
        raise Invalid(message, field=field)
    return number


def fine_parse(value: Any, *, field: str) -> int | None:
    """A fine in rupiah ("Rp 5.000.000", "5000000", 5000000); None when left empty."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise Invalid(_("Denda harus berupa angka rupiah, mis. 5000000."), field=field)
    if isinstance(value, int):
        number: int | None = value if value >= 0 else -1
    else:
        text = str(value).strip().removeprefix("Rp").strip()
        text = text.replace(".", "").replace(",", "").replace(" ", "")
        if not text:
            return None
        number = int(text) if WHOLE.fullmatch(text) else None
        if number is None and text.startswith("-") and WHOLE.fullmatch(text[1:]):
            number = -1
    if number is None:
        raise Invalid(_("Denda harus berupa angka rupiah, mis. 5000000."), field=field)
    if number < 0:
        raise Invalid(_("Denda tidak boleh negatif."), field=field)
    if number > FINE_MAX:
        raise Invalid(_("Denda paling banyak Rp 1.000.000.000.000."), field=field)
    return number


def has_nul(value: Any) -> bool:
    return isinstance(value, str) and has_control_characters(value, unstorable_only=True)


def text_checked(value: Any, *, field: str, label: str) -> str:
    """Text from a form with no NUL byte (no database stores one), or an Invalid naming it."""
    text = str(value or "")
    if has_control_characters(text, unstorable_only=True):
        raise Invalid(
            _("%(label)s berisi karakter yang tidak sah (NUL).") % {"label": label}, field=field
        )
    return text


def query_text(value: Any, limit: int = 100) -> str:
    """A search or filter word from a query string, control characters dropped."""
    return "".join(c for c in str(value or "") if c >= " " and not CONTROL.match(c))[:limit]
