"""/api/v1/search: the search box as JSON, the same providers and access rules as ``/cari/``
(:mod:`trantib.core.search`): only what the token's user may see, masked as on the page."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from trantib.api.types import E401, E422, NO_NUL, QUERY_INT, api_user
from trantib.core.errors import Invalid
from trantib.core.search import MAX_QUERY, MIN_QUERY, search_query_clean, search_run

from .schemas import SearchOut, search_out

search_router = Router(tags=["search"])

SearchQuery = Annotated[
    str,
    Query(
        max_length=MAX_QUERY,
        pattern=NO_NUL,
        description=(
            f"At least {MIN_QUERY} characters: a case, letter or tracking number (whole or in "
            "part), a subject, a kelurahan, a unit"
        ),
    ),
]
Limit = Annotated[
    int, Query(ge=1, le=50, description="At most this many hits per group"), QUERY_INT
]


@search_router.get("", response={200: SearchOut, **E401, **E422}, summary="Cari")
def search(request: HttpRequest, q: SearchQuery = "", limit: Limit = 10) -> SearchOut:
    """Cases, letters, complaints, places (and what other registers add) matching ``q`` in the
    user's units, grouped by register, newest first within each group. A Rahasia letter the
    user does not work on is found by its number only and its hal reads "(rahasia)"; a
    confidential complaint's content is matched only for who may see its reporter."""
    query = search_query_clean(q)
    if len(query) < MIN_QUERY:
        raise Invalid(
            _("Kata pencarian paling sedikit %(n)s karakter.") % {"n": MIN_QUERY}, field="q"
        )
    return search_out(query, search_run(api_user(request), query, limit=limit))
