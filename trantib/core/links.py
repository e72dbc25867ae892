"""Absolute addresses for links that leave the site: a citizen's status page in an SMS, a
notice in an e-mail, the Open311 discovery document.

One rule, one definition: ``TRANTIB_PUBLIC_URL`` when the operator set it (the address
phones use); else the address of the request being answered; outside a request, the one the
server listens on (``TRANTIB_SERVED_URL``, exported by ``trantib serve``), so a changed
``PORT`` never produces dead links.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def absolute_url(path: str, request: HttpRequest | None = None) -> str:
    """``path`` (starting with ``/``) as an absolute address (see the module docstring)."""
    base = str(getattr(settings, "TRANTIB_PUBLIC_URL", "")).rstrip("/")
    if base:
        return f"{base}{path}"
    if request is not None:
        return request.build_absolute_uri(path)
    served = str(getattr(settings, "TRANTIB_SERVED_URL", "")).rstrip("/")
    return f"{served}{path}"
