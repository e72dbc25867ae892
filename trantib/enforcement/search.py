"""The violators' answer to the one search box (:mod:`trantib.core.search`).

Everyone who may see a unit finds its violators by name, business name (or owner's name) and
NIB; a NIK is matched only in the units where the reader holds an enforcement role, so a NIK
typed by anyone else finds nothing. Hits show NIK and address masked as everywhere else.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from trantib.core.search import SearchHit, UserLike

from .selectors.violators import (
    enforcement_unit_ids_for_user,
    violator_display,
    violator_list_for_user,
)

MIN_QUERY = 2


def violators_search(user: UserLike, query: str, limit: int) -> list[SearchHit]:
    query = query.strip()
    if len(query) < MIN_QUERY or not user.is_authenticated:
        return []
    officer = enforcement_unit_ids_for_user(user)
    rows = violator_list_for_user(user, query=query).order_by("name", "pk")[:limit]
    hits = []
    for v in rows:
        view = violator_display(v, person=None, officer_units=officer)
        kind = _("Usaha") if view.is_business else _("Orang")
        ident = f"NIB {view.nib}" if view.nib else (f"NIK {view.nik}" if view.nik else "")
        subtitle = " · ".join(p for p in (kind, ident, view.place) if p)
        hits.append(
            SearchHit(
                kind=_("Pelanggar"),
                title=v.name,
                url=view.url,
                subtitle=subtitle,
                unit_code=v.unit.code,
            )
        )
    return hits
