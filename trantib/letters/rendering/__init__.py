"""The letter as a document: HTML for the PDF (WeasyPrint) and the Word file (docxtpl), both
from one context (:func:`letter_context`).

Two shapes (Permendagri 1/2023): ``templates/letters/print/korespondensi.html`` and
``judul.html`` (over ``base.html``), and ``trantib/letters/docx/<shape>.docx`` made by
``scripts/letters_docx_templates.py``. The font, size, paper, margins, kop and logo are the
unit's letter settings. A draft prints "…/…/…" for its number, no date and a "KONSEP"
watermark; a cancelled letter "DIBATALKAN"; a numbered or signed one its verification QR code.
The Word file is a working copy of a draft only (:func:`letter_docx` refuses a numbered
letter). Every fixed text printed is in :data:`LABELS`.
"""

from __future__ import annotations

import base64
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from trantib.core.printing import pdf_from_html

from ..models import Letter
from ..qr import qr_svg_data_uri
from .context import letter_context
from .labels import LABELS
from .word import docx_allowed, letter_docx

__all__ = ["LABELS", "docx_allowed", "letter_context", "letter_docx", "letter_html", "letter_pdf"]

# Arial and Bookman Old Style are not free: the metric-compatible Liberation Sans prints in
# Arial's place, DejaVu Serif in Bookman's.
FONTS = {
    "arial": "'Liberation Sans', Arial, sans-serif",
    "bookman": "'DejaVu Serif', 'Bookman Old Style', serif",
}


def letter_html(letter: Letter) -> str:
    """The letter as a standalone HTML page (the PDF's source, and the on-screen preview)."""
    ctx = letter_context(letter)
    return render_to_string(f"letters/print/{ctx['shape']}.html", _html_context(ctx))


def letter_pdf(letter: Letter) -> bytes:
    return pdf_from_html(letter_html(letter))


def _html_context(ctx: dict[str, Any]) -> dict[str, Any]:
    width, height = ctx["paper"]["size"]
    m = ctx["margins"]
    logo = ctx["kop"]["logo"]
    return {
        **ctx,
        # Numbers and constants only (no text of the letter): safe inside <style>.
        "page_css": mark_safe(  # noqa: S308
            f"@page {{ size: {int(width)}mm {int(height)}mm; margin: {int(m['top'])}mm "
            f"{int(m['right'])}mm {int(m['bottom'])}mm {int(m['left'])}mm; }}"
        ),
        "font_family": mark_safe(FONTS.get(ctx["font"], FONTS["arial"])),  # noqa: S308
        "logo_uri": (
            f"data:{logo['mime']};base64,{base64.b64encode(logo['data']).decode('ascii')}"
            if logo
            else ""
        ),
        "qr_uri": qr_svg_data_uri(ctx["qr"]["url"]) if ctx["qr"] else "",
    }
