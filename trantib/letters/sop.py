"""The letters an SOP's steps write and wait for (a step's ``letter:``; docs/sop-format.md).

A step that drafts a letter offers "Buat konsep … dari kasus" on its task:
:func:`letter_draft_for_task` writes the draft from what the case recorded (``fill``), the
SOP's constants (``data``), the previous letter of the ladder (its number and date go into
``dasar``) and the compliance period of the wait that follows (``tempo``), with the SOP's
signer and paraf chain. The drafter then edits it on the letter's page.

:class:`LetterGuard` (registered as a cases step guard in ``apps.py``) holds a step until its
letter has come as far as the step ``needs`` (:func:`letter_reached`) and fills the step's
``into`` fields from the letter: its number and date, the day it was delivered, its PDF. A
decision's correction branch (``loop: true``) sends the letter back instead and waits for
nothing. The values a draft is written from are read by :mod:`.sop_fill`.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trantib.accounts.models import Person
from trantib.accounts.selectors import person_holds_role
from trantib.cases import services as case_services
from trantib.cases.models import Case, Task
from trantib.core.errors import Conflict, Invalid, NotAllowed
from trantib.engine.spec import (
    FieldType,
    LetterInto,
    LetterNeed,
    SOPSpec,
    Step,
    StepKind,
    StepLetter,
)

from .models import Letter, LetterState, Review
from .services import letter_draft, letter_return
from .sop_fill import draft_header, draft_values, kind_title

# What the form says beside a field the letter fills.
FILLED_NOTE = gettext_lazy("diisi dari surat")

_FROM_REVIEW = {LetterState.REVIEW, LetterState.APPROVED, LetterState.NUMBERED, LetterState.SIGNED}
_FROM_APPROVED = {LetterState.APPROVED, LetterState.NUMBERED, LetterState.SIGNED}

NEED_TEXT = {
    LetterNeed.DRAFTED: gettext_lazy("diajukan untuk paraf"),
    LetterNeed.INITIALLED: gettext_lazy("diparaf"),
    LetterNeed.SIGNED: gettext_lazy("ditandatangani"),
    LetterNeed.DELIVERED: gettext_lazy("ditandatangani dan diserahkan (tanda terima dicatat)"),
}


def case_letter(case: Case, key: str) -> Letter | None:
    """The case's letter ``key`` (a cancelled one too: it blocks until drafted again)."""
    return (
        Letter.objects.filter(case=case, key=key)
        .prefetch_related("reviews", "deliveries")
        .order_by("-pk")
        .first()
    )


def letter_reached(letter: Letter, need: LetterNeed, role: str) -> bool:
    """Whether ``letter`` has come as far as ``need`` for a step of ``role``.

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


def letter_source(spec: SOPSpec, step: Step) -> tuple[Step, StepLetter] | None:
    """The step that drafts ``step``'s letter, and its block."""
    if step.letter is None:
        return None
    return spec.letter_source(step.letter.key)


# -- drafting from a task ---------------------------------------------------------------------


