"""Reads of API tokens."""

from __future__ import annotations

from trantib.accounts.models import Person

from .models import ApiToken
from .services import token_digest


def api_token_find(token: str) -> ApiToken | None:
    """The active user's token with this value, or None (unknown, or the user is inactive)."""
    if not token:
        return None
    return (
        ApiToken.objects.filter(digest=token_digest(token), user__is_active=True)
        .select_related("user")
        .first()
    )


def person_for_username(username: str) -> Person | None:
    """The person behind a login name, or None. Whether they may be given a task is the
    service's question, not this one's."""
    if not username:
        return None
    return Person.objects.filter(user__username=username).select_related("user").first()
