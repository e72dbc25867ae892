"""``trantib serve`` — the product on one machine: static files collected, then gunicorn."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Serve Trantib with gunicorn (static files through whitenoise)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args: Any, host: str, port: int, workers: int, **opts: Any) -> None:
        if not 0 < port < 65536:
            raise CommandError(f"--port: {port} is not a port number")
        call_command("collectstatic", interactive=False, verbosity=0)
        gunicorn = Path(sys.executable).with_name("gunicorn")
        if not gunicorn.exists():
            raise CommandError(f"gunicorn not found next to {sys.executable}; run: make run")
        self.stdout.write(f"Trantib: http://{host}:{port}/  (Ctrl-C to stop)")
        self.stdout.flush()
        # exec: gunicorn's arbiter handles SIGTERM/SIGINT and stops its workers cleanly.
        # A later issue starts the in-process task worker here, before exec.
        os.execv(  # noqa: S606 — our own venv's gunicorn, fixed arguments
            str(gunicorn),
            [
                str(gunicorn),
                "config.wsgi:application",
                "--bind",
                f"{host}:{port}",
                "--workers",
                str(workers),
                "--access-logfile",
                "-",
            ],
        )
