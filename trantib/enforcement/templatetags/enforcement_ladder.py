"""Template helpers of the Perda catalogue and the ladder board."""

from __future__ import annotations

from typing import Any

from django import template

from trantib.accounts.models import OrgUnit

from ..selectors.ladder import articles_for_unit, articles_grouped

register = template.Library()


@register.simple_tag
def unit_article_groups(unit: OrgUnit) -> list[tuple[Any, list[Any]]]:
    """The unit's articles in force, grouped by Perda (for ``_article_pick.html``)."""
    return articles_grouped(articles_for_unit(unit))


@register.filter
def as_strings(values: Any) -> list[str]:
    if not values:
        return []
    if isinstance(values, str):
        return [values]
    return [str(v) for v in values]


@register.filter
def day_id(value: Any, unit: Any = None) -> str:
    """A date or a moment as people read it ("3 Desember 2026"), in the unit's zone."""
    import datetime as dt

    from django.utils import timezone

    from trantib.core.dates import date_id

    if not value:
        return ""
    if isinstance(value, dt.datetime):
        zone = unit.zone() if unit is not None else timezone.get_current_timezone()
        value = timezone.localtime(value, zone).date()
    return date_id(value)


@register.filter
def moment_id(value: Any, unit: Any = None) -> str:
    """A moment with its time in the unit's zone ("3 Desember 2026 14.05 WIB")."""
    from trantib.core.dates import datetime_id

    if not value or unit is None:
        return ""
    return datetime_id(value, unit.zone())


@register.simple_tag
def days_left_text(row: Any) -> str:
    """ "sisa 3 hari kerja", "hari ini", "lewat 2 hari" for a board row."""
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    days = row.days_left
    if days is None:
        return ""
    working = row.working_days and row.deadline_is_wait
    if row.overdue:
        late = abs(days)
        if late == 0:
            return _("lewat tenggat hari ini")
        if working:
            return ngettext("lewat %(n)s hari kerja", "lewat %(n)s hari kerja", late) % {"n": late}
        return ngettext("lewat %(n)s hari", "lewat %(n)s hari", late) % {"n": late}
    if days == 0:
        return _("berakhir hari ini")
    if working:
        return ngettext("sisa %(n)s hari kerja", "sisa %(n)s hari kerja", days) % {"n": days}
    return ngettext("sisa %(n)s hari", "sisa %(n)s hari", days) % {"n": days}


@register.filter
def sanction_labels(values: Any) -> str:
    from ..models import Sanction

    labels = dict(Sanction.choices)
    return ", ".join(str(labels.get(v, v)) for v in (values or []))


@register.filter
def rupiah(value: Any) -> str:
    if value in (None, ""):
        return ""
    return "Rp " + f"{int(value):,}".replace(",", ".")
