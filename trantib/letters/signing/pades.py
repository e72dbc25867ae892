"""PAdES signatures on letters with pyHanko: sign the official PDF, check an uploaded one.

The signature is PAdES baseline B-B: an invisible signature field "Trantib" whose CMS holds
the signer's certificate and its chain, the reason ("Naskah dinas <nomor>") and the place (the
unit). B-T and above need a time-stamping authority (TSA), which an offline Trantib does not
have: the signing time is the signer's claim, and once the certificate expires the signature
can no longer be validated against today's date — the letter's SHA-256 on the verification
page still identifies the official copy. The visible text ("Ditandatangani secara elektronik
oleh …") is printed by the letter's template, so no appearance stamp is drawn here.

Checking never trusts the system's CA list: only the CAs of :func:`credentials.trust_roots`,
offline (no CRL/OCSP fetching).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import io
import logging
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from django.utils import timezone
from django.utils.translation import gettext as _

from trantib.accounts.models import OrgUnit, Person

from . import credentials, pki

if TYPE_CHECKING:
    from ..models import Letter

logger = logging.getLogger(__name__)
FIELD_NAME = "Trantib"
T = TypeVar("T")


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """Run pyHanko's coroutine to the end from synchronous code, also where the thread already
    runs an event loop (an ASGI worker, Playwright's sync API in a test)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _asn1_cert(cert: Any) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(pki.der(cert))


def _signer(material: pki.Material) -> Any:
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key = asn1_keys.PrivateKeyInfo.load(
        material.key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    store = SimpleCertificateStore()
    store.register_multiple([_asn1_cert(c) for c in material.chain])
    return SimpleSigner(
        signing_key=key, signing_cert=_asn1_cert(material.certificate), cert_registry=store
    )


def pdf_sign(pdf: bytes, *, letter: Letter, person: Person, passphrase: str = "") -> bytes:
    """``pdf`` signed by ``person`` for ``letter`` (PAdES B-B, field "Trantib"); the key is
    the one :func:`credentials.signing_material` finds (an institution's needs ``passphrase``)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.fields import SigSeedSubFilter
    from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner

    material = credentials.signing_material(
        unit=letter.unit, person=person, passphrase=passphrase, now=timezone.now()
    )
    meta = PdfSignatureMetadata(
        field_name=FIELD_NAME,
        reason=f"Naskah dinas {letter.number}",  # in the file: Indonesian whatever the UI
        location=letter.unit.name,
        name=person.full_name,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    out = _run(PdfSigner(meta, _signer(material)).async_sign_pdf(writer))
    return bytes(out.getvalue())


@dataclass(frozen=True)
class Validation:
    """What an uploaded PDF's signature says. ``intact``: the signed bytes are unchanged and
    nothing but validation data was added after; ``trusted``: the certificate chains to a CA
    Trantib trusts for the unit. ``problem``: the first thing wrong, for people."""

    signed: bool
    intact: bool = False
    trusted: bool = False
    signer_name: str = ""
    signed_at: dt.datetime | None = None
    problem: str = ""

    @property
    def valid(self) -> bool:
        return self.signed and self.intact and self.trusted


def pdf_validate(
    pdf: bytes, *, unit: OrgUnit | None = None, at: dt.datetime | None = None
) -> Validation:
    """Check every signature of ``pdf`` against the CAs of ``unit`` (of every unit: None), as
    of ``at`` (now: None). Only a time Trantib recorded itself may be passed as ``at`` — the
    signing time of the official copy, for that very file — never the time a file claims.
    Never raises on a bad file: what is wrong is in ``problem``."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = list(reader.embedded_signatures)
    except Exception:  # anything a visitor uploads: a broken file is an answer, not a 500
        logger.info("unreadable PDF", exc_info=True)
        return Validation(signed=False, problem=_("Berkas ini bukan PDF yang dapat dibaca."))
    if not signatures:
        return Validation(
            signed=False, problem=_("Berkas ini tidak memuat tanda tangan elektronik.")
        )
    roots = [_asn1_cert(c) for c in credentials.trust_roots(unit)]
    results = [_one(sig, roots, at) for sig in signatures]
    problem = next((r.problem for r in results if r.problem), "")
    last = results[-1]
    return Validation(
        signed=True,
        intact=all(r.intact for r in results),
        trusted=all(r.trusted for r in results),
        signer_name=last.signer_name,
        signed_at=last.signed_at,
        problem=problem,
    )


def _one(sig: Any, roots: list[asn1_x509.Certificate], at: dt.datetime | None) -> Validation:
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    # An untrusted chain is an answer here, not news: pyHanko logs each one with a traceback.
    logging.getLogger("pyhanko.sign.validation").setLevel(logging.ERROR)
    context = ValidationContext(trust_roots=roots, allow_fetching=False, moment=at)
    try:
        status = _run(async_validate_pdf_signature(sig, context))
    except Exception:  # a malformed signature in an uploaded file: say so, never a 500
        logger.info("signature check failed", exc_info=True)
        return Validation(
            signed=True, problem=_("Tanda tangan dalam berkas ini rusak dan tidak dapat diperiksa.")
        )
    name = status.signing_cert.subject.native.get("common_name", "") if status.signing_cert else ""
    intact = bool(status.intact and status.valid)
    level = status.modification_level
    later = level is not None and level not in (
        ModificationLevel.NONE,
        ModificationLevel.LTA_UPDATES,
    )
    problem = ""
    if not intact:
        problem = _("Isi berkas berubah setelah ditandatangani: tanda tangan tidak utuh.")
    elif later:
        problem = _("Berkas diubah setelah ditandatangani (ada perubahan sesudah tanda tangan).")
    elif status.revoked:
        problem = _("Sertifikat penanda tangan telah dicabut.")
    elif not status.trusted:
        problem = _(
            "Sertifikat penanda tangan tidak diterbitkan oleh otoritas sertifikat yang "
            "dipercaya untuk unit ini (atau sudah tidak berlaku)."
        )
    return Validation(
        signed=True,
        intact=intact and not later,
        trusted=bool(status.trusted),
        signer_name=str(name),
        signed_at=status.signer_reported_dt,
        problem=problem,
    )
