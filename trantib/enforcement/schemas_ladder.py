"""The Perda catalogue as the API gives it out."""

from __future__ import annotations

from ninja import Schema

from .models import Article, LadderRung, Perda


class RungOut(Schema):
    rung: str
    label: str
    days: int
    working_days: bool
    period: str  # "7 hari kerja", "15 hari": what the letters print


class ArticleOut(Schema):
    id: int
    label: str
    text: str
    sanctions: list[str]
    fine_max: int | None
    cites_as: str  # "Pasal 12 ayat (1) Perda 8/2018"


class PerdaOut(Schema):
    id: int
    unit: str
    kind: str
    number: str
    year: int
    title: str
    active: bool
    articles: list[ArticleOut]
    ladder: list[RungOut]


class PerdaListOut(Schema):
    count: int
    items: list[PerdaOut]


def rung_out(rung: LadderRung) -> RungOut:
    unit = "hari kerja" if rung.working_days else "hari"
    return RungOut(
        rung=rung.rung,
        label=str(rung.get_rung_display()),
        days=rung.days,
        working_days=rung.working_days,
        period=f"{rung.days} {unit}",
    )


def article_out(article: Article) -> ArticleOut:
    return ArticleOut(
        id=article.pk,
        label=article.label,
        text=article.text,
        sanctions=list(article.sanctions or []),
        fine_max=article.fine_max,
        cites_as=str(article),
    )


def perda_out(perda: Perda) -> PerdaOut:
    from .models import Rung

    order = {r.value: i for i, r in enumerate(Rung)}
    return PerdaOut(
        id=perda.pk,
        unit=perda.unit.code,
        kind=perda.kind,
        number=perda.number,
        year=perda.year,
        title=perda.title,
        active=perda.active,
        articles=[article_out(a) for a in sorted(perda.articles.all(), key=lambda a: a.pk)],
        ladder=[rung_out(r) for r in sorted(perda.rungs.all(), key=lambda r: order[r.rung])],
    )
