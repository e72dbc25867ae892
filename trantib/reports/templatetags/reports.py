"""``{% load reports %}``: ``{% report_cell value %}`` writes one table cell — a Figure as its
number linked to the rows behind it, a number right-aligned, anything else as text;
``{% figure_cell figure label %}`` a Figure's cell named by ``data-label`` (what a phone's
stacked table shows beside it; the figure's own label when none is given)."""

from __future__ import annotations

import html
from typing import Any

from django import template
from django.utils.safestring import SafeData, SafeString

from trantib.reports.figures import Figure

register = template.Library()


def esc(value: Any) -> str:
    """``value`` as HTML text: what Django's ``escape`` does for a plain value (the same five
    characters), without its lazy-string wrapper — a province's recap writes tens of thousands
    of cells, and that wrapper was a fifth of the page's time. Safe HTML is kept as it is."""
    if isinstance(value, SafeData):
        return str(value)
    return html.escape(str(value), quote=True)


@register.simple_tag
def report_cell(value: Any, header: bool = False) -> SafeString:
    tag = "th" if header else "td"
    if isinstance(value, Figure):
        if value.href:
            return SafeString(
                f'<{tag} class="num"><a href="{esc(value.href)}">{esc(value.shown)}</a></{tag}>'
            )
        return SafeString(f'<{tag} class="num">{esc(value.shown)}</{tag}>')
    if isinstance(value, bool) or value is None:
        return SafeString(f"<{tag}>{'' if value is None else esc(value)}</{tag}>")
    if isinstance(value, (int, float)):
        shown = Figure(label="", value=value).shown
        return SafeString(f'<{tag} class="num">{esc(shown)}</{tag}>')
    return SafeString(f"<{tag}>{esc(value)}</{tag}>")


@register.simple_tag
def figure_cell(figure: Figure, label: Any = None) -> SafeString:
    """A tag, not an ``{% include %}``: a province's recap writes thousands of these cells."""
    name = esc(figure.label if label is None else label)
    if figure.href:
        return SafeString(
            f'<td class="num" data-label="{name}">'
            f'<a href="{esc(figure.href)}">{esc(figure.shown)}</a></td>'
        )
    return SafeString(f'<td class="num" data-label="{name}">{esc(figure.shown)}</td>')
