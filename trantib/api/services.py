"""Creating API tokens and recording their use."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from trantib.core.keys import key_digest, key_new

from .models import ApiToken

TOKEN_PREFIX = "trt_"  # noqa: S105 (a prefix, recognisable in logs and secret scanners)
# Recording every request would turn each read into a write; once a minute is enough to see
# whether a token is still in use.
LAST_USED_GRANULARITY = dt.timedelta(minutes=1)


@transaction.atomic
def api_token_create(
    *, user: AbstractBaseUser, name: str = "", now: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token for ``user``: the row (which keeps only the digest) and the token itself,
    which is not stored anywhere and cannot be shown again."""
    token = TOKEN_PREFIX + key_new()
    row = ApiToken.objects.create(
        user_id=user.pk,
        name=name.strip()[:100],
        digest=key_digest(token),
        created_at=now or timezone.now(),
    )
    return row, token


def api_token_used(*, token: ApiToken, now: dt.datetime | None = None) -> None:
    """Note that the token was used (at most once per ``LAST_USED_GRANULARITY``)."""
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_GRANULARITY:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
