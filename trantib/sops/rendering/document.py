"""The official SOP document as HTML (standalone or as a fragment of a page) and as PDF.

Page 1 is the identity table (HTML, so long legal bases wrap and flow); every following page
is one SVG of the flowchart table (see :mod:`svg`). The standalone document carries the
``@page`` rules (A4 or F4 landscape, footer with the SOP's name, number and page count); the
fragment carries only CSS scoped to ``.sop-document``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from trantib.engine.spec import SOPSpec

from .layout import MARGIN_BOTTOM_MM, MARGIN_SIDE_MM, MARGIN_TOP_MM, ChartLayout, layout_chart
from .svg import page_svg


@dataclass(frozen=True)
class Approver:
    jabatan: str
    nama: str
    nomor_induk: str  # "NIP. …" or "NRP. …"
    pangkat: str


def nomor_induk(number: str) -> str:
    """NIP for civil servants (18 digits), NRP for police (8 digits), as the document writes."""
    text = number.strip()
    if not text or re.match(r"^(NIP|NRP)\b", text, re.IGNORECASE):
        return text
    digits = re.sub(r"\D", "", text)
    return f"NRP. {text}" if len(digits) == 8 else f"NIP. {text}"


def css_string(text: str) -> str:
    """A CSS string literal that no text can break out of (nor out of the <style> element)."""
    escaped = "".join(ch if ch.isalnum() or ch in " .,-/:()" else f"\\{ord(ch):x} " for ch in text)
    return f'"{escaped}"'


def _context(spec: SOPSpec, chart: ChartLayout) -> dict[str, object]:
    ident = spec.identity
    approval = ident.disahkan_oleh
    return {
        "spec": spec,
        "ident": ident,
        "paper": chart.paper,
        "approver": Approver(
            jabatan=approval.jabatan,
            nama=approval.nama,
            nomor_induk=nomor_induk(approval.nip),
            pangkat=approval.pangkat,
        ),
        "list_pairs": [
            (
                ("Dasar Hukum", ident.dasar_hukum),
                ("Kualifikasi Pelaksana", ident.kualifikasi_pelaksana),
            ),
            (
                ("Keterkaitan", ident.keterkaitan),
                ("Peralatan/Perlengkapan", ident.peralatan_perlengkapan),
            ),
            (
                ("Peringatan", ident.peringatan),
                ("Pencatatan dan Pendataan", ident.pencatatan_pendataan),
            ),
        ],
        # svg.py escapes every text it draws
        "pages": [mark_safe(page_svg(chart, page)) for page in chart.pages],  # noqa: S308
    }


def _page_css(spec: SOPSpec, chart: ChartLayout) -> SafeString:
    paper = chart.paper
    name = spec.identity.nama.strip()
    footer = name if name.upper().startswith("SOP") else f"SOP {name}"
    if spec.identity.nomor.strip():
        footer += f" \u2014 Nomor {spec.identity.nomor.strip()}"
    css = (
        f"@page {{ size: {paper.width_mm}mm {paper.height_mm}mm; "
        f"margin: {MARGIN_TOP_MM}mm {MARGIN_SIDE_MM}mm {MARGIN_BOTTOM_MM}mm {MARGIN_SIDE_MM}mm; "
        f"@bottom-left {{ content: {css_string(footer)}; }} "
        '@bottom-right { content: "Halaman " counter(page) " dari " counter(pages); } }\n'
        "@page { @bottom-left { font-family: 'Liberation Sans', Arial, sans-serif; "
        "font-size: 7pt; vertical-align: top; padding-top: 3mm; } "
        "@bottom-right { font-family: 'Liberation Sans', Arial, sans-serif; font-size: 7pt; "
        "vertical-align: top; padding-top: 3mm; } }\n"
        "html, body { margin: 0; padding: 0; background: #fff; }\n"
        "@media screen { body { padding: 12px; } }\n"
    )
    return mark_safe(css)  # noqa: S308 — built from css_string() and numbers only


def render_fragment(spec: SOPSpec) -> str:
    """The document as an ``<article class="sop-document">`` for a web page."""
    chart = layout_chart(spec)
    return render_to_string("sops/document/article.html", _context(spec, chart))


def render_html(spec: SOPSpec, *, paper: str | None = None) -> str:
    """The document as a standalone, print-ready HTML page."""
    chart = layout_chart(spec, paper)
    context = _context(spec, chart) | {"page_css": _page_css(spec, chart)}
    return render_to_string("sops/document/document.html", context)


def render_pdf(spec: SOPSpec, *, paper: str | None = None) -> bytes:
    """The document as PDF (WeasyPrint)."""
    # WeasyPrint reports every layout step at INFO; the root logger would print them all.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    import weasyprint

    pdf = weasyprint.HTML(string=render_html(spec, paper=paper)).write_pdf()
    assert pdf is not None  # noqa: S101 — write_pdf() without a target returns the bytes
    return pdf
