"""The letters an SOP's steps write and wait for (a step's ``letter:``; docs/sop-format.md).

A step that drafts a letter offers "Buat konsep … dari kasus" on its task: the service
``letter_draft_for_task`` (:mod:`.services.sop`) writes the draft from what the case recorded
(``fill``, read by :mod:`.sop_fill`), the
SOP's constants (``data``), the previous letter of the ladder (its number and date go into
``dasar``) and the compliance period of the wait that follows (``tempo``), with the SOP's
signer and paraf chain. The drafter then edits it on the letter's page.

:class:`LetterGuard` (registered as a cases step guard in ``apps.py``) holds a step until its
letter has come as far as the step ``needs`` (``letter_reached``) and fills the step's
``into`` fields from the letter: its number and date, the day it was delivered, its PDF. A
decision's correction branch (``loop: true``) sends the letter back instead and waits for
nothing. :func:`ladder_deadline` says when a delivered ladder letter's period ends.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trantib.accounts.models import Person
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
from trantib.engine.values import date_write, datetime_write

from .models import Letter, LetterState
from .services import case_letter, letter_reached, letter_return
from .sop_fill import kind_title

# What the form says beside a field the letter fills.
FILLED_NOTE = gettext_lazy("diisi dari surat")

NEED_TEXT = {
    LetterNeed.DRAFTED: gettext_lazy("diajukan untuk paraf"),
    LetterNeed.INITIALLED: gettext_lazy("diparaf"),
    LetterNeed.SIGNED: gettext_lazy("ditandatangani"),
    LetterNeed.DELIVERED: gettext_lazy("ditandatangani dan diserahkan (tanda terima dicatat)"),
}


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
            position = case_services.role_position(spec, case.unit, step.role)
            _refuse_unless_reached(letter, block.needs, position, title)
        if letter is None or letter.state == LetterState.CANCELLED:
            return data
        return _fill_into(block, step, letter, case, task, data, actor, now)


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
    step: Step,
    letter: Letter,
    case: Case,
    task: Task,
    data: dict[str, Any],
    actor: Person | None,
    now: dt.datetime,
) -> dict[str, Any]:
    zone = case.unit.zone()
    types = {f.name: f.type for f in step.records}

    def when(moment: dt.date | dt.datetime, name: str) -> str:
        """A day or a moment written as the target field's type is read (engine.values)."""
        if types.get(name) is FieldType.DATE:
            return date_write(moment.date() if isinstance(moment, dt.datetime) else moment)
        if not isinstance(moment, dt.datetime):
            moment = dt.datetime.combine(moment, dt.time())  # a date alone: its midnight
        return datetime_write(moment.replace(second=0, microsecond=0))

    for what, name in block.into:
        if what is LetterInto.NUMBER and letter.number:
            data[name] = letter.number
        elif what is LetterInto.DATED and letter.dated:
            data[name] = when(letter.dated, name)
        elif what is LetterInto.DELIVERED:
            first = min(letter.deliveries.all(), key=lambda d: d.received_at, default=None)
            if first is not None:
                local = timezone.localtime(first.received_at, zone)
                data[name] = when(local.replace(tzinfo=None), name)
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
    period = case_services.wait_period(spec, letter.case, wait) if letter.case else wait.deadline
    if period is None or first is None:
        return None
    zone = letter.unit.zone()
    day = timezone.localtime(first.received_at, zone).date()
    start = dt.datetime.combine(day, spec.calendar.opens, tzinfo=zone)
    return spec.calendar.due(start, period, zone)
