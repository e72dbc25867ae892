"""The official SOP document as HTML (standalone or as a fragment of a page) and as PDF.

Page 1 is the identity table (HTML, so long legal bases wrap and flow); every following page
is one SVG of the flowchart table (see :mod:`svg`). The standalone document carries the
``@page`` rules (A4 or F4 landscape, footer with the SOP's name, number and page count); the
fragment carries no CSS: its page links the stylesheets, scoped to ``.sop-document``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from trantib.core.printing import css_string, nomor_induk, pdf_from_html
from trantib.engine.spec import SOPSpec

from .layout import (
    MARGIN_BOTTOM_MM,
    MARGIN_SIDE_MM,
    MARGIN_TOP_MM,
    ChartLayout,
    View,
    layout_chart,
)
from .svg import page_svg

# Printed on every page of the annotated view, in the footer and above each page.
ANNOTATED_MARK = "TAMPILAN BERANOTASI \u2014 BUKAN UNTUK DITANDATANGANI"

_STYLESHEETS = Path(__file__).resolve().parent.parent / "static" / "sops" / "document"


@dataclass(frozen=True)
class Approver:
    jabatan: str
    nama: str
    nomor_induk: str  # "NIP. …" or "NRP. …"
    pangkat: str


def _context(spec: SOPSpec, chart: ChartLayout, logo: str) -> dict[str, object]:
    ident = spec.identity
    approval = ident.disahkan_oleh
    return {
        "spec": spec,
        "ident": ident,
        "paper": chart.paper,
        "annotated": chart.view is View.ANNOTATED,
        "annotated_mark": ANNOTATED_MARK,
        "logo": logo,
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


def footer_text(spec: SOPSpec) -> str:
    """The footer of every page: the Nama SOP (with "SOP" before it unless it starts so) and
    its Nomor, both the document's own identity items."""
    name = spec.identity.nama.strip()
    footer = name if name.upper().startswith("SOP") else f"SOP {name}"
    if spec.identity.nomor.strip():
        footer += f" \u2014 Nomor {spec.identity.nomor.strip()}"
    return footer


def _page_css(spec: SOPSpec, chart: ChartLayout) -> SafeString:
    paper = chart.paper
    footer = footer_text(spec)
    if chart.view is View.ANNOTATED:
        footer += f" \u2014 {ANNOTATED_MARK}"
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


def _stylesheet(name: str) -> SafeString:
    """One of the document's stylesheets. They are static files, linked by the web page (the
    Content-Security-Policy allows no inline style there) and inlined in the standalone one."""
    return mark_safe((_STYLESHEETS / name).read_text(encoding="utf-8"))  # noqa: S308 — our file


def render_fragment(spec: SOPSpec, *, view: View | str = View.OFFICIAL, logo: str = "") -> str:
    """The document as an ``<article class="sop-document">`` for a web page, which links the
    stylesheets ``sops/document/article.css`` and ``article-narrow.css`` (static files).

    ``view``: ``official`` prints the document layer only; ``annotated`` the process over it,
    marked as not for signing (:class:`~.layout.View`). ``logo``: the unit's logo as a
    ``data:`` URI; none prints no logo (never a placeholder)."""
    chart = layout_chart(spec, view=view)
    return render_to_string("sops/document/article.html", _context(spec, chart, logo))


def render_html(
    spec: SOPSpec,
    *,
    paper: str | None = None,
    view: View | str = View.OFFICIAL,
    logo: str = "",
) -> str:
    """The document as a standalone, print-ready HTML page (its stylesheets inline: a file
    that travels alone, and WeasyPrint's input)."""
    chart = layout_chart(spec, paper, view)
    context = _context(spec, chart, logo) | {
        "page_css": _page_css(spec, chart),
        "article_css": _stylesheet("article.css"),
        "article_narrow_css": _stylesheet("article-narrow.css"),
    }
    return render_to_string("sops/document/document.html", context)


def render_pdf(
    spec: SOPSpec,
    *,
    paper: str | None = None,
    view: View | str = View.OFFICIAL,
    logo: str = "",
) -> bytes:
    """The document as PDF (WeasyPrint)."""
    return pdf_from_html(render_html(spec, paper=paper, view=view, logo=logo))
