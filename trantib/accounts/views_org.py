"""The organisation pages: ``/organisasi/`` (the units one may see) and a unit's page, where its
head — the holder of a supervising position of the unit or a unit above it — or an
administrator manages the unit's positions, who holds them and the Plt./Plh. periods, and
registers a new person with a login, without ``/admin/``.

Every page fetches the unit through :func:`unit_get_for_user` (404 for a unit one may not see;
an administrator with the right to change assignments reaches every unit) and every change asks
:func:`unit_manageable` (403 otherwise), then goes through one service, audited in its
transaction. A refused input comes back as the page with the form's errors beside their fields
(status 200, so that htmx swaps it in), never a 500.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import HolderForm, PeriodForm, PersonRegisterForm, PositionEditForm, PositionForm
from .middleware import request_person
from .models import ActingStatus, Assignment, OrgUnit, Position
from .selectors import (
    unit_get_for_user,
    unit_manageable,
    unit_people,
    unit_positions,
    units_for_user,
)
from .services import (
    assignment_create,
    assignment_delete,
    assignment_period_set,
    person_register,
    position_delete,
    position_save,
)


def _administers(request: HttpRequest) -> bool:
    """An administrator who may change any unit's assignments (in ``/admin/`` too) reaches any
    unit's page, holding a position there or not (a superuser sees every unit anyway)."""
    return request.user.has_perm("accounts.change_assignment")


def _unit(request: HttpRequest, code: str, *, manage: bool = False) -> OrgUnit:
    unit = unit_get_for_user(request.user, code)
    if unit is None and _administers(request):
        unit = OrgUnit.objects.filter(code=code).select_related("parent").first()
    if unit is None:
        raise Http404
    if manage and not unit_manageable(request.user, unit):
        raise PermissionDenied
    return unit


