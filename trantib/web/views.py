"""The signed-in start page. Later issues add Tugas Saya (my tasks) here."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from trantib.accounts.selectors import assignments_active, person_for_user, units_for_user


@login_required
def home(request: HttpRequest) -> HttpResponse:
    person = person_for_user(request.user)
    assignments = list(assignments_active(person)) if person is not None else []
    # A superuser "sees" every unit: listing them all would only bury the page.
    sees_all = bool(getattr(request.user, "is_superuser", False))
    context = {
        "person": person,
        "assignments": assignments,
        "sees_all_units": sees_all,
        "units": [] if sees_all else list(units_for_user(request.user)),
    }
    return render(request, "web/home.html", context)
