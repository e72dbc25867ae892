"""Indonesian phone numbers, written as people write them, in one form: ``+62…``.

``phone_normalise`` takes any Indonesian number (a landline too: a reporter may be called
back); ``mobile_number`` only a mobile (``+628…``), the only kind an SMS reaches.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s().\-/]")
_MOBILE = re.compile(r"^\+628\d{7,11}$")


def phone_normalise(text: str) -> str:
    """``0812-3456-789``, ``62812…``, ``+62 (0)812…``, ``0271 123456`` → ``+62…``.

    Raises ValueError when the text is not an Indonesian phone number."""
    raw = _SEPARATORS.sub("", (text or "").strip())
    if raw.startswith("+"):
        raw = raw[1:]
    if not raw.isdigit():
        raise ValueError(text)
    if raw.startswith("62"):
        national = raw[2:]
    elif raw.startswith("0"):
        national = raw[1:]
    else:
        raise ValueError(text)
    if national.startswith("0"):  # +62 (0)812…: the trunk zero written after the country code
        national = national[1:]
    digits = "62" + national
    if not 10 <= len(digits) <= 15:
        raise ValueError(text)
    return "+" + digits


def mobile_number(text: str) -> str | None:
    """The number as ``+628…`` when it is an Indonesian mobile, else None."""
    try:
        number = phone_normalise(text)
    except ValueError:
        return None
    return number if _MOBILE.match(number) else None


def phone_mask(phone: str) -> str:
    """A stored number shown to someone who may not read it: ``+6281277665544`` →
    ``+62•••••••••44`` (the country code and the last two digits only)."""
    if not phone:
        return ""
    keep = 3 if phone.startswith("+") else 2
    return phone[:keep] + "•" * max(len(phone) - keep - 2, 0) + phone[-2:]