def _errors_to_form(form: BaseForm, exc: ValidationError, *, fallback: str | None = None) -> None:
    """A service's refusal beside the form's fields (a field the form lacks: at the top)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else fallback, errors)
    else:
        form.add_error(fallback, exc.messages)


@login_required
def org_index(request: HttpRequest) -> HttpResponse:
    """``/organisasi/``: the units the user may see, as a tree, with their positions counted."""
    visible = OrgUnit.objects.all() if _administers(request) else units_for_user(request.user)
    units = list(
        visible.select_related("parent")
        .annotate(positions_count=Count("positions", distinct=True))
        .order_by("path")
    )
    return render(request, "accounts/unit_list.html", {"units": units})


def _page(
    request: HttpRequest, unit: OrgUnit, *, bound: dict[str, BaseForm] | None = None
) -> HttpResponse:
    bound = bound or {}
    can_manage = unit_manageable(request.user, unit)
    positions = unit_positions(unit)
    people = unit_people(unit)
    choices: list[tuple[Any, str]] = []
    if can_manage:
        choices = [("", "---------"), *((p.pk, p.full_name) for p in people)]
        for position in positions:
            key = f"position-{position.pk}"
            position.edit_form = bound.get(key) or PositionEditForm(  # type: ignore[attr-defined]
                instance=position, prefix=key
            )
            key = f"holder-{position.pk}"
            position.holder_form = bound.get(key) or HolderForm(  # type: ignore[attr-defined]
                prefix=key, people=people, choices=choices, initial={"valid_from": unit.today()}
            )
            for a in [*position.holders, *position.past]:  # type: ignore[attr-defined]
                key = f"period-{a.pk}"
                a.period_form = bound.get(key) or PeriodForm(
                    prefix=key,
                    initial={
                        "acting": a.acting,
                        "valid_from": a.valid_from,
                        "valid_until": a.valid_until,
                    },
                )
    context: dict[str, Any] = {
        "unit": unit,
        "today": unit.today(),
        "children": OrgUnit.objects.filter(parent=unit).order_by("name"),
        "positions": positions,
        "can_manage": can_manage,
        "open": next(iter(bound), ""),
        "position_form": bound.get("position-new") or PositionForm(prefix="position-new"),
        "person_form": bound.get("person-new")
        or PersonRegisterForm(prefix="person-new", unit=unit, initial={"valid_from": unit.today()}),
    }
    return render(request, "accounts/unit_page.html", context)


def _back(unit: OrgUnit, anchor: str = "") -> HttpResponse:
    return redirect(reverse("unit_page", args=[unit.code]) + (f"#{anchor}" if anchor else ""))


@login_required
def unit_page(request: HttpRequest, code: str) -> HttpResponse:
    """``/organisasi/<code>/``: the unit, its positions and who holds them (today, from a later
    day, and before); for its head, the forms that change them."""
    return _page(request, _unit(request, code))


def _position(unit: OrgUnit, pk: int) -> Position:
    position = Position.objects.filter(unit=unit, pk=pk).select_related("unit").first()
    if position is None:
        raise Http404
    return position


def _assignment(unit: OrgUnit, pk: int) -> Assignment:
    assignment = (
        Assignment.objects.filter(position__unit=unit, pk=pk)
        .select_related("person", "position__unit")
        .first()
    )
    if assignment is None:
        raise Http404
    return assignment


@login_required
@require_POST
def position_add(request: HttpRequest, code: str) -> HttpResponse:
    unit = _unit(request, code, manage=True)
    form = PositionForm(request.POST, prefix="position-new", instance=Position(unit=unit))
    if form.is_valid():
        try:
            position_save(position=form.instance, actor=request_person(request))
        except ValidationError as exc:
            _errors_to_form(form, exc, fallback="code")
        else:
            messages.success(
                request, _("Jabatan %(name)s ditambahkan.") % {"name": form.instance.name}
            )
            return _back(unit, f"position-{form.instance.pk}")
    return _page(request, unit, bound={"position-new": form})


@login_required
@require_POST
def position_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    unit = _unit(request, code, manage=True)
    position = _position(unit, pk)
    key = f"position-{pk}"
    form = PositionEditForm(request.POST, prefix=key, instance=position)
    if form.is_valid():
        try:
            position_save(position=form.instance, actor=request_person(request))
        except ValidationError as exc:
            _errors_to_form(form, exc, fallback="name")
        else:
            messages.success(request, _("Jabatan %(name)s disimpan.") % {"name": position.name})
            return _back(unit, key)
    return _page(request, unit, bound={key: form})


@login_required
@require_POST
def position_remove(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    unit = _unit(request, code, manage=True)
    position = _position(unit, pk)
    try:
        position_delete(position=position, actor=request_person(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back(unit, f"position-{pk}")
    messages.success(request, _("Jabatan %(name)s dihapus.") % {"name": position.name})
    return _back(unit)


@login_required
@require_POST
def holder_add(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    unit = _unit(request, code, manage=True)
    position = _position(unit, pk)
    key = f"holder-{pk}"
    form = HolderForm(request.POST, prefix=key, people=unit_people(unit))
    if form.is_valid():
        data = form.cleaned_data
        try:
            assignment = assignment_create(
                person=data["person"],
                position=position,
                acting=ActingStatus(data.get("acting") or ""),
                valid_from=data["valid_from"],
                valid_until=data.get("valid_until"),
                actor=request_person(request),
            )
        except ValidationError as exc:
            _errors_to_form(form, exc, fallback="person")
        else:
            messages.success(
                request,
                _("%(person)s memegang %(title)s.")
                % {"person": assignment.person.full_name, "title": assignment.title},
            )
            return _back(unit, f"position-{pk}")
    return _page(request, unit, bound={key: form})


@login_required
@require_POST
def assignment_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    unit = _unit(request, code, manage=True)
    assignment = _assignment(unit, pk)
    key = f"period-{pk}"
    form = PeriodForm(request.POST, prefix=key)
    if form.is_valid():
        data = form.cleaned_data
        try:
            assignment_period_set(
                assignment=assignment,
                valid_from=data["valid_from"],
                valid_until=data.get("valid_until"),
                acting=ActingStatus(data.get("acting") or ""),
                actor=request_person(request),
            )
        except ValidationError as exc:
            _errors_to_form(form, exc, fallback="valid_from")
        else:
            messages.success(
                request,
                _("Masa jabatan %(person)s disimpan.") % {"person": assignment.person.full_name},
            )
            return _back(unit, f"position-{assignment.position_id}")
    return _page(request, unit, bound={key: form})


@login_required
@require_POST
def assignment_remove(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    unit = _unit(request, code, manage=True)
    assignment = _assignment(unit, pk)
    assignment_delete(assignment=assignment, actor=request_person(request))
    messages.success(
        request,
        _("Penugasan %(person)s sebagai %(title)s dihapus.")
        % {"person": assignment.person.full_name, "title": assignment.title},
    )
    return _back(unit, f"position-{assignment.position_id}")


@login_required
@require_POST
def person_add(request: HttpRequest, code: str) -> HttpResponse:
    """A new person, their login and the position they take up: one form, one transaction."""
    unit = _unit(request, code, manage=True)
    form = PersonRegisterForm(request.POST, prefix="person-new", unit=unit)
    if form.is_valid():
        data = form.cleaned_data
        try:
            person = person_register(
                person=form.instance,
                username=data.get("username") or "",
                password=data.get("password") or "",
                position=data.get("position"),
                acting=ActingStatus(data.get("acting") or ""),
                valid_from=data.get("valid_from"),
                valid_until=data.get("valid_until"),
                actor=request_person(request),
            )
        except ValidationError as exc:
            form.instance.pk = None
            _errors_to_form(form, exc, fallback="full_name")
        else:
            messages.success(
                request, _("Pegawai %(name)s ditambahkan.") % {"name": person.full_name}
            )
            return _back(unit)
    return _page(request, unit, bound={"person-new": form})
