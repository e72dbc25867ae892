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
