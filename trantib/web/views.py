"""The signed-in start page (who you are, what you hold, how much work waits for you) and the
search page over every register (:mod:`trantib.core.search`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from trantib.accounts.middleware import PersonRequest
from trantib.accounts.selectors import assignments_active, units_for_user
from trantib.cases.selectors import task_list_mine
from trantib.core.search import MIN_QUERY, search_query_clean, search_run

PAGE_LIMIT = 10  # hits per provider on the search page


@login_required
def home(request: PersonRequest) -> HttpResponse:
    person = request.person
    assignments = list(assignments_active(person)) if person is not None else []
    # A superuser "sees" every unit: listing them all would only bury the page.
    sees_all = bool(getattr(request.user, "is_superuser", False))
    context = {
        "person": person,
        "assignments": assignments,
        "sees_all_units": sees_all,
        "units": [] if sees_all else list(units_for_user(request.user)),
        "task_count": (
            task_list_mine(request.user, person=person).count() if person is not None else 0
        ),
        # The unread notices: ``unread_notices``, counted once for the navigation and the page.
    }
    return render(request, "web/home.html", context)


@login_required
def search(request: PersonRequest) -> HttpResponse:
    """``/cari/?q=``: every provider's hits for the query, grouped; a number that names exactly
    one record opens it straight away."""
    raw = request.GET.get("q", "")
    query = search_query_clean(raw)
    groups = search_run(request.user, query, limit=PAGE_LIMIT) if len(query) >= MIN_QUERY else []
    hits = [hit for _provider, found in groups for hit in found]
    if len(hits) == 1 and hits[0].exact:
        return redirect(hits[0].url)
    context = {
        "query": query,
        "too_short": 0 < len(query) < MIN_QUERY,
        "min_query": MIN_QUERY,
        "groups": groups,
        "total": len(hits),
        "limit": PAGE_LIMIT,
    }
    return render(request, "web/search.html", context)
