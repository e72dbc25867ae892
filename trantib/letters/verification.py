"""Checking a PDF someone holds against a signed letter: the same file as the official copy
(SHA-256), and, for a PAdES-signed file, whether its signature validates.

The signature check is :func:`trantib.letters.signing.pdf_validate` (imported when used: the
signing module is optional until it lands). The API and the CLI answer with this; the public
verification page says the same in words.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from trantib.core.errors import Invalid

from .models import Letter

VERIFY_MAX = 10 * 1024 * 1024


@dataclass(frozen=True)
class SignatureCheck:
    signed: bool
    intact: bool
    trusted: bool
    signer_name: str
    signed_at: dt.datetime | None
    problem: str


@dataclass(frozen=True)
class UploadCheck:
    letter: Letter
    sha256: str  # of the uploaded file
    same: bool  # byte-identical to the official copy
    signature: SignatureCheck | None  # None: no signature check available or made


def upload_check(letter: Letter, content: bytes, *, name: str = "") -> UploadCheck:
    """Compare ``content`` with the letter's official copy; refuse what is not a PDF."""
    label = name or _("berkas")
    if len(content) > VERIFY_MAX:
        raise Invalid(_("Berkas %(f)s lebih besar dari 10 MB.") % {"f": label}, field="file")
    if not content.startswith(b"%PDF-"):
        raise Invalid(_("Berkas %(f)s bukan PDF.") % {"f": label}, field="file")
    digest = hashlib.sha256(content).hexdigest()
    same = bool(letter.official_sha256) and digest == letter.official_sha256
    return UploadCheck(
        letter=letter, sha256=digest, same=same, signature=_signature(letter, content)
    )


def _signature(letter: Letter, content: bytes) -> SignatureCheck | None:
    try:
        signing = importlib.import_module("trantib.letters.signing")
    except ImportError:
        return None
    pdf_validate = getattr(signing, "pdf_validate", None)
    if pdf_validate is None:
        return None
    try:
        result: Any = pdf_validate(content, unit=letter.unit)
    except Exception as exc:  # a file pyHanko cannot read is "not valid", never a 500
        return SignatureCheck(False, False, False, "", None, str(exc)[:300])
    return SignatureCheck(
        signed=bool(getattr(result, "signed", False)),
        intact=bool(getattr(result, "intact", False)),
        trusted=bool(getattr(result, "trusted", False)),
        signer_name=str(getattr(result, "signer_name", "") or ""),
        signed_at=getattr(result, "signed_at", None),
        problem=str(getattr(result, "problem", "") or ""),
    )
