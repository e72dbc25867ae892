"""The SOP lifecycle pages (``/sop/kelola/``) for a unit's SOP administrator: upload a YAML file
or import a Word/PDF document as a draft, see its problems at their lines, edit and save it,
preview the document it prints, publish it, open its next version (decision 0016).

Who administers a unit's SOP files: :func:`trantib.sops.lifecycle.admin_units` (the rule of the
SOP page's column form). The list and the upload form answer 403 to a signed-in user who
administers no unit; a file's pages answer 404 to whoever does not administer its unit (its
existence is not told). Every change is one service of :mod:`trantib.sops.services_lifecycle`;
a refused input comes back beside its field (status 200), never a 500.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trantib.accounts.models import OrgUnit
from trantib.core.errors import ServiceError

from . import registry
from .lifecycle import MAX_BYTES, SopFile, admin_units, sop_file_read, unit_files
from .rendering import render_fragment, render_pdf
from .services_lifecycle import (
    sha256,
    sop_file_new_version,
    sop_file_publish,
    sop_file_save,
    sop_file_upload,
)


def _admin(request: HttpRequest) -> tuple[list[OrgUnit], bool]:
    superuser = bool(getattr(request.user, "is_superuser", False))
    return admin_units(request.user, getattr(request, "person", None)), superuser


def _unit(request: HttpRequest, code: str) -> OrgUnit:
    """A unit the user administers the SOP files of, else 404 (its files are not told)."""
    units, _superuser = _admin(request)
    unit = next((u for u in units if u.code == code), None)
    if unit is None:
        raise Http404("unit")
    return unit


def _file(request: HttpRequest, unit_code: str, name: str) -> tuple[OrgUnit, SopFile]:
    unit = _unit(request, unit_code)
    found = sop_file_read(unit.code, name)
    if found is None:
        raise Http404("file")
    return unit, found


def _page_url(found: SopFile, anchor: str = "") -> str:
    url = reverse("sops:file", args=[found.unit_code, found.name])
    return url + (f"#{anchor}" if anchor else "")


@login_required
def sop_manage(request: HttpRequest) -> HttpResponse:
    """The SOP files of the units the user administers, and the upload form."""
    units, superuser = _admin(request)
    if not units:
        raise PermissionDenied
    return _manage_page(request, units, superuser)


def _manage_page(
    request: HttpRequest,
    units: list[OrgUnit],
    superuser: bool,
    *,
    error: str = "",
    chosen: str = "",
    status: int = 200,
) -> HttpResponse:
    # A superuser administers every unit: only those with files are listed.
    shown = [
        {
            "unit": u,
            "files": [{"name": f"{c}.v{v}", "published": p} for c, v, p in unit_files(u.code)],
        }
        for u in units
    ]
    context: dict[str, Any] = {
        "units": units,
        "shown": [s for s in shown if s["files"]] if superuser else shown,
        "error": error,
        "chosen": chosen or (units[0].code if units else ""),
        "max_mb": MAX_BYTES // (1024 * 1024),
        "library": registry.current() if superuser else [],
    }
    return render(request, "sops/lifecycle/manage.html", context, status=status)


@login_required
@require_POST
def sop_upload(request: HttpRequest) -> HttpResponse:
    units, superuser = _admin(request)
    if not units:
        raise PermissionDenied
    chosen = request.POST.get("unit", "")
    unit = next((u for u in units if u.code == chosen), None)
    if unit is None:
        raise Http404("unit")
    upload = request.FILES.get("file")
    if upload is None:
        return _manage_page(request, units, superuser, error=_("Pilih berkas."), chosen=chosen)
    if upload.size is not None and upload.size > MAX_BYTES:
        error = _("Berkas lebih dari 2 MB.")
        return _manage_page(request, units, superuser, error=error, chosen=chosen)
    data = upload.read()
    try:
        found = sop_file_upload(
            unit=unit,
            filename=upload.name or "",
            data=data,
            actor=getattr(request, "person", None),
            superuser=superuser,
        )
    except ServiceError as exc:
        return _manage_page(request, units, superuser, error=exc.message, chosen=chosen)
    messages.success(request, _summary(found, _("Draf %(name)s dibuat.")))
    return redirect(_page_url(found))


def _summary(found: SopFile, head: str) -> str:
    said = head % {"name": found.filename}
    if found.errors:
        return (
            said
            + " "
            + _("%(n)s kesalahan perlu diperbaiki sebelum terbit.") % {"n": len(found.errors)}
        )
    return said + " " + _("Tidak ada kesalahan.")


@login_required
def sop_file(request: HttpRequest, unit: str, name: str) -> HttpResponse:
    """A file's page: its text by line with every problem at its line; for a draft, the form
    that edits and saves it (POST)."""
    org_unit, found = _file(request, unit, name)
    if request.method == "POST":
        text = request.POST.get("text", "")
        try:
            saved = sop_file_save(
                unit=org_unit,
                name=found.name,
                text=text,
                base_sha256=request.POST.get("base", ""),
                actor=getattr(request, "person", None),
            )
        except ServiceError as exc:
            return _file_page(request, found, text=text, error=exc.message)
        messages.success(request, _summary(saved, _("%(name)s disimpan.")))
        return redirect(_page_url(saved))
    return _file_page(request, found)


def _file_page(
    request: HttpRequest, found: SopFile, *, text: str | None = None, error: str = ""
) -> HttpResponse:
    _units, superuser = _admin(request)
    spec = found.spec
    in_force = None
    if found.published and spec is not None:
        try:
            in_force = registry.fresh().get(found.code)
        except KeyError:
            in_force = None
    context = {
        "file": found,
        "text": found.text if text is None else text,
        "base": sha256(found.text),
        "error": error,
        "in_force": in_force,
        "may_open": found.published and in_force is not None and in_force.version == found.version,
        "superuser": superuser,
    }
    return render(request, "sops/lifecycle/file.html", context)


@login_required
def sop_file_preview(request: HttpRequest, unit: str, name: str) -> HttpResponse:
    """The document the draft prints, as it will be signed."""
    _org_unit, found = _file(request, unit, name)
    document = annotated = ""
    if found.spec is not None:
        # Our own renderer: every text it draws is escaped (HTML template and SVG writer).
        document = mark_safe(render_fragment(found.spec))  # noqa: S308
        annotated = mark_safe(render_fragment(found.spec, view="annotated"))  # noqa: S308
    context = {"file": found, "document": document, "annotated": annotated}
    return render(request, "sops/lifecycle/preview.html", context)


@login_required
def sop_file_pdf(request: HttpRequest, unit: str, name: str) -> HttpResponse:
    _org_unit, found = _file(request, unit, name)
    if found.spec is None:
        messages.error(request, _("Draf masih punya kesalahan; PDF dibuat setelah diperbaiki."))
        return redirect(_page_url(found, "masalah"))
    response = HttpResponse(render_pdf(found.spec), content_type="application/pdf")
    kind = "" if found.published else "-draf"
    response["Content-Disposition"] = (
        f'attachment; filename="{found.code}-v{found.version}{kind}.pdf"'
    )
    return response


@login_required
def sop_file_publish_page(request: HttpRequest, unit: str, name: str) -> HttpResponse:
    """GET: the confirm step (what publishing means, or the errors that hold it); POST:
    publish."""
    org_unit, found = _file(request, unit, name)
    if request.method == "POST":
        try:
            sop_file_publish(unit=org_unit, name=found.name, actor=getattr(request, "person", None))
        except ServiceError as exc:
            messages.error(request, exc.message)
            return redirect(reverse("sops:publish", args=[found.unit_code, found.name]))
        messages.success(
            request,
            _(
                "SOP %(code)s versi %(v)s diterbitkan. Kasus baru memakai versi ini; kasus "
                "yang sedang berjalan tetap pada versinya."
            )
            % {"code": found.code, "v": found.version},
        )
        return redirect(_page_url(found))
    context = {"file": found}
    return render(request, "sops/lifecycle/publish.html", context)


_VERSION = re.compile(r"[0-9]{1,6}")


@login_required
@require_POST
def sop_new_version(request: HttpRequest) -> HttpResponse:
    """Open the next version of a published SOP as a draft of the chosen unit."""
    units, superuser = _admin(request)
    if not units:
        raise PermissionDenied
    unit = next((u for u in units if u.code == request.POST.get("unit", "")), None)
    if unit is None:
        raise Http404("unit")
    code, raw = request.POST.get("code", "").strip(), request.POST.get("versi", "").strip()
    if not raw:  # from the library's list: the version in force
        try:
            raw = str(registry.fresh().get(code).version)
        except KeyError:
            raise Http404("code") from None
    if not _VERSION.fullmatch(raw):
        raise Http404("version")
    try:
        opened = sop_file_new_version(
            unit=unit,
            code=code,
            version=int(raw),
            actor=getattr(request, "person", None),
            superuser=superuser,
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("sops:manage")
    messages.success(
        request,
        _("Draf %(name)s: salinan versi %(v)s; ubah lalu terbitkan.")
        % {"name": opened.filename, "v": raw},
    )
    return redirect(_page_url(opened))
