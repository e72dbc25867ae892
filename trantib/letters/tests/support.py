"""Files the letters tests upload: a real (tiny) PDF for a scan, a real PNG, a PDF signed by a
CA Trantib has never heard of (a TTE outside Trantib), and a PNG that declares far more pixels
than it holds."""

from __future__ import annotations

import io
import struct
import zlib

from django.utils import timezone
from PIL import Image
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.writer import PdfFileWriter
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner


def pdf(text: str = "Pindaian surat bertanda tangan") -> bytes:
    """A one-page PDF that every reader opens (what a scanner would make, much smaller)."""
    writer = PdfFileWriter()
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    page = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Page"),
            generic.NameObject("/MediaBox"): generic.ArrayObject(
                [generic.NumberObject(n) for n in (0, 0, 595, 842)]
            ),
            generic.NameObject("/Resources"): generic.DictionaryObject(),
            generic.NameObject("/Contents"): writer.add_object(
                generic.StreamObject(stream_data=content)
            ),
        }
    )
    writer.insert_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


SCAN = pdf()
OTHER_SCAN = pdf("Surat lain")


def png(size: tuple[int, int] = (40, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def jpeg(size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(out, "JPEG")
    return out.getvalue()


def png_bomb(width: int = 30000, height: int = 30000) -> bytes:
    """A PNG of a few hundred bytes whose header declares ``width`` × ``height`` pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\0" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def pdf_signed_outside(content: bytes | None = None, *, name: str = "Penanda Tangan Luar") -> bytes:
    """``content`` (a scan) signed PAdES by a person of a CA Trantib does not know, as BSrE
    would sign it."""
    from trantib.letters.signing import pki
    from trantib.letters.signing.pades import _run, _signer

    now = timezone.now()
    ca = pki.ca_create(unit_name="Balai Sertifikasi Contoh", now=now)
    person = pki.person_issue(ca, full_name=name, id_number="", unit_name="Contoh", now=now)
    meta = PdfSignatureMetadata(
        field_name="BSrE", subfilter=SigSeedSubFilter.PADES, md_algorithm="sha256"
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(content or pdf()), strict=False)
    out = _run(PdfSigner(meta, _signer(person)).async_sign_pdf(writer))
    return bytes(out.getvalue())
