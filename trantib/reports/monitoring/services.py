"""Writing the monitoring forms and evaluations: who may, and every change audited.

**Who assesses.** The assessor (penilai) of a unit's SOPs is whoever holds, today, one of the
unit's assessor positions: those named in the unit's ``MonitoringSettings``, else its
supervising positions (the Camat, the Kasat). Only an assessor saves, initials and finalises a
form or an evaluation of their own unit; a parent unit's people read them (the form belongs to
the unit that runs the SOP). The settings are changed by the unit head (a supervising position
at or above the unit).

**A form's life.** Saved as a draft from the pre-filled form (a draft already there is replaced:
status "Diganti", kept for the trail); edited while a draft (a row changed after its paraf loses
it); finalised when every row is initialled and every row that had a task is assessed. Final is
final: its pre-fill figures are frozen on its rows, nothing changes it, and a second form for the
same unit, SOP and period is refused.

**An evaluation** is the same, per SOP and year; finalising one that answers "perlu revisi: ya"
opens the SOP's next version as a draft (``trantib.sops.services.sop_draft_open``).

Every change is one transaction with its audit event on the record's own chain
(:func:`trantib.core.audit.audit_record`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trantib.accounts.models import Assignment, OrgUnit, Person, Position
from trantib.accounts.selectors import assignments_active
from trantib.cases.services import sop_version_for, supervises
from trantib.core.audit import audit_record
from trantib.core.errors import Conflict, Invalid, NotAllowed
from trantib.core.text import has_control_characters
from trantib.sops import registry
from trantib.sops.services import sop_draft_open

from ..models_monitoring import (
    Assessment,
    FormStatus,
    MonitoringForm,
    MonitoringRow,
    MonitoringSettings,
    SopEvaluation,
)
from ..periods import Period
from .prefill import DEFAULT_THRESHOLD, Prefill, RowFigures, monitoring_prefill

TEXT_MAX = 2000
ANSWERS = ("ya", "tidak")

# The seven criteria of the Evaluasi Penerapan SOP AP (Permenpan RB 35/2012), in order.
CRITERIA = (
    gettext_lazy("Apakah SOP mampu mendorong peningkatan kinerja?"),
    gettext_lazy("Apakah SOP mudah dipahami?"),
    gettext_lazy("Apakah SOP mudah dilaksanakan?"),
    gettext_lazy("Apakah semua orang dapat menjalankan perannya masing-masing?"),
    gettext_lazy("Apakah SOP mampu mengatasi permasalahan yang berkaitan dengan proses?"),
    gettext_lazy("Apakah SOP mampu menjawab kebutuhan peningkatan kinerja organisasi?"),
    gettext_lazy("Apakah sistem dan prosedur yang ada bersinergi satu dengan yang lainnya?"),
)


# -- who assesses -------------------------------------------------------------------------------


def monitoring_settings(unit: OrgUnit) -> MonitoringSettings:
    """The unit's settings (an unsaved default when it has none)."""
    found = MonitoringSettings.objects.filter(unit=unit).first()
    return found or MonitoringSettings(unit=unit, assessor_roles=[], threshold=DEFAULT_THRESHOLD)


def assessor_positions(unit: OrgUnit) -> list[Position]:
    roles = monitoring_settings(unit).assessor_roles
    positions = Position.objects.filter(unit=unit).order_by("pk")
    if roles:
        return list(positions.filter(code__in=roles))
    return list(positions.filter(supervises=True))


def assessor_assignment(person: Person | None, unit: OrgUnit) -> Assignment | None:
    """The person's assignment by which they assess ``unit`` today, or None."""
    if person is None:
        return None
    ids = [p.pk for p in assessor_positions(unit)]
    if not ids:
        return None
    return assignments_active(person).filter(position_id__in=ids).order_by("acting", "pk").first()


def is_assessor(person: Person | None, unit: OrgUnit) -> bool:
    return assessor_assignment(person, unit) is not None


