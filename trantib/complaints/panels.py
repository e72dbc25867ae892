"""The complaint panel of the case page: the complaint a case handles, its reporter (masked
for whoever may not see them), whether it is public (with the switch for the intake roles)
and the working days left to answer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import OuterRef
from django.utils.translation import gettext as _

from trantib.accounts.models import Person
from trantib.cases.models import Case, CaseStatus
from trantib.cases.panels import CaseClock, CaseClockSql

from . import selectors
from .models import Complaint
from .templatetags.complaints import days_left_text


def complaint_panel_context(case: Case, person: Person | None) -> dict[str, Any] | None:
    complaint = selectors.complaint_for_case(case.pk)
    if complaint is None:
        return None
    complaint.case = case  # the page has it: its SOP's calendar counts the days left
    intake = selectors.intake_unit_ids(person)
    return {
        "complaint": complaint,
        "reporter": selectors.reporter_for(complaint, intake),
        # The intake roles of the unit decide whether the complaint is public.
        "may_publish": complaint.unit_id in intake,
        "days_left": selectors.working_days_left(complaint),
        "answer_due": selectors.answer_due(complaint),
    }


def complaint_case_clocks(cases: Sequence[Case], now: dt.datetime) -> dict[int, CaseClock]:
    """The answer deadline of each complaint among ``cases`` still to be answered, as the
    second clock of its tasks (the first is the step's own Mutu Baku). One query."""
    complaints = (
        Complaint.objects.filter(case_id__in=[c.pk for c in cases])
        .select_related("unit", "case__sop_version")
        .defer("case__sop_version__content")  # the SOP file: its key and hash are enough
    )
    clocks = {}
    for complaint in complaints:
        days = selectors.working_days_left(complaint, now)
        if days is None:
            continue
        clocks[complaint.case_id] = CaseClock(
            label=_("Jawaban kepada pelapor"),
            text=days_left_text(days),
            due_at=selectors.answer_due(complaint),
            late=days < 0,
            soon=0 <= days <= 1,
        )
    return clocks


def complaint_case_clock_sql() -> CaseClockSql:
    """:func:`complaint_case_clocks` in SQL, from the clock stamped on the complaint at receipt
    (``clock.py``): a clock while the complaint is unanswered and its case open; late from
    ``answer_late_from`` on (where ``working_days_left`` turns negative)."""
    waiting = Complaint.objects.filter(
        case_id=OuterRef("case_id"),
        answered_at__isnull=True,
        answer_due_at__isnull=False,
        case__status=CaseStatus.OPEN,
    ).order_by()
    return CaseClockSql(rows=waiting, due_at="answer_due_at", late_from="answer_late_from")


def complaint_case_links(case: Case) -> list[tuple[str, Case]]:
    """A duplicate complaint's case links to the case of its original (the case file)."""
    complaint = selectors.complaint_for_case(case.pk)
    if complaint is None or complaint.duplicate_of_id is None:
        return []
    original = complaint.duplicate_of
    return [(_("Pengaduan asli"), original.case)] if original is not None else []
