"""Bulk loading for the large-history benchmark: rows as COPY text, sent in batches by a
writer thread (the PostgreSQL server parses them while Python makes the next batch), and the
big tables' foreign keys and secondary indexes dropped before the load and built again after
it (building an index once is far cheaper than keeping it up to date row by row; adding a
foreign key back checks every row, which doubles as a consistency check of the generator)."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import queue
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _text(value: str) -> str:
    # Most strings need no escaping; four scans in C are cheaper than a translate.
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.translate(_ESCAPE)
    return value


def _json(value: Any) -> str:
    return _text(_JSON(value))


def _aware(value: dt.datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("naive datetime in a COPY row")
    return value.isoformat()


_FORMAT: dict[type, Callable[[Any], str]] = {
    type(None): lambda _: "\\N",
    bool: lambda v: "t" if v else "f",
    int: str,
    str: _text,
    dt.datetime: _aware,
    dt.date: str,
    dt.time: str,
    float: repr,
    decimal.Decimal: str,
    dict: _json,
    list: _json,
}


def cell(value: Any) -> str:
    """One value in PostgreSQL's COPY text format."""
    try:
        return _FORMAT[type(value)](value)
    except KeyError:
        raise TypeError(f"cannot COPY a {type(value).__name__}") from None


class Sink:
    """Rows per table, flushed as one ``COPY … FROM STDIN`` per batch by a writer thread on
    its own connection. ``columns`` names each table's columns in the rows' order."""

    def __init__(
        self,
        conninfo: str,
        columns: dict[str, Sequence[str]],
        *,
        batch: int = 20000,
        log: Callable[[str], None] = print,
    ) -> None:
        import psycopg

        self.columns = {t: tuple(c) for t, c in columns.items()}
        self.batch = batch
        self.buffers: dict[str, list[str]] = {t: [] for t in columns}
        self.counts: dict[str, int] = dict.fromkeys(columns, 0)
        self.log = log
        self.conn = psycopg.connect(conninfo, autocommit=True)
        self.conn.execute("SET synchronous_commit = off")
        self.queue: queue.Queue[tuple[str, bytes] | None] = queue.Queue(maxsize=6)
        self.error: BaseException | None = None
        self.copy_seconds = 0.0
        self.thread = threading.Thread(target=self._write, name="copy-writer", daemon=True)
        self.thread.start()

    def add(self, table: str, row: Iterable[Any]) -> None:
        buf = self.buffers[table]
        fmt = _FORMAT
        buf.append("\t".join([fmt[type(v)](v) for v in row]))
        if len(buf) >= self.batch:
            self._flush(table)

    def _flush(self, table: str) -> None:
        buf = self.buffers[table]
        if not buf:
            return
        if self.error is not None:
            raise RuntimeError("the COPY writer failed") from self.error
        data = ("\n".join(buf) + "\n").encode()
        self.counts[table] += len(buf)
        self.buffers[table] = []
        self.queue.put((table, data))

    def _write(self) -> None:
        try:
            while True:
                item = self.queue.get()
                if item is None:
                    return
                table, data = item
                cols = ", ".join(self.columns[table])
                t0 = time.perf_counter()
                sql = f"COPY {table} ({cols}) FROM STDIN"
                with self.conn.cursor() as cur, cur.copy(sql) as copy:
                    copy.write(data)
                self.copy_seconds += time.perf_counter() - t0
        except BaseException as exc:
            self.error = exc
            while True:  # unblock the producer
                try:
                    self.queue.get_nowait()
                except queue.Empty:
                    break

    def close(self) -> dict[str, int]:
        for table in self.buffers:
            self._flush(table)
        self.queue.put(None)
        self.thread.join()
        self.conn.close()
        if self.error is not None:
            raise RuntimeError("the COPY writer failed") from self.error
        return dict(self.counts)


# -- dropping and restoring the big tables' keys and indexes ------------------------------


def keys_drop(conn: Any, tables: Sequence[str]) -> list[str]:
    """Drop the foreign keys, unique constraints and secondary indexes of ``tables`` (the
    primary keys and check constraints stay); return the statements that put them back."""
    restore_indexes: list[str] = []
    restore_constraints: list[str] = []
    with conn.cursor() as cur:
        for table in tables:
            cur.execute(
                "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype IN ('f', 'u') ORDER BY conname",
                [table],
            )
            for name, definition, kind in cur.fetchall():
                cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
                statement = f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
                (restore_constraints if kind == "f" else restore_indexes).append(statement)
            cur.execute(
                "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
                "JOIN pg_class i ON i.oid = x.indexrelid "
                "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
                [table],
            )
            for name, definition in cur.fetchall():
                cur.execute(f'DROP INDEX "{name}"')
                restore_indexes.append(definition)
    # Indexes first (the unique ones too), then the foreign keys, which use them.
    return restore_indexes + restore_constraints


def keys_restore(conn: Any, statements: Sequence[str], log: Callable[[str], None]) -> float:
    t0 = time.perf_counter()
    with conn.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '512MB'")
        for i, statement in enumerate(statements, 1):
            t1 = time.perf_counter()
            cur.execute(statement)
            short = statement if len(statement) < 110 else statement[:107] + "…"
            log(f"  [{i}/{len(statements)}] {time.perf_counter() - t1:6.1f}s {short}")
    return time.perf_counter() - t0
