"""Reads of API tokens."""

from __future__ import annotations

from trantib.core.keys import key_digest

from .models import ApiToken


def api_token_find(token: str) -> ApiToken | None:
    """The active user's token with this value, or None (unknown, or the user is inactive)."""
    if not token:
        return None
    return (
        ApiToken.objects.filter(digest=key_digest(token), user__is_active=True)
        .select_related("user")
        .first()
    )
