"""While the database cannot be reached: 503 with a clear message and ``Retry-After``, one log
line per request instead of a traceback, and back to normal by itself when it returns.

"Cannot be reached" (:func:`unreachable`) is PostgreSQL refusing or dropping the connection,
starting up or shutting down, out of connections, or cancelling the statement: django.db's
``InterfaceError``, or its ``OperationalError`` from psycopg with no SQLSTATE (the client's own
connection error) or one of the classes 08, 53, 57, 58. Any other error — a deadlock, a locked
SQLite file, a missing table — is what it was before: a 500 with its traceback in the log.
:class:`DatabaseDownMiddleware` answers for it wherever handling a request raised it: in the view
(``process_exception``), or in a middleware inside it — the session read by the two-factor check
before the view, the session saved after it — which Django has already turned into a 500 (and
logged with its traceback) when it comes back out: ``got_request_exception`` names the error, the
500 is replaced, and Django's lines about it are dropped from the ``django.request`` log.

Nothing is left half-written: a service writes in one transaction, which PostgreSQL rolls back
when the connection goes. Coming back needs nothing either: a connection that failed is closed at
the end of its request, and one that broke while idle is replaced before use (the settings turn
on ``CONN_HEALTH_CHECKS`` with persistent connections).

Each door answers in its own shape: pages with ``503.html`` (Bahasa Indonesia, or English by the
language cookie); the JSON doors register theirs by path prefix with
:func:`unavailable_door_register` (the API its ``{"message", "field", "kind": "unavailable"}``).

The background loop (:mod:`trantib.core.worker`) runs :func:`database_check` first in every
cycle: a connection that broke is replaced, and an outage is logged once when it begins and once
when it ends, while the failing jobs' tracebacks are left out of the log.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any

from django.core.signals import got_request_exception
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _

from trantib.core.worker import JobResult, periodic_job_register

logger = logging.getLogger("trantib.dbdown")

UNREACHABLE = (OperationalError, InterfaceError)
# SQLSTATE classes: connection exception, insufficient resources, operator intervention (shut
# down, starting up, cancelled), system error.
_UNREACHABLE_STATES = {"08", "53", "57", "58"}
_NOT_POSTGRESQL = object()
# Seconds a client (a browser, the SMS gateway, an app) is asked to wait before trying again.
RETRY_AFTER_SECONDS = 30

Door = Callable[[HttpRequest, str], HttpResponse]  # (request, message) → the door's answer
_DOORS: dict[str, Door] = {}


def unreachable(exc: BaseException | None) -> bool:
    if isinstance(exc, InterfaceError):
        return True  # the connection is closed
    if not isinstance(exc, OperationalError):
        return False
    # The driver's error: psycopg's carries its SQLSTATE (None: its own connection error);
    # sqlite3's has none, and no SQLite error is an outage.
    state = getattr(exc.__cause__, "sqlstate", _NOT_POSTGRESQL)
    if state is _NOT_POSTGRESQL:
        return False
    return state is None or str(state)[:2] in _UNREACHABLE_STATES


def unavailable_door_register(prefix: str, answer: Door) -> None:
    """Requests whose path starts with ``prefix`` (``/api/``) get ``answer(request, message)``
    instead of the HTML page; status, ``Retry-After`` and no-cache headers are set here."""
    _DOORS[prefix] = answer


def unavailable_message() -> str:
    return _(
        "Layanan sementara tidak tersedia: basis data Trantib tidak dapat dijangkau. "
        "Coba lagi dalam beberapa saat."
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".strip()


# Requests answered here: Django's own "Service Unavailable: /path" line about them is dropped.
_answered: weakref.WeakSet[HttpRequest] = weakref.WeakSet()
# Requests whose error a middleware inside ours turned into a 500 (from got_request_exception).
_failed: weakref.WeakKeyDictionary[HttpRequest, BaseException] = weakref.WeakKeyDictionary()


def unavailable(request: HttpRequest, exc: BaseException) -> HttpResponse:
    """The 503 for ``request``, which failed on ``exc``: logged in one line."""
    # The path as sent (percent-encoded): a %0A in it cannot start a second log line.
    path = escape_uri_path(request.path)
    logger.warning("%s %s: database unreachable (%s)", request.method, path, _first_line(exc))
    message = unavailable_message()
    doors = [prefix for prefix in _DOORS if request.path_info.startswith(prefix)]
    if doors:
        response = _DOORS[max(doors, key=len)](request, message)
    else:
        response = HttpResponse(
            render_to_string("503.html", {"message": message, "retry_after": RETRY_AFTER_SECONDS})
        )
    response.status_code = 503
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    _answered.add(request)
    return response


def _remember(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    exc = sys.exc_info()[1]
    if request is not None and exc is not None and unreachable(exc):
        _failed[request] = exc


class _QuietRequestLog(logging.Filter):
    """On ``django.request``: no traceback for an unreachable database (the error is answered
    and logged in one line here) and no second line about a 503 answered here."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and unreachable(record.exc_info[1]):
            return False
        request = getattr(record, "request", None)
        return not (isinstance(request, HttpRequest) and request in _answered)


