"""``trantib apitoken create USERNAME [--name N] [--days D]``: print a new API token for a user;
``trantib apitoken revoke ID``: stop one working (as the operator at the server's console)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from trantib.accounts.models import AccessDoor
from trantib.api.models import ApiToken
from trantib.api.services import api_token_create, api_token_revoke
from trantib.core.errors import ServiceError


class Command(BaseCommand):
    help = "Create an API token for a user and print it (it is shown only once), or revoke one."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token and print it")
        create.add_argument("username")
        create.add_argument("--name", default="cli", help="what the token is for")
        create.add_argument(
            "--days", type=int, default=None, help="how long it works (default: 30 days)"
        )
        revoke = sub.add_parser("revoke", help="revoke a token now")
        revoke.add_argument("id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "revoke":
            self._revoke(options["id"])
            return
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}")
        if not user.is_active:
            raise CommandError(f"user {options['username']!r} is not active")
        try:
            row, token = api_token_create(
                user=user, name=options["name"], days=options["days"], door=AccessDoor.CLI
            )
        except ServiceError as refused:
            raise CommandError(f"--days: {refused.message}") from None
        self.stderr.write(f"token {row.pk}, valid until {row.expires_at:%Y-%m-%d %H:%M %Z}")
        self.stdout.write(token)

    def _revoke(self, token_id: int) -> None:
        token = ApiToken.objects.select_related("user").filter(pk=token_id).first()
        if token is None:
            raise CommandError(f"no token {token_id}")
        # The operator at the console acts as an administrator who holds no login of their own.
        operator = get_user_model()(username="operator", is_superuser=True)
        api_token_revoke(token=token, actor=operator, door=AccessDoor.CLI)
        self.stdout.write(f"token {token_id} of {token.user.get_username()} revoked")
