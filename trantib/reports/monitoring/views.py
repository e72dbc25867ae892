"""The monitoring pages: ``/laporan/monitoring/`` (the unit's forms and "Buat"),
``/laporan/monitoring/baru/?sop=…&periode=…&unit=…`` (the pre-filled form before it is saved),
``/laporan/monitoring/<id>/`` (a draft to edit, a final form to read), their PDF and XLSX, and
``/laporan/monitoring/pengaturan/`` (who assesses).

Reads go through the scope (the unit must be one the reader may see: else 404) and the
selectors; a bad ``?sop=`` is a 404 with its message, a bad ``?periode=`` shows the default
period with the message — except when saving, which needs the period it names. Only an
assessor saves; anyone else gets the message and a 403.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from config.dbrouter import report_page
from trantib.accounts.middleware import PersonRequest
from trantib.accounts.models import Position
from trantib.core.errors import Invalid, NotAllowed, NotFound, ServiceError
from trantib.core.xlsx import xlsx_response
from trantib.sops import registry
from trantib.sops.models import SopVersion

from ..models_monitoring import Assessment, FormStatus, MonitoringForm
from ..periods import Period, period_parse
from ..scope import Scope, scope_choices, scope_for
from ..views import Frame, report_frame
from . import selectors, services
from .prefill import monitoring_prefill
from .sheet import FormSheet, form_pdf, form_xlsx, sheet_from_form, sheet_from_prefill

KINDS = ("semester", "quarter", "year")
CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,19}$")


def _frame(request: PersonRequest) -> Frame:
    return report_frame(request, kinds=KINDS, default_kind="semester")


def _sop_code(raw: str | None) -> str:
    """A code of the library or of a recorded version; anything else is a 404."""
    code = (raw or "").strip().upper()
    if not CODE_RE.match(code):
        raise Http404(_("SOP tidak dikenal."))
    known = {s.code for s in registry.current()}
    if code not in known and not SopVersion.objects.filter(code=code).exists():
        raise Http404(_("SOP %(code)s tidak dikenal.") % {"code": code})
    return code


def _strict_period(request: PersonRequest) -> Period:
    """The period a save names: no fallback to another one."""
    try:
        return period_parse(request.GET.get("periode", ""), kinds=KINDS)
    except Invalid as error:
        raise Http404(error.message) from None


def _sop_choices() -> list[tuple[str, str]]:
    return [(s.code, s.name) for s in registry.current()]


def _rows_from_post(post: QueryDict, count: int) -> list[services.RowInput]:
    """The rows the page sent (each with its ``r<n>-present`` marker); others stay as they
    are. ``paraf_all`` initials every row sent."""
    every = post.get("paraf_all") == "1"
    out = []
    for n in range(1, count + 1):
        prefix = f"r{n}-"
        if post.get(prefix + "present") != "1":
            continue
        out.append(
            services.RowInput(
                position=n,
                assessment=post.get(prefix + "assessment", "")[:20],
                keep_prefill=post.get(prefix + "keep") == "1",
                note=post.get(prefix + "note", ""),
                action=post.get(prefix + "action", ""),
                paraf=every or post.get(prefix + "paraf") == "1",
            )
        )
    return out


def _status_of(exc: ServiceError) -> int:
    return 403 if isinstance(exc, NotAllowed) else 409 if exc.status == 409 else 400


def _base_context(request: PersonRequest, sheet: FormSheet, **extra: Any) -> dict[str, Any]:
    return {
        "sheet": sheet,
        "assessments": Assessment.choices,
        "is_assessor": services.is_assessor(request.person, sheet.scope.unit),
        "assessor_names": ", ".join(p.name for p in services.assessor_positions(sheet.scope.unit)),
        **extra,
    }


# -- the list -----------------------------------------------------------------------------------


@login_required
def monitoring_list(request: PersonRequest) -> HttpResponse:
    frame = _frame(request)
    unit = frame.scope.unit
    forms = list(
        MonitoringForm.objects.filter(unit=unit)
        .exclude(status=FormStatus.REPLACED)
        .select_related("sop_version", "finalised_by", "created_by")
        .defer("sop_version__content")
        .order_by("-period", "sop_code")
    )
    in_period = {f.sop_code: f for f in forms if f.period == frame.period.code}
    sops = [
        {"code": code, "name": name, "form": in_period.get(code)} for code, name in _sop_choices()
    ]
    context = {
        **frame.context(),
        "forms": forms,
        "sops": sops,
        "is_assessor": services.is_assessor(request.person, unit),
        "may_set": services.may_set_assessors(request.person, unit),
        "assessor_names": ", ".join(p.name for p in services.assessor_positions(unit)),
        "threshold": services.monitoring_settings(unit).threshold,
    }
    return render(request, "reports/monitoring_list.html", context)


# -- the pre-filled form, before it is saved --------------------------------------------------


def _new_sheet(request: PersonRequest) -> tuple[Frame, FormSheet, MonitoringForm | None]:
    frame = _frame(request)
    code = _sop_code(request.GET.get("sop"))
    unit = frame.scope.unit
    prefill = monitoring_prefill(
        unit=unit,
        code=code,
        period=frame.period,
        threshold=services.monitoring_settings(unit).threshold,
    )
    if not prefill.rows:
        raise Http404(_("SOP %(code)s tidak dikenal.") % {"code": code})
    existing = (
        MonitoringForm.objects.filter(unit=unit, sop_code=code, period=frame.period.code)
        .exclude(status=FormStatus.REPLACED)
        .first()
    )
    return frame, sheet_from_prefill(prefill, frame.scope), existing


@report_page
@login_required
def monitoring_new(request: PersonRequest) -> HttpResponse:
    frame, sheet, existing = _new_sheet(request)
    status = 200
    if request.method == "POST":
        period = _strict_period(request)
        if period != frame.period:  # pragma: no cover - the same reading of the same address
            raise Http404
        try:
            if request.person is None:
                raise NotAllowed(_("Akun ini tidak terhubung dengan pegawai."), field="penilai")
            form = services.monitoring_form_create(
                unit=frame.scope.unit,
                code=sheet.code,
                period=period,
                actor=request.person,
                rows=_rows_from_post(request.POST, len(sheet.rows)),
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
            status = _status_of(exc)
        else:
            messages.success(request, _("Formulir monitoring disimpan sebagai draf."))
            return redirect("reports:monitoring_form", form.pk)
    query = frame.query(sop=sheet.code)
    context = {
        **frame.context(),
        **_base_context(request, sheet, existing=existing),
        "keep_query": f"sop={sheet.code}",
        "pdf_href": f"{reverse('reports:monitoring_new_pdf')}?{query}",
        "xlsx_href": f"{reverse('reports:monitoring_new_xlsx')}?{query}",
        "action": f"{reverse('reports:monitoring_new')}?{query}",
    }
    return render(request, "reports/monitoring_form.html", context, status=status)


@report_page
@login_required
def monitoring_new_pdf(request: PersonRequest) -> HttpResponse:
    return _pdf_response(_new_sheet(request)[1])


@report_page
@login_required
def monitoring_new_xlsx(request: PersonRequest) -> HttpResponse:
    return _xlsx_response(request, _new_sheet(request)[1])


# -- a saved form ---------------------------------------------------------------------------------


def _form_sheet(request: PersonRequest, pk: int) -> FormSheet:
    try:
        form = selectors.form_get_for_user(request.user, pk)
        scope = scope_for(request.user, form.unit.code)
    except NotFound:
        raise Http404(_("Formulir monitoring tidak ditemukan.")) from None
    prefill = None if form.is_final else services.form_prefill(form)
    return sheet_from_form(form, scope, prefill)


@login_required
def monitoring_form(request: PersonRequest, pk: int) -> HttpResponse:
    sheet = _form_sheet(request, pk)
    form = sheet.form
    if form is None:  # pragma: no cover - a saved form's sheet always has it
        raise Http404
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if request.person is None:
                raise NotAllowed(_("Akun ini tidak terhubung dengan pegawai."), field="penilai")
            services.monitoring_form_save(
                form=form,
                actor=request.person,
                rows=_rows_from_post(request.POST, len(sheet.rows)),
            )
            if action == "finalise":
                services.monitoring_form_finalise(
                    form=form, actor=request.person, digest=request.POST.get("digest", "")[:64]
                )
        except ServiceError as exc:
            messages.error(request, exc.message)
            status = _status_of(exc)
            sheet = _form_sheet(request, pk)
        else:
            if action == "finalise":
                messages.success(request, _("Formulir monitoring difinalkan dan diarsipkan."))
            else:
                messages.success(request, _("Formulir monitoring disimpan."))
            return redirect("reports:monitoring_form", pk)
    scope = sheet.scope
    context = {
        "scope": None,  # a saved form has its own unit and period: no picker
        "period": sheet.period,
        **_base_context(request, sheet),
        "pdf_href": reverse("reports:monitoring_form_pdf", args=[pk]),
        "xlsx_href": reverse("reports:monitoring_form_xlsx", args=[pk]),
        "action": reverse("reports:monitoring_form", args=[pk]),
        "list_href": f"{reverse('reports:monitoring')}?unit={scope.unit.code}&periode="
        f"{sheet.period.code}",
    }
    return render(request, "reports/monitoring_form.html", context, status=status)


@login_required
def monitoring_form_pdf(request: PersonRequest, pk: int) -> HttpResponse:
    return _pdf_response(_form_sheet(request, pk))


@login_required
def monitoring_form_xlsx(request: PersonRequest, pk: int) -> HttpResponse:
    return _xlsx_response(request, _form_sheet(request, pk))


def _filename(sheet: FormSheet) -> str:
    return f"monitoring-{sheet.code}-{sheet.scope.unit.code}-{sheet.period.code}"


def _pdf_response(sheet: FormSheet) -> HttpResponse:
    response = HttpResponse(form_pdf(sheet), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{_filename(sheet)}.pdf"'
    return response


def _xlsx_response(request: PersonRequest, sheet: FormSheet) -> HttpResponse:
    content = form_xlsx(sheet, site=request.build_absolute_uri("/")[:-1])
    return xlsx_response(content, _filename(sheet))


# -- who assesses ---------------------------------------------------------------------------------


@login_required
def monitoring_settings(request: PersonRequest) -> HttpResponse:
    try:
        scope: Scope = scope_for(request.user, request.GET.get("unit"))
    except NotFound:
        raise Http404(_("Unit tidak ditemukan.")) from None
    unit = scope.unit
    current = services.monitoring_settings(unit)
    may_set = services.may_set_assessors(request.person, unit)
    status = 200
    errors: dict[str, str] = {}
    if request.method == "POST":
        roles = [r[:64] for r in request.POST.getlist("roles")][:50]
        raw = request.POST.get("threshold", "").strip()
        try:
            if request.person is None:
                raise NotAllowed(_("Akun ini tidak terhubung dengan pegawai."), field="unit")
            if not raw.isdigit() or len(raw) > 3:
                raise Invalid(_("Ambang harus angka 1 sampai 100 (persen)."), field="threshold")
            services.monitoring_settings_set(
                unit=unit, actor=request.person, roles=roles, threshold=int(raw)
            )
        except ServiceError as exc:
            errors[exc.field or "roles"] = exc.message
            messages.error(request, exc.message)
            status = _status_of(exc)
        else:
            messages.success(request, _("Pengaturan penilai disimpan."))
            return redirect(f"{reverse('reports:monitoring_settings')}?unit={unit.code}")
    positions = list(Position.objects.filter(unit=unit).order_by("pk"))
    chosen = set(current.assessor_roles)
    choices = scope_choices(request.user)
    context = {
        "scope": scope if len(choices) > 1 else None,  # a unit picker only when there is a choice
        "choices": choices,
        "unit": unit,
        "positions": [
            {"position": p, "checked": p.code in chosen, "default": p.supervises} for p in positions
        ],
        "threshold": current.threshold,
        "uses_default": not current.assessor_roles,
        "may_set": may_set,
        "errors": errors,
        "list_href": f"{reverse('reports:monitoring')}?unit={unit.code}",
    }
    return render(request, "reports/monitoring_settings.html", context, status=status)
