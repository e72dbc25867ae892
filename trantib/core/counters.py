"""Gap-free numbers: case numbers today, letter registers next.

``counter_next(key)`` runs in the caller's transaction and keeps the counter row locked until
it ends: two transactions taking a number for the same key queue one behind the other, and a
transaction that rolls back gives its number back. Keys are plain text chosen by the caller,
e.g. ``case:12:PGD:2026``.
"""

from __future__ import annotations

from django.db import transaction

from .models import Counter


def counter_next(key: str) -> int:
    """The next number for ``key`` (1 for a new key). Call inside a transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("counter_next() must run inside the transaction that uses the number")
    Counter.objects.bulk_create([Counter(key=key, last=0)], ignore_conflicts=True)
    counter = Counter.objects.select_for_update().get(key=key)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def counter_peek(key: str) -> int:
    """The last number given for ``key`` (0 when none was)."""
    return Counter.objects.filter(key=key).values_list("last", flat=True).first() or 0
