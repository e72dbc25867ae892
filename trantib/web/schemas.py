"""What ``GET /api/v1/search`` answers."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field

from trantib.core.search import SearchHit, SearchProvider


class SearchHitOut(Schema):
    kind: str = Field(description="What the record is, as the page's badge: Kasus, Surat…")
    title: str = Field(description="Its number or name")
    subtitle: str
    unit: str = Field(description="The code of the unit it belongs to (empty for a place)")
    url: str = Field(description="Its page on the site (a path)")
    exact: bool = Field(description="The query is this record's own number")


class SearchGroupOut(Schema):
    name: str = Field(description="The provider: cases, letters, complaints, places…")
    label: str
    hits: list[SearchHitOut]


class SearchOut(Schema):
    query: str = Field(description="The query as searched (spaces collapsed)")
    total: int
    groups: list[SearchGroupOut]


def search_out(query: str, groups: list[tuple[SearchProvider, list[SearchHit]]]) -> SearchOut:
    return SearchOut(
        query=query,
        total=sum(len(hits) for _provider, hits in groups),
        groups=[
            SearchGroupOut(
                name=provider.name,
                label=str(provider.label),
                hits=[
                    SearchHitOut(
                        kind=str(hit.kind),
                        title=hit.title,
                        subtitle=hit.subtitle,
                        unit=hit.unit_code,
                        url=hit.url,
                        exact=hit.exact,
                    )
                    for hit in hits
                ],
            )
            for provider, hits in groups
        ],
    )
