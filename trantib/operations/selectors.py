"""Reading operation files: always through the user's units (another unit's file is a 404)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from trantib.accounts.selectors import UserLike, units_for_user
from trantib.core.errors import NotFound
from trantib.letters.models import Letter, LetterState

from .models import Incident, Operation, SeizedItem, Team

# The letters that are an operation's basis (the SOP's own Surat Perintah / Surat Tugas).
BASIS_KINDS = ("surat_perintah", "surat_perintah_tugas")


def operation_list_for_user(user: UserLike, *, query: str = "") -> QuerySet[Operation]:
    qs = (
        Operation.objects.filter(unit__in=units_for_user(user))
        .select_related("unit", "case", "commander")
        .defer("case__state")
        .order_by("-day", "-pk")
    )
    if query:
        qs = qs.filter(
            Q(case__number__icontains=query)
            | Q(case__subject__icontains=query)
            | Q(places__name__icontains=query)
        ).distinct()
    return qs


def operation_get_for_user(user: UserLike, operation_id: int) -> Operation:
    found = (
        operation_list_for_user(user)
        .prefetch_related(
            "places",
            "partners",
            "readiness__checked_by",
            # The log shows, per line, the line it corrects and whether it was corrected.
            Prefetch(
                "incidents",
                queryset=Incident.objects.select_related(
                    "recorded_by", "corrects"
                ).prefetch_related(
                    Prefetch("corrections", queryset=Incident.objects.only("pk", "corrects_id"))
                ),
            ),
            "escalations__recorded_by",
            "results__violator",
            Prefetch(
                "teams", queryset=Team.objects.select_related("leader").prefetch_related("members")
            ),
            Prefetch(
                "items",
                queryset=SeizedItem.objects.select_related("owner", "seizure_letter", "end_letter"),
            ),
        )
        .filter(pk=operation_id)
        .first()
    )
    if found is None:
        raise NotFound(_("Berkas operasi tidak ditemukan."), field="operation")
    return found


def operation_for_case(case_id: int) -> Operation | None:
    return Operation.objects.filter(case_id=case_id).first()


def operation_basis(operation: Operation) -> tuple[str, dt.date | None]:
    """The Surat Perintah the operation rests on: the case's own signed letter (number and
    date), else what was typed for one made outside Trantib."""
    letter = (
        Letter.objects.filter(
            case_id=operation.case_id, kind__in=BASIS_KINDS, state=LetterState.SIGNED
        )
        .exclude(number="")
        .order_by("pk")
        .first()
    )
    if letter is not None:
        return letter.number, letter.dated
    return operation.basis_number, operation.basis_date


def seized_items_for_user(
    user: UserLike, *, state: str = "", operations: list[int] | None = None
) -> QuerySet[SeizedItem]:
    """The items of the user's units; ``operations``: only the items of those operations (a
    report's figure links to its operations' items)."""
    qs = (
        SeizedItem.objects.filter(unit__in=units_for_user(user))
        .select_related("unit", "operation__case", "owner", "seizure_letter", "end_letter")
        .order_by("-recorded_at", "-pk")
    )
    if state:
        qs = qs.filter(state=state)
    if operations is not None:
        qs = qs.filter(operation_id__in=operations)
    return qs
