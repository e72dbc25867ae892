"""``trantib backup [--output DIR_OR_FILE]`` — the database and the uploaded files in one
``.tar.gz`` with a manifest (default ``var/backups/trantib-YYYYMMDD-HHMMSS.tar.gz``).
With the files in object storage (``TRANTIB_STORAGE=s3``) it refuses unless ``--database-only``.

Progress goes to stdout line by line; a refusal is one line on stderr, exit status 2. See
docs/BACKUP.md for restoring and scheduling.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from trantib.backups.services import backup_create
from trantib.core.cli import service_errors


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one archive."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            metavar="DIR_OR_FILE",
            help="the archive to write, or a folder for the default name "
            "(default: TRANTIB_BACKUP_DIR, var/backups/)",
        )
        parser.add_argument(
            "--database", default="default", help="the database alias (default: default)"
        )
        parser.add_argument(
            "--database-only",
            action="store_true",
            help="leave the uploaded files out (needed with TRANTIB_STORAGE=s3: back the "
            "bucket up by itself)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with service_errors():
            backup_create(
                output=options["output"] or None,
                using=options["database"],
                progress=self.stdout.write,
                database_only=options["database_only"],
            )
