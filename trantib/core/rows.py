"""Model rows read by hand-written SQL on PostgreSQL (the hot paths: a completion's and a
case start's fast paths, the API token's check): the columns to select and the instances
built from them, converted as the ORM converts them there.

PostgreSQL's driver returns every column as its Python value already (aware datetimes,
booleans, dates); only fields with their own ``from_db_value`` (JSON) are converted again.
SQLite returns text for several types, so these helpers are for PostgreSQL only: callers keep
the ORM for any other database.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import Model


@functools.cache
def model_fields(model: type[Model]) -> tuple[Any, ...]:
    """The model's concrete fields, in the order of :func:`select_list`."""
    return tuple(model._meta.concrete_fields)


def select_list(model: type[Model], alias: str) -> str:
    """``alias."col", …`` of every concrete column of ``model``."""
    q = connection.ops.quote_name
    return ", ".join(f"{alias}.{q(f.column)}" for f in model_fields(model))


def model_instance(model: type[Model], values: Sequence[Any]) -> Any:
    """A model instance from a row of its concrete columns (:func:`select_list`), converted
    as the ORM converts them on PostgreSQL."""
    fields = model_fields(model)
    converted = [
        f.from_db_value(v, None, connection) if v is not None and hasattr(f, "from_db_value") else v
        for f, v in zip(fields, values, strict=True)
    ]
    return model.from_db(DEFAULT_DB_ALIAS, [f.attname for f in fields], converted)


def joined_instances(models: Sequence[type[Model]], row: Sequence[Any]) -> list[Any]:
    """One instance per model from a row that selects each model's :func:`select_list` in
    turn (a LEFT JOIN's missing row: None, when its first column, the id, is NULL)."""
    out: list[Any] = []
    at = 0
    for model in models:
        width = len(model_fields(model))
        values = row[at : at + width]
        out.append(model_instance(model, values) if values[0] is not None else None)
        at += width
    return out


_NEVER = 2**31 - 1


def run_prepared(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Run one statement of a hot path on PostgreSQL as a prepared statement, and return its
    rows (none for a statement that returns none).

    Django's cursors bind parameters on the client, so PostgreSQL parses and plans each
    statement again; for the fast paths' few, fixed statements planning cost as much as
    running them (``EXPLAIN``: 0.35–0.5 ms each). Here the parameters are bound by the server
    (psycopg's ``Cursor``) and the plan is kept for the connection (``prepare=True``; psycopg
    keeps at most ``prepared_max`` per connection). ``TRANTIB_DB_PREPARE=0`` turns it off
    (a pooler in transaction mode that cannot keep prepared statements); then Django's cursor
    runs it. Errors become Django's, and the statement is logged as Django logs its own (the
    tests' ``CaptureQueriesContext``)."""
    if not settings.TRANTIB_DB_PREPARE:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []
    import psycopg

    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # Django leaves preparing off (None), which also refuses ``prepare=True``. Its own
        # cursors bind on the client and never prepare, whatever the threshold: a threshold
        # no statement reaches lets only these, asked explicitly, be prepared.
        raw.prepare_threshold = _NEVER
    start = time.monotonic()
    with connection.wrap_database_errors, psycopg.Cursor(raw) as cursor:
        cursor.execute(sql, params, prepare=True)
        rows = cursor.fetchall() if cursor.description else []
    if connection.queries_logged:
        connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - start:.3f}"})
    return rows
