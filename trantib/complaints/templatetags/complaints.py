"""Template filters of the complaint pages: the answer deadline in working days."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def days_left_text(days: int | None) -> str:
    """``sisa 3 hari kerja``, ``jatuh tempo hari ini``, ``terlambat 2 hari kerja``; empty when
    nothing is due any more (answered, or the case stopped)."""
    if days is None:
        return ""
    if days == 0:
        return _("jatuh tempo hari ini")
    if days > 0:
        return ngettext("sisa %(n)d hari kerja", "sisa %(n)d hari kerja", days) % {"n": days}
    return ngettext("terlambat %(n)d hari kerja", "terlambat %(n)d hari kerja", -days) % {
        "n": -days
    }


@register.filter
def days_left_class(days: int | None) -> str:
    """The badge colour: late red, due today or tomorrow amber, otherwise calm."""
    if days is None:
        return "done"
    if days < 0:
        return "danger"
    if days <= 1:
        return "warn"
    return "open"
