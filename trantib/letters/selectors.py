"""Reading letters: always through the user's units (a letter of another unit is "not found")."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet

from trantib.accounts.selectors import UserLike, units_for_user
from trantib.core.errors import NotFound

from .models import Disposition, IncomingLetter, Letter, Review


def letter_list_for_user(
    user: UserLike,
    *,
    kind: str = "",
    state: str = "",
    signer: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
    query: str = "",
    case_id: int | None = None,
) -> QuerySet[Letter]:
    """The letters of the user's units, newest first, filtered (``query`` searches the number
    and the hal; ``signer`` the signer's name)."""
    qs = Letter.objects.filter(unit__in=units_for_user(user)).select_related("unit", "case")
    if kind:
        qs = qs.filter(kind=kind)
    if state:
        qs = qs.filter(state=state)
    if signer:
        qs = qs.filter(signer_name__icontains=signer)
    if since:
        qs = qs.filter(Q(dated__gte=since) | Q(dated__isnull=True, created_at__date__gte=since))
    if until:
        qs = qs.filter(Q(dated__lte=until) | Q(dated__isnull=True, created_at__date__lte=until))
    if query:
        qs = qs.filter(Q(number__icontains=query) | Q(hal__icontains=query))
    if case_id is not None:
        qs = qs.filter(case_id=case_id)
    return qs.order_by("-created_at", "-pk")


def letter_get_for_user(user: UserLike, letter_id: int) -> Letter:
    found = (
        Letter.objects.filter(pk=letter_id, unit__in=units_for_user(user))
        .select_related("unit", "case", "signer", "created_by", "register")
        .prefetch_related(
            Prefetch("reviews", queryset=Review.objects.select_related("person")), "deliveries"
        )
        .first()
    )
    if found is None:
        raise NotFound("letter")
    return found


def letter_by_code(code: str) -> Letter | None:
    """The signed (or cancelled) letter behind a verification code: the public page's read."""
    if not code or len(code) > 32:
        return None
    return (
        Letter.objects.filter(verify_code=code)
        .exclude(verify_code="")
        .select_related("unit")
        .first()
    )


def incoming_list_for_user(
    user: UserLike,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    query: str = "",
    unit: str = "",
) -> QuerySet[IncomingLetter]:
    """The incoming letters of the user's units, newest received first, filtered by the day
    received and a search of the agenda number, the letter's number, sender and perihal."""
    qs = (
        IncomingLetter.objects.filter(unit__in=units_for_user(user))
        .select_related("unit", "recorded_by")
        .prefetch_related(
            Prefetch(
                "dispositions",
                queryset=Disposition.objects.select_related(
                    "from_person", "to_person", "done_by", "case"
                ).order_by("created_at", "pk"),
            )
        )
    )
    if since:
        qs = qs.filter(received_on__gte=since)
    if until:
        qs = qs.filter(received_on__lte=until)
    if unit:
        qs = qs.filter(unit__code=unit)
    if query:
        qs = qs.filter(
            Q(agenda_number__icontains=query)
            | Q(number__icontains=query)
            | Q(sender__icontains=query)
            | Q(subject__icontains=query)
        )
    return qs.order_by("-received_on", "-agenda_serial", "-pk")


def incoming_get_for_user(user: UserLike, incoming_id: int) -> IncomingLetter:
    found = incoming_list_for_user(user).filter(pk=incoming_id).first()
    if found is None:
        raise NotFound("incoming letter")
    return found


def disposition_get_for_user(user: UserLike, disposition_id: int) -> Disposition:
    found = (
        Disposition.objects.filter(pk=disposition_id, incoming__unit__in=units_for_user(user))
        .select_related("incoming__unit", "to_person", "from_person", "case")
        .first()
    )
    if found is None:
        raise NotFound("disposition")
    return found
