"""Row 7 (``buka_penegakan``) and the cases already linked to the month: only a finding line
naming one exactly opens nothing; a waiting sub-procedure counts the linked cases it adopts."""

from __future__ import annotations

import datetime as dt

import pytest

from trantib.cases.models import Case, CaseStatus
from trantib.cases.services import case_spec
from trantib.cases.services.flow import _open_linked, case_lock
from trantib.enforcement.tests import ladder_support as ladder
from trantib.engine import runtime
from trantib.patrols import services

from . import support
from .test_services import _finding_post, _nihil, _schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def found(demo_org):
    """A month whose report of 4 August found a violator: its case is linked to the month."""
    month = support.month(demo_org)
    tibum, _ = ladder.catalogue(demo_org, month.desk.now)
    violator = ladder.violator(demo_org)
    _schedule(demo_org, month, days=(dt.date(2026, 8, 4),))
    article = ladder.article(tibum, "Pasal 12 ayat (1)")
    _nihil(
        demo_org,
        month,
        dt.date(2026, 8, 4),
        nihil=False,
        findings=[services.FindingInput(prefix="f0", place="Trotoar Pasar Anyar")],
        form=_finding_post(violator.pk, article.pk),
    )
    return month, Case.objects.get(parent=month.case)


def _open(month, items, *, wait=False):
    request = runtime.LinkedCasesRequested(
        step="buka_penegakan", sop="", entry="beri_teguran", items=tuple(items), wait=wait
    )
    case = case_lock(month.case.pk)  # as the step that opens them holds it
    return _open_linked(
        spec=case_spec(case),
        case=case,
        request=request,
        actor=month.desk.who("kasat.pptng"),
        now=month.desk.now,
    )


def test_a_typed_line_that_merely_mentions_a_linked_case_opens_its_own_case(found) -> None:
    month, linked = found
    line = f"4 Agustus 2026: Sutarman — Pasal 12 — Trotoar Pasar Anyar — {linked.number}"
    typed = f"pedagang baru, dekat lokasi {linked.number}"
    opened = _open(month, [line, typed])
    assert [c.subject.endswith(typed) for c in opened] == [True]


def test_a_number_that_only_begins_another_names_nothing(found) -> None:
    month, linked = found
    Case.objects.filter(pk=linked.pk).update(number="PPTNG/PPW/2026/1000")
    opened = _open(month, ["Darto — Pasal 5 — Pasar — PPTNG/PPW/2026/10001"])
    assert len(opened) == 1


def test_a_waiting_step_adopts_the_open_linked_cases_its_lines_name(found) -> None:
    month, linked = found
    line = f"4 Agustus 2026: Sutarman — Pasal 12 — Trotoar Pasar Anyar — {linked.number}"
    assert _open(month, [line], wait=True) == []
    linked.refresh_from_db()
    assert linked.parent_step == "buka_penegakan"  # its closing moves the step on


def test_a_waiting_step_opens_a_case_for_a_line_whose_linked_case_is_closed(found) -> None:
    month, linked = found
    Case.objects.filter(pk=linked.pk).update(status=CaseStatus.CLOSED)
    line = f"4 Agustus 2026: Sutarman — Pasal 12 — Trotoar Pasar Anyar — {linked.number}"
    opened = _open(month, [line], wait=True)
    assert len(opened) == 1 and opened[0].parent_step == "buka_penegakan"
