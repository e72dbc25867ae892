"""Gap-free numbers: case numbers today, letter registers next.

``counter_next(key)`` runs in the caller's transaction and keeps the counter row locked until
it ends: two transactions taking a number for the same key queue one behind the other, and a
transaction that rolls back gives its number back. Keys are plain text chosen by the caller,
e.g. ``case:12:PGD:2026``.

Taking a number is one statement, ``INSERT … ON CONFLICT (key) DO UPDATE SET last = last + 1
RETURNING last`` (PostgreSQL and SQLite ≥ 3.35 alike): the insert of a new key and the
increment of an existing one both leave the row written, so it stays locked by this
transaction until it commits or rolls back, as a ``SELECT … FOR UPDATE`` would keep it. It is
on every case start, where three ORM statements cost three round trips.
"""

from __future__ import annotations

from django.db import connection, transaction

from .models import Counter


def counter_upsert_sql() -> str:
    q = connection.ops.quote_name
    table, key, last = q(Counter._meta.db_table), q("key"), q("last")
    return (
        f"INSERT INTO {table} ({key}, {last}) VALUES (%s, 1) "  # noqa: S608 — quoted names
        f"ON CONFLICT ({key}) DO UPDATE SET {last} = {table}.{last} + 1 "
        f"RETURNING {last}"
    )


def counter_next(key: str) -> int:
    """The next number for ``key`` (1 for a new key). Call inside a transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("counter_next() must run inside the transaction that uses the number")
    with connection.cursor() as cursor:
        cursor.execute(counter_upsert_sql(), [key])
        return int(cursor.fetchone()[0])


def counter_peek(key: str) -> int:
    """The last number given for ``key`` (0 when none was)."""
    return Counter.objects.filter(key=key).values_list("last", flat=True).first() or 0