def _assessor(person: Person, unit: OrgUnit) -> Assignment:
    found = assessor_assignment(person, unit)
    if found is None:
        names = ", ".join(p.name for p in assessor_positions(unit)) or _("pimpinan unit")
        raise NotAllowed(
            _("Hanya penilai %(unit)s (%(names)s) yang dapat menyimpan atau memfinalkan.")
            % {"unit": unit.name, "names": names},
            field="penilai",
        )
    return found


def may_set_assessors(person: Person | None, unit: OrgUnit) -> bool:
    return person is not None and supervises(person, unit)


@transaction.atomic
def monitoring_settings_set(
    *,
    unit: OrgUnit,
    actor: Person,
    roles: list[str],
    threshold: int,
    now: dt.datetime | None = None,
) -> MonitoringSettings:
    """Set who assesses the unit's SOPs (position codes of the unit; empty: its supervising
    positions) and the threshold. Only the unit head (at or above the unit)."""
    now = now or timezone.now()
    if not may_set_assessors(actor, unit):
        raise NotAllowed(
            _("Hanya pimpinan unit yang dapat mengatur penilai monitoring SOP."), field="unit"
        )
    known = set(Position.objects.filter(unit=unit).values_list("code", flat=True))
    unknown = [r for r in roles if r not in known]
    if unknown:
        raise Invalid(
            _("Jabatan %(codes)s tidak ada di %(unit)s.")
            % {"codes": ", ".join(unknown[:5]), "unit": unit.name},
            field="roles",
        )
    if not isinstance(threshold, int) or not 1 <= threshold <= 100:
        raise Invalid(_("Ambang harus angka 1 sampai 100 (persen)."), field="threshold")
    row = MonitoringSettings.objects.select_for_update().filter(unit=unit).first()
    before = {"roles": row.assessor_roles, "threshold": row.threshold} if row else {}
    if row is None:
        row = MonitoringSettings(unit=unit)
    row.assessor_roles = sorted(set(roles))
    row.threshold = threshold
    row.updated_at, row.updated_by = now, actor
    row.save()
    audit_record(
        subject=row,
        type="monitoring_settings_set",
        actor_id=actor.pk,
        unit_id=unit.pk,
        at=now,
        data={"before": before, "after": {"roles": row.assessor_roles, "threshold": threshold}},
    )
    return row


# -- paraf ----------------------------------------------------------------------------------------

_TITLES = re.compile(r"^(prof|dr|drs|dra|ir|h|hj|kh|r|rr|ns)\.?$", re.IGNORECASE)


def initials(full_name: str) -> str:
    """The initials a person initials with: "H. Rahmat Hidayat, S.STP., M.Si." → "RH" (titles
    before the name and degrees after its comma left out)."""
    name = full_name.split(",", 1)[0]
    words = [w for w in re.split(r"\s+", name.strip()) if w and not _TITLES.match(w)]
    letters = "".join(w[0] for w in words if w[0].isalpha())
    return letters.upper()[:6] or full_name[:2].upper()


# -- monitoring forms -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RowInput:
    """What the assessor sends for one row (by its position in the form)."""

    position: int
    assessment: str = ""
    keep_prefill: bool = True
    note: str = ""
    action: str = ""
    paraf: bool = False


def _clean_text(value: str, *, field: str, label: str) -> str:
    value = (value or "").strip()
    if len(value) > TEXT_MAX:
        raise Invalid(
            _("%(label)s paling panjang %(n)s karakter.") % {"label": label, "n": TEXT_MAX},
            field=field,
        )
    if has_control_characters(value):
        raise Invalid(
            _("%(label)s berisi karakter kendali yang tidak dapat disimpan.") % {"label": label},
            field=field,
        )
    return value


