"""What differs per database: how a consistent copy is taken, how it is put back, and how a
database is read for the manifest (row counts, migration state, audit chain heads).

PostgreSQL: ``pg_dump --format=custom`` inside an exported snapshot, so that the dump and the
manifest's counts describe the same moment while the server keeps running; ``pg_restore
--single-transaction`` puts it back whole or not at all. SQLite: the online backup API
(``sqlite3.Connection.backup``) copies the file page by page under a read lock, so writers
only wait for the moment each step takes.

Everything here reads through its own connection (libpq or sqlite3), never through Django's:
the counts must see the snapshot, and a restore must not hold a session on its target.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured

from trantib.cases.models import Case
from trantib.core.errors import Invalid
from trantib.core.models import AuditHead

SUPPORTED = ("postgresql", "sqlite")
LOCK_PATIENCE = 60.0  # seconds an SQLite backup waits for a lock before it gives up
# Django's own keys in a PostgreSQL OPTIONS dict; every other key is a libpq parameter.
_DJANGO_PG_OPTIONS = {
    "pool",
    "server_side_binding",
    "assume_role",
    "isolation_level",
    "cursor_factory",
    "context",
    "prepare_threshold",
}


@dataclass(frozen=True)
class DatabaseFacts:
    """What the manifest says of a database, and what a restore checks again."""

    row_counts: dict[str, int]
    migrations: dict[str, str]  # app label → the last applied migration
    audit: dict[str, Any]

    def differences(self, other: DatabaseFacts) -> list[str]:
        """Where ``other`` (the restored database) differs from this (the manifest)."""
        found = [
            f"{table}: {count} rows in the backup, {other.row_counts.get(table)} restored"
            for table, count in sorted(self.row_counts.items())
            if other.row_counts.get(table) != count
        ]
        found += [
            f"table {t} not in the backup"
            for t in sorted(other.row_counts.keys() - self.row_counts.keys())
        ]
        if other.audit != self.audit:
            found.append("the audit chain heads differ")
        return found


class _Cursor(Protocol):
    def execute(self, query: Any, params: Any = ..., /) -> Any: ...
    def fetchall(self) -> list[Any]: ...


def _facts(cursor: _Cursor, tables: list[str], quote: Any) -> DatabaseFacts:
    counts: dict[str, int] = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 — quoted names
        counts[table] = int(cursor.fetchall()[0][0])
    migrations: dict[str, str] = {}
    if "django_migrations" in counts:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        for app, name in cursor.fetchall():
            migrations[str(app)] = str(name)
    return DatabaseFacts(counts, migrations, _audit(cursor, counts, quote))


def _audit(cursor: _Cursor, counts: dict[str, int], quote: Any) -> dict[str, Any]:
    """The chain heads: every record's (its ``AuditHead``) and every case's (the hash on the
    case row), digested in an order that does not depend on the database's collation."""
    heads: list[list[Any]] = []
    head_table, case_table = AuditHead._meta.db_table, Case._meta.db_table
    if head_table in counts:
        cursor.execute(
            f"SELECT subject_type, subject_id, seq, hash FROM {quote(head_table)}"  # noqa: S608
        )
        heads += [["record", str(t), int(i), int(s), str(h)] for t, i, s, h in cursor.fetchall()]
    if case_table in counts:
        cursor.execute(f"SELECT id, event_hash FROM {quote(case_table)}")  # noqa: S608
        heads += [["case", "", int(i), 0, str(h)] for i, h in cursor.fetchall()]
    heads.sort()
    body = json.dumps(heads, separators=(",", ":")).encode()
    return {
        "heads": len(heads),
        "heads_sha256": hashlib.sha256(body).hexdigest(),
    }


# -- SQLite -----------------------------------------------------------------------------------


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_connect(name: str) -> sqlite3.Connection:
    return sqlite3.connect(name, uri=name.startswith("file:"))


def sqlite_in_memory(settings_dict: dict[str, Any]) -> bool:
    name = str(settings_dict["NAME"])
    return name == ":memory:" or "mode=memory" in name


class _Locked(Exception):
    pass


def sqlite_dump(
    settings_dict: dict[str, Any], target: Path, *, patience: float = LOCK_PATIENCE
) -> None:
    """Copy the live database into ``target`` (a new file) with the online backup API. In
    WAL mode readers do not wait for writers; should the file stay locked all the same (a
    rollback-journal database, a long write), give up after ``patience`` seconds rather
    than retry for ever as ``Connection.backup`` would."""
    locked_since: list[float] = []

    def waited(status: int, remaining: int, total: int) -> None:
        if status not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            locked_since.clear()
        elif not locked_since:
            locked_since.append(time.monotonic())
        elif time.monotonic() - locked_since[0] > patience:
            raise _Locked

    try:
        with (
            closing(_sqlite_connect(str(settings_dict["NAME"]))) as source,
            closing(sqlite3.connect(target)) as copy,
        ):
            source.backup(copy, pages=4096, progress=waited, sleep=0.05)
            # The live file runs in WAL mode; the copy is one self-contained file.
            copy.execute("PRAGMA journal_mode=DELETE")
    except _Locked:
        raise Invalid(
            f"the database stayed locked for {patience:g} s: run the backup again",
            field="database",
        ) from None


def sqlite_tables(path: str) -> list[str]:
    with closing(_sqlite_connect(path)) as db:
        rows = db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
    return [str(r[0]) for r in rows]


