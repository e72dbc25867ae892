"""The official SOP document (Permenpan RB 35/2012): identity table and flowchart table.

``render_html`` and ``render_pdf`` give the printable document (A4 or F4 landscape);
``render_fragment`` gives the same document body for embedding in a web page. Each prints the
official document (the document layer only) or, with ``view="annotated"``, the process that
runs drawn over it, marked on every page as not for signing.
"""

from .document import render_fragment, render_html, render_pdf
from .layout import PAPERS, View, layout_chart

__all__ = ["PAPERS", "View", "layout_chart", "render_fragment", "render_html", "render_pdf"]
