"""``trantib org import FILE…`` — the organisation (units, positions, people, assignments) from
CSV or XLSX files filled in a spreadsheet; the layout is in ``docs/organisation-import.md``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from trantib.core.cli import add_as

from ...cli import actor_get
from ...services.org_import import ImportRefused, org_import_files


class Command(BaseCommand):
    help = "Work with the organisation: import units, positions and people from CSV or XLSX."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        imp = sub.add_parser(
            "import",
            help="import a workbook (sheets Unit, Jabatan, Pegawai, Penugasan) or CSV files "
            "(unit*.csv, jabatan*.csv, pegawai*.csv, penugasan*.csv): all rows or none",
        )
        imp.add_argument("files", nargs="+", metavar="FILE")
        imp.add_argument("--dry-run", action="store_true", help="check every row, save nothing")
        add_as(imp)

    def handle(self, *args: Any, **opts: Any) -> None:
        getattr(self, f"do_{opts['action']}")(**opts)

    def do_import(
        self, *, files: list[str], dry_run: bool, username: str | None, **opts: Any
    ) -> None:
        actor = actor_get(username)[1] if username else None
        try:
            result = org_import_files(paths=[Path(f) for f in files], actor=actor, dry_run=dry_run)
        except ImportRefused as refused:
            for problem in refused.problems:
                self.stdout.write(str(problem))
            self.stdout.write(
                _("Impor ditolak: %(n)d masalah; tidak ada yang disimpan.")
                % {"n": len(refused.problems)}
            )
            sys.exit(1)
        prefix = _("Diperiksa (tidak disimpan)") if dry_run else _("Diimpor")
        self.stdout.write(f"{prefix}: {result.summary()}")
