"""The complaint panel of the case page: the complaint a case handles, its reporter (masked
for whoever may not see them) and the working days left to answer."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from trantib.accounts.models import Person
from trantib.cases.models import Case

from . import selectors


def complaint_panel_context(case: Case, person: Person | None) -> dict[str, Any] | None:
    complaint = selectors.complaint_for_case(case.pk)
    if complaint is None:
        return None
    return {
        "complaint": complaint,
        "reporter": selectors.reporter_for(complaint, selectors.intake_unit_ids(person)),
        "days_left": selectors.working_days_left(complaint),
    }


def complaint_case_links(case: Case) -> list[tuple[str, Case]]:
    """A duplicate complaint's case links to the case of its original (the case file)."""
    complaint = selectors.complaint_for_case(case.pk)
    if complaint is None or complaint.duplicate_of_id is None:
        return []
    original = complaint.duplicate_of
    return [(_("Pengaduan asli"), original.case)] if original is not None else []
