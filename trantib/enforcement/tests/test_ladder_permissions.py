"""Who may end a violator's compliance wait and who may record a finding (issue 12 review).

A compliance visit that finds the violator complying ends the ladder's wait early: only an
enforcement officer of the unit (``TRANTIB_ENFORCEMENT_ROLES``) or one of its heads may record
it. A front-office Staf of the unit reads the board but can neither see its check button nor
post a visit; ``finding_open`` refuses anyone who is not an enforcement officer of the unit,
since other apps (patrols, operations) call it on behalf of their users.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from trantib.accounts.models import Position
from trantib.accounts.services import assignment_create
from trantib.cases.models import Task, TaskKind, TaskStatus
from trantib.core.errors import NotAllowed
from trantib.enforcement.models import ComplianceCheck, Enforcement, FindingSource
from trantib.enforcement.services import compliance_check_record, finding_open
from trantib.enforcement.tests import ladder_support as support
from trantib.letters.tests.sop_desk import Desk

pytestmark = pytest.mark.django_db


@pytest.fixture
def staf_pptng(demo_org) -> None:
    """A Staf of PPTNG: a position of the unit that is not an enforcement role."""
    position = Position.objects.create(
        unit=demo_org.unit("PPTNG"), code="staf", name="Staf Tata Usaha"
    )
    assignment_create(
        person=demo_org.person("staf.cpd"), position=position, valid_from=dt.date(2024, 1, 2)
    )


def _waiting(demo_org) -> tuple[Desk, Enforcement]:
    """An enforcement whose Surat Pernyataan is signed: its compliance wait is live."""
    desk = Desk(demo_org, timezone.now() - dt.timedelta(days=2))
    tibum, _reklame = support.catalogue(demo_org, desk.now)
    enforcement = finding_open(
        unit=demo_org.unit("PPTNG"),
        actor=desk.who("petugas1.pptng"),
        violator=support.violator(demo_org),
        articles=[support.article(tibum, "Pasal 14")],
        place="Trotoar Jl. Sudirman",
        found_at=desk.now - dt.timedelta(hours=1),
        source=FindingSource.PATROL,
        now=desk.now,
    )
    case = enforcement.case
    letter = desk.draft(case, "beri_teguran", "kasat.pptng")
    desk.sign(desk.submit(letter, "kasat.pptng"), "kasat.pptng")
    desk.complete(case, "beri_teguran", "kasat.pptng")
    assert _live_wait(enforcement)
    return desk, enforcement


def _live_wait(enforcement: Enforcement) -> bool:
    return Task.objects.filter(
        case=enforcement.case,
        kind=TaskKind.WAIT,
        status__in=(TaskStatus.OPEN, TaskStatus.CLAIMED),
    ).exists()


def test_a_staf_of_the_unit_cannot_end_the_compliance_wait_through_the_page(
    demo_org, staf_pptng, client
):
    _desk, enforcement = _waiting(demo_org)
    client.force_login(demo_org.user("staf.cpd"))
    url = reverse("enforcement:check_new", args=[enforcement.pk])
    board = client.get(reverse("enforcement:board")).content.decode()
    assert "Sutarman" in board  # the Staf reads the board of the unit …
    assert url not in board  # … but is offered no compliance check
    visit = {
        "complied": "ya",
        "note": "Sudah tidak berjualan",
        "visited_at": timezone.localtime(timezone.now()).strftime("%Y-%m-%d %H:%M"),
    }
    assert client.get(url).status_code == 404
    assert client.post(url, visit).status_code == 404
    assert _live_wait(enforcement)
    assert not ComplianceCheck.objects.filter(enforcement=enforcement).exists()


def test_a_staf_of_the_unit_cannot_end_the_compliance_wait_through_the_service(
    demo_org, staf_pptng
):
    desk, enforcement = _waiting(demo_org)
    with pytest.raises(NotAllowed):
        compliance_check_record(
            enforcement=enforcement,
            actor=desk.who("staf.cpd"),
            complied=True,
            note="Sudah tidak berjualan",
            now=desk.tick(),
        )
    assert _live_wait(enforcement)


def test_an_enforcement_officer_of_the_unit_sees_the_check_button_and_ends_the_wait(
    demo_org, client
):
    _desk, enforcement = _waiting(demo_org)
    client.force_login(demo_org.user("petugas2.pptng"))
    url = reverse("enforcement:check_new", args=[enforcement.pk])
    assert url in client.get(reverse("enforcement:board")).content.decode()
    visit = {
        "complied": "ya",
        "note": "Sudah tidak berjualan",
        "visited_at": timezone.localtime(timezone.now()).strftime("%Y-%m-%d %H:%M"),
    }
    assert client.post(url, visit).status_code == 302
    assert not _live_wait(enforcement)


def test_finding_open_refuses_a_person_who_is_not_an_enforcement_officer_of_the_unit(
    demo_org, staf_pptng
):
    tibum, _reklame = support.catalogue(demo_org, timezone.now())
    now = timezone.now()
    with pytest.raises(NotAllowed) as refused:
        finding_open(
            unit=demo_org.unit("PPTNG"),
            actor=demo_org.person("staf.cpd"),
            violator=support.violator(demo_org),
            articles=[support.article(tibum, "Pasal 14")],
            place="Trotoar Jl. Sudirman",
            found_at=now - dt.timedelta(hours=1),
            source=FindingSource.PATROL,
            now=now,
        )
    assert refused.value.field == "unit"
    assert not Enforcement.objects.exists()
