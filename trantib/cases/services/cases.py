"""Starting a case."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from trantib.accounts.models import OrgUnit, Person
from trantib.core.errors import Conflict, Invalid, NotAllowed
from trantib.core.text import has_control_characters

from ..audit import audit_record
from ..models import (
    Case,
    CaseStatus,
    EventType,
    Task,
    TaskStatus,
)
from .attachments import Uploads, files_kept_on_success, uploads_store
from .fastpath import task_complete_fast
from .faststart import case_start_fast
from .flow import _parent_check, case_create, case_lock
from .hooks import case_ended, start_refusal, step_guards
from .lateness import case_late_refresh, case_late_refresh_deferred
from .roles import (
    acting_role,
    entry_step,
    holds_sop_role,
    spec_in_force,
    start_unfilled_refusal,
)
from .steps import complete_locked, start_values_check


@transaction.atomic
def case_start(
    *,
    sop_code: str,
    unit: OrgUnit,
    actor: Person,
    subject: str,
    data: Mapping[str, Any] | None = None,
    requirements: Sequence[str] = (),
    entry: str = "",
    uploads: Uploads | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """Start a case of the SOP in force and do its first step with ``data``: the start form
    is the first step's form (what the Pelapor reported, the month of a patrol programme).
    ``entry`` starts at another entry step (POLMAS Pos Mantap, a PPW warning without a patrol).
    A first step that a step guard holds (it waits for a letter) is left live instead, its
    values kept for it: see ``hooks``.
    ``uploads``: files for the first step's file fields, ``{field: [(name, file), …]}`` — they
    can only be kept once the case exists, so they are stored here, in the same transaction."""
    return _start(
        sop_code=sop_code,
        unit=unit,
        actor=actor,
        subject=subject,
        data=data,
        requirements=requirements,
        entry=entry,
        uploads=uploads,
        now=now or timezone.now(),
        guarded=True,
    )


@transaction.atomic
def case_start_held(
    *,
    sop_code: str,
    unit: OrgUnit,
    actor: Person,
    subject: str,
    entry: str,
    data: Mapping[str, Any] | None = None,
    uploads: Uploads | None = None,
    parent: Case | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """Open a case at an entry step that a step guard holds, for a domain service that recorded
    what the step needs (an enforcement finding: the violator, the place, the articles). The
    step is not done now: it waits live for the holder of its position, so ``actor`` (the
    officer who recorded the finding) need not hold it. ``parent``: the case it came from (the
    patrol month's case), shown as its linked case. Refused when no guard holds the step."""
    spec = spec_in_force(sop_code)
    if not step_guards(entry_step(spec, entry)):
        raise Conflict(
            _("Langkah %(entry)s SOP %(code)s tidak menunggu apa pun; mulai kasusnya biasa.")
            % {"entry": entry, "code": sop_code},
            field="entry",
        )
    return _start(
        sop_code=sop_code,
        unit=unit,
        actor=actor,
        subject=subject,
        data=data,
        requirements=(),
        entry=entry,
        uploads=uploads,
        now=now or timezone.now(),
        guarded=True,
        performer_checked=False,
        parent=parent,
    )


# No savepoint of its own: its only caller, the complaint service, runs it inside its own
# transaction and lets every refusal through, so nothing is left to roll back to.
@transaction.atomic(savepoint=False)
def case_start_for_intake(
    *,
    sop_code: str,
    unit: OrgUnit,
    subject: str,
    actor: Person | None = None,
    data: Mapping[str, Any] | None = None,
    uploads: Uploads | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """Start a case of an SOP that only its intake service starts (the complaint SOP: see
    ``hooks.start_guard_register``). ``actor`` None: a citizen did the first step through a
    public channel (the web form, an SMS, Open311), so the step and its events have no actor.
    Only the complaint service calls this, after its checks: an ``actor`` given has been found
    to hold the first step's position in ``unit``, so it is not asked again."""
    return _start(
        sop_code=sop_code,
        unit=unit,
        actor=actor,
        subject=subject,
        data=data,
        requirements=(),
        entry="",
        uploads=uploads,
        now=now or timezone.now(),
        guarded=False,
        performer_checked=False,
    )


@transaction.atomic
def case_open_scheduled(
    *,
    sop_code: str,
    unit: OrgUnit,
    subject: str,
    entry: str,
    assignee: Person,
    now: dt.datetime | None = None,
) -> tuple[Case, Task]:
    """Open a case at an entry step without doing it: a scheduled activity the worker opens on
    its day (a Polmas Pos Sapta), its step left live and taken by ``assignee`` (who must hold
    the step's role), who records it later with ``task_complete``. Nobody acted: the case's
    opener is the system."""
    now = now or timezone.now()
    subject = (subject or "").strip()[:300]
    if not subject:
        raise Invalid(_("Perihal kasus wajib diisi."), field="subject")
    spec = spec_in_force(sop_code)
    first_step = entry_step(spec, entry)
    role = acting_role(spec, first_step)
    if not holds_sop_role(assignee, unit, spec, role):
        raise Invalid(
            _("%(who)s tidak memegang jabatan %(role)s di %(unit)s.")
            % {"who": assignee.full_name, "role": spec.role(role).name, "unit": unit.code},
            field="assignee",
        )
    case = case_create(
        spec=spec, unit=unit, actor=None, subject=subject, entry=entry, now=now, offered_to=assignee
    )
    first = Task.objects.get(case=case, step_id=first_step.id, status=TaskStatus.OPEN)
    first.assignee, first.status, first.claimed_at = assignee, TaskStatus.CLAIMED, now
    first.save(update_fields=["assignee", "status", "claimed_at"])
    audit_record(
        case=case,
        type=EventType.TASK_CLAIMED,
        actor=None,
        task=first,
        at=now,
        data={"step": first.step_id, "after": {"assignee": assignee.pk}, "scheduled": True},
    )
    return case, first


@files_kept_on_success()
# late_from is written once, after the first step, not also when the case opens.
@case_late_refresh_deferred()
def _start(
    *,
    sop_code: str,
    unit: OrgUnit,
    actor: Person | None,
    subject: str,
    data: Mapping[str, Any] | None,
    requirements: Sequence[str],
    entry: str,
    uploads: Uploads | None,
    now: dt.datetime,
    guarded: bool,
    performer_checked: bool = True,
    parent: Case | None = None,
) -> Case:
    subject = (subject or "").strip()
    if not subject:
        raise Invalid(_("Perihal kasus wajib diisi."), field="subject")
    if len(subject) > 300:
        raise Invalid(_("Perihal kasus paling panjang 300 karakter."), field="subject")
    if has_control_characters(subject, unstorable_only=True):
        raise Invalid(_("Perihal kasus berisi karakter kendali (NUL)."), field="subject")
    spec = spec_in_force(sop_code)
    refusal = start_refusal(spec) if guarded else None
    if refusal:
        raise Invalid(refusal, field="sop")
    first_step = entry_step(spec, entry)
    role = acting_role(spec, first_step)
    if performer_checked and actor is not None and not holds_sop_role(actor, unit, spec, role):
        raise NotAllowed(
            _("Anda tidak memegang jabatan %(role)s di %(unit)s, yang memulai SOP %(code)s.")
            % {"role": spec.role(role).name, "unit": unit.code, "code": spec.code},
            field="sop",
        )
    # Every role of the SOP needs someone in the unit: a task for a role nobody fills would
    # wait for no one (decision 0015). The complaint intake is not refused: a citizen's report
    # is received whatever the unit's staffing, and its head sees the case.
    unfilled = start_unfilled_refusal(spec, unit) if guarded else None
    if unfilled:
        raise Invalid(unfilled, field="sop")
    data = dict(data or {})
    # A first step a guard holds (it waits for a letter, which can only be written once the
    # case exists) is not done now: the case opens with it as a live task, and the start
    # form's values wait for it under the case's start data (see ``hooks``).
    held = bool(step_guards(first_step))
    if held:
        data = start_values_check(first_step, data)
    elif not uploads and parent is None:
        # A plain start takes the fast path on PostgreSQL (see ``faststart``).
        fast = case_start_fast(
            spec=spec,
            unit=unit,
            first_step=first_step,
            entry=entry,
            actor=actor,
            subject=subject,
            data=data,
            requirements=requirements,
            now=now,
        )
        if fast is not None:
            return fast
    case = case_create(
        spec=spec,
        unit=unit,
        actor=actor,
        subject=subject,
        entry=entry,
        start_data=data if held else None,
        parent=parent,
        now=now,
        done_at_once="" if held else first_step.id,
    )
    first = Task.objects.get(case=case, step_id=first_step.id)
    uploaded: list[int] = []
    if uploads:
        per_field, uploaded = uploads_store(
            case=case, step=first_step, task=first, actor=actor, uploads=uploads, now=now
        )
        for name, ids in per_field.items():
            data[name] = [*(data.get(name) or []), *ids]
        case = case_lock(case.pk)  # the uploads moved the head of the event chain
        if held:  # the files wait for the step too, by field, beside its values
            start = {**case.state["data"]["_start"], **per_field}
            case.state = {**case.state, "data": {**case.state["data"], "_start": start}}
            case.save(update_fields=["state"])
    if held:
        return case
    # A plain first step done by an officer takes the fast path on PostgreSQL (see
    # ``fastpath``); it then holds the case as it now stands.
    done = None
    if actor is not None:
        done = task_complete_fast(
            task=first,
            actor=actor,
            data=data,
            decision="",
            requirements=requirements,
            attachments=uploaded,
            now=now,
        )
    if done is not None:
        for name in ("state", "event_seq", "event_hash"):
            setattr(case, name, getattr(done.case, name))
        return case
    complete_locked(
        spec=spec,
        case=case,
        task=first,
        actor=actor,
        data=data,
        decision="",
        requirements=requirements,
        attachments=uploaded,
        now=now,
    )
    return case


def children_elsewhere_text(count: int) -> str:
    """What a cancellation says of linked cases in another unit, without naming them."""
    return ngettext(
        "%(n)s kasus terkait di unit lain tetap berjalan.",
        "%(n)s kasus terkait di unit lain tetap berjalan.",
        count,
    ) % {"n": count}


@transaction.atomic
def case_cancel(
    *,
    case: Case,
    actor: Person | None,
    reason: str,
    children: str = "",
    extra: Mapping[str, Any] | None = None,
    reaches: Callable[[Case], bool] | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """Stop a running case before its end (a complaint found to duplicate another): its live
    tasks are cancelled and the reason is recorded. Callers check who may do this.

    Open linked cases are never stopped silently: ``children`` "cancel" stops them too, with
    the same reason; "keep" leaves them running; with open children and no choice, Conflict
    names them. ``reaches`` (when given) says which children the actor may direct: the others
    (handed over to another unit) are neither named nor cancelled, only counted, and run on.
    ``extra``: more details for the event (what kind of cancellation)."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Alasan pembatalan wajib diisi."), field="reason")
    case = case_lock(case.pk)
    if case.status != CaseStatus.OPEN:
        raise Conflict(_("Kasus ini sudah tidak berjalan."), field="case")
    if children not in ("", "cancel", "keep"):
        raise Invalid(_("Pilih “cancel” atau “keep” untuk kasus turunan."), field="children")
    kids = list(Case.objects.filter(parent=case, status=CaseStatus.OPEN).order_by("pk"))
    elsewhere = 0
    if reaches is not None:
        reached = [k for k in kids if reaches(k)]
        elsewhere, kids = len(kids) - len(reached), reached
    if kids and not children:
        message = _(
            "Kasus ini punya kasus turunan yang masih berjalan: %(numbers)s. Pilih apakah "
            "kasus turunan ikut dibatalkan atau tetap berjalan."
        ) % {"numbers": ", ".join(k.number for k in kids)}
        if elsewhere:
            message += " " + children_elsewhere_text(elsewhere)
        raise Conflict(message, field="children")
    live = Task.objects.filter(case=case, status__in=[TaskStatus.OPEN, TaskStatus.CLAIMED])
    cancelled = list(live.values_list("pk", flat=True))
    live.update(status=TaskStatus.CANCELLED)
    case_late_refresh(case.pk)
    case.status, case.closed_at = CaseStatus.CANCELLED, now
    details: dict[str, Any] = {
        "reason": reason[:500],
        "tasks": cancelled,
        "before": {"status": "open"},
        "after": {"status": "cancelled"},
    }
    if kids:
        details["children"] = {"choice": children, "cases": [k.number for k in kids]}
    if elsewhere:
        details["children_elsewhere"] = elsewhere
    audit_record(
        case=case,
        type=EventType.CASE_CANCELLED,
        actor=actor,
        at=now,
        data={**(extra or {}), **details},
        save=["status", "closed_at"],
    )
    case_ended(case, actor, now)
    if children == "cancel":
        for kid in kids:
            case_cancel(
                case=kid, actor=actor, reason=reason, children="cancel", reaches=reaches, now=now
            )
    if case.parent_id:
        # A parent waiting for its linked cases moves on once none of them runs.
        _parent_check(parent_id=case.parent_id, step_id=case.parent_step, now=now)
    return case
