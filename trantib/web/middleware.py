"""Every request's language (the person behind it: :mod:`trantib.accounts.middleware`), the
trusted proxy's headers and the Content-Security-Policy.

Bahasa Indonesia by default; English when the user chose it (language cookie).

Django's LocaleMiddleware would follow the browser's Accept-Language, so an officer with an
English phone would get English by default. Here only the explicit choice counts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from trantib.core.ratelimit import proxy_trusted


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


class TrustedProxyMiddleware:
    """Believe ``X-Forwarded-Proto`` only from our own reverse proxies.

    Django reads the header named by ``SECURE_PROXY_SSL_HEADER`` from every request; a client
    that reached the server directly could then claim HTTPS. First in the chain, this drops the
    header unless ``REMOTE_ADDR`` is one of ``TRANTIB_TRUSTED_PROXIES`` (the same test that
    decides whether ``X-Forwarded-For`` names the client, :mod:`trantib.core.ratelimit`).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not proxy_trusted(request):
            request.META.pop("HTTP_X_FORWARDED_PROTO", None)
        return self.get_response(request)


def csp_policy(*, framed_by_self: bool = False) -> str:
    """The ``Content-Security-Policy`` header from ``TRANTIB_CSP``, with the map tile server's
    origin allowed for images; ``framed_by_self``: our own pages may frame this response."""
    directives = {name: list(values) for name, values in settings.TRANTIB_CSP.items()}
    tiles = _origin(settings.TRANTIB_MAP_TILE_URL)
    if tiles:
        directives.setdefault("img-src", []).append(tiles)
    if framed_by_self:
        directives["frame-ancestors"] = ["'self'"]
    return "; ".join(" ".join([name, *values]) for name, values in directives.items())


def _origin(url: str) -> str:
    """``https://{s}.tile.example.org/{z}/{x}/{y}.png`` → ``https://*.tile.example.org``."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    host = re.sub(r"\{[^}]*\}", "*", parts.netloc)
    return f"{parts.scheme}://{host}"


class ContentSecurityPolicyMiddleware:
    """Every response carries ``TRANTIB_CSP`` (Django 5.2 has no CSP of its own).

    PDFs are left without it: Chromium applies the PDF response's policy to its own viewer,
    and a PDF runs no script of ours. A response another view already gave a policy keeps it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.policy = csp_policy()
        self.policy_framed = csp_policy(framed_by_self=True)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("application/pdf"):
            return response
        framed = response.get("X-Frame-Options", "").upper() == "SAMEORIGIN"
        response.headers.setdefault(
            "Content-Security-Policy", self.policy_framed if framed else self.policy
        )
        return response
