"""Reads of API tokens."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone

from trantib.core.keys import key_digest

from .models import ApiToken


def api_token_find(token: str, *, now: dt.datetime | None = None) -> ApiToken | None:
    """The token with this value, if it still works: not expired, not revoked, and its user
    active; else None. The user's person comes in the same query (``token.user.person``,
    missing when the login has none): every API request asks for it."""
    if not token:
        return None
    return (
        ApiToken.objects.filter(
            digest=key_digest(token),
            user__is_active=True,
            revoked_at__isnull=True,
            expires_at__gt=now or timezone.now(),
        )
        .select_related("user", "user__person")
        .first()
    )


def api_token_list_for_user(
    user: AbstractBaseUser, *, now: dt.datetime | None = None
) -> QuerySet[ApiToken]:
    """The user's own tokens that still work, newest first."""
    return ApiToken.objects.filter(
        user_id=user.pk, revoked_at__isnull=True, expires_at__gt=now or timezone.now()
    ).order_by("-created_at", "-pk")


def api_token_get_for_user(user: AbstractBaseUser, token_id: int) -> ApiToken | None:
    """A token the user may see: their own, or any for an administrator who manages tokens."""
    found = ApiToken.objects.filter(pk=token_id).select_related("user").first()
    if found is None:
        return None
    if found.user_id == user.pk or getattr(user, "is_superuser", False):
        return found
    return found if user.has_perm("api.change_apitoken") else None  # type: ignore[attr-defined]
