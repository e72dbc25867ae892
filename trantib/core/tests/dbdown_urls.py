"""Routes for the in-process tests of :mod:`trantib.core.dbdown`: views that try a database
nobody listens on (a real refused connection through Django's PostgreSQL backend)."""

from __future__ import annotations

from django.db.backends.postgresql.base import DatabaseWrapper
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper
from django.http import HttpRequest, HttpResponse
from django.urls import path

from .pgcluster import free_port


def nobody_listening() -> DatabaseWrapper:
    """A connection to a loopback port that was free a moment ago: connecting is refused."""
    return DatabaseWrapper(
        {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "trantib",
            "USER": "trantib",
            "PASSWORD": "",
            "HOST": "127.0.0.1",
            "PORT": str(free_port()),
            "OPTIONS": {"connect_timeout": 5},
            "ATOMIC_REQUESTS": False,
            "AUTOCOMMIT": True,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "TIME_ZONE": None,
            "TEST": {},
        },
        alias="nobody-listening",
    )


def connect_refused() -> None:
    """Connect as ``ensure_connection`` does (pytest-django blocks that one: these tests may
    touch no database, which shows that the answers need none)."""
    wrapper = nobody_listening()
    with wrapper.wrap_database_errors:
        wrapper.connect()


def unreachable(request: HttpRequest) -> HttpResponse:
    connect_refused()
    return HttpResponse("reached")  # never: the connection is refused


def missing_table(request: HttpRequest) -> HttpResponse:
    """An OperationalError that is a bug, not an outage: SQLite's "no such table"."""
    wrapper = SQLiteWrapper({**nobody_listening().settings_dict, "NAME": ":memory:"}, alias="mem")
    with wrapper.wrap_database_errors:
        wrapper.connect()
        wrapper.connection.execute("SELECT * FROM no_such_table")
    return HttpResponse("read")  # never


def broken(request: HttpRequest) -> HttpResponse:
    raise ValueError("a bug, not the database")


urlpatterns = [
    path("rusak/", broken),
    path("tabel-hilang/", missing_table),
    path("halaman/", unreachable),
    path("api/v1/baca", unreachable),
    path("sms/masuk/", unreachable),
    path("open311/v2/services.<str:fmt>", lambda request, fmt: unreachable(request)),
]
