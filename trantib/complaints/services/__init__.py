"""Taking complaints in from every channel, and telling the reporter the outcome.

``complaint_file`` is the one door: the counter/phone form, the public web form, the SMS
webhook, Open311 and the API all call it. In one transaction it checks the input, routes the
complaint to a unit, opens a case of the category's SOP there (its first step — the Pelapor's
report — done with the channel, the description and the place), keeps the photos on the case,
gives the complaint its tracking number and writes the receipt to the reporter into the outbox.

The SOP's last step is the answer to the reporter. :class:`ReporterAnswerHook` (registered in
``apps.py``) makes it a closing condition: it refuses a channel the reporter cannot be reached
on, fills the time of an answer the outbox sends, writes that message, and passes the outcome
on to the reporters of linked duplicates.

The modules: ``intake`` (``complaint_file``, input checks, routing, the rate limit, who sees a
reporter), ``tracking`` (tracking numbers, kept out of text that travels), ``messages`` (the
receipt and every message to the reporter), ``duplicates`` (linking two complaints about one
problem), ``answer`` (the closing condition, and the answer passed on to duplicates),
``authority`` (a complaint outside the unit's authority; the complaint follows a hand-over),
``publicity`` (who lets a complaint into the public feed; the public lookups' rate limits).

This package is the complaints app's public surface for changes: other apps import from here,
never from the modules inside.
"""

from .answer import ReporterAnswerHook, complaint_sop_guard
from .authority import NOT_AUTHORITY, complaint_follows_case, complaint_not_authority
from .duplicates import complaint_mark_duplicate, distance_metres
from .intake import (
    DESCRIPTION_MAX,
    INTAKE_ROLES,
    Photos,
    complaint_file,
    complaint_route,
    holds_intake_role,
    intake_units_of,
    may_see_identity,
    rate_limit_take,
    routing_rules,
)
from .publicity import (
    complaint_public_set,
    lookup_rate_take,
    lookup_rate_window,
    may_decide_public,
    open311_read_rate_take,
    open311_read_rate_window,
)
from .tracking import TRACKING_ALPHABET, status_url, tracking_new, tracking_normalise, untracked

__all__ = [
    "DESCRIPTION_MAX",
    "INTAKE_ROLES",
    "NOT_AUTHORITY",
    "TRACKING_ALPHABET",
    "Photos",
    "ReporterAnswerHook",
    "complaint_file",
    "complaint_follows_case",
    "complaint_mark_duplicate",
    "complaint_not_authority",
    "complaint_public_set",
    "complaint_route",
    "complaint_sop_guard",
    "distance_metres",
    "holds_intake_role",
    "intake_units_of",
    "lookup_rate_take",
    "lookup_rate_window",
    "may_decide_public",
    "may_see_identity",
    "open311_read_rate_take",
    "open311_read_rate_window",
    "rate_limit_take",
    "routing_rules",
    "status_url",
    "tracking_new",
    "tracking_normalise",
    "untracked",
]
