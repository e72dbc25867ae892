"""The report pages' reads on a read replica, read from the environment by ``config/settings.py``.

``TRANTIB_DB_REPLICA_URL`` (a URL like ``DATABASE_URL``'s, of a PostgreSQL streaming replica of
the primary) adds the database alias ``replica`` and :class:`ReportReplicaRouter`. Without it
there is no such alias and no router: every query goes to ``default``, as before.

A router cannot tell a report's query from any other, so the report code says so: its GET pages
run inside :func:`reading_reports` (the :func:`report_page` decorator on the views of
``trantib/reports``: the dashboard, the recaps, SPM, the figures' lists, the pre-filled
monitoring form), which sets a context variable that :meth:`ReportReplicaRouter.db_for_read`
reads. Everything else reads from ``default``, and so does a report's read:

- of a model that must never be stale (the session, the login, its second factor);
- made inside a transaction on ``default`` (a transaction that may write must read what it is
  about to change from the primary, not a copy some milliseconds behind);
- of a POST (a report page that saves something, such as the monitoring form, reads from the
  primary what it then writes).

Every write goes to ``default``; the replica is never migrated.
docs/decisions/0011-object-storage-and-report-replica.md.
"""

from __future__ import annotations

import functools
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, NoReturn, TypeVar

import environ

env = environ.Env()

REPLICA = "replica"
VENDORS = {
    "django.db.backends.postgresql": "PostgreSQL",
    "django.db.backends.sqlite3": "SQLite",
}
TRANTIB_DB_REPLICA_URL = env.str("TRANTIB_DB_REPLICA_URL", default="").strip()

# Read from the primary whatever the page: a session or a login read from a copy a moment
# behind would log out a person who has just logged in.
PRIMARY_ONLY_APPS = frozenset({"sessions", "auth", "otp_totp", "otp_static", "django_otp"})

DATABASE_ROUTERS: list[str] = (
    ["config.dbrouter.ReportReplicaRouter"] if TRANTIB_DB_REPLICA_URL else []
)


def _shown(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urllib.parse.urlunsplit(parts._replace(netloc=netloc))
    return url


def replica_databases(
    default: dict[str, Any], refuse: Callable[[str], NoReturn]
) -> dict[str, dict[str, Any]]:
    """``{"replica": {...}}`` from ``TRANTIB_DB_REPLICA_URL``, or nothing. The replica takes the
    primary's connection settings (kept connections, health checks, the connect timeout, JIT
    off for the reports' aggregates: decision 0005) unless its URL sets its own; in tests it is
    the test database itself (``TEST.MIRROR``), never the real replica."""
    if not TRANTIB_DB_REPLICA_URL:
        return {}
    replica: dict[str, Any] = environ.Env.db_url_config(TRANTIB_DB_REPLICA_URL)
    if replica.get("ENGINE") != default["ENGINE"]:
        vendor = VENDORS.get(str(default["ENGINE"]), str(default["ENGINE"]))
        refuse(
            f"TRANTIB_DB_REPLICA_URL: {_shown(TRANTIB_DB_REPLICA_URL)!r} is not a {vendor} "
            "database URL as DATABASE_URL is: the replica is a copy of that database (a "
            "PostgreSQL streaming replica, e.g. postgres://trantib@replica.internal:5432/trantib)."
        )
    if not replica.get("NAME"):
        refuse(
            f"TRANTIB_DB_REPLICA_URL: {_shown(TRANTIB_DB_REPLICA_URL)!r} names no database "
            "(e.g. postgres://trantib@replica.internal:5432/trantib)."
        )
    for key in ("ATOMIC_REQUESTS", "CONN_MAX_AGE", "CONN_HEALTH_CHECKS"):
        if key in default:
            replica.setdefault(key, default[key])
    options = replica.setdefault("OPTIONS", {})
    for key, value in default.get("OPTIONS", {}).items():
        options.setdefault(key, value)
    replica["TEST"] = {"MIRROR": "default"}
    return {REPLICA: replica}


# -- which reads are a report's --------------------------------------------------------------

_reading_reports: ContextVar[bool] = ContextVar("trantib_reading_reports", default=False)


@contextmanager
def reading_reports() -> Iterator[None]:
    """The reads inside (in this thread or task) are a report's: on the replica when there is
    one (see the module's docstring for what still reads from the primary)."""
    token = _reading_reports.set(True)
    try:
        yield
    finally:
        _reading_reports.reset(token)


View = TypeVar("View", bound=Callable[..., Any])


def report_page(view: View) -> View:
    """A report's view: its GET (and HEAD) reads inside :func:`reading_reports`; any other
    method (a form that saves) reads and writes on the primary."""

    @functools.wraps(view)
    def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        with reading_reports():
            return view(request, *args, **kwargs)

    return wrapped  # type: ignore[return-value]


class ReportReplicaRouter:
    """Reports' reads to ``replica``; everything else, and every write, to ``default``."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        if not _reading_reports.get() or model._meta.app_label in PRIMARY_ONLY_APPS:
            return "default"
        from django.db import connections

        if connections["default"].in_atomic_block:
            return "default"
        return REPLICA

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # A row read from the replica is the primary's row: relating it to one read from the
        # primary is fine (and saving it goes to the primary, db_for_write).
        if {obj1._state.db, obj2._state.db} <= {"default", REPLICA}:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        # A streaming replica follows the primary's schema by itself.
        return False if db == REPLICA else None