_quiet_requests = _QuietRequestLog()


class DatabaseDownMiddleware:
    """503 instead of a 500 when the database cannot be reached (see the module docstring).
    Outside the session middleware, so that the session's reads and writes are covered, and
    inside the language middleware, so that the page speaks the visitor's language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        got_request_exception.connect(_remember, dispatch_uid="trantib.core.dbdown")
        request_log = logging.getLogger("django.request")
        if _quiet_requests not in request_log.filters:
            request_log.addFilter(_quiet_requests)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        exc = _failed.pop(request, None)
        if exc is not None and response.status_code == 500:
            return unavailable(request, exc)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return unavailable(request, exception) if unreachable(exception) else None


# -- the background loop ---------------------------------------------------------------------


class _Outage:
    """Whether the background loop found the database unreachable, and since when."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.since: float | None = None

    def begin(self, exc: BaseException) -> None:
        with self.lock:
            if self.since is not None:
                return
            self.since = time.monotonic()
        logger.warning("database unreachable (%s): background jobs wait for it", _first_line(exc))

    def end(self) -> None:
        with self.lock:
            since, self.since = self.since, None
        if since is not None:
            logger.warning("database reachable again after %.0f s", time.monotonic() - since)


outage = _Outage()


def database_check(stopping: threading.Event) -> JobResult:
    """First in every cycle of the background loop, as Django does at each request: close the
    connections that failed, aged or broke while idle, and connect again."""
    for conn in connections.all(initialized_only=True):
        conn.close_if_unusable_or_obsolete()
        if conn.connection is not None and not conn.is_usable():
            conn.close()
    try:
        connections[DEFAULT_DB_ALIAS].ensure_connection()
    except UNREACHABLE as exc:
        if not unreachable(exc):
            raise
        outage.begin(exc)
        return JobResult(0, "database unreachable")
    outage.end()
    return JobResult(0, "database connected")


class _QuietWorkerLog(logging.Filter):
    """On ``trantib.worker``: a job that failed because the database is unreachable is one
    line without a traceback, and none at all once :func:`database_check` reported the
    outage."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is None or not unreachable(exc):
            return True
        if outage.since is not None:
            return False
        record.msg = f"{record.getMessage()}: database unreachable ({_first_line(exc)})"
        record.args = ()
        record.exc_info = None
        record.exc_text = None
        return True


_quiet_worker = _QuietWorkerLog()


def database_check_register() -> None:
    """Run :func:`database_check` before every other periodic job (the core app's ready())."""
    periodic_job_register(
        "database", database_check, order=0, doing="checking the database connection"
    )
    worker_log = logging.getLogger("trantib.worker")
    if _quiet_worker not in worker_log.filters:
        worker_log.addFilter(_quiet_worker)