@transaction.atomic
def letter_draft_for_task(
    *,
    task: Task,
    actor: Person,
    values: Mapping[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> Letter:
    """Draft the letter of ``task``'s step from the case: see the module docstring. Any step
    that names the letter may draft it while it does not exist (a case that reached the step
    before the SOP had letters); a cancelled one is set aside and drafted anew. ``values``:
    what the task's form holds but the case has not recorded yet, read as this step's."""
    now = now or timezone.now()
    case = case_services.case_lock(task.case_id)
    task = Task.objects.get(pk=task.pk)
    spec = case_services.case_spec(case)
    step = spec.step(task.step_id)
    found = letter_source(spec, step)
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
            % {"role": spec.role(task.role).name},
            field="task",
        )
    existing = Letter.objects.filter(case=case, key=block.key).first()
    if existing is not None and existing.state != LetterState.CANCELLED:
        raise Conflict(
            _("%(kind)s kasus ini sudah dibuat.") % {"kind": existing.kind_name}, field="task"
        )
    if existing is not None:
        # The cancelled letter keeps its number and stays in the case's list, under its own key.
        existing.key = f"{block.key}.{existing.pk}"[:64]
        existing.save(update_fields=["key"])
    pending = {task.step_id: dict(values)} if values else {}
    data = draft_values(spec, case, source, block, now=now, pending=pending)
    header = draft_header(spec, case, block, pending=pending)
    return letter_draft(
        unit=case.unit,
        kind=block.kind,
        actor=actor,
        case=case,
        key=block.key,
        step_id=source.id,
        signer_role=block.signer or source.role,
        paraf_roles=list(block.paraf),
        data=data,
        hal=header["hal"],
        recipient=header.get("recipient", ""),
        recipient_address=header.get("recipient_address", ""),
        body=header.get("body", ""),
        now=now,
    )


# -- holding a step until its letter is far enough ---------------------------------------------


class LetterGuard:
    """The cases step guard of every step with a ``letter:`` that needs or fills something."""

    def applies(self, step: Step) -> bool:
        letter = step.letter
        return letter is not None and (letter.needs is not None or bool(letter.into))

    def filled(self, step: Step) -> Mapping[str, str]:
        return {name: str(FILLED_NOTE) for _w, name in step.letter.into} if step.letter else {}

    def prepare(
        self,
        *,
        spec: SOPSpec,
        case: Case,
        task: Task,
        step: Step,
        data: dict[str, Any],
        decision: str,
        actor: Person | None,
        now: dt.datetime,
    ) -> dict[str, Any]:
        block = step.letter
        if block is None:
            return data
        if step.kind is StepKind.DECISION and not _branch_named(step, decision):
            return data  # no such branch: the engine refuses the decision first
        letter = case_letter(case, block.key)
        if _correction(step, decision):
            _send_back(letter, step, data, decision, actor, now)
            return data
        found = spec.letter_source(block.key)
        title = letter.kind_name if letter else kind_title(found[1]) if found else block.key
        if block.needs is not None:
            _refuse_unless_reached(letter, block.needs, step.role, title)
        if letter is None or letter.state == LetterState.CANCELLED:
            return data
        return _fill_into(block, letter, case, task, data, actor, now)


def _branch_named(step: Step, decision: str) -> bool:
    chosen = decision.strip().casefold()
    return any(b.label.casefold() == chosen for b in step.branches)


def _correction(step: Step, decision: str) -> bool:
    """A decision's correction branch: the letter goes back, nothing is waited for."""
    if step.kind is not StepKind.DECISION:
        return False
    chosen = decision.strip().casefold()
    return any(b.loop and b.label.casefold() == chosen for b in step.branches)


def _send_back(
    letter: Letter | None,
    step: Step,
    data: Mapping[str, Any],
    decision: str,
    actor: Person | None,
    now: dt.datetime,
) -> None:
    """A correction returns the letter to its drafter with the step's note (its first long
    text recorded), when the letter waits on this reviewer or signer; else it is left as is."""
    if letter is None or actor is None:
        return
    if letter.state not in {LetterState.REVIEW, LetterState.APPROVED}:
        return
    note = next(
        (
            str(data[f.name]).strip()
            for f in step.records
            if f.type is FieldType.LONGTEXT and str(data.get(f.name) or "").strip()
        ),
        "",
    ) or _("%(decision)s: %(step)s") % {"decision": decision, "step": step.display_title}
    try:
        letter_return(letter=letter, actor=actor, note=note, now=now)
    except (NotAllowed, Conflict):
        return  # not this reviewer's turn: the drafter is told on the case page instead


def _refuse_unless_reached(letter: Letter | None, need: LetterNeed, role: str, title: str) -> None:
    wanted = str(NEED_TEXT[need])
    if letter is None:
        raise Invalid(
            _(
                "Konsep %(kind)s belum dibuat. Buat konsepnya dari kasus (tombol “Buat konsep”); "
                "langkah ini dapat diselesaikan setelah surat %(wanted)s."
            )
            % {"kind": title, "wanted": wanted},
            field="letter",
        )
    if letter.state == LetterState.CANCELLED:
        raise Invalid(
            _("%(kind)s dibatalkan. Buat konsep baru; langkah ini menunggu surat %(wanted)s.")
            % {"kind": title, "wanted": wanted},
            field="letter",
        )
    if not letter_reached(letter, need, role):
        raise Invalid(
            _(
                "%(kind)s belum %(wanted)s (status sekarang: %(state)s). Langkah ini dapat "
                "diselesaikan setelah surat %(wanted)s."
            )
            % {"kind": title, "wanted": wanted, "state": letter.get_state_display()},
            field="letter",
        )


def _fill_into(
    block: StepLetter,
    letter: Letter,
    case: Case,
    task: Task,
    data: dict[str, Any],
    actor: Person | None,
    now: dt.datetime,
) -> dict[str, Any]:
    zone = case.unit.zone()
    for what, name in block.into:
        if what is LetterInto.NUMBER and letter.number:
            data[name] = letter.number
        elif what is LetterInto.DATED and letter.dated:
            data[name] = letter.dated.isoformat()
        elif what is LetterInto.DELIVERED:
            first = min(letter.deliveries.all(), key=lambda d: d.received_at, default=None)
            if first is not None:
                local = timezone.localtime(first.received_at, zone)
                data[name] = local.strftime("%Y-%m-%dT%H:%M")
        elif what is LetterInto.PDF:
            data[name] = [_pdf_attach(letter, case, task, actor, now)]
    return data


def _pdf_attach(
    letter: Letter, case: Case, task: Task, actor: Person | None, now: dt.datetime
) -> int:
    """The letter as a PDF among the step's files: the official copy once signed, else the
    draft as it prints now (with KONSEP and no number)."""
    from .rendering import letter_pdf

    if letter.state == LetterState.SIGNED and letter.official_pdf:
        with letter.official_pdf.open("rb") as fh:
            content = fh.read()
        name = f"{letter.kind_name} {letter.number}.pdf"
    else:
        content = letter_pdf(letter)
        name = _("Konsep %(kind)s.pdf") % {"kind": letter.kind_name}
    kept = case_services.attachment_add(
        case=case,
        actor=actor,
        name=name.replace("/", "-"),
        content=io.BytesIO(content),
        task=task,
        now=now,
    )
    return kept.pk


def ladder_deadline(spec: SOPSpec, block: StepLetter, letter: Letter) -> dt.datetime | None:
    """When the compliance period of a delivered ladder letter ends (``wait``): counted from
    the delivery day's opening hour on the SOP's calendar, as the wait step counts it from the
    delivery day the step records (``starts_at``)."""
    if not block.wait or letter.state != LetterState.SIGNED:
        return None
    wait = spec.step(block.wait)
    first = min(letter.deliveries.all(), key=lambda d: d.received_at, default=None)
    if wait.deadline is None or first is None:
        return None
    zone = letter.unit.zone()
    day = timezone.localtime(first.received_at, zone).date()
    start = dt.datetime.combine(day, spec.calendar.opens, tzinfo=zone)
    return spec.calendar.due(start, wait.deadline, zone)
