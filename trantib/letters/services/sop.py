"""The letters of an SOP's steps (a step's ``letter:``): drafting one from a live task, and
how far a case's letter has come. The step guard that holds a step for its letter and the
panels are in :mod:`trantib.letters.sop`; the first values of a draft in
:mod:`trantib.letters.sop_fill`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trantib.accounts.models import Person
from trantib.accounts.selectors import person_holds_role
from trantib.cases import services as case_services
from trantib.cases.models import Case, Task
from trantib.core.errors import Conflict, Invalid, NotAllowed
from trantib.engine.spec import LetterNeed

from ..models import Letter, LetterState, Review
from ..sop_fill import draft_header, draft_values
from .lifecycle import LetterEvent, _audit, letter_draft

_FROM_REVIEW = {LetterState.REVIEW, LetterState.APPROVED, LetterState.NUMBERED, LetterState.SIGNED}
_FROM_APPROVED = {LetterState.APPROVED, LetterState.NUMBERED, LetterState.SIGNED}


def case_letter(case: Case, key: str) -> Letter | None:
    """The case's letter ``key`` (a cancelled one too: it blocks until drafted again)."""
    return (
        Letter.objects.filter(case=case, key=key)
        .prefetch_related("reviews", "deliveries")
        .order_by("-pk")
        .first()
    )


def letter_reached(letter: Letter, need: LetterNeed, role: str) -> bool:
    """Whether ``letter`` has come as far as ``need`` for a step performed by the position
    ``role`` (the unit's position code that fills the step's role, as the paraf chain names it).

    drafted: sent for paraf or beyond; initialled: approved or beyond, or every paraf of
    ``role`` in the current round given (a role without a paraf of its own in the chain, the
    drafter's, counts once the letter is sent); signed; delivered: signed with a tanda terima.
    """
    state = letter.state
    if need is LetterNeed.DRAFTED:
        return state in _FROM_REVIEW
    if need is LetterNeed.INITIALLED:
        if state in _FROM_APPROVED:
            return True
        if state != LetterState.REVIEW:
            return False
        reviews = list(letter.reviews.all())
        last = max((r.round for r in reviews), default=0)
        mine = [r for r in reviews if r.round == last and r.role == role]
        return all(r.outcome == Review.Outcome.INITIALLED for r in mine)
    if need is LetterNeed.SIGNED:
        return state == LetterState.SIGNED
    return state == LetterState.SIGNED and any(True for _d in letter.deliveries.all())


@transaction.atomic
def letter_draft_for_task(
    *,
    task: Task,
    actor: Person,
    values: Mapping[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> Letter:
    """Draft the letter of ``task``'s step from the case (:mod:`..sop`). Any step
    that names the letter may draft it while it does not exist (a case that reached the step
    before the SOP had letters); a cancelled one is set aside and drafted anew. ``values``:
    what the task's form holds but the case has not recorded yet, read as this step's."""
    now = now or timezone.now()
    case = case_services.case_lock(task.case_id)
    task = Task.objects.get(pk=task.pk)
    spec = case_services.case_spec(case)
    step = spec.step(task.step_id)
    found = spec.letter_source(step.letter.key) if step.letter else None
    if found is None:
        raise Invalid(_("Langkah ini tidak menulis surat."), field="task")
    source, block = found
    if not task.is_live:
        raise Conflict(_("Tugas ini sudah tidak berjalan."), field="task")
    if not person_holds_role(actor, case.unit, task.role) and not case_services.supervises(
        actor, case.unit
    ):
        raise NotAllowed(
            _("Konsep surat pada langkah ini dibuat oleh pemegang jabatan %(role)s.")
            % {"role": case_services.task_role_name(spec, task)},
            field="task",
        )
    existing = Letter.objects.filter(case=case, key=block.key).first()
    if existing is not None and existing.state != LetterState.CANCELLED:
        raise Conflict(
            _("%(kind)s kasus ini sudah dibuat.") % {"kind": existing.kind_name}, field="task"
        )
    if existing is not None:
        # The cancelled letter keeps its number and stays in the case's list, under its own key.
        before, existing.key = existing.key, f"{block.key}.{existing.pk}"[:64]
        existing.save(update_fields=["key"])
        _audit(existing, LetterEvent.EDITED, actor, at=now, changes={"key": [before, existing.key]})
    # The SOP names its paraf and signer by role; the letter by the unit's positions that fill
    # them (decision 0015), as a task is offered to one.
    positions = case_services.role_map(spec, case.unit)
    signer = block.signer or source.role
    pending = {task.step_id: dict(values)} if values else {}
    data = draft_values(spec, case, source, block, now=now, pending=pending)
    header = draft_header(spec, case, block, pending=pending, data=data)
    return letter_draft(
        unit=case.unit,
        kind=block.kind,
        actor=actor,
        case=case,
        key=block.key,
        step_id=source.id,
        signer_role=positions.get(signer, signer),
        paraf_roles=[positions.get(role, role) for role in block.paraf],
        data=data,
        hal=header["hal"],
        recipient=header.get("recipient", ""),
        recipient_address=header.get("recipient_address", ""),
        body=header.get("body", ""),
        now=now,
    )
