"""Reads of API tokens."""

from __future__ import annotations

import datetime as dt
import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from trantib.accounts.models import Person
from trantib.core.keys import key_digest
from trantib.core.rows import joined_instances, select_list

from .models import ApiToken


def api_token_find(token: str, *, now: dt.datetime | None = None) -> ApiToken | None:
    """The token with this value, if it still works: not expired, not revoked, and its user
    active; else None. The user's person comes in the same query (``token.user.person``,
    missing when the login has none): every API request asks for it."""
    if not token:
        return None
    now = now or timezone.now()
    if connection.vendor == "postgresql":
        return _token_find_sql(key_digest(token), now)
    return _token_find_orm(key_digest(token), now)


def _token_find_orm(digest: str, now: dt.datetime) -> ApiToken | None:
    return (
        ApiToken.objects.filter(
            digest=digest, user__is_active=True, revoked_at__isnull=True, expires_at__gt=now
        )
        .select_related("user", "user__person")
        .first()
    )


def _token_find_sql(digest: str, now: dt.datetime) -> ApiToken | None:
    """:func:`_token_find_orm` written out (PostgreSQL): it runs on every API request, and
    compiling it cost more than running it. ``test_tokens`` checks both find the same rows."""
    with connection.cursor() as cursor:
        cursor.execute(_token_sql(), [digest, now])
        row = cursor.fetchone()
    if row is None:
        return None
    user_model = get_user_model()
    found, user, person = joined_instances([ApiToken, user_model, Person], row)
    # As select_related leaves them: no query for the user, nor for a missing person.
    found.user = user
    user_model.person.related.set_cached_value(user, person)  # type: ignore[attr-defined]
    return found


@functools.cache
def _token_sql() -> str:
    q = connection.ops.quote_name
    t, u, p = (q(m._meta.db_table) for m in (ApiToken, get_user_model(), Person))
    return (
        f"SELECT {select_list(ApiToken, 't')}, {select_list(get_user_model(), 'u')},"  # noqa: S608 — quoted names
        f" {select_list(Person, 'p')} FROM {t} t JOIN {u} u ON u.{q('id')} = t.{q('user_id')}"
        f" LEFT JOIN {p} p ON p.{q('user_id')} = u.{q('id')}"
        f" WHERE t.{q('digest')} = %s AND u.{q('is_active')} AND t.{q('revoked_at')} IS NULL"
        f" AND t.{q('expires_at')} > %s"
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
