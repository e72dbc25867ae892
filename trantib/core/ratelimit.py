"""A per-client rate limit and the client's real address.

``rate_limit_take(scope=…, client=…, limit=…, window=…)`` counts one action of ``client`` in
the current window of ``scope`` and raises ``TooMany`` past ``limit``. It runs in the caller's
transaction with the client's row locked, so simultaneous requests cannot all slip under the
limit, and an action that is then refused (its transaction rolls back) is not counted.

The key is a salted digest (``TRANTIB_CLIENT_SALT``, else the ``SECRET_KEY``) of the scope
and the client; an IPv6 address counts by its /64, as one household's network hands out
many addresses.

``client_address(request)`` is the address of the client. A request that comes straight from
the client counts as ``REMOTE_ADDR``; ``X-Forwarded-For`` is read only when ``REMOTE_ADDR`` is
one of ``TRANTIB_TRUSTED_PROXIES`` (addresses or networks of our own reverse proxies), and then
from the right: each trusted proxy appended the address it saw, so the first address that is
not a trusted proxy is the client. A client can write anything into that header; what it wrote
is to the left of what our proxies appended, and is never read. ``proxy_trusted(request)``
tells the middleware whether to believe the proxy's ``X-Forwarded-Proto`` as well.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import ipaddress

from django.conf import settings
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone

from .errors import TooMany
from .models import RateWindow


def client_address(request: HttpRequest) -> str:
    remote = str(request.META.get("REMOTE_ADDR", ""))
    if not _trusted(remote):
        return remote
    forwarded = [
        part.strip()
        for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
        if part.strip()
    ]
    client = remote
    for part in reversed(forwarded):
        try:
            address = ipaddress.ip_address(_without_port(part))
        except ValueError:
            break  # junk in the chain: the last hop we could read stands
        client = str(address)
        if not _trusted(client):
            break
    return client


def proxy_trusted(request: HttpRequest) -> bool:
    """The request came from one of our own reverse proxies (``TRANTIB_TRUSTED_PROXIES``)."""
    return _trusted(str(request.META.get("REMOTE_ADDR", "")))


def _trusted(address: str) -> bool:
    networks = _networks(tuple(settings.TRANTIB_TRUSTED_PROXIES))
    if not networks:
        return False
    try:
        ip = ipaddress.ip_address(_without_port(address))
    except ValueError:
        return False
    return any(ip in network for network in networks)


@functools.cache
def _networks(
    entries: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)


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
    if limit < 1:
        _take_orm(key=key, limit=limit, window=window, message=message, now=now)
        return
    # One statement (it runs on every complaint): a new client's row is inserted with 1; an
    # existing one starts a new window or counts one more, unless it is at the limit — then
    # nothing is written, and the row is locked all the same (ON CONFLICT DO UPDATE locks the
    # row it conflicts with, updated or not), so a refusal is counted as the ORM path counts it.
    ops = connection.ops
    q = ops.quote_name
    table = q(RateWindow._meta.db_table)
    key_col, start, count = q("key"), q("window_start"), q("count")
    now_value = ops.adapt_datetimefield_value(now)
    cutoff = ops.adapt_datetimefield_value(now - dt.timedelta(seconds=window))
    sql = (
        f"INSERT INTO {table} ({key_col}, {start}, {count}) VALUES (%s, %s, 1) "  # noqa: S608
        f"ON CONFLICT ({key_col}) DO UPDATE SET "
        f"{start} = CASE WHEN {table}.{start} <= %s THEN %s ELSE {table}.{start} END, "
        f"{count} = CASE WHEN {table}.{start} <= %s THEN 1 ELSE {table}.{count} + 1 END "
        f"WHERE {table}.{start} <= %s OR {table}.{count} < %s "
        f"RETURNING {count}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, now_value, cutoff, now_value, cutoff, cutoff, limit])
        if cursor.fetchone() is None:
            raise TooMany(message, field="client")


def _take_orm(*, key: str, limit: int, window: int, message: str, now: dt.datetime) -> None:
    """A limit below one refuses everything; its row is kept as it always was."""
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
