"""Creating, using and revoking API tokens. Each creation and revocation is an access event
(:mod:`trantib.accounts.services.logins`) in the same transaction."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trantib.accounts.models import AccessDoor, AccessEventType
from trantib.accounts.services import access_event_record
from trantib.core.errors import Invalid, NotFound
from trantib.core.keys import key_digest, key_new

from .models import ApiToken

TOKEN_PREFIX = "trt_"  # noqa: S105 (a prefix, recognisable in logs and secret scanners)
# Recording every request would turn each read into a write; once a minute is enough to see
# whether a token is still in use.
LAST_USED_GRANULARITY = dt.timedelta(minutes=1)


def api_token_days_check(days: int | None) -> int:
    """The lifetime asked for, or the default; refused past ``TRANTIB_API_TOKEN_MAX_DAYS``."""
    if days is None:
        return int(settings.TRANTIB_API_TOKEN_DAYS)
    most = int(settings.TRANTIB_API_TOKEN_MAX_DAYS)
    if not 1 <= days <= most:
        raise Invalid(
            _("Masa berlaku token 1 sampai %(most)d hari.") % {"most": most}, field="days"
        )
    return days


@transaction.atomic
def api_token_create(
    *,
    user: AbstractBaseUser,
    name: str = "",
    days: int | None = None,
    door: AccessDoor = AccessDoor.API,
    client: str = "",
    now: dt.datetime | None = None,
) -> tuple[ApiToken, str]:
    """A new token for ``user``, valid ``days`` (default ``TRANTIB_API_TOKEN_DAYS``): the row
    (which keeps only the digest) and the token itself, which is not stored anywhere and
    cannot be shown again."""
    now = now or timezone.now()
    lifetime = api_token_days_check(days)
    token = TOKEN_PREFIX + key_new()
    row = ApiToken.objects.create(
        user_id=user.pk,
        name=name.strip()[:100],
        digest=key_digest(token),
        created_at=now,
        expires_at=now + dt.timedelta(days=lifetime),
    )
    access_event_record(
        type=AccessEventType.TOKEN_CREATED,
        door=door,
        user=user,
        client=client,
        data={"token": row.pk, "name": row.name, "expires_at": row.expires_at.isoformat()},
        at=now,
    )
    return row, token


def api_token_may_revoke(*, token: ApiToken, user: AbstractBaseUser) -> bool:
    """Its owner, or an administrator allowed to change tokens."""
    return token.user_id == user.pk or bool(
        getattr(user, "is_superuser", False) or user.has_perm("api.change_apitoken")  # type: ignore[attr-defined]
    )


@transaction.atomic
def api_token_revoke(
    *,
    token: ApiToken,
    actor: AbstractBaseUser,
    door: AccessDoor,
    client: str = "",
    now: dt.datetime | None = None,
) -> ApiToken:
    """Stop ``token`` working now. Its owner or an administrator may; anyone else is told it
    does not exist. Revoking a revoked token changes nothing."""
    if not api_token_may_revoke(token=token, user=actor):
        raise NotFound(_("Token tidak ditemukan."), field="id")
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    now = now or timezone.now()
    token.revoked_at, token.revoked_by_id = now, actor.pk
    token.save(update_fields=["revoked_at", "revoked_by"])
    access_event_record(
        type=AccessEventType.TOKEN_REVOKED,
        door=door,
        user=token.user,
        client=client,
        data={"token": token.pk, "name": token.name, "by": actor.get_username()},
        at=now,
    )
    return token


def api_token_used(*, token: ApiToken, now: dt.datetime | None = None) -> None:
    """Note that the token was used (at most once per ``LAST_USED_GRANULARITY``)."""
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_GRANULARITY:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
