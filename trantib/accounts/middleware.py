"""``request.person``: the one place that finds the person behind a request; and the
second-factor enrolment a unit may require before anything else."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .models import Person
from .selectors import person_for_user


class PersonRequest(HttpRequest):
    """A request after :class:`PersonMiddleware`: ``request.person`` is the Person behind the
    login (None for a visitor or a login with no person), read once, on first use."""

    person: Person | None


class _PersonMixin:
    user: Any

    @cached_property
    def person(self) -> Person | None:
        return person_for_user(self.user)


_CLASSES: dict[type[HttpRequest], type[HttpRequest]] = {}


def _with_person(cls: type[HttpRequest]) -> type[HttpRequest]:
    if issubclass(cls, _PersonMixin):
        return cls
    if cls not in _CLASSES:
        _CLASSES[cls] = type(cls.__name__, (_PersonMixin, cls), {})
    return _CLASSES[cls]


class PersonMiddleware:
    """Gives every request ``request.person``: the one place that finds the person behind a
    login, for pages and the API alike (the API's token auth sets ``request.user`` and the
    person it read with it, :func:`person_known`). Lazy, so a page that never asks costs no
    query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.__class__ = _with_person(request.__class__)
        return self.get_response(request)


def person_forget(request: HttpRequest) -> None:
    """Read ``request.person`` again on next use (after ``request.user`` changed)."""
    request.__dict__.pop("person", None)


def person_known(request: HttpRequest, person: Person | None) -> None:
    """``request.person`` is ``person`` (after ``request.user`` changed to its login, read
    together with it: the API's token auth loads both in one query)."""
    request.__class__ = _with_person(request.__class__)
    request.__dict__["person"] = person


def request_person(request: HttpRequest) -> Person | None:
    """``request.person`` where the type says only ``HttpRequest`` (the admin's overrides)."""
    return cast(PersonRequest, request).person


# Set at login (trantib.accounts.views): the user must enrol a second factor before anything
# else. Kept in the session so that a page costs no query to know it.
TWO_FACTOR_ENROL = "trantib_two_factor_enrol"
# Where a user who must enrol may still go: the enrol page, logging in or out, the language
# switch, static files; and the API, which takes no session (its token endpoint asks for the
# second factor itself).
_ENROL_OPEN = ("/akun/dua-langkah/", "/login/", "/logout/", "/i18n/", "/static/", "/api/")


class TwoFactorEnrolMiddleware:
    """Sends a user whose unit requires a second factor, and who has none yet, to the enrol
    page until they have one (the password alone got them only this far)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if (
            session is not None
            and session.get(TWO_FACTOR_ENROL)
            and not request.path_info.startswith(_ENROL_OPEN)
        ):
            return redirect("account_two_factor")
        return self.get_response(request)
