"""Every request's language and person.

Bahasa Indonesia by default; English when the user chose it (language cookie).

Django's LocaleMiddleware would follow the browser's Accept-Language, so an officer with an
English phone would get English by default. Here only the explicit choice counts.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from trantib.accounts.models import Person
from trantib.accounts.selectors import person_for_user


class LanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


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
