"""The signed-in start page: who you are, what you hold, and how much work waits for you."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from trantib.accounts.middleware import PersonRequest
from trantib.accounts.selectors import assignments_active, units_for_user
from trantib.cases.selectors import task_list_mine


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
