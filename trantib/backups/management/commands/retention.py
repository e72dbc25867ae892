"""``trantib retention report [--on YYYY-MM-DD]`` — per line of the retention schedule (JRA),
how many records are finished and how many are past their retention period.

It only lists: nothing is deleted, moved or marked, ever, by this or any other command. What is
past its period goes through the archive procedure (usul musnah, penyerahan to the Lembaga
Kearsipan, reappraisal), done by people. ``--on`` reports as of another day (planning).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from trantib.backups.selectors import retention_report
from trantib.core.cli import fail, table


class Command(BaseCommand):
    help = "Report records past their retention period (JRA). Deletes nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        report = sub.add_parser("report", help="count records past their retention period")
        report.add_argument("--on", metavar="YYYY-MM-DD", help="as of this day (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        on = None
        if options["on"]:
            try:
                on = dt.date.fromisoformat(options["on"])
            except ValueError:
                raise fail("--on", f"not a date like 2026-12-31: {options['on']!r}") from None
        lines = retention_report(on=on)
        rows = [
            (
                line.rule.record_type,
                line.rule.sop_code or "-",
                line.rule.active_years,
                line.rule.inactive_years,
                line.rule.disposition,
                line.finished,
                line.past,
                line.cutoff.isoformat(),
            )
            for line in lines
        ]
        headers = [
            "record type",
            "SOP",
            "active",
            "inactive",
            "disposition",
            "finished",
            "past retention",
            "finished before",
        ]
        for text in table(headers, rows):
            self.stdout.write(text)
        past = sum(line.past for line in lines)
        self.stdout.write(
            f"{past} record(s) past their retention period. Nothing was deleted: "
            "dispose of them through the archive procedure (docs/BACKUP.md)."
        )
