"""What of a complaint may be public, and in what form (docs/PRIVACY.md says it for people).

A complaint may be public when ``Complaint.public`` is set and it is not confidential (a
database constraint forbids both at once). ``complaint_file`` sets ``public`` from the channel:
a complaint the citizen sent in themselves (web form, SMS, Open311) is public unless
confidential; one an officer took at the counter or on the phone is not, until an intake role
of the handling unit marks it public (``services.complaint_public_set``, audited).

What leaves for the public is coarser than what the unit keeps:

- the point is rounded to :data:`POINT_DECIMALS` decimal places of a degree (0.001° is 111 m
  of latitude, and at most 111 m of longitude — about 110 m on Java);
- the address is cut to the street (:func:`public_street`) and the kelurahan/desa.

These are pure functions: no database, no settings.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from .models import Channel

# The channels on which the citizen writes the complaint themselves, for a public office.
PUBLIC_CHANNELS = frozenset({Channel.WEB, Channel.SMS, Channel.OPEN311})
# 3 decimal places of a degree: a cell of about 110 m × 110 m near the equator.
POINT_DECIMALS = 3
_STEP = Decimal(1).scaleb(-POINT_DECIMALS)

# Words that begin the part of an address after the street: house number, neighbourhood
# (RT/RW), block, lot, kilometre post.
_AFTER_STREET = frozenset(
    {"no", "nomor", "nmr", "rt", "rw", "blok", "blk", "kav", "kavling", "km", "kilometer"}
)
# Words that name the kind of street, not the street itself.
_STREET_KIND = frozenset({"jl", "jln", "jalan", "gg", "gang", "lr", "lorong"})
_SEGMENT = re.compile(r"[,;(\n\r]")


def public_by_default(channel: str, confidential: bool) -> bool:
    """Whether a complaint just taken in may be public, before anyone decides otherwise."""
    return channel in PUBLIC_CHANNELS and not confidential


def public_coordinate(value: Decimal | float | str | None) -> float | None:
    """A latitude or longitude rounded to :data:`POINT_DECIMALS` places (half away from 0)."""
    if value is None or value == "":
        return None
    return float(Decimal(str(value)).quantize(_STEP, rounding=ROUND_HALF_UP))


def _word(token: str) -> str:
    return token.casefold().strip(".:#")


def public_street(address: str) -> str:
    """The street of a free-text address, without what comes after it.

    The first part of the address (up to a comma, semicolon, bracket or line break) is kept up
    to the first word that starts the rest of an address (No, Nomor, RT, RW, Blok, Kav, Km) or
    the first word holding a digit that follows the street's name (a house number such as
    ``12`` or ``AA843A``). A digit right after the street's kind stays: ``Jl. 17 Agustus No. 5``
    → ``Jl. 17 Agustus``. Nothing is left when no name remains (``RT 02/RW 03``: "")."""
    first = _SEGMENT.split(address or "", maxsplit=1)[0]
    kept: list[str] = []
    named = False  # a word of the street's name has been kept
    for token in first.split():
        word = _word(token)
        if not word:
            continue
        if word in _AFTER_STREET or word.split("/")[0].rstrip(".") in _AFTER_STREET:
            break
        if named and any(ch.isdigit() for ch in token):
            break
        if word.rstrip(".") in _STREET_KIND and not named:
            kept.append(token)
            continue
        if any(ch.isdigit() for ch in word) and not kept:
            break  # an address that starts with a number: a house number, not a street
        kept.append(token)
        named = True
    if not named:
        return ""
    return " ".join(kept).strip(" -–—.:/")


def public_address(address: str, kelurahan: str) -> str:
    """The street and the kelurahan/desa, as one line ("" when neither is known)."""
    street = public_street(address)
    desa = (kelurahan or "").strip()
    if street and desa and street.casefold() == desa.casefold():
        return desa
    return ", ".join(p for p in (street, desa) if p)
