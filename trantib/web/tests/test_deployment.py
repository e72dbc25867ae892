"""Production mode (``TRANTIB_PRODUCTION=1``), the trusted proxy's headers and the
Content-Security-Policy header."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from trantib.web.middleware import (
    ContentSecurityPolicyMiddleware,
    TrustedProxyMiddleware,
    csp_policy,
)

ROOT = Path(__file__).resolve().parents[3]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TRANTIB_"))}
    clean["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return subprocess.run(  # noqa: S603 — our own manage.py, fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_mode_without_a_secret_key_refuses_to_start_with_one_clear_line(tmp_path):
    done = manage("check", TRANTIB_PRODUCTION="1", TRANTIB_VAR_DIR=str(tmp_path))
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "Trantib: TRANTIB_PRODUCTION=1 needs a secret key of its own: set DJANGO_SECRET_KEY "
        "(e.g. the output of: python3 -c 'import secrets; print(secrets.token_urlsafe(50))')."
    ]


def test_production_mode_passes_the_deployment_check_and_the_embedded_default_still_runs(
    tmp_path,
):
    production = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        TRANTIB_PRODUCTION="1",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        TRANTIB_TRUSTED_PROXIES="127.0.0.1,10.0.0.0/24",
        TRANTIB_VAR_DIR=str(tmp_path),
    )
    assert production.returncode == 0, production.stderr
    # Without the switch nothing is required, and the same check names what production adds.
    embedded = manage("check", "--deploy", TRANTIB_VAR_DIR=str(tmp_path))
    assert embedded.returncode == 0, embedded.stderr
    for warning in ("W004", "W008", "W009", "W012", "W016"):
        assert f"security.{warning}" in embedded.stderr + embedded.stdout


def test_a_bad_trusted_proxy_is_named_in_one_line(tmp_path):
    done = manage("check", TRANTIB_TRUSTED_PROXIES="10.0.0.1,proxy", TRANTIB_VAR_DIR=str(tmp_path))
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "Trantib: TRANTIB_TRUSTED_PROXIES: 'proxy' is not an IP address or network."
    )


def _echo_proto(request: HttpRequest) -> HttpResponse:
    return HttpResponse(request.META.get("HTTP_X_FORWARDED_PROTO", "-"))


def test_only_a_trusted_proxy_may_say_the_request_came_over_https(settings):
    settings.TRANTIB_TRUSTED_PROXIES = ["10.0.0.2"]
    middleware = TrustedProxyMiddleware(_echo_proto)
    factory = RequestFactory()
    proxied = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_PROTO="https")
    direct = factory.get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_PROTO="https")
    assert middleware(proxied).content == b"https"
    assert middleware(direct).content == b"-"


@pytest.mark.django_db
def test_every_page_carries_the_policy_and_it_allows_no_inline_script():
    response = Client().get("/lapor/")
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.split(" ", 1) for part in policy.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy


def test_the_tile_server_may_serve_images_and_a_framed_preview_may_be_framed_by_us(settings):
    settings.TRANTIB_MAP_TILE_URL = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    assert "img-src 'self' data: blob: https://*.tiles.example.org;" in csp_policy()
    assert "frame-ancestors 'self'" in csp_policy(framed_by_self=True)

    def preview(request: HttpRequest) -> HttpResponse:
        response = HttpResponse("<p>preview</p>")
        response["X-Frame-Options"] = "SAMEORIGIN"
        return response

    def pdf(request: HttpRequest) -> HttpResponse:
        return HttpResponse(b"%PDF-1.7", content_type="application/pdf")

    request = RequestFactory().get("/")
    framed = ContentSecurityPolicyMiddleware(preview)(request)
    assert "frame-ancestors 'self'" in framed["Content-Security-Policy"]
    # Chromium applies a PDF's own policy to its viewer: a PDF gets none.
    assert "Content-Security-Policy" not in ContentSecurityPolicyMiddleware(pdf)(request)