def sqlite_facts(path: Path) -> DatabaseFacts:
    """The facts of a copy (nothing else has it open)."""
    tables = sqlite_tables(str(path))
    with closing(sqlite3.connect(path)) as db:
        return _facts(db.cursor(), tables, _sqlite_quote)


def sqlite_check(path: Path) -> str:
    """SQLite's own check of a file: "ok", or the first problem. The schema's constraints and
    indexes call Django's SQL functions (``django_date_extract``…): they are registered as
    Django registers them on its own connections."""
    from django.db.backends.sqlite3._functions import register

    try:
        with closing(sqlite3.connect(path)) as db:
            register(db)
            return str(db.execute("PRAGMA integrity_check").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        return str(exc)


def sqlite_is_empty(settings_dict: dict[str, Any]) -> bool:
    name = str(settings_dict["NAME"])
    if not sqlite_in_memory(settings_dict):
        path = Path(name)
        if not path.exists() or path.stat().st_size == 0:
            return True
    try:
        return not sqlite_tables(name)
    except sqlite3.DatabaseError:
        return False  # not a database we can read: never overwritten without --force


def sqlite_companions(path: Path) -> list[Path]:
    """The write-ahead log and shared-memory files beside a database file."""
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


# -- PostgreSQL -------------------------------------------------------------------------------


def pg_params(settings_dict: dict[str, Any]) -> dict[str, str]:
    """libpq connection parameters of a Django database (``OPTIONS`` included: sslmode,
    ``options`` such as the JIT switch of config/settings.py)."""
    params = {
        str(k): str(v)
        for k, v in (settings_dict.get("OPTIONS") or {}).items()
        if k not in _DJANGO_PG_OPTIONS and v is not None
    }
    for key, name in (
        ("NAME", "dbname"),
        ("USER", "user"),
        ("PASSWORD", "password"),
        ("HOST", "host"),
        ("PORT", "port"),
    ):
        if settings_dict.get(key):
            params[name] = str(settings_dict[key])
    if "dbname" not in params and "service" not in params:
        raise ImproperlyConfigured("the PostgreSQL database has no NAME")
    return params


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise Invalid(
            f"{name} not found: install the PostgreSQL client (apt-get install "
            "postgresql-client), of the server's major version or newer",
            field="database",
        )
    return path


def pg_tool_version(name: str) -> str:
    result = subprocess.run(  # noqa: S603
        [_pg_tool(name), "--version"], capture_output=True, text=True, check=False
    )
    return result.stdout.strip()


def _pg_run(args: list[str], params: dict[str, str]) -> None:
    """Run pg_dump or pg_restore: the password through the environment (never in the
    process list), the rest as a connection string."""
    from psycopg.conninfo import make_conninfo

    env = dict(os.environ)
    others = {k: v for k, v in params.items() if k != "password"}
    if "password" in params:
        env["PGPASSWORD"] = params["password"]
    tool = Path(args[0]).name
    result = subprocess.run(  # noqa: S603
        [*args, f"--dbname={make_conninfo(**others)}"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if result.returncode != 0:
        lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
        raise Invalid(
            f"{tool} failed: {lines[0] if lines else result.returncode}", field="database"
        )


@contextmanager
def _pg_connect(params: dict[str, str]) -> Iterator[Any]:
    import psycopg

    try:
        conn = psycopg.connect(**params)  # type: ignore[arg-type]
    except psycopg.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise Invalid(f"cannot connect to PostgreSQL: {first}", field="database") from None
    try:
        yield conn
    finally:
        conn.close()


def _pg_quote(name: str) -> Any:
    from psycopg import sql

    return sql.Identifier(name).as_string(None)


_PG_TABLES = """
    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema()
"""
_PG_ANY_RELATION = """
    SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
"""


def _pg_facts(conn: Any) -> DatabaseFacts:
    cursor = conn.cursor()
    cursor.execute(_PG_TABLES)
    tables = [str(r[0]) for r in cursor.fetchall()]
    return _facts(cursor, tables, _pg_quote)


def pg_dump(settings_dict: dict[str, Any], target: Path) -> tuple[DatabaseFacts, str]:
    """Dump the database into ``target`` and read its facts from the same snapshot; also the
    server's version."""
    import psycopg

    params = pg_params(settings_dict)
    tool = _pg_tool("pg_dump")
    with _pg_connect(params) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        cursor = conn.cursor()
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
        snapshot, version = cursor.fetchall()[0]
        _pg_run([tool, "--format=custom", f"--snapshot={snapshot}", f"--file={target}"], params)
        facts = _pg_facts(conn)
        conn.rollback()
    return facts, str(version)


def pg_is_empty(settings_dict: dict[str, Any]) -> bool:
    with _pg_connect(pg_params(settings_dict)) as conn:
        cursor = conn.cursor()
        cursor.execute(_PG_ANY_RELATION)
        return int(cursor.fetchall()[0][0]) == 0


def pg_restore(settings_dict: dict[str, Any], dump: Path, *, clean: bool) -> DatabaseFacts:
    """Restore a custom-format dump in one transaction (all or nothing), owned by the
    configured user whoever owned it before; ``clean`` drops the dump's objects first."""
    params = pg_params(settings_dict)
    args = [
        _pg_tool("pg_restore"),
        "--no-owner",
        "--no-acl",
        "--single-transaction",
        "--exit-on-error",
    ]
    if clean:
        args += ["--clean", "--if-exists"]
    _pg_run([*args, str(dump)], params)
    with _pg_connect(params) as conn:
        return _pg_facts(conn)
