"""``{% load reports %}``: ``{% report_cell value %}`` writes one table cell — a Figure as its
number linked to the rows behind it, a number right-aligned, anything else as text."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from trantib.reports.figures import Figure

register = template.Library()


@register.simple_tag
def report_cell(value: Any, header: bool = False) -> SafeString:
    tag = "th" if header else "td"
    if isinstance(value, Figure):
        if value.href:
            return format_html(
                '<{} class="num"><a href="{}">{}</a></{}>', tag, value.href, value.shown, tag
            )
        return format_html('<{} class="num">{}</{}>', tag, value.shown, tag)
    if isinstance(value, bool) or value is None:
        return format_html("<{}>{}</{}>", tag, "" if value is None else value, tag)
    if isinstance(value, (int, float)):
        shown = Figure(label="", value=value).shown
        return format_html('<{} class="num">{}</{}>', tag, shown, tag)
    return format_html("<{}>{}</{}>", tag, value, tag)
