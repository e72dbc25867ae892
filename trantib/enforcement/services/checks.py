"""A compliance visit during the ladder (``ComplianceCheck``) and what it does to the case.

- **Complied**: the ladder ends early. A live period wait ends now (the cases service
  ``wait_end_early``, with the visit as its evidence), and the check decision that follows it
  (PPW's ``cek_*``) is completed as complied with the visit's note and photo when the visitor
  holds its position; else it waits in that position's Tugas Saya, with the visit on its form.
- **Not complied** at or after the deadline (the check decision is live): the decision is taken
  as not complied when the visitor holds its position, which escalates to the next rung (after
  Teguran III to the Surat Perintah Penertiban); before the deadline it is only recorded.

Which branch means what is read from the ladder's structure (:mod:`..ladder`): the complied
branch leads to the end the check shares with the other checks; never by its label.
"""

from __future__ import annotations

import datetime as dt
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trantib.accounts.models import OrgUnit, Person
from trantib.accounts.selectors import person_holds_role
from trantib.cases import services as case_services
from trantib.cases.models import CaseStatus, Task, TaskKind, TaskStatus
from trantib.core.audit import audit_record
from trantib.core.errors import Conflict, Invalid, NotAllowed
from trantib.engine.spec import FieldType, SOPSpec, Step

from ..ladder import ladder_of, rung_reached
from ..models import ComplianceCheck, Enforcement, EnforcementStatus
from ..numbers import text_checked
from ..selectors.violators import is_enforcement_officer
from .findings import _coordinate

NOTE_MAX = 4000
LIVE = (TaskStatus.OPEN, TaskStatus.CLAIMED)


class CheckEvent:
    RECORDED = "enforcement.compliance_checked"


def may_check_unit(person: Person | None, unit: OrgUnit) -> bool:
    """An enforcement officer of ``unit`` (``TRANTIB_ENFORCEMENT_ROLES``) or one of its heads:
    a complied visit ends the ladder's wait early, so no other position of the unit may."""
    if person is None:
        return False
    return is_enforcement_officer(person, unit) or case_services.supervises(person, unit)


def may_check(person: Person | None, enforcement: Enforcement) -> bool:
    """Whether ``person`` may record a compliance visit on ``enforcement``."""
    return may_check_unit(person, enforcement.unit)


def branch_for(spec: SOPSpec, step: Step, *, complied: bool) -> str:
    """The label of the check decision's complied (or not-complied) branch."""
    ends = ladder_of(spec).complied_ends
    for branch in step.branches:
        if (branch.to in ends) == complied:
            return branch.label
    raise Conflict(_("Langkah pemeriksaan ini tidak punya cabang itu."), field="complied")


def check_data(step: Step, note: str, photo_id: int | None) -> dict[str, Any]:
    """The check decision's record from the visit: its first long text gets the note, its
    first files field the photo."""
    data: dict[str, Any] = {}
    text = next((f for f in step.records if f.type in (FieldType.LONGTEXT, FieldType.TEXT)), None)
    if text is not None:
        data[text.name] = note
    files = next((f for f in step.records if f.type is FieldType.FILES), None)
    if files is not None and photo_id is not None:
        data[files.name] = [photo_id]
    return data


