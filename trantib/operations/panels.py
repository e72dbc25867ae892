"""What the operations app shows elsewhere: the case page's panel (a link to the file) and the
search box's hits (operation places), both through the user's units."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from trantib.accounts.models import Person
from trantib.cases import services as case_services
from trantib.cases.models import Case
from trantib.core.dates import date_id
from trantib.core.search import SearchHit, UserLike

from .models import ItemState, Place
from .selectors import operation_for_case, operation_list_for_user
from .services import report_step


def case_operation_context(case: Case, person: Person | None) -> dict[str, Any] | None:
    if report_step(case_services.case_spec(case)) is None:
        return None
    op = operation_for_case(case.pk)
    context: dict[str, Any] = {
        "operation": op,
        "url": reverse("operations:for_case", args=[case.pk]),
    }
    if op is not None:
        context.update(
            places=op.places.count(),
            incidents=op.incidents.count(),
            results=op.results.count(),
            held=op.items.filter(state=ItemState.HELD).count(),
        )
    return context


def places_search(user: UserLike, query: str, limit: int) -> list[SearchHit]:
    ops = operation_list_for_user(user)
    places = (
        Place.objects.filter(operation__in=ops, name__icontains=query)
        .select_related("operation__case", "operation__unit")
        .order_by("-operation__day", "-pk")[:limit]
    )
    return [
        SearchHit(
            kind=_("Operasi"),
            title=p.name,
            url=reverse("operations:file", args=[p.operation_id]),
            subtitle=" · ".join(
                x
                for x in (
                    p.operation.case.number,
                    date_id(p.operation.day) if p.operation.day else "",
                )
                if x
            ),
            unit_code=p.operation.unit.code,
        )
        for p in places
    ]
