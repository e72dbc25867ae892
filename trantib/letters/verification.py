"""Checking a PDF someone holds against a signed letter: the same file as the official copy
(SHA-256), and whether its PAdES signature validates (:func:`trantib.letters.signing.
pdf_validate`). The public page, the API and the CLI all answer with :func:`upload_check`, and
count against the same per-client limit (:func:`verify_rate_take`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from trantib.core.ratelimit import client_address, rate_limit_take

from .models import Letter
from .signing import Validation, pdf_validate
from .uploads import FILE_MAX, pdf_check

VERIFY_MAX = FILE_MAX
RATE_SCOPE = "letter-verify"


@dataclass(frozen=True)
class UploadCheck:
    letter: Letter
    sha256: str  # of the uploaded file
    identical: bool | None  # byte-identical to the official copy; None: there is none yet
    signature: Validation  # the file's own signature (signed False: it has none)

    @property
    def same(self) -> bool:
        return self.identical is True


def upload_check(letter: Letter, content: bytes, *, name: str = "") -> UploadCheck:
    """Compare ``content`` with the letter's official copy and check its signature; refuse
    (Invalid, field ``file``) what is not a readable PDF of at most 10 MB.

    The official copy itself is checked as of the signing Trantib recorded, so that an old
    letter's signature still reads as valid after the signer's certificate expired; any other
    file as of now (its own claimed time proves nothing)."""
    pdf_check(content, field="file", name=name)
    digest = hashlib.sha256(content).hexdigest()
    identical = digest == letter.official_sha256 if letter.official_sha256 else None
    at = letter.signed_at if identical else None
    signature = pdf_validate(content, unit=letter.unit, at=at)
    return UploadCheck(letter=letter, sha256=digest, identical=identical, signature=signature)


def verify_rate_take(request: HttpRequest) -> None:
    """Count one verification by the client behind ``request``; TooMany past
    ``TRANTIB_VERIFY_RATE_LIMIT`` per ``TRANTIB_VERIFY_RATE_WINDOW`` seconds (the page and the
    API share the count)."""
    with transaction.atomic():
        rate_limit_take(
            scope=RATE_SCOPE,
            client=client_address(request),
            limit=settings.TRANTIB_VERIFY_RATE_LIMIT,
            window=settings.TRANTIB_VERIFY_RATE_WINDOW,
            message=_(
                "Terlalu banyak pemeriksaan dari perangkat ini dalam waktu singkat. "
                "Tunggu sebentar, lalu coba lagi."
            ),
        )
