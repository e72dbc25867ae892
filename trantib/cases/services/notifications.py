"""In-app notices: reading them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from trantib.accounts.models import Person

from ..models import Notification


@transaction.atomic
def notifications_mark_read(
    *, person: Person, ids: Sequence[int] | None = None, now: dt.datetime | None = None
) -> int:
    """Mark ``person``'s unread notices read (only those in ``ids`` when given); how many."""
    qs = Notification.objects.filter(recipient=person, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=now or timezone.now())
