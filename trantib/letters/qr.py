"""The verification QR code printed on a numbered or signed letter (segno).

It carries the absolute address of the public page ``/verifikasi/<code>/``, where anyone can
check the letter's number, date, signer and the SHA-256 of its official PDF. The code is
random (``Letter.verify_code``), never the number.
"""

from __future__ import annotations

import io

import segno
from django.urls import NoReverseMatch, reverse

from trantib.core.links import absolute_url

CAPTION = "Pindai untuk memeriksa keaslian"


def verify_url(code: str) -> str:
    """The absolute address of the verification page of ``code``."""
    try:
        path = reverse("letters:verify", args=[code])
    except NoReverseMatch:  # the page is mounted by the verification part of the app
        path = f"/verifikasi/{code}/"
    return absolute_url(path)


def qr_svg_data_uri(url: str) -> str:
    """An SVG data URI (vector: sharp at any print size); size it with CSS."""
    qr = segno.make(url, error="m", micro=False)
    return str(qr.svg_data_uri(scale=4, border=0, omitsize=True))


def qr_png(url: str) -> bytes:
    """The code as a PNG (for Word, which places pictures, not SVG, reliably)."""
    qr = segno.make(url, error="m", micro=False)
    out = io.BytesIO()
    qr.save(out, kind="png", scale=10, border=0)
    return out.getvalue()
