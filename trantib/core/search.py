"""One search box over every register: each domain app answers for its own records.

The search page knows no domain. A domain app registers a :class:`SearchProvider` in its
``AppConfig.ready()`` (cases by number and subject, violators by NIK/NIB/name, letters by number,
complaints by tracking number, places by name); :func:`search_run` asks every provider, in
``order``, for at most ``limit`` hits each. A provider reads through its own access selectors:
it answers only what the user may see, and masks what the user may not read (a violator's NIK
is found by an enforcement officer of the unit, never shown or matched for anyone else).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.functional import Promise

UserLike = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class SearchHit:
    """One found record: what it is, a title and a line under it, and where it lives."""

    kind: str  # the provider's own word, shown as a badge ("Kasus", "Pelanggar", "Surat")
    title: str
    url: str
    subtitle: str = ""
    unit_code: str = ""
    # The query is this record's own number (case, letter, tracking number): the page opens it
    # straight away when it is the only hit.
    exact: bool = False


# (user, query, limit) -> hits the user may see, best first.
SearchFunction = Callable[["UserLike", str, int], "list[SearchHit]"]


@dataclass(frozen=True)
class SearchProvider:
    name: str
    label: str | Promise  # the group's heading (a lazy translation: read in the reader's language)
    search: SearchFunction
    order: int = 50


_PROVIDERS: dict[str, SearchProvider] = {}


def search_provider_register(
    name: str, *, label: str | Promise, search: SearchFunction, order: int = 50
) -> None:
    _PROVIDERS[name] = SearchProvider(name=name, label=label, search=search, order=order)


def search_providers() -> list[SearchProvider]:
    return sorted(_PROVIDERS.values(), key=lambda p: (p.order, p.name))


MIN_QUERY = 3  # shorter than this matches too much to be worth a query
MAX_QUERY = 100


def search_query_clean(query: str) -> str:
    """The query as the providers receive it: no control characters (a NUL is refused by
    PostgreSQL), inner spaces collapsed, bounded."""
    printable = "".join(ch if ch.isprintable() else " " for ch in query)
    return " ".join(printable.split())[:MAX_QUERY]


def search_run(
    user: UserLike, query: str, *, limit: int = 10
) -> list[tuple[SearchProvider, list[SearchHit]]]:
    """Each provider with the hits it found for ``query`` (providers without hits left out)."""
    query = search_query_clean(query)
    if len(query) < MIN_QUERY:
        return []
    found = []
    for provider in search_providers():
        hits = provider.search(user, query, limit)
        if hits:
            found.append((provider, hits[:limit]))
    return found
