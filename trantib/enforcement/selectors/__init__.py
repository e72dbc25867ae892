"""Reads of the enforcement register (each part in its own module)."""

from .ladder import (
    articles_for_unit,
    articles_grouped,
    articles_text,
    enforcement_for_case,
    perda_rung,
    perda_short,
)

__all__ = [
    "articles_for_unit",
    "articles_grouped",
    "articles_text",
    "enforcement_for_case",
    "perda_rung",
    "perda_short",
]
