"""The letter as a Word file: the shape's docxtpl template filled with the letter's context.

A draft's Word file is a working copy marked "KONSEP". Once the letter has its number the PDF
is the document (the signed scan, the PDF signed by TTE): its Word file is marked "SALINAN —
naskah resmi adalah PDF bertanda tangan" and carries no QR code, so it can never pass for a
second, verifiable original.

The templates (``trantib/letters/docx/<shape>.docx``) are written by
``scripts/letters_docx_templates.py``; the page size, margins and font are set here from the
unit's letter settings, as the PDF's ``@page`` does.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docxtpl import DocxTemplate, InlineImage
from jinja2 import Environment
from markupsafe import Markup, escape

from ..models import Letter
from .context import ISSUED, letter_context
from .labels import LABELS

TEMPLATES = Path(__file__).resolve().parent.parent / "docx"
# Word runs where the fonts are: Arial and Bookman Old Style themselves.
FONTS = {"arial": "Arial", "bookman": "Bookman Old Style"}
LOGO_HEIGHT_MM = 24


def _br(text: object) -> Markup:
    """Text with its line breaks kept (a ``<w:br/>`` inside the run), escaped."""
    lines = str(text).replace("\r\n", "\n").split("\n")
    return Markup('</w:t><w:br/><w:t xml:space="preserve">').join(escape(line) for line in lines)


def docx_allowed(letter: Letter) -> bool:
    """Every letter has its Word file (a working copy of a draft, a marked copy after)."""
    return True


def letter_docx(letter: Letter) -> bytes:
    """The .docx of a letter: the same texts as its PDF (and the logo), without the QR code;
    a numbered letter's is marked as a copy."""
    ctx = letter_context(letter)
    if letter.number and letter.state in ISSUED and not ctx["watermark"]:
        ctx = {**ctx, "watermark": LABELS["salinan"]}
    tpl = DocxTemplate(TEMPLATES / f"{ctx['shape']}.docx")
    env = Environment(autoescape=True)
    env.filters["br"] = _br
    tpl.render(_docx_context(tpl, ctx), env, autoescape=True)
    _page_setup(tpl, ctx)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def _docx_context(tpl: DocxTemplate, ctx: dict[str, Any]) -> dict[str, Any]:
    logo = ctx["kop"]["logo"]
    logo_image: Any = ""
    if logo:
        height = LOGO_HEIGHT_MM
        if logo["ratio"] > 1:  # a wide logo keeps to the logo column's width
            height = max(8, int(LOGO_HEIGHT_MM / logo["ratio"]))
        logo_image = InlineImage(tpl, io.BytesIO(logo["data"]), height=Mm(height))
    return {**ctx, "logo": logo_image}


def _page_setup(tpl: DocxTemplate, ctx: dict[str, Any]) -> None:
    width, height = ctx["paper"]["size"]
    m = ctx["margins"]
    for section in tpl.docx.sections:
        section.page_width, section.page_height = Mm(width), Mm(height)
        section.top_margin, section.bottom_margin = Mm(m["top"]), Mm(m["bottom"])
        section.left_margin, section.right_margin = Mm(m["left"]), Mm(m["right"])
    normal = tpl.docx.styles["Normal"]
    name = FONTS.get(ctx["font"], FONTS["arial"])
    normal.font.name, normal.font.size = name, Pt(ctx["font_size"])
    fonts = normal.element.rPr.find(qn("w:rFonts"))
    if fonts is not None:
        fonts.set(qn("w:eastAsia"), name)
        fonts.set(qn("w:cs"), name)
