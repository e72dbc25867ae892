"""Tracking numbers: the reporter's key to the public status page ``/lacak/<tracking>/``.

A tracking number opens its complaint's status page (the answer to the reporter, a confidential
one's too), so it is a secret of that reporter: it is shown to the reporter alone, and
:func:`untracked` takes it out of any text that travels to another reporter or into a public
record.
"""

from __future__ import annotations

import re
import secrets

from django.http import HttpRequest
from django.utils.translation import gettext as _

from trantib.core.links import absolute_url

from ..models import Complaint

# Tracking numbers: 8 characters in two groups (K7QM-4RTZ), 40 bits of chance. No 0/O, 1/I/L
# or U: nothing to mishear on the phone or misread on a receipt.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
_TRACKING_RE = re.compile(rf"^[{TRACKING_ALPHABET}]{{8}}$")


def tracking_new() -> str:
    while True:
        raw = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(8))
        number = f"{raw[:4]}-{raw[4:]}"
        if not Complaint.objects.filter(tracking=number).exists():
            return number


def tracking_normalise(text: str) -> str | None:
    """``k7qm 4rtz``, ``K7QM4RTZ`` → ``K7QM-4RTZ``; None when it cannot be a tracking number."""
    raw = re.sub(r"[\s\-.]", "", (text or "").upper())
    if not _TRACKING_RE.match(raw):
        return None
    return f"{raw[:4]}-{raw[4:]}"


_TRACKING_IN_TEXT = re.compile(
    rf"(?<![0-9A-Za-z])[{TRACKING_ALPHABET}]{{4}}-[{TRACKING_ALPHABET}]{{4}}(?![0-9A-Za-z])"
)


def untracked(text: str, *numbers: str) -> str:
    """``text`` with tracking numbers taken out: the given ones in any spelling (``k7qm 4rtz``),
    any other in the written form (``K7QM-4RTZ``). A tracking number opens its reporter's
    status page, so it never travels to another reporter or into a public record."""
    hidden = _("[nomor pelacakan]")
    for number in numbers:
        if number and "-" in number:
            head, tail = (re.escape(p) for p in number.split("-", 1))
            spelled = rf"(?<![0-9A-Za-z]){head}[\s\-.]?{tail}(?![0-9A-Za-z])"
            text = re.sub(spelled, hidden, text, flags=re.IGNORECASE)
    return _TRACKING_IN_TEXT.sub(hidden, text)


def status_url(tracking: str, request: HttpRequest | None = None) -> str:
    """The status page's address for the reporter: ``TRANTIB_PUBLIC_URL`` when set; else the
    address of the request being answered, or outside a request the one the server listens on
    (``TRANTIB_SERVED_URL``, exported by ``trantib serve``)."""
    return absolute_url(f"/lacak/{tracking}/", request)
