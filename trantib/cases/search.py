"""The search box's answer for cases: by number (an exact number first, through its unique
index) and by subject, within the user's units (:func:`selectors.case_list_for_user`).

Bounded: an exact number is one indexed lookup; otherwise the user's units' cases are
filtered on number and subject and at most ``limit`` of them, newest first, are read.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from trantib.core.dates import date_id
from trantib.core.search import SearchHit, UserLike

from .models import Case, CaseStatus
from .selectors import case_list_for_user


def _hit(case: Case, *, exact: bool = False) -> SearchHit:
    status = CaseStatus(case.status).label
    opened = date_id(case.opened_at.astimezone(case.unit.zone()).date())
    subject = case.subject if len(case.subject) <= 100 else f"{case.subject[:99]}…"
    return SearchHit(
        kind=_("Kasus"),
        title=case.number,
        subtitle=f"{subject} · {status} · {opened}",
        url=reverse("cases:detail", args=[case.pk]),
        unit_code=case.unit.code,
        exact=exact,
    )


def cases_search(user: UserLike, query: str, limit: int) -> list[SearchHit]:
    exact = case_list_for_user(user).filter(number=query.upper()).first()
    if exact is not None:
        return [_hit(exact, exact=True)]
    found = case_list_for_user(user, query=query)
    return [_hit(case) for case in found.order_by("-opened_at", "-pk")[:limit]]