def _clean_rows(inputs: list[RowInput]) -> dict[int, RowInput]:
    out: dict[int, RowInput] = {}
    for given in inputs:
        field = f"row-{given.position}"
        if given.assessment not in ("", *Assessment.values):
            raise Invalid(_("Penilaian tidak dikenal."), field=f"{field}-assessment")
        out[given.position] = RowInput(
            position=given.position,
            assessment=given.assessment,
            keep_prefill=bool(given.keep_prefill),
            note=_clean_text(given.note, field=f"{field}-note", label=_("Catatan")),
            action=_clean_text(given.action, field=f"{field}-action", label=_("Tindakan")),
            paraf=bool(given.paraf),
        )
    return out


def _audit(
    record: Any, type: str, actor: Person, unit_id: int, now: dt.datetime, **data: Any
) -> None:
    audit_record(subject=record, type=type, actor_id=actor.pk, unit_id=unit_id, at=now, data=data)


def _row_state(row: MonitoringRow) -> dict[str, Any]:
    return {
        "assessment": row.assessment,
        "keep_prefill": row.keep_prefill,
        "note": row.note,
        "action": row.action,
        "paraf": row.paraf_initials,
    }


def _apply(
    row: MonitoringRow, given: RowInput | None, actor: Person, now: dt.datetime
) -> dict[str, Any] | None:
    """Apply one row's input; returns the change (before/after) or None. A row whose content
    changes loses its paraf unless it is initialled again in the same save."""
    if given is None:
        return None
    before = _row_state(row)
    content = ("assessment", "keep_prefill", "note", "action")
    changed = any(getattr(row, k) != getattr(given, k) for k in content)
    for key in content:
        setattr(row, key, getattr(given, key))
    if given.paraf and (changed or row.paraf_by_id is None):
        row.paraf_by, row.paraf_at, row.paraf_initials = actor, now, initials(actor.full_name)
    elif not given.paraf:
        row.paraf_by, row.paraf_at, row.paraf_initials = None, None, ""
    after = _row_state(row)
    if after == before:
        return None
    return {
        "no": row.no,
        "before": {k: v for k, v in before.items() if after[k] != v},
        "after": {k: v for k, v in after.items() if before[k] != v},
    }


def _final_exists(unit: OrgUnit, code: str, period: Period) -> MonitoringForm | None:
    return MonitoringForm.objects.filter(
        unit=unit, sop_code=code, period=period.code, status=FormStatus.FINAL
    ).first()


