"""The yearly evaluation pages: ``/laporan/evaluasi/`` (the unit's evaluations),
``/laporan/evaluasi/baru/?sop=…&periode=2026&unit=…`` (a new one), ``/laporan/evaluasi/<id>/``
(edit a draft, read a final one), its PDF and XLSX, and the YAML of the draft version a
revision opened.

Beside the seven criteria the page shows what the year's data say: the monitoring forms of the
SOP in that year, and the year's pre-fill (how many rows ran within their Mutu Baku), each
linking to its form or list. Only the unit's assessor saves and finalises.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from trantib.accounts.middleware import PersonRequest
from trantib.core.dates import date_id
from trantib.core.errors import NotAllowed, NotFound, ServiceError
from trantib.core.xlsx import Sheet, xlsx_book, xlsx_response
from trantib.engine.spec import SOPSpec, SopStatus
from trantib.sops import registry

from ..models_monitoring import FormStatus, MonitoringForm, SopEvaluation
from ..periods import Period
from ..printing import report_pdf
from ..scope import Scope, scope_for
from ..views import Frame, report_frame
from . import selectors, services
from .prefill import BAIK, TIDAK_BAIK, monitoring_prefill
from .views import _sop_code, _status_of


def _frame(request: PersonRequest) -> Frame:
    return report_frame(request, kinds=("year",), default_kind="year", default="current")


@dataclass
class Criterion:
    number: int
    text: str
    answer: str
    note: str


def _criteria(answers: list[dict[str, str]]) -> list[Criterion]:
    padded = list(answers) + [{}] * (len(services.CRITERIA) - len(answers))
    return [
        Criterion(
            number=i,
            text=a.get("question") or str(text),
            answer=a.get("answer", ""),
            note=a.get("note", ""),
        )
        for i, (text, a) in enumerate(zip(services.CRITERIA, padded, strict=False), start=1)
    ]


def _input_from_post(post: QueryDict) -> services.EvaluationInput:
    answers = [
        (post.get(f"c{i}-answer", "")[:10], post.get(f"c{i}-note", ""))
        for i in range(1, len(services.CRITERIA) + 1)
    ]
    raw = post.get("needs_revision", "")
    needs = True if raw == "ya" else False if raw == "tidak" else None
    return services.EvaluationInput(
        answers=answers, needs_revision=needs, reason=post.get("reason", "")
    )


def _year_context(scope: Scope, code: str, year: int) -> dict[str, Any]:
    """The year's monitoring forms of the SOP and its pre-fill over the whole year."""
    forms = list(
        MonitoringForm.objects.filter(unit=scope.unit, sop_code=code, period__startswith=str(year))
        .exclude(status=FormStatus.REPLACED)
        .prefetch_related("rows")
        .order_by("period")
    )
    tallies = []
    for form in forms:
        rows = list(form.rows.all())
        tallies.append(
            {
                "form": form,
                "baik": sum(r.assessment == BAIK for r in rows),
                "tidak": sum(r.assessment == TIDAK_BAIK for r in rows),
                "rows": len(rows),
            }
        )
    year_period = Period("year", year, 1)
    prefill = monitoring_prefill(
        unit=scope.unit,
        code=code,
        period=year_period,
        threshold=services.monitoring_settings(scope.unit).threshold,
    )
    ran = [r for r in prefill.rows if r.tasks]
    return {
        "year_forms": tallies,
        "year_rows": len(prefill.rows),
        "year_ran": len(ran),
        "year_baik": sum(r.assessment == BAIK for r in ran),
        "year_tidak": sum(r.assessment == TIDAK_BAIK for r in ran),
        "year_href": f"{reverse('reports:monitoring_new')}?sop={code}&periode={year}"
        f"&unit={scope.unit.code}",
    }


@login_required
def evaluation_list(request: PersonRequest) -> HttpResponse:
    frame = _frame(request)
    unit = frame.scope.unit
    evaluations = list(
        SopEvaluation.objects.filter(unit=unit)
        .exclude(status=FormStatus.REPLACED)
        .select_related("draft_version")
        .defer("draft_version__content")
        .order_by("-year", "sop_code")
    )
    in_year = {e.sop_code: e for e in evaluations if e.year == frame.period.year}
    sops = [
        {"code": s.code, "name": s.name, "evaluation": in_year.get(s.code)}
        for s in registry.current()
    ]
    context = {
        **frame.context(),
        "evaluations": evaluations,
        "sops": sops,
        "is_assessor": services.is_assessor(request.person, unit),
        "assessor_names": ", ".join(p.name for p in services.assessor_positions(unit)),
    }
    return render(request, "reports/monitoring_evaluation_list.html", context)


