"""``trantib outbox list|retry|deliver`` — the notification outbox from the server's console.

``list`` shows the newest messages (``--status dead`` for the dead letters), ``retry ID`` puts
a dead letter back in the queue, ``deliver`` runs one delivery pass now (the worker does the
same every cycle). Bad input is one line naming the argument, exit status 2.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from trantib.accounts import cli as org_cli
from trantib.core import cli
from trantib.outbox import selectors, services
from trantib.outbox.models import OutboxMessage


class Command(BaseCommand):
    help = "The notification outbox: list messages, retry a dead letter, deliver now."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        lst = sub.add_parser("list", help="the newest messages, or those of one status")
        lst.add_argument(
            "--status",
            default="",
            metavar="STATUS",
            help=f"only messages in this state ({', '.join(OutboxMessage.Status.values)})",
        )
        lst.add_argument("--limit", type=int, default=50, metavar="N", help="at most N rows")
        retry = sub.add_parser("retry", help="send a dead letter again")
        retry.add_argument("message_id", type=int, metavar="ID")
        deliver = sub.add_parser("deliver", help="one delivery pass of the due messages")
        deliver.add_argument("--limit", type=int, default=50, metavar="N", help="at most N")

    def handle(self, *args: Any, **opts: Any) -> None:
        getattr(self, f"do_{opts['action']}")(**opts)

    def do_list(self, *, status: str, limit: int, **opts: Any) -> None:
        if limit <= 0:
            raise cli.fail("--limit", f"{limit} is not a positive number")
        if status and status not in OutboxMessage.Status.values:
            known = ", ".join(OutboxMessage.Status.values)
            raise cli.fail("--status", f"no status '{status}' (known: {known})")
        with cli.service_errors():
            rows = list(selectors.outbox_message_list(status=status, limit=limit))
        if not rows:
            self.stdout.write("No messages.")
            return
        headers = ["ID", "Created", "Status", "Channel", "Kind", "To", "Tries", "Last error"]
        table = [
            [
                m.pk,
                org_cli.local(m.created_at, m.unit),
                m.status,
                m.channel,
                m.kind or "-",
                m.recipient_masked or "-",
                m.attempts,
                cli.clip(m.last_error.replace("\n", " "), 60) or "-",
            ]
            for m in rows
        ]
        for line in cli.table(headers, table):
            self.stdout.write(line)

    def do_retry(self, *, message_id: int, **opts: Any) -> None:
        with cli.service_errors():
            message = selectors.outbox_message_get(message_id=message_id)
            message = services.outbox_retry(message=message)
        due = org_cli.local(message.next_attempt_at, message.unit)
        self.stdout.write(f"message {message.pk} is pending again (due {due})")

    def do_deliver(self, *, limit: int, **opts: Any) -> None:
        if limit <= 0:
            raise cli.fail("--limit", f"{limit} is not a positive number")
        try:
            result = services.outbox_deliver(now=timezone.now(), limit=limit)
        except ImproperlyConfigured as exc:
            raise cli.fail("settings", str(exc)) from None
        self.stdout.write(
            f"outbox: {result.sent} message(s) sent, {result.failed} to retry, {result.dead} dead"
        )
