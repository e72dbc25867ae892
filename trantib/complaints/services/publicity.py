"""What the public may see of complaints: the staff's decision, and the public lookups' limits.

``complaint_public_set`` is the one way a complaint enters or leaves the public feed after
intake (``complaints.public`` has the rule applied at intake). The intake roles of the handling
unit decide — the same people who see a confidential reporter — and each change is an event on
the complaint's own audit chain. A confidential complaint can never be made public.

The public lookups are rate limited per client (:mod:`trantib.core.ratelimit`), apart from the
limit on filing: :func:`lookup_rate_take` counts lookups by tracking number (the status page
``/lacak/<tracking>/``, Open311 ``tokens/``, an SMS ``CEK``), :func:`open311_read_rate_take`
the reads of Open311 service requests (the list and one request). A lookup is counted in a
transaction of its own, before it is made, so a miss counts as much as a hit.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trantib.accounts.models import Person
from trantib.core import ratelimit
from trantib.core.audit import audit_record
from trantib.core.errors import Invalid, NotAllowed

from ..models import Complaint, ComplaintEvent
from .intake import holds_intake_role

LOOKUP_SCOPE = "complaint-lookup"
OPEN311_READ_SCOPE = "open311-read"


def may_decide_public(person: Person | None, complaint: Complaint) -> bool:
    """Whether ``person`` decides if ``complaint`` is public: an intake role of its unit."""
    return holds_intake_role(person, complaint.unit)


@transaction.atomic
def complaint_public_set(
    *, complaint: Complaint, actor: Person, public: bool, now: dt.datetime | None = None
) -> Complaint:
    """Let ``complaint`` into the public feed (``public=True``) or take it out. Asking for
    what already holds changes nothing and records nothing."""
    now = now or timezone.now()
    complaint = (
        Complaint.objects.select_for_update().select_related("unit", "case").get(pk=complaint.pk)
    )
    if not may_decide_public(actor, complaint):
        raise NotAllowed(
            _(
                "Hanya Staf, Kasi Trantib atau Camat unit yang menangani yang dapat menentukan "
                "apakah pengaduan ini tampil untuk umum."
            ),
            field="public",
        )
    if public and complaint.confidential:
        raise Invalid(
            _(
                "Pengaduan ini dirahasiakan atas permintaan pelapor, jadi tidak dapat "
                "ditampilkan untuk umum."
            ),
            field="public",
        )
    if complaint.public == public:
        return complaint
    before = complaint.public
    complaint.public = public
    complaint.save(update_fields=["public"])
    audit_record(
        subject=complaint,
        type=ComplaintEvent.MADE_PUBLIC if public else ComplaintEvent.MADE_PRIVATE,
        actor_id=actor.pk,
        unit_id=complaint.unit_id,
        at=now,
        data={
            "before": before,
            "after": public,
            "channel": complaint.channel,
            "case": complaint.case.number,
        },
    )
    return complaint


def _limit(name: str) -> int:
    # The defaults live once, in config/settings.py (and can be set from the environment).
    return int(getattr(settings, name))


def lookup_rate_window() -> int:
    """The lookups' window in seconds (``TRANTIB_LOOKUP_RATE_WINDOW``): a ``Retry-After``."""
    return _limit("TRANTIB_LOOKUP_RATE_WINDOW")


def open311_read_rate_window() -> int:
    """The Open311 reads' window in seconds (``TRANTIB_OPEN311_READ_RATE_WINDOW``)."""
    return _limit("TRANTIB_OPEN311_READ_RATE_WINDOW")


def _take(
    *, scope: str, client: str, limit: int, window: int, message: str, now: dt.datetime | None
) -> None:
    # Its own transaction (a savepoint inside another): the count stays whatever the lookup
    # finds.
    with transaction.atomic():
        ratelimit.rate_limit_take(
            scope=scope, client=client, limit=limit, window=window, now=now, message=message
        )


def lookup_rate_take(*, client: str, now: dt.datetime | None = None) -> None:
    """Count one lookup by tracking number of ``client`` (an address, ``sms|+62…``), or raise
    ``TooMany`` past ``TRANTIB_LOOKUP_RATE_LIMIT`` per ``TRANTIB_LOOKUP_RATE_WINDOW`` seconds."""
    window = lookup_rate_window()
    _take(
        scope=LOOKUP_SCOPE,
        client=client,
        limit=_limit("TRANTIB_LOOKUP_RATE_LIMIT"),
        window=window,
        now=now,
        message=_(
            "Terlalu banyak pencarian nomor pelacakan dari perangkat ini dalam %(minutes)s "
            "menit terakhir. Coba lagi nanti."
        )
        % {"minutes": max(1, window // 60)},
    )


def open311_read_rate_take(*, client: str, now: dt.datetime | None = None) -> None:
    """Count one read of Open311 service requests by ``client``, or raise ``TooMany`` past
    ``TRANTIB_OPEN311_READ_RATE_LIMIT`` per ``TRANTIB_OPEN311_READ_RATE_WINDOW`` seconds."""
    window = open311_read_rate_window()
    _take(
        scope=OPEN311_READ_SCOPE,
        client=client,
        limit=_limit("TRANTIB_OPEN311_READ_RATE_LIMIT"),
        window=window,
        now=now,
        message=_(
            "Terlalu banyak permintaan dari klien ini dalam %(minutes)s menit terakhir. "
            "Coba lagi nanti."
        )
        % {"minutes": max(1, window // 60)},
    )
