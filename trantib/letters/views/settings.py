"""The unit's letter settings (kop, logo, font, paper, margins, signing mode) and its registers
with a live preview of the next number: for the unit's head, or an administrator."""

from __future__ import annotations

import base64
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trantib.accounts.middleware import PersonRequest
from trantib.accounts.models import OrgUnit
from trantib.accounts.selectors import positions_for_user, units_for_user
from trantib.core.errors import Invalid, ServiceError

from .. import services
from ..forms import RegisterForm, SettingsForm
from ..kinds import KINDS
from ..models import DEFAULT_PATTERN, Register
from ..numbering import number_preview, pattern_check
from ..uploads import LOGO_MAX
from .common import actor_of, read_upload

REGISTER_FIELDS = ("name", "kind", "klasifikasi", "unit_code", "pattern", "serial_digits")
EXAMPLE_KIND = next(iter(KINDS))


def manageable_units(request: PersonRequest) -> list[OrgUnit]:
    """The units whose letter settings the user may change: every unit for an administrator,
    else the units at or below a supervising position the user holds."""
    user = request.user
    if getattr(user, "is_staff", False) or getattr(user, "is_superuser", False):
        return list(OrgUnit.objects.filter(active=True).order_by("path"))
    paths = [p.unit.path for p in positions_for_user(user).filter(supervises=True)]
    if not paths:
        return []
    visible = units_for_user(user).filter(active=True).order_by("path")
    return [u for u in visible if any(u.path.startswith(path) for path in paths)]


def _unit_of(request: PersonRequest, code: str | None) -> tuple[OrgUnit, list[OrgUnit]]:
    units = manageable_units(request)
    if not units:
        raise PermissionDenied(_("Hanya pimpinan unit yang dapat mengubah pengaturan surat."))
    if not code:
        return units[0], units
    chosen = next((u for u in units if u.code == code), None)
    if chosen is None:
        raise Http404(_("Unit tidak ditemukan."))
    return chosen, units


def _register_initial(register: Register | None, unit: OrgUnit) -> dict[str, Any]:
    if register is None:
        return {
            "name": "",
            "kind": "",
            "klasifikasi": "",
            "unit_code": unit.code,
            "pattern": DEFAULT_PATTERN,
            "serial_digits": 4,
        }
    return {name: getattr(register, name) for name in REGISTER_FIELDS}


def _preview(register: Register, unit: OrgUnit) -> str:
    """The next number of ``register`` (with the values typed, not yet saved)."""
    pattern_check(register.pattern)
    return number_preview(register, kind=register.kind or EXAMPLE_KIND, day=unit.today())


