"""``trantib audit verify`` — recompute every case's event chain and name the first bad event.

Exit status 0 when every chain is intact, 1 when one is not (a row edited, deleted or reordered
behind the application's back), so a cron job or a monitoring check can call it.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from trantib.cases.audit import chain_verify


class Command(BaseCommand):
    help = "Check the tamper-evident audit trail."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sub.add_parser("verify", help="recompute every case's hash chain")

    def handle(self, *args: Any, **opts: Any) -> None:
        result = chain_verify()
        if result.ok:
            self.stdout.write(f"{result.cases} cases, {result.events} events: chain intact")
            return
        for problem in result.problems:
            self.stdout.write(str(problem))
        self.stdout.write(
            f"{result.cases} cases, {result.events} events: {len(result.problems)} broken chain(s)"
        )
        sys.exit(1)
