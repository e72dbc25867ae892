"""``trantib open311 key create NAME | list | revoke NAME``: the applications allowed to post
Open311 service requests.

``create`` prints the new ``api_key`` once; only its SHA-256 digest is stored. Bad input is one
line naming the argument, exit status 2.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from trantib.complaints.models import Open311Client
from trantib.complaints.open311 import open311_client_create, open311_client_revoke
from trantib.core.cli import fail, service_errors
from trantib.core.errors import ServiceError


class Command(BaseCommand):
    help = "Manage Open311 api_keys: create (printed once), list, revoke."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        key = sub.add_parser("key", help="the api_keys of Open311 client applications")
        actions = key.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="create a client and print its api_key")
        create.add_argument("name", help="the application's name (unique)")
        actions.add_parser("list", help="list the clients")
        revoke = actions.add_parser("revoke", help="stop a client's api_key from working")
        revoke.add_argument("name")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            self._list()
            return
        try:
            if action == "create":
                _client, key = open311_client_create(name=options["name"])
                self.stdout.write(key)
            else:
                client = open311_client_revoke(name=options["name"])
                self.stdout.write(f"revoked {client.name}")
        except ServiceError as exc:
            if exc.field == "name":
                raise fail("NAME", exc.message) from None
            with service_errors():
                raise

    def _list(self) -> None:
        for client in Open311Client.objects.order_by("name"):
            state = "active" if client.active else "revoked"
            created = timezone.localtime(client.created_at).strftime("%Y-%m-%d %H:%M")
            self.stdout.write(f"{client.name}\t{state}\t{created}")
