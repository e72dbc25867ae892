"""The files people upload to the letters app, checked once for every door (pages, API, CLI and
the services): a signed copy or a PDF to verify, the scan of an incoming letter, the photo of a
tanda terima, the unit's logo.

A file's kind is read from its content, never from its name: a PDF must parse (a page tree,
not just ``%PDF-`` in front of anything), an image must open and verify with Pillow, and an
image that declares more pixels than it could sensibly hold (a "decompression bomb": a few
hundred bytes announcing 30000 × 30000) is refused before it is decoded. Each check raises
:class:`~trantib.core.errors.Invalid` naming the field, never anything a page would show as a
500. The size limits are here too, so that a door can refuse a file from its announced size
before reading it.
"""

from __future__ import annotations

import io
import logging
import warnings
from dataclasses import dataclass

from django.utils.translation import gettext as _

from trantib.core.errors import Invalid

logger = logging.getLogger(__name__)

MB = 1024 * 1024
FILE_MAX = 10 * MB  # a signed copy, a PDF to verify, a scan, a delivery photo
LOGO_MAX = 1 * MB
LOGO_MAX_SIDE = 4000  # pixels: a lambang daerah, printed a few centimetres wide
PHOTO_MAX_PIXELS = 60_000_000  # a phone camera's 50 MP photo, with room to spare

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True)
class Kind:
    """What a checked file is: its extension and content type."""

    ext: str  # "pdf", "png", "jpg"
    content_type: str


PDF = Kind("pdf", "application/pdf")
PNG = Kind("png", "image/png")
JPEG = Kind("jpg", "image/jpeg")
KIND_BY_EXT = {k.ext: k for k in (PDF, PNG, JPEG)}


def _label(name: str) -> str:
    return (name or "").strip()[:80] or _("ini")


def size_check(size: int | None, *, field: str, name: str = "", limit: int = FILE_MAX) -> None:
    """Refuse a file from its size (the announced one, before it is read, or the real one)."""
    if size is not None and size > limit:
        raise Invalid(
            _("Berkas %(f)s terlalu besar (%(mb).1f MB): paling besar %(max)s MB.")
            % {"f": _label(name), "mb": size / MB, "max": _megabytes(limit)},
            field=field,
        )


def _megabytes(limit: int) -> str:
    value = limit / MB
    return f"{value:g}"


def pdf_check(content: bytes, *, field: str, name: str = "", limit: int = FILE_MAX) -> Kind:
    """A PDF that parses, with at least one page."""
    size_check(len(content), field=field, name=name, limit=limit)
    if not content.startswith(PDF_MAGIC):
        raise Invalid(_("Berkas %(f)s bukan PDF.") % {"f": _label(name)}, field=field)
    if not pdf_readable(content):
        raise Invalid(
            _("Berkas %(f)s rusak: bukan PDF yang dapat dibaca.") % {"f": _label(name)},
            field=field,
        )
    return PDF


def pdf_readable(content: bytes) -> bool:
    """Whether ``content`` parses as a PDF with a page tree of at least one page."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        pages = reader.root["/Pages"]
        return int(pages.get("/Count", 0)) >= 1
    except Exception as exc:  # anything a visitor uploads: a broken file is an answer, not a 500
        logger.info("unreadable PDF upload: %s", exc)
        return False


def image_check(
    content: bytes,
    *,
    field: str,
    name: str = "",
    limit: int = FILE_MAX,
    max_side: int | None = None,
) -> Kind:
    """A PNG or JPEG that Pillow opens and verifies, of a sane size in pixels."""
    size_check(len(content), field=field, name=name, limit=limit)
    if content.startswith(PNG_MAGIC):
        kind = PNG
    elif content.startswith(JPEG_MAGIC):
        kind = JPEG
    else:
        raise Invalid(
            _("Berkas %(f)s bukan gambar PNG atau JPEG.") % {"f": _label(name)}, field=field
        )
    from PIL import Image, UnidentifiedImageError

    broken = Invalid(_("Berkas %(f)s rusak atau bukan gambar.") % {"f": _label(name)}, field=field)
    too_large = Invalid(
        _("Gambar %(f)s terlalu besar dalam piksel.") % {"f": _label(name)}, field=field
    )
    try:
        with warnings.catch_warnings():
            # Past Pillow's own limit it only warns (and past twice that it raises): both
            # are a refusal here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                width, height = image.size
                if width * height > PHOTO_MAX_PIXELS or (
                    max_side and max(width, height) > max_side
                ):
                    raise too_large
                image.verify()
                found = image.format
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_large from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise broken from None
    if found != {"png": "PNG", "jpg": "JPEG"}[kind.ext]:
        raise broken
    return kind


def scan_check(content: bytes, *, field: str, name: str = "") -> Kind:
    """A scan: a PDF, or a photo of the pages (PNG or JPEG)."""
    if content.startswith(PDF_MAGIC):
        return pdf_check(content, field=field, name=name)
    if content.startswith((PNG_MAGIC, JPEG_MAGIC)):
        return image_check(content, field=field, name=name)
    size_check(len(content), field=field, name=name)
    raise Invalid(
        _("Berkas %(f)s bukan PDF, JPEG atau PNG: unggah pindaian surat dalam salah satunya.")
        % {"f": _label(name)},
        field=field,
    )


def photo_check(content: bytes, *, field: str, name: str = "") -> Kind:
    """The photo of a tanda terima."""
    return image_check(content, field=field, name=name)


def logo_check(content: bytes, *, field: str = "logo", name: str = "") -> Kind:
    """The unit's logo: at most 1 MB and 4000 pixels a side."""
    return image_check(content, field=field, name=name, limit=LOGO_MAX, max_side=LOGO_MAX_SIDE)