def _render(
    request: PersonRequest,
    unit: OrgUnit,
    units: list[OrgUnit],
    *,
    form: SettingsForm | None = None,
    bound: tuple[str, RegisterForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    row = services.settings_for(unit)
    if form is None:
        form = SettingsForm(initial={name: getattr(row, name) for name in services.SETTINGS_FIELDS})
    # Empty kop lines print the unit's own: show them as the placeholder.
    form.fields["kop_lines"].widget.attrs["placeholder"] = "\n".join(unit.kop() or [unit.name])
    registers = []
    for register in [*Register.objects.filter(unit=unit).order_by("kind"), None]:
        prefix = f"reg{register.pk}" if register is not None else "regbaru"
        if bound is not None and bound[0] == prefix:
            reg_form = bound[1]
        else:
            reg_form = RegisterForm(prefix=prefix, initial=_register_initial(register, unit))
        shown = register or Register(unit=unit, **_register_initial(None, unit))
        try:
            preview = _preview(shown, unit)
        except (Invalid, KeyError, IndexError, ValueError):
            preview = _("(pola nomor tidak sah)")
        registers.append(
            {"register": register, "form": reg_form, "prefix": prefix, "next": preview}
        )
    context = {
        "unit": unit,
        "units": units,
        "form": form,
        "settings_row": row,
        "logo": _logo_data(row),
        "registers": registers,
        "example_kind": KINDS[EXAMPLE_KIND].name,
    }
    return render(request, "letters/settings.html", context, status=status)


def _logo_data(row: Any) -> str:
    """The logo as a data URI (at most 1 MB): the page shows it without a media server."""
    if not row.logo:
        return ""
    try:
        with row.logo.open("rb") as stored:
            content = stored.read()
    except OSError:
        return ""
    kind = "image/png" if content.startswith(b"\x89PNG") else "image/jpeg"
    return f"data:{kind};base64,{base64.b64encode(content).decode()}"


@login_required
def letter_settings(request: PersonRequest) -> HttpResponse:
    params: Any = request.POST if request.method == "POST" else request.GET
    unit, units = _unit_of(request, params.get("unit"))
    if request.method != "POST":
        return _render(request, unit, units)
    form = SettingsForm(request.POST, request.FILES)
    status = 422
    if form.is_valid():
        try:
            logo = read_upload(request, "logo", limit=LOGO_MAX)
            services.letter_settings_save(
                unit=unit,
                actor=actor_of(request),
                changes={name: form.cleaned_data[name] for name in services.SETTINGS_FIELDS},
                logo=logo[0] if logo else None,
                logo_remove=form.cleaned_data["logo_remove"],
            )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            status = exc.status
        else:
            messages.success(
                request, _("Pengaturan surat %(unit)s disimpan.") % {"unit": unit.name}
            )
            return redirect(f"{reverse('letters:settings')}?unit={unit.code}")
    return _render(request, unit, units, form=form, status=status)


@login_required
@require_POST
def register_save(request: PersonRequest) -> HttpResponse:
    unit, units = _unit_of(request, request.POST.get("unit"))
    raw = request.POST.get("register", "")
    register = (
        Register.objects.filter(unit=unit, pk=int(raw)).first()
        if raw.isascii() and raw.isdigit() and len(raw) < 18
        else None
    )
    prefix = f"reg{register.pk}" if register is not None else "regbaru"
    form = RegisterForm(request.POST, prefix=prefix)
    status = 422
    if form.is_valid():
        try:
            services.register_save(
                unit=unit,
                actor=actor_of(request),
                register=register,
                **{name: form.cleaned_data[name] for name in REGISTER_FIELDS},
            )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            status = exc.status
        else:
            messages.success(request, _("Register disimpan."))
            return redirect(f"{reverse('letters:settings')}?unit={unit.code}#register")
    return _render(request, unit, units, bound=(prefix, form), status=status)


@login_required
def register_preview(request: PersonRequest) -> HttpResponse:
    """The next number as the register form stands (htmx, on every keystroke)."""
    unit, _units = _unit_of(request, request.GET.get("unit"))
    prefix = request.GET.get("prefix", "regbaru")
    if not (prefix == "regbaru" or (prefix.startswith("reg") and prefix[3:].isdigit())):
        prefix = "regbaru"
    existing = (
        Register.objects.filter(unit=unit, pk=int(prefix[3:])).first()
        if prefix[3:].isdigit()
        else None
    )
    form = RegisterForm(request.GET, prefix=prefix)
    form.is_valid()
    data = {**_register_initial(existing, unit), **form.cleaned_data}
    register = Register(
        pk=existing.pk if existing else None,
        unit=unit,
        **{name: data.get(name) or "" for name in REGISTER_FIELDS if name != "serial_digits"},
        serial_digits=data.get("serial_digits") or 4,
    )
    try:
        preview, error = _preview(register, unit), ""
    except (Invalid, KeyError, IndexError, ValueError) as exc:
        preview, error = "", getattr(exc, "message", "") or _("Pola nomor tidak sah.")
    context = {"preview": preview, "error": error, "prefix": prefix}
    return render(request, "letters/settings.html#number_preview", context)