@transaction.atomic
def compliance_check_record(
    *,
    enforcement: Enforcement,
    actor: Person,
    complied: bool,
    note: str,
    visited_at: dt.datetime | None = None,
    latitude: Any = None,
    longitude: Any = None,
    photo: tuple[str, IO[bytes]] | None = None,
    now: dt.datetime | None = None,
) -> ComplianceCheck:
    now = now or timezone.now()
    visited_at = visited_at or now
    enforcement = Enforcement.objects.select_for_update().get(pk=enforcement.pk)
    case = enforcement.case
    if enforcement.status != EnforcementStatus.OPEN or case is None:
        raise Conflict(_("Penegakan ini sudah selesai."), field="enforcement")
    if case.status != CaseStatus.OPEN:
        raise Conflict(_("Kasus penegakan ini sudah tidak berjalan."), field="enforcement")
    if not may_check(actor, enforcement):
        raise NotAllowed(
            _("Hanya petugas penegakan unit ini yang dapat mencatat pemeriksaan kepatuhan."),
            field="unit",
        )
    note = text_checked(note, field="note", label=_("Catatan kunjungan")).strip()
    if not note:
        raise Invalid(_("Catatan kunjungan wajib diisi."), field="note")
    if len(note) > NOTE_MAX:
        raise Invalid(_("Catatan kunjungan paling panjang 4000 karakter."), field="note")
    if timezone.is_naive(visited_at):
        raise Invalid(_("Waktu kunjungan tidak dapat dibaca."), field="visited_at")
    if visited_at > now + dt.timedelta(minutes=5):
        raise Invalid(_("Waktu kunjungan tidak boleh di masa depan."), field="visited_at")
    if visited_at < enforcement.found_at:
        raise Invalid(_("Waktu kunjungan sebelum temuan dicatat."), field="visited_at")
    lat = _coordinate(latitude, -90, 90, "latitude", _("Lintang"))
    lon = _coordinate(longitude, -180, 180, "longitude", _("Bujur"))
    if (lat is None) != (lon is None):
        raise Invalid(_("Isi lintang dan bujur, atau kosongkan keduanya."), field="latitude")
    spec = case_services.case_spec(case)
    photo_id = None
    if photo is not None:
        name, content = photo
        photo_id = case_services.attachment_add(
            case=case, actor=actor, name=name, content=content, now=now
        ).pk
    effect = _act(
        spec=spec,
        enforcement=enforcement,
        actor=actor,
        complied=complied,
        note=note,
        photo_id=photo_id,
        now=now,
    )
    case.refresh_from_db()
    check = ComplianceCheck.objects.create(
        unit_id=enforcement.unit_id,
        enforcement=enforcement,
        rung=rung_reached(spec, case.state or {}) if effect != "ended_early" else "",
        visited_at=visited_at,
        visited_by=actor,
        complied=complied,
        note=note,
        latitude=lat,
        longitude=lon,
        photo_id=photo_id,
        effect=effect,
        recorded_at=now,
    )
    audit_record(
        subject=enforcement,
        type=CheckEvent.RECORDED,
        actor_id=actor.pk,
        unit_id=enforcement.unit_id,
        at=now,
        data={
            "check": check.pk,
            "case": case.number,
            "complied": complied,
            "note": note[:500],
            "visited_at": visited_at.isoformat(),
            "latitude": lat,
            "longitude": lon,
            "photo": photo_id,
            "effect": effect,
        },
    )
    return check


def _live(case_id: int) -> list[Task]:
    return list(Task.objects.filter(case_id=case_id, status__in=LIVE).order_by("pk"))


def _act(
    *,
    spec: SOPSpec,
    enforcement: Enforcement,
    actor: Person,
    complied: bool,
    note: str,
    photo_id: int | None,
    now: dt.datetime,
) -> str:
    ladder = ladder_of(spec)
    waits = {r.wait: r for r in ladder.rungs}
    checks = {r.check: r for r in ladder.rungs if r.check}
    case = enforcement.case
    if case is None:
        return ""
    effect = ""
    for task in _live(case.pk):
        if task.kind == TaskKind.WAIT and task.step_id in waits and complied:
            # The ladder ends early: the visit is the evidence that the wait's condition is met.
            evidence = _("Pemeriksaan kepatuhan: pelanggar mentaati. %(note)s") % {"note": note}
            case_services.wait_end_early(
                task=task, actor=actor, evidence=evidence[:1000], permitted=True, now=now
            )
            effect = "ended_early"
            break
    for task in _live(case.pk):
        if task.kind != TaskKind.WORK or task.step_id not in checks:
            continue
        step = spec.step(task.step_id)
        if not person_holds_role(actor, enforcement.unit, task.role):
            return "waiting"
        case_services.task_complete(
            task=task,
            actor=actor,
            data=check_data(step, note, photo_id),
            decision=branch_for(spec, step, complied=complied),
            now=now,
        )
        return "decided" if complied else "escalated"
    return effect