@transaction.atomic
def monitoring_form_create(
    *,
    unit: OrgUnit,
    code: str,
    period: Period,
    actor: Person,
    rows: list[RowInput] | None = None,
    now: dt.datetime | None = None,
) -> MonitoringForm:
    """Save the pre-filled form of ``code`` in ``unit`` over ``period`` as a draft, with the
    assessor's first entries (``rows``; by default the pre-filled assessments, unsigned). A
    draft already there is replaced; a final form is never: refused."""
    now = now or timezone.now()
    _assessor(actor, unit)
    # Lock the unit's forms of this SOP and period: two saves at once make one draft.
    current = list(
        MonitoringForm.objects.select_for_update()
        .filter(unit=unit, sop_code=code, period=period.code)
        .exclude(status=FormStatus.REPLACED)
    )
    final = next((f for f in current if f.status == FormStatus.FINAL), None)
    if final is not None:
        raise Conflict(
            _(
                "Formulir monitoring %(code)s %(period)s untuk %(unit)s sudah final "
                "(%(when)s); formulir final tidak diganti."
            )
            % {
                "code": code,
                "period": period.label,
                "unit": unit.name,
                "when": timezone.localtime(final.finalised_at, unit.zone()).strftime("%d/%m/%Y")
                if final.finalised_at
                else "",
            },
            field="periode",
        )
    prefill = monitoring_prefill(
        unit=unit, code=code, period=period, threshold=monitoring_settings(unit).threshold
    )
    if not prefill.rows:
        raise Invalid(_("SOP %(code)s tidak dikenal.") % {"code": code}, field="sop")
    version = prefill.version or sop_version_for(registry.get(code))  # recorded on first use
    given = _clean_rows(rows or [])
    for old in current:  # out of the way first: one draft per unit, SOP and period
        old.status, old.updated_at = FormStatus.REPLACED, now
        old.save(update_fields=["status", "updated_at"])
    form = MonitoringForm.objects.create(
        unit=unit,
        sop_code=code,
        sop_version=version,
        sop_name=prefill.name,
        sop_nomor=prefill.nomor,
        period=period.code,
        threshold=prefill.threshold,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    made = []
    for position, figures in enumerate(prefill.rows, start=1):
        row = MonitoringRow(
            form=form,
            position=position,
            no=figures.no,
            procedure=figures.procedure,
            standard=figures.standard,
            assessment=figures.assessment,
        )
        _apply(row, given.get(position), actor, now)
        made.append(row)
    MonitoringRow.objects.bulk_create(made)
    for old in current:
        old.replaced_by = form
        old.save(update_fields=["replaced_by"])
        _audit(old, "monitoring_form_replaced", actor, unit.pk, now, by=form.pk)
    _audit(
        form,
        "monitoring_form_created",
        actor,
        unit.pk,
        now,
        sop=code,
        version=version.version,
        period=period.code,
        rows=[{"no": r.no, **_row_state(r)} for r in made],
        replaces=[f.pk for f in current],
    )
    return form


def _lock_draft(form: MonitoringForm) -> MonitoringForm:
    locked = MonitoringForm.objects.select_for_update().select_related("unit").get(pk=form.pk)
    if locked.status != FormStatus.DRAFT:
        raise Conflict(
            _("Formulir ini sudah %(status)s; tidak dapat diubah.")
            % {"status": locked.get_status_display().lower()},
            field="form",
        )
    return locked


@transaction.atomic
def monitoring_form_save(
    *, form: MonitoringForm, actor: Person, rows: list[RowInput], now: dt.datetime | None = None
) -> MonitoringForm:
    """Save the assessor's entries on a draft (assessment, note, action, paraf per row)."""
    now = now or timezone.now()
    form = _lock_draft(form)
    _assessor(actor, form.unit)
    given = _clean_rows(rows)
    changes = []
    for row in form.rows.all():
        change = _apply(row, given.get(row.position), actor, now)
        if change is not None:
            row.save()
            changes.append(change)
    form.updated_at = now
    form.save(update_fields=["updated_at"])
    if changes:
        _audit(form, "monitoring_form_saved", actor, form.unit_id, now, rows=changes)
    return form


def form_prefill(form: MonitoringForm) -> Prefill:
    """The live pre-fill of a draft, on the form's own version's rows."""
    return monitoring_prefill(
        unit=form.unit,
        code=form.sop_code,
        period=_period(form.period),
        threshold=form.threshold,
        shown_version=form.sop_version,
    )


def _period(code: str) -> Period:
    from ..periods import period_parse

    return period_parse(code)


@transaction.atomic
def monitoring_form_finalise(
    *, form: MonitoringForm, actor: Person, digest: str, now: dt.datetime | None = None
) -> MonitoringForm:
    """Finalise a draft: every row initialled, every row that had a task assessed, and the
    figures the assessor read (``digest``) still the figures. They are frozen on the rows."""
    now = now or timezone.now()
    form = _lock_draft(form)
    assignment = _assessor(actor, form.unit)
    rows = list(form.rows.all())
    with translation.override("id"):  # the archived note is the unit's document
        prefill = form_prefill(form)
    if prefill.digest != digest:
        raise Conflict(
            _(
                "Data kasus berubah sejak halaman ini dibuka; periksa angka yang terbaru, "
                "lalu finalkan lagi."
            ),
            field="digest",
        )
    figures = {f.no: f for f in prefill.rows}
    unsigned = [r.no for r in rows if r.paraf_by_id is None]
    if unsigned:
        raise Invalid(
            _("Baris %(nos)s belum diparaf.") % {"nos": ", ".join(unsigned)}, field="paraf"
        )
    unassessed = [
        r.no for r in rows if not r.assessment and figures.get(r.no, RowFigures(r.no, "", "")).tasks
    ]
    if unassessed:
        raise Invalid(
            _("Baris %(nos)s belum dinilai.") % {"nos": ", ".join(unassessed)},
            field="assessment",
        )
    for row in rows:
        found = figures.get(row.no)
        row.figures = found.to_json() if found is not None else {}
        row.save(update_fields=["figures"])
    form.status = FormStatus.FINAL
    form.finalised_by, form.finalised_at, form.updated_at = actor, now, now
    form.versions, form.unmatched = prefill.versions, prefill.unmatched
    form.assessor_name = actor.full_name
    form.assessor_jabatan = assignment.title
    form.assessor_number = actor.identity_line
    try:
        with transaction.atomic():
            form.save()
    except IntegrityError:  # pragma: no cover - the draft's row lock makes this unreachable
        raise Conflict(_("Formulir final untuk periode ini sudah ada."), field="form") from None
    _audit(
        form,
        "monitoring_form_finalised",
        actor,
        form.unit_id,
        now,
        versions=prefill.versions,
        digest=digest,
        rows=[
            {"no": r.no, **_row_state(r), "prefill": r.figures.get("assessment", "")} for r in rows
        ],
    )
    return form


# -- evaluations ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvaluationInput:
    answers: list[tuple[str, str]]  # seven (answer, note)
    needs_revision: bool | None = None
    reason: str = ""


def _clean_evaluation(given: EvaluationInput) -> tuple[list[dict[str, str]], bool | None, str]:
    if len(given.answers) != len(CRITERIA):
        raise Invalid(_("Evaluasi memuat tujuh kriteria."), field="answers")
    answers = []
    for i, (answer, note) in enumerate(given.answers, start=1):
        if answer not in ("", *ANSWERS):
            raise Invalid(_("Jawaban harus Ya atau Tidak."), field=f"c{i}-answer")
        with translation.override("id"):  # the question as the archived document asks it
            question = str(CRITERIA[i - 1])
        answers.append(
            {
                "question": question,
                "answer": answer,
                "note": _clean_text(note, field=f"c{i}-note", label=_("Catatan")),
            }
        )
    reason = _clean_text(given.reason, field="reason", label=_("Alasan revisi"))
    return answers, given.needs_revision, reason


@transaction.atomic
def evaluation_create(
    *,
    unit: OrgUnit,
    code: str,
    year: int,
    actor: Person,
    given: EvaluationInput,
    version: int,
    name: str,
    nomor: str,
    now: dt.datetime | None = None,
) -> SopEvaluation:
    """Save the evaluation of ``code`` in ``unit`` for ``year`` as a draft (replacing a draft;
    a final one is never replaced)."""
    now = now or timezone.now()
    _assessor(actor, unit)
    current = list(
        SopEvaluation.objects.select_for_update()
        .filter(unit=unit, sop_code=code, year=year)
        .exclude(status=FormStatus.REPLACED)
    )
    if any(e.status == FormStatus.FINAL for e in current):
        raise Conflict(
            _("Evaluasi SOP %(code)s tahun %(year)s untuk %(unit)s sudah final.")
            % {"code": code, "year": year, "unit": unit.name},
            field="periode",
        )
    answers, needs, reason = _clean_evaluation(given)
    for old in current:  # out of the way first: one draft per unit, SOP and year
        old.status, old.updated_at = FormStatus.REPLACED, now
        old.save(update_fields=["status", "updated_at"])
    evaluation = SopEvaluation.objects.create(
        unit=unit,
        sop_code=code,
        sop_name=name,
        sop_nomor=nomor,
        sop_version=version,
        year=year,
        answers=answers,
        needs_revision=needs,
        revision_reason=reason,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    for old in current:
        old.replaced_by = evaluation
        old.save(update_fields=["replaced_by"])
        _audit(old, "evaluation_replaced", actor, unit.pk, now, by=evaluation.pk)
    _audit(
        evaluation,
        "evaluation_created",
        actor,
        unit.pk,
        now,
        sop=code,
        year=year,
        answers=answers,
        needs_revision=needs,
        reason=reason,
        replaces=[e.pk for e in current],
    )
    return evaluation


def _lock_evaluation(evaluation: SopEvaluation) -> SopEvaluation:
    locked = SopEvaluation.objects.select_for_update().select_related("unit").get(pk=evaluation.pk)
    if locked.status != FormStatus.DRAFT:
        raise Conflict(
            _("Evaluasi ini sudah %(status)s; tidak dapat diubah.")
            % {"status": locked.get_status_display().lower()},
            field="evaluation",
        )
    return locked


@transaction.atomic
def evaluation_save(
    *,
    evaluation: SopEvaluation,
    actor: Person,
    given: EvaluationInput,
    now: dt.datetime | None = None,
) -> SopEvaluation:
    now = now or timezone.now()
    evaluation = _lock_evaluation(evaluation)
    _assessor(actor, evaluation.unit)
    answers, needs, reason = _clean_evaluation(given)
    before = {
        "answers": evaluation.answers,
        "needs_revision": evaluation.needs_revision,
        "reason": evaluation.revision_reason,
    }
    after = {"answers": answers, "needs_revision": needs, "reason": reason}
    evaluation.answers, evaluation.needs_revision, evaluation.revision_reason = (
        answers,
        needs,
        reason,
    )
    evaluation.updated_at = now
    evaluation.save(update_fields=["answers", "needs_revision", "revision_reason", "updated_at"])
    changed = {k for k in after if after[k] != before[k]}
    if changed:
        _audit(
            evaluation,
            "evaluation_saved",
            actor,
            evaluation.unit_id,
            now,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return evaluation


@transaction.atomic
def evaluation_finalise(
    *, evaluation: SopEvaluation, actor: Person, now: dt.datetime | None = None
) -> SopEvaluation:
    """Finalise: every criterion answered and "perlu revisi" decided (with its reason when
    yes). A revision opens the SOP's next version as a draft, in the same transaction."""
    now = now or timezone.now()
    evaluation = _lock_evaluation(evaluation)
    assignment = _assessor(actor, evaluation.unit)
    missing = [str(i) for i, a in enumerate(evaluation.answers, start=1) if not a.get("answer")]
    if missing:
        raise Invalid(
            _("Kriteria %(nos)s belum dijawab.") % {"nos": ", ".join(missing)}, field="answers"
        )
    if evaluation.needs_revision is None:
        raise Invalid(_("Tentukan apakah SOP perlu direvisi."), field="needs_revision")
    if evaluation.needs_revision and not evaluation.revision_reason:
        raise Invalid(_("Tulis alasan revisi."), field="reason")
    if evaluation.needs_revision:
        evaluation.draft_version = sop_draft_open(
            code=evaluation.sop_code,
            actor=actor,
            reason=_("Evaluasi %(unit)s tahun %(year)s: %(reason)s")
            % {
                "unit": evaluation.unit.name,
                "year": evaluation.year,
                "reason": evaluation.revision_reason,
            },
        )
    evaluation.status = FormStatus.FINAL
    evaluation.finalised_by, evaluation.finalised_at, evaluation.updated_at = actor, now, now
    evaluation.assessor_name = actor.full_name
    evaluation.assessor_jabatan = assignment.title
    evaluation.assessor_number = actor.identity_line
    evaluation.save()
    _audit(
        evaluation,
        "evaluation_finalised",
        actor,
        evaluation.unit_id,
        now,
        score=evaluation.score,
        needs_revision=evaluation.needs_revision,
        draft_version=evaluation.draft_version.version if evaluation.draft_version else None,
    )
    return evaluation
