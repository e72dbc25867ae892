"""The search box finds the wilayah of the user's units by name."""

from __future__ import annotations

from django.urls import reverse

from trantib.core.search import SearchHit, UserLike

from .selectors import area_list_for_user


def area_search(user: UserLike, query: str, limit: int) -> list[SearchHit]:
    found = area_list_for_user(user).filter(name__icontains=query).order_by("name")[:limit]
    return [
        SearchHit(
            kind="Wilayah",
            title=area.name,
            subtitle=area.description,
            url=reverse("patrols:area_edit", args=[area.pk]),
            unit_code=area.unit.code,
        )
        for area in found
    ]
