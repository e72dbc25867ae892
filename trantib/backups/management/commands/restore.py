"""``trantib restore FILE [--force]`` — put a ``trantib backup`` archive back into the
configured database and media folder.

Refuses with one line (exit status 2) and changes nothing when the file is missing or not a
backup, a checksum does not match, the backup's database vendor is not the configured one, the
backup comes from a newer Trantib, or the database or the media folder is not empty.
``--force`` replaces a non-empty database and media folder instead; what it replaces is
renamed aside (SQLite file, media folder) or dropped object by object by pg_restore --clean.
Stop the server and the worker first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from trantib.backups.services import backup_restore
from trantib.core.cli import service_errors


class Command(BaseCommand):
    help = "Restore a backup into an empty database (and the media folder)."
    # The target database is empty: system checks that read it would fail before the restore.
    requires_system_checks: list[str] = []  # type: ignore[assignment]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="an archive written by trantib backup")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database and a media folder that are not empty "
            "(the old SQLite file and media folder are renamed aside)",
        )
        parser.add_argument(
            "--database", default="default", help="the database alias (default: default)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with service_errors():
            result = backup_restore(
                path=Path(options["file"]),
                force=options["force"],
                using=options["database"],
                progress=self.stdout.write,
            )
        for path in result.set_aside:
            self.stdout.write(
                f"kept the replaced {path.name.split('.before-restore-')[0]} as {path}"
            )
        pending = result.pending_migrations
        if pending:
            names = ", ".join(pending[:3]) + (", …" if len(pending) > 3 else "")
            self.stdout.write(
                f"the code has newer migrations for {len(pending)} app(s) ({names}): "
                "run `trantib migrate`"
            )
        self.stdout.write("restored; check it with `trantib audit verify`")
