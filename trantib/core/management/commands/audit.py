"""``trantib audit verify`` — recompute every hash chain (each case's, and each other
record's: assignments, SOP versions…) and name the first bad event of each broken one.

Exit status 0 when every chain is intact, 1 when one is not (a row edited, deleted or reordered
behind the application's back), so a cron job or a monitoring check can call it.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from trantib.core.audit import chains_verify


class Command(BaseCommand):
    help = "Check the tamper-evident audit trail."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sub.add_parser("verify", help="recompute every case's and record's hash chain")

    def handle(self, *args: Any, **opts: Any) -> None:
        broken = 0
        for report in chains_verify():
            for problem in report.problems:
                self.stdout.write(str(problem))
            state = f"{len(report.problems)} broken chain(s)" if report.problems else "chain intact"
            self.stdout.write(f"{report.subjects} {report.label}, {report.events} events: {state}")
            broken += len(report.problems)
        if broken:
            sys.exit(1)
