"""The public SOP library: SOPs are public documents, so these pages need no login.

A signed-in officer also sees, on an SOP's page, who fills each of its columns in their units,
and a unit's head sets it there (``sop_adoption_save``: the unit adopts the version).

Every page takes an optional ``?versi=N`` to show an earlier (or draft) version; without it the
version in force is shown. An unknown code or version is a 404, a ``versi`` that is not a
number a 400 — never a 500. The page and the PDF show the official document (the document
layer, as signed); ``?tampilan=anotasi`` shows the annotated view instead: the process the
product runs drawn over it, marked on every page as not for signing.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from trantib.accounts.models import OrgUnit
from trantib.core.errors import ServiceError
from trantib.engine.spec import SOPSpec

from . import registry
from .bpmn import export_bpmn
from .rendering import render_fragment, render_pdf
from .selectors import sop_units_for_user, units_adoptable_by
from .services import sop_adopt


class _BadVersion(ValueError):
    pass


def _spec_for(request: HttpRequest, code: str) -> SOPSpec:
    raw = request.GET.get("versi", "").strip()
    version: int | None = None
    if raw:
        if not re.fullmatch(r"[0-9]+", raw):  # ASCII digits only: not "１", not "-1"
            raise _BadVersion(raw)
        version = int(raw)
    try:
        return registry.get(code, version)
    except KeyError:
        raise Http404(code) from None


def _bad_version(request: HttpRequest, raw: str) -> HttpResponse:
    message = _("Versi harus berupa angka, misalnya ?versi=1 (diterima: “%(versi)s”).") % {
        "versi": raw
    }
    return render(request, "400.html", {"message": message}, status=400)


ANNOTATED = "anotasi"


def _view(request: HttpRequest) -> str:
    return "annotated" if request.GET.get("tampilan") == ANNOTATED else "official"


def _logo(request: HttpRequest) -> str:
    """The signed-in officer's unit logo (its letters' lambang daerah) as a data URI, for the
    identity page; none for a visitor or a unit without one (no placeholder is printed)."""
    from trantib.letters.selectors import unit_logo_for_user

    return unit_logo_for_user(request.user)


def _versions(code: str) -> list[SOPSpec]:
    return sorted((s for s in registry.library().specs if s.code == code), key=lambda s: s.version)


def sop_list(request: HttpRequest) -> HttpResponse:
    from .lifecycle import admin_units

    # An SOP administrator (a unit's head) also gets the way to upload and publish one.
    manages = request.user.is_authenticated and bool(
        admin_units(request.user, getattr(request, "person", None))
    )
    return render(request, "sops/sop_list.html", {"specs": registry.current(), "manages": manages})


def sop_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        spec = _spec_for(request, code)
    except _BadVersion as exc:
        return _bad_version(request, str(exc))
    in_force = registry.get(code)
    is_in_force = spec.key == in_force.key
    view = _view(request)
    context = {
        "spec": spec,
        "in_force": in_force,
        "is_in_force": is_in_force,
        "versions": _versions(code),
        # Downloads follow the version on screen.
        "version_query": "" if is_in_force else f"?versi={spec.version}",
        "roles": [role.name for role in spec.roles],
        "row_count": len(spec.rows),
        # Our own renderer: every text it draws is escaped (HTML template and SVG writer).
        "document": mark_safe(  # noqa: S308
            render_fragment(spec, view=view, logo=_logo(request))
        ),
        "annotated": view == "annotated",
        "version_param": "" if is_in_force else f"versi={spec.version}&",
        # Who fills each column in the visitor's units (nothing without a login).
        "units": sop_units_for_user(request.user, getattr(request, "person", None), spec),
    }
    return render(request, "sops/sop_detail.html", context)


@login_required
def sop_adoption_save(request: HttpRequest, code: str) -> HttpResponse:
    """The unit's head maps the SOP version's columns to the unit's positions (POST only)."""
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    raw = request.POST.get("versi", "").strip()
    if not re.fullmatch(r"[0-9]{1,6}", raw):
        return _bad_version(request, raw)
    try:
        spec = registry.get(code, int(raw))
    except KeyError:
        raise Http404(code) from None
    user = request.user
    person = getattr(request, "person", None)
    units = units_adoptable_by(person, superuser=bool(getattr(user, "is_superuser", False)))
    unit: OrgUnit | None = next((u for u in units if u.code == request.POST.get("unit", "")), None)
    if unit is None:
        raise Http404("unit")
    positions: dict[str, int | None] = {}
    for role in spec.roles:
        value = request.POST.get(f"role.{role.id}", "").strip()
        if role.external:
            continue
        positions[role.id] = int(value) if value.isdigit() else None
    back = reverse("sops:detail", args=[spec.code]) + f"?versi={spec.version}#pelaksana"
    try:
        sop_adopt(
            unit=unit, code=spec.code, version=spec.version, positions=positions, actor=person
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(
        request,
        _("Pelaksana SOP %(code)s di %(unit)s disimpan; tugas berikutnya mengikuti pemetaan ini.")
        % {"code": spec.code, "unit": unit.name},
    )
    return redirect(back)


def sop_pdf(request: HttpRequest, code: str) -> HttpResponse:
    try:
        spec = _spec_for(request, code)
    except _BadVersion as exc:
        return _bad_version(request, str(exc))
    view = _view(request)
    pdf = render_pdf(spec, view=view, logo=_logo(request))
    suffix = "-anotasi" if view == "annotated" else ""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{spec.code}-v{spec.version}{suffix}.pdf"'
    )
    return response


def sop_bpmn(request: HttpRequest, code: str) -> HttpResponse:
    try:
        spec = _spec_for(request, code)
    except _BadVersion as exc:
        return _bad_version(request, str(exc))
    response = HttpResponse(export_bpmn(spec), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{spec.code}-v{spec.version}.bpmn"'
    return response
