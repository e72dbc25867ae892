"""The demo's letters: a step's letter brought as far as the step needs, by the people who
hold the roles, through the letters services — what the officers of a demo story do before
they complete a step that waits for its letter (an SOP's ``letter: needs:``).

The stories name the steps, not each paraf and signature: :func:`letter_bring` drafts the
letter from the case and what the step is about to record (as the step's holder), fills what
the kind requires and the case does not say, sends it for paraf, has each reviewer of the
chain initial it, has the signer sign it on paper (a sample PDF stands for the scan), and
records its delivery, each only as far as the step ``needs``. The suites that replay the seed
SOPs without looking at letters use it the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from trantib.accounts.models import OrgUnit, Person
from trantib.accounts.selectors import holders_of
from trantib.cases import services as case_services
from trantib.cases.models import Case, Task, TaskStatus
from trantib.engine.spec import LetterInto, LetterNeed, StepKind
from trantib.letters.models import Letter, LetterState, SignMode
from trantib.letters.services import (
    FROM_FIELDS,
    GAP,
    body_default,
    case_letter,
    letter_deliver,
    letter_draft_for_task,
    letter_edit,
    letter_initial,
    letter_number,
    letter_reached,
    letter_sign_electronic,
    letter_signed_copy_attach,
    letter_submit,
    pending_review,
    sign_mode_for,
)

from .files import sample

LIVE_STATUSES = (TaskStatus.OPEN, TaskStatus.CLAIMED)
_ORDER = (LetterNeed.DRAFTED, LetterNeed.INITIALLED, LetterNeed.SIGNED, LetterNeed.DELIVERED)
# What a demo drafter writes where the case says nothing and the kind requires something.
FILLER = "(dilengkapi petugas)"


def _holder(unit: OrgUnit, role: str) -> Person:
    person = holders_of(unit, role).first()
    if person is None:
        raise LookupError(f"nobody holds {role} in {unit.code}")
    return person


def letter_bring(
    task: Task,
    *,
    now: dt.datetime,
    data: Mapping[str, Any] | None = None,
    decision: str = "",
) -> Letter | None:
    """Bring the letter ``task``'s step waits for as far as it ``needs``; None when the step
    waits for no letter (or takes a decision's correction branch). ``data``: what the step is
    about to record (the draft reads it; a ``delivered`` field's date is the delivery day)."""
    case = task.case
    spec = case_services.case_spec(case)
    step = spec.step(task.step_id)
    block = step.letter
    if block is None or block.needs is None or _correction(step, decision):
        return None
    need = block.needs
    delivered = _delivery_time(block.into_field(LetterInto.DELIVERED), data, case.unit.zone())
    at = min(now, delivered - dt.timedelta(hours=1)) if delivered else now
    letter = case_letter(case, block.key)
    if letter is None or letter.state == LetterState.CANCELLED:
        drafter = _holder(case.unit, task.role)
        letter = letter_draft_for_task(task=task, actor=drafter, values=data, now=at)
        letter = _complete(letter, drafter, at)
    drafter = letter.created_by or _holder(case.unit, task.role)
    if letter.state in {LetterState.DRAFT, LetterState.RETURNED}:
        letter = letter_submit(letter=letter, actor=drafter, now=at)
    if _ORDER.index(need) >= _ORDER.index(LetterNeed.INITIALLED):
        letter = _initial(letter, need, step.role, at)
    if _ORDER.index(need) >= _ORDER.index(LetterNeed.SIGNED) and letter.state != LetterState.SIGNED:
        letter = _sign(letter, at)
    if need is LetterNeed.DELIVERED and not letter.deliveries.exists():
        received = delivered or at
        letter_deliver(
            letter=letter,
            actor=_holder(case.unit, task.role),
            received_by=str(letter.data.get("pelanggar_nama") or letter.recipient or "Penerima"),
            received_at=received,
            now=max(now, received),
        )
    return Letter.objects.get(pk=letter.pk)


def _correction(step: Any, decision: str) -> bool:
    chosen = decision.strip().casefold()
    return step.kind is StepKind.DECISION and any(
        b.loop and b.label.casefold() == chosen for b in step.branches
    )


def _delivery_time(
    name: str | None, data: Mapping[str, Any] | None, zone: dt.tzinfo
) -> dt.datetime | None:
    value = (data or {}).get(name) if name else None
    if not value:
        return None
    text = str(value)
    if len(text) == 10:
        return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(10, 0), tzinfo=zone)
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def _complete(letter: Letter, drafter: Person, at: dt.datetime) -> Letter:
    """Fill what the kind requires and the draft left empty, as its drafter would."""
    changes: dict[str, Any] = {}
    for f in letter.kind_spec.fields:
        if not f.required or letter.data.get(f.name) not in (None, "", []):
            continue
        if f.kind == "members":  # the kinds' field kinds (letters.kinds.FieldKind), by value
            changes[f.name] = [drafter.pk]
        elif f.kind == "list":
            changes[f.name] = [FILLER]
        elif f.kind == "choice":
            changes[f.name] = f.choices[0][0]
        elif f.kind == "date":
            changes[f.name] = at.date().isoformat()
        elif f.kind == "number":
            changes[f.name] = 1
        else:
            changes[f.name] = FILLER
    edits: dict[str, Any] = {"data": changes} if changes else {}
    if letter.kind_spec.addressed and not letter.recipient.strip():
        edits["recipient"] = str(letter.data.get("pelanggar_nama") or FILLER)
    if GAP in letter.body:
        # The wording was made before the fields were complete: made again from them (as
        # "Susun ulang isi dari isian" does), and what is still blank completed by hand.
        body = letter.body
        if letter.kind in FROM_FIELDS:
            body = body_default(letter.kind, {**letter.data, **changes})
        edits["body"] = body.replace(GAP, FILLER)
    if not edits:
        return letter
    return letter_edit(letter=letter, actor=drafter, changes=edits, now=at)


def _initial(letter: Letter, need: LetterNeed, role: str, at: dt.datetime) -> Letter:
    """Each reviewer in turn initials, up to this step's role (or all of them, to sign)."""
    while letter.state == LetterState.REVIEW:
        if need is LetterNeed.INITIALLED and letter_reached(letter, need, role):
            break
        review = pending_review(letter)
        if review is None:
            break
        letter = letter_initial(letter=letter, actor=_holder(letter.unit, review.role), now=at)
        letter = Letter.objects.get(pk=letter.pk)
    return letter


def _sign(letter: Letter, at: dt.datetime) -> Letter:
    signer = _holder(letter.unit, letter.signer_role)
    if sign_mode_for(letter) == SignMode.ELECTRONIC:
        return letter_sign_electronic(letter=letter, actor=signer, now=at)
    letter = letter_number(letter=letter, actor=signer, now=at)
    scan = sample("pdf", f"{letter.kind_name} {letter.number}")  # the signed scan stands here
    return letter_signed_copy_attach(
        letter=letter, actor=signer, content=scan, filename="scan.pdf", now=at
    )


def case_start_written(**kwargs: Any) -> Case:
    """``case_start``, and when its first step waited for its letter (PPW's Surat Tugas): the
    letter written as far as the step needs and the step done by the starter, with the start
    form's values, at the same time."""
    case = case_services.case_start(**kwargs)
    now = kwargs.get("now") or timezone.now()
    for task in Task.objects.filter(case=case, status__in=LIVE_STATUSES).order_by("pk"):
        if task.step_id == (kwargs.get("entry") or case_services.case_spec(case).start.id):
            letter_bring(task, now=now, data=kwargs.get("data"))
            case_services.task_complete(
                task=task,
                actor=kwargs["actor"],
                data=kwargs.get("data"),
                requirements=kwargs.get("requirements", ()),
                now=now,
            )
    case.refresh_from_db()
    return case


def task_complete_written(**kwargs: Any) -> Task:
    """``task_complete`` after the step's letter was brought as far as it needs."""
    now = kwargs.get("now") or timezone.now()
    letter_bring(
        kwargs["task"], now=now, data=kwargs.get("data"), decision=kwargs.get("decision", "")
    )
    return case_services.task_complete(**kwargs)
