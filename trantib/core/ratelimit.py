"""A per-client rate limit and the client's real address.

``rate_limit_take(scope=…, client=…, limit=…, window=…)`` counts one action of ``client`` in
the current window of ``scope`` and raises ``TooMany`` past ``limit``. It runs in the caller's
transaction with the client's row locked, so simultaneous requests cannot all slip under the
limit, and an action that is then refused (its transaction rolls back) is not counted.

The key is a salted digest (``TRANTIB_CLIENT_SALT``, else the ``SECRET_KEY``) of the scope
and the client; an IPv6 address counts by its /64, as one household's network hands out
many addresses.

``client_address(request)`` is the address of the client behind ``TRANTIB_TRUSTED_PROXY_HOPS``
reverse proxies (0, the default: ``REMOTE_ADDR``; 1: the last address a proxy appended to
``X-Forwarded-For``). A client can write anything into that header, so only the hops that
really are our proxies are trusted — and the server must then be reachable only through them
(bind it to the loopback or a private network), or a client could name any address it likes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from .errors import TooMany
from .models import RateWindow


def client_address(request: HttpRequest) -> str:
    remote = str(request.META.get("REMOTE_ADDR", ""))
    hops = int(settings.TRANTIB_TRUSTED_PROXY_HOPS)
    if hops <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
        if part.strip()
    ]
    # Each trusted proxy appended the address it saw; the one the outermost proxy saw is
    # ``hops`` from the end. Fewer addresses than hops: the request skipped a proxy.
    if len(forwarded) < hops:
        return remote
    candidate = _without_port(forwarded[-hops])
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def _without_port(text: str) -> str:
    """``203.0.113.9:5678`` → ``203.0.113.9``; ``[2001:db8::1]:443`` → ``2001:db8::1``."""
    if text.startswith("["):
        return text[1 : text.find("]")] if "]" in text else text
    if text.count(":") == 1:
        return text.split(":", 1)[0]
    return text


def client_key(scope: str, client: str) -> str:
    """A salted digest of the client within ``scope``: enough to count, useless to find who."""
    text = (client or "").strip()
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        pass
    else:
        if address.version == 6:
            text = str(ipaddress.ip_network(f"{address}/64", strict=False))
    salt = (settings.TRANTIB_CLIENT_SALT or settings.SECRET_KEY).encode()
    return hashlib.sha256(salt + b"|" + scope.encode() + b"|" + text.encode()).hexdigest()


def rate_limit_take(
    *,
    scope: str,
    client: str,
    limit: int,
    window: int,
    message: str,
    now: dt.datetime | None = None,
) -> None:
    """Count one action of ``client``, or raise ``TooMany(message)`` when it already did
    ``limit`` in the last ``window`` seconds (``field="client"``)."""
    now = now or timezone.now()
    key = client_key(scope, client)
    RateWindow.objects.bulk_create(
        [RateWindow(key=key, window_start=now, count=0)], ignore_conflicts=True
    )
    row = RateWindow.objects.select_for_update().get(key=key)
    if now - row.window_start >= dt.timedelta(seconds=window):
        row.window_start, row.count = now, 0
    if row.count >= limit:
        raise TooMany(message, field="client")
    row.count += 1
    row.save(update_fields=["window_start", "count"])
