"""Template helpers of the violators register: the picker include's state, Indonesian dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django import template

from trantib.accounts.models import OrgUnit
from trantib.core.dates import date_id
from trantib.core.errors import ServiceError

from ..models import Violator, ViolatorKind
from ..numbers import whole_or_none
from ..selectors.violators import (
    DuplicateSuggestion,
    ViolatorView,
    enforcement_unit_ids,
    violator_display,
    violator_duplicates,
)
from ..services.violators import PICK_FIELDS, picked_id

register = template.Library()


@register.filter
def tanggal(value: dt.date | dt.datetime | None) -> str:
    """``3 Desember 2026``."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    return date_id(value)


@dataclass
class PickState:
    """What the picker include shows: the posted values, the chosen violator, the error that
    names one of its fields, and the look-alikes of a new one."""

    prefix: str
    unit: OrgUnit | None
    values: dict[str, str] = field(default_factory=dict)
    chosen: ViolatorView | None = None
    error_field: str = ""
    error: str = ""
    suggestions: list[DuplicateSuggestion] = field(default_factory=list)
    choices: list[Violator] = field(default_factory=list)
    different: bool = False

    @property
    def is_business(self) -> bool:
        return self.values.get("kind") == ViolatorKind.BUSINESS

    def error_for(self, name: str) -> str:
        return self.error if self.error_field == f"{self.prefix}-{name}" else ""


@register.simple_tag(takes_context=True)
def violator_pick_state(context: template.Context, prefix: str, unit: OrgUnit | None) -> PickState:
    request = context.get("request")
    person = getattr(request, "person", None) if request is not None else None
    data: Any = request.POST if request is not None and request.method == "POST" else {}
    state = PickState(prefix=prefix, unit=unit)
    state.values = {n: str(data.get(f"{prefix}-{n}", "") or "") for n in PICK_FIELDS}
    state.values.setdefault("kind", "")
    state.different = bool(data.get(f"{prefix}-different"))
    error = context.get("pick_error") or context.get("error")
    if isinstance(error, ServiceError) and error.field.startswith(f"{prefix}-"):
        state.error_field, state.error = error.field, error.message
    if unit is None:
        return state
    officer = enforcement_unit_ids(person)
    chosen_id = picked_id(data, prefix)
    if (pk := whole_or_none(chosen_id)) is not None:
        v = Violator.objects.filter(unit=unit, pk=pk).first()
        if v is not None:
            state.chosen = violator_display(v, person=person, officer_units=officer)
    if state.values["name"] and state.chosen is None:
        state.suggestions = violator_duplicates(
            unit=unit,
            kind=state.values["kind"],
            name=state.values["name"],
            nik=state.values["nik"],
            nib=state.values["nib"],
            address=state.values["address"],
            desa=state.values["desa"],
        )
    # The plain-form fallback: the unit's register as a list (a unit's register is small).
    state.choices = list(Violator.objects.filter(unit=unit).only("pk", "name", "desa")[:300])
    return state


@register.simple_tag
def violator_view(violator: Violator, person: Any) -> ViolatorView:
    return violator_display(violator, person=person)


@register.filter
def pick_error(state: PickState, name: str) -> str:
    return state.error_for(name)
