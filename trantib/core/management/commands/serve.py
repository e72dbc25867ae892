"""``trantib serve`` — the product on one machine: static files collected, then gunicorn.

Unless ``--no-worker``, the background worker (jobs and the deadline sweep, see ``trantib
worker``) runs in a daemon thread of this process, so overdue tasks are marked within a minute
with no second process. gunicorn then runs as a child: forking a process that has threads is
unsafe, starting one with ``exec`` is not. With ``--no-worker`` this process becomes gunicorn.
"""

from __future__ import annotations

import ipaddress
import os
import signal
import subprocess
import sys
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


def served_url(host: str, port: int) -> str:
    """The address this server answers on, for links in messages when ``TRANTIB_PUBLIC_URL``
    is unset. A wildcard bind (0.0.0.0, ::) is reached on this machine as 127.0.0.1; set
    ``TRANTIB_PUBLIC_URL`` for the address phones use."""
    if host in ("", "0.0.0.0", "::", "[::]"):  # noqa: S104 — naming the wildcard, not binding it
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def served_url_export(host: str, port: int) -> str:
    """Tell this process (the worker thread writes SMS) and gunicorn (through the environment)
    where the server listens."""
    url = served_url(host, port)
    os.environ["TRANTIB_SERVED_URL"] = url
    settings.TRANTIB_SERVED_URL = url
    return url


class Command(BaseCommand):
    help = "Serve Trantib with gunicorn (static files through whitenoise) and the worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="do not run the background worker in this process (run 'trantib worker')",
        )

    def handle(
        self, *args: Any, host: str, port: int, workers: int, no_worker: bool, **opts: Any
    ) -> None:
        if not 0 < port < 65536:
            raise CommandError(f"--port: {port} is not a port number")
        served_url_export(host, port)
        call_command("collectstatic", interactive=False, verbosity=0)
        gunicorn = Path(sys.executable).with_name("gunicorn")
        if not gunicorn.exists():
            raise CommandError(f"gunicorn not found next to {sys.executable}; run: make run")
        argv = [
            str(gunicorn),
            "config.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
            # gunicorn believes X-Forwarded-Proto from the same proxies Django does, no others.
            "--forwarded-allow-ips",
            ",".join(
                str(ipaddress.ip_network(entry, strict=False))
                for entry in settings.TRANTIB_TRUSTED_PROXIES
            ),
        ]
        if no_worker:
            self.stdout.write(f"Trantib: http://{host}:{port}/  (Ctrl-C to stop)")
            self.stdout.flush()
            # exec: gunicorn's arbiter handles SIGTERM/SIGINT and stops its workers cleanly.
            os.execv(str(gunicorn), argv)  # noqa: S606 — our own venv's gunicorn, fixed arguments
        self._serve_with_worker(argv, host=host, port=port)

    def _serve_with_worker(self, argv: list[str], *, host: str, port: int) -> None:
        from trantib.core.worker import worker_thread_start

        stop_signal: list[int] = []
        server: subprocess.Popen[bytes] | None = None

        def forward(signum: int, frame: FrameType | None) -> None:
            # gunicorn's arbiter stops its workers cleanly; we stop when it has.
            stop_signal.append(signum)
            loop.stop()
            if server is not None and server.poll() is None:
                server.send_signal(signum)

        loop = worker_thread_start()
        signal.signal(signal.SIGTERM, forward)
        signal.signal(signal.SIGINT, forward)
        self.stdout.write(
            f"Trantib: http://{host}:{port}/  (Ctrl-C to stop; background worker in this process)"
        )
        self.stdout.flush()
        code = 0
        if not stop_signal:
            server = subprocess.Popen(argv)  # noqa: S603 — our own venv's gunicorn, fixed arguments
            if stop_signal and server.poll() is None:  # a signal came while it was starting
                server.send_signal(stop_signal[0])
            code = server.wait()
        loop.stop()
        if loop.thread is not None:
            loop.thread.join(timeout=30)
        if code < 0 and -code in stop_signal:
            code = 0  # stopped by the signal we passed on before gunicorn took it over
        if code:
            raise SystemExit(code if code > 0 else 128 - code)