def _in_force(code: str) -> SOPSpec:
    """The version in force of ``code`` (the library's), which the evaluation judges."""
    try:
        spec = registry.get(code)
    except KeyError:
        spec = None
    if spec is None or spec.status != SopStatus.PUBLISHED:
        raise Http404(_("SOP %(code)s belum berlaku.") % {"code": code})
    return spec


@login_required
def evaluation_new(request: PersonRequest) -> HttpResponse:
    frame = _frame(request)
    code = _sop_code(request.GET.get("sop"))
    version = _in_force(code)
    unit = frame.scope.unit
    existing = (
        SopEvaluation.objects.filter(unit=unit, sop_code=code, year=frame.period.year)
        .exclude(status=FormStatus.REPLACED)
        .first()
    )
    given = services.EvaluationInput(answers=[("", "")] * len(services.CRITERIA))
    status = 200
    if request.method == "POST":
        if request.GET.get("periode", "").strip() != str(frame.period.year):
            raise Http404(_("Tahun evaluasi tidak dapat dibaca."))
        given = _input_from_post(request.POST)
        try:
            if request.person is None:
                raise NotAllowed(_("Akun ini tidak terhubung dengan pegawai."), field="penilai")
            evaluation = services.evaluation_create(
                unit=unit,
                code=code,
                year=frame.period.year,
                actor=request.person,
                given=given,
                version=version.version,
                name=version.name,
                nomor=version.identity.nomor,
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
            status = _status_of(exc)
        else:
            messages.success(request, _("Evaluasi SOP disimpan sebagai draf."))
            return redirect("reports:evaluation_detail", evaluation.pk)
    query = frame.query(sop=code)
    context = {
        **frame.context(),
        **_year_context(frame.scope, code, frame.period.year),
        "unit": unit,
        "code": code,
        "name": version.name,
        "version": version.version,
        "criteria": _criteria([{"answer": a, "note": n} for a, n in given.answers]),
        "needs_revision": given.needs_revision,
        "reason": given.reason,
        "existing": existing,
        "status": "new",
        "editable": services.is_assessor(request.person, unit)
        and not (existing and existing.is_final),
        "assessor_names": ", ".join(p.name for p in services.assessor_positions(unit)),
        "keep_query": f"sop={code}",
        "action": f"{reverse('reports:evaluation_new')}?{query}",
    }
    return render(request, "reports/monitoring_evaluation_form.html", context, status=status)


def _evaluation(request: PersonRequest, pk: int) -> tuple[SopEvaluation, Scope]:
    try:
        evaluation = selectors.evaluation_get_for_user(request.user, pk)
        scope = scope_for(request.user, evaluation.unit.code)
    except NotFound:
        raise Http404(_("Evaluasi SOP tidak ditemukan.")) from None
    return evaluation, scope


@login_required
def evaluation_detail(request: PersonRequest, pk: int) -> HttpResponse:
    evaluation, scope = _evaluation(request, pk)
    status = 200
    needs, reason = evaluation.needs_revision, evaluation.revision_reason
    answers = evaluation.answers
    if request.method == "POST":
        action = request.POST.get("action", "save")
        given = _input_from_post(request.POST)
        try:
            if request.person is None:
                raise NotAllowed(_("Akun ini tidak terhubung dengan pegawai."), field="penilai")
            services.evaluation_save(evaluation=evaluation, actor=request.person, given=given)
            if action == "finalise":
                services.evaluation_finalise(evaluation=evaluation, actor=request.person)
        except ServiceError as exc:
            messages.error(request, exc.message)
            status = _status_of(exc)
            evaluation.refresh_from_db()
            answers = [{"answer": a, "note": n} for a, n in given.answers]
            needs, reason = given.needs_revision, given.reason
        else:
            if action == "finalise":
                messages.success(request, _("Evaluasi SOP difinalkan."))
            else:
                messages.success(request, _("Evaluasi SOP disimpan."))
            return redirect("reports:evaluation_detail", pk)
    context = {
        "scope": None,
        "unit": scope.unit,
        "period": Period("year", evaluation.year, 1),
        **_year_context(scope, evaluation.sop_code, evaluation.year),
        "evaluation": evaluation,
        "code": evaluation.sop_code,
        "name": evaluation.sop_name,
        "version": evaluation.sop_version,
        "criteria": _criteria(answers),
        "needs_revision": needs,
        "reason": reason,
        "status": "final" if evaluation.is_final else "draft",
        "editable": not evaluation.is_final and services.is_assessor(request.person, scope.unit),
        "assessor_names": ", ".join(p.name for p in services.assessor_positions(scope.unit)),
        "action": reverse("reports:evaluation_detail", args=[pk]),
        "pdf_href": reverse("reports:evaluation_pdf", args=[pk]),
        "xlsx_href": reverse("reports:evaluation_xlsx", args=[pk]),
        "list_href": f"{reverse('reports:evaluation')}?unit={scope.unit.code}"
        f"&periode={evaluation.year}",
    }
    return render(request, "reports/monitoring_evaluation_form.html", context, status=status)


def _dated(evaluation: SopEvaluation, scope: Scope) -> str:
    if evaluation.finalised_at is None:
        return ""
    return date_id(timezone.localtime(evaluation.finalised_at, scope.zone).date())


@login_required
def evaluation_pdf(request: PersonRequest, pk: int) -> HttpResponse:
    evaluation, scope = _evaluation(request, pk)
    content = report_pdf(
        "reports/monitoring_evaluation_pdf.html",
        {
            "evaluation": evaluation,
            "criteria": _criteria(evaluation.answers),
            "dated": _dated(evaluation, scope),
            "total": len(services.CRITERIA),
        },
        scope=scope,
        period=Period("year", evaluation.year, 1),
    )
    response = HttpResponse(content, content_type="application/pdf")
    name = f"evaluasi-{evaluation.sop_code}-{scope.unit.code}-{evaluation.year}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@login_required
def evaluation_xlsx(request: PersonRequest, pk: int) -> HttpResponse:
    evaluation, scope = _evaluation(request, pk)
    criteria = _criteria(evaluation.answers)
    labels = {"ya": _("Ya"), "tidak": _("Tidak")}
    revision = {True: _("Ya"), False: _("Tidak"), None: ""}[evaluation.needs_revision]
    state = _("final") if evaluation.is_final else _("draf")
    content = xlsx_book(
        title=_("Evaluasi Penerapan SOP %(code)s — %(name)s")
        % {"code": evaluation.sop_code, "name": evaluation.sop_name},
        unit=scope.unit.name,
        period=_("Tahun %(year)s · penilai: %(who)s · %(state)s")
        % {"year": evaluation.year, "who": evaluation.assessor_name or "—", "state": state},
        sheets=[
            Sheet(
                name=_("Evaluasi"),
                headers=[pgettext("nomor urut", "No"), _("Pertanyaan"), _("Jawaban"), _("Catatan")],
                rows=[[c.number, c.text, labels.get(c.answer, ""), c.note] for c in criteria]
                + [
                    ["", _("Nilai (jawaban Ya dari 7)"), f"{evaluation.score}/7", ""],
                    ["", _("Perlu revisi?"), revision, evaluation.revision_reason],
                ],
                widths=[6, 60, 12, 60],
                zone=scope.zone,
            )
        ],
        site=request.build_absolute_uri("/")[:-1],
    )
    return xlsx_response(
        content, f"evaluasi-{evaluation.sop_code}-{scope.unit.code}-{evaluation.year}"
    )


@login_required
def evaluation_draft_yaml(request: PersonRequest, pk: int) -> HttpResponse:
    """The text of the draft version the evaluation opened, to start the revised file from,
    headed by this evaluation's own reason (the draft itself is shared by every unit that
    asked for the revision, and names none of them)."""
    evaluation, scope = _evaluation(request, pk)
    draft = evaluation.draft_version
    if draft is None:
        raise Http404(_("Evaluasi ini tidak membuka draf versi."))
    reason = " ".join(evaluation.revision_reason.split())
    head = _("# Alasan revisi (evaluasi %(unit)s tahun %(year)s): %(reason)s\n") % {
        "unit": scope.unit.name,
        "year": evaluation.year,
        "reason": reason,
    }
    response = HttpResponse(head + draft.content, content_type="text/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{draft.code}.v{draft.version}.yaml"'
    return response
