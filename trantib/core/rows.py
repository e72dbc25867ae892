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
from collections.abc import Sequence
from typing import Any

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
