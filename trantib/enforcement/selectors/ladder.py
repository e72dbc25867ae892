"""Reads of the Perda catalogue and the ladder (the ladder part of the enforcement register)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from trantib.accounts.models import OrgUnit
from trantib.cases.models import Case

from ..models import Article, Enforcement, LadderRung, Perda, RegulationKind, Rung


def articles_for_unit(unit: OrgUnit) -> QuerySet[Article]:
    """The articles of the unit's Perda in force, by Perda (newest first) then as entered."""
    return (
        Article.objects.filter(perda__unit=unit, perda__active=True)
        .select_related("perda")
        .order_by("-perda__year", "perda__number", "perda_id", "pk")
    )


def articles_grouped(articles: Iterable[Article]) -> list[tuple[Perda, list[Article]]]:
    """``articles`` grouped by their Perda, each Perda where its first article comes."""
    groups: dict[int, tuple[Perda, list[Article]]] = {}
    for article in articles:
        groups.setdefault(article.perda_id, (article.perda, []))[1].append(article)
    return list(groups.values())


def perda_short(perda: Perda) -> str:
    """ "Perda 8/2018" (the way a ladder letter cites it)."""
    word = "Perda" if perda.kind == RegulationKind.PERDA else "Perkada"
    return f"{word} {perda.number}/{perda.year}"


def articles_text(articles: Iterable[Article]) -> str:
    """What the finding's step records as the articles violated, one clause per Perda:
    "Pasal 12 ayat (1), Pasal 14 Perda 8/2018 tentang Ketertiban Umum"."""
    ordered = sorted(articles, key=lambda a: (-a.perda.year, a.perda.number, a.perda_id, a.pk))
    return "; ".join(
        f"{', '.join(a.label for a in group)} {perda_short(perda)} tentang {perda.title}"
        for perda, group in articles_grouped(ordered)
    )


def enforcement_for_case(case: Case | int) -> Enforcement | None:
    """The enforcement a case walks the ladder for, or None (a case opened by hand)."""
    case_id = case if isinstance(case, int) else case.pk
    return (
        Enforcement.objects.filter(case_id=case_id)
        .select_related("perda", "violator", "unit")
        .first()
    )


def perda_rung(perda: Perda, rung: str) -> LadderRung | None:
    """The Perda's own period for ``rung``, or None (the SOP's ``deadline`` then counts)."""
    if rung not in Rung.values:
        return None
    return next((r for r in perda.rungs.all() if r.rung == rung), None)
