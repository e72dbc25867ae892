"""``request.person``: the one place that finds the person behind a request."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any, cast

from django.http import HttpRequest, HttpResponse

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
    login, for pages and the API alike (the API's token auth sets ``request.user`` first and
    calls :func:`person_forget`). Lazy, so a page that never asks costs no query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.__class__ = _with_person(request.__class__)
        return self.get_response(request)


def person_forget(request: HttpRequest) -> None:
    """Read ``request.person`` again on next use (after ``request.user`` changed)."""
    request.__dict__.pop("person", None)


def request_person(request: HttpRequest) -> Person | None:
    """``request.person`` where the type says only ``HttpRequest`` (the admin's overrides)."""
    return cast(PersonRequest, request).person
