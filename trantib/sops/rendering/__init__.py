"""The official SOP document (Permenpan RB 35/2012): identity table and flowchart table.

``render_html`` and ``render_pdf`` give the printable document (A4 or F4 landscape);
``render_fragment`` gives the same document body for embedding in a web page.
"""

from .document import render_fragment, render_html, render_pdf
from .layout import PAPERS, layout_chart

__all__ = ["PAPERS", "layout_chart", "render_fragment", "render_html", "render_pdf"]
