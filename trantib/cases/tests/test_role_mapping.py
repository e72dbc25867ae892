"""Roles are the SOP's columns; a unit maps them to its positions (issue 14, item 4; decision
0015). The same SOP runs in two units whose "Kasi" is a different position; a case does not
start — page, API or CLI — while a role of the SOP has nobody in the unit; a task is offered
to the position the unit's adoption names, and only its holders do it."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from trantib.accounts.models import Assignment, OrgUnit, Person, Position
from trantib.accounts.selectors import holders_of
from trantib.api.services import api_token_create
from trantib.api.tests.support import ApiClient
from trantib.cases import services
from trantib.cases.models import Case, Task, TaskStatus
from trantib.core.errors import Invalid, NotAllowed
from trantib.sops.services import sop_adopt

pytestmark = pytest.mark.django_db

PGD_DATA = {"saluran": "SMS", "uraian": "Warung karaoke buka sampai pukul 02.00"}


def _position(unit: OrgUnit, code: str, name: str, holder: str | None = None) -> Position:
    position = Position.objects.create(unit=unit, code=code, name=name)
    if holder:
        user = get_user_model().objects.create_user(username=holder, password="x-Rahasia-123")
        person = Person.objects.create(user=user, full_name=holder.title(), kind="asn")
        Assignment.objects.create(person=person, position=position, valid_from=dt.date(2020, 1, 1))
    return position


def _start(demo_org, unit: str, who: str) -> Case:
    return services.case_start(
        sop_code="PGD",
        unit=demo_org.unit(unit),
        actor=demo_org.person(who),
        subject="Warung buka melewati jam malam",
        data=PGD_DATA,
    )


def _live(case: Case) -> Task:
    return Task.objects.get(case=case, status__in=[TaskStatus.OPEN, TaskStatus.CLAIMED])


def _person(username: str) -> Person:
    return Person.objects.get(user__username=username)


def test_the_same_sop_runs_in_two_units_whose_kasi_is_a_different_position(demo_org):
    cpd = demo_org.unit("CPD")
    # In Cipondoh, PGD's "Kasi Trantib" column is the Kasi Pemerintahan (a position of its own).
    kasi_pem = _position(cpd, "kasi_pem", "Kasi Pemerintahan", holder="kasipem.cpd")
    sop_adopt(
        unit=cpd,
        code="PGD",
        version=2,
        positions={"kasi_trantib": kasi_pem.pk},
        actor=demo_org.person("camat.cpd"),
    )
    in_krj = _start(demo_org, "KRJ", "staf.krj")
    in_cpd = _start(demo_org, "CPD", "staf.cpd")
    for case, staf in ((in_krj, "staf.krj"), (in_cpd, "staf.cpd")):
        services.task_complete(task=_live(case), actor=demo_org.person(staf), data={})

    krj_task, cpd_task = _live(in_krj), _live(in_cpd)
    assert krj_task.step_id == cpd_task.step_id == "kasi_teruskan"
    assert (krj_task.role, cpd_task.role) == ("kasi_trantib", "kasi_pem")
    assert [p.full_name for p in holders_of(cpd, cpd_task.role)] == ["Kasipem.Cpd"]
    # The Kasi Trantib of Cipondoh does not hold that column there; the Kasi Pemerintahan does.
    with pytest.raises(NotAllowed, match="Kasi Trantib"):
        services.task_complete(task=cpd_task, actor=demo_org.person("kasi.cpd"), data={})
    services.task_complete(task=cpd_task, actor=_person("kasipem.cpd"), data={})
    assert _live(in_cpd).step_id == "camat_arahkan"
    services.task_complete(task=krj_task, actor=demo_org.person("kasi.krj"), data={})
    # The case page shows the SOP's column heading, and the task to its new holder.
    client = Client()
    client.force_login(get_user_model().objects.get(username="kasipem.cpd"))
    page = client.get(reverse("cases:detail", args=[in_cpd.pk]))
    assert page.status_code == 200
    assert in_cpd.number in page.content.decode()


def test_a_later_task_follows_a_changed_mapping_and_an_offered_one_stays(demo_org):
    cpd = demo_org.unit("CPD")
    kasi_pem = _position(cpd, "kasi_pem", "Kasi Pemerintahan", holder="kasipem.cpd")
    case = _start(demo_org, "CPD", "staf.cpd")
    services.task_complete(task=_live(case), actor=demo_org.person("staf.cpd"), data={})
    assert _live(case).role == "kasi_trantib"  # no adoption: the role's own id
    sop_adopt(
        unit=cpd,
        code="PGD",
        version=2,
        positions={"kasi_trantib": kasi_pem.pk},
        actor=demo_org.person("camat.cpd"),
    )
    assert _live(case).role == "kasi_trantib"  # offered before the change: it stays
    services.task_complete(task=_live(case), actor=demo_org.person("kasi.cpd"), data={})
    services.task_complete(
        task=_live(case), actor=demo_org.person("camat.cpd"), data={"arahan": "Tindak lanjuti"}
    )
    assert _live(case).role == "kasi_pem"  # koordinasi_tindak, offered after it


def _unfilled_camat(demo_org) -> Position:
    """Cipondoh maps PGD's Camat column to a position nobody holds (a vacant Plt. post)."""
    cpd = demo_org.unit("CPD")
    vacant = _position(cpd, "camat_plt", "Plt. Camat (kosong)")
    sop_adopt(
        unit=cpd,
        code="PGD",
        version=2,
        positions={"camat": vacant.pk},
        actor=demo_org.person("camat.cpd"),
    )
    return vacant


UNFILLED = "tidak ada pemegang jabatan untuk peran Camat (camat_plt)"


def test_the_start_is_refused_while_a_role_has_no_holder_naming_the_role(demo_org):
    _unfilled_camat(demo_org)
    with pytest.raises(Invalid, match=r"Camat \(camat_plt\)") as err:
        _start(demo_org, "CPD", "staf.cpd")
    assert err.value.field == "sop"
    assert UNFILLED in err.value.message
    assert not Case.objects.filter(unit=demo_org.unit("CPD")).exists()
    _start(demo_org, "KRJ", "staf.krj")  # another unit, another mapping: it starts


def test_the_start_page_refuses_while_a_role_has_no_holder(demo_org):
    _unfilled_camat(demo_org)
    client = Client()
    client.force_login(demo_org.user("staf.cpd"))
    response = client.post(
        reverse("cases:start"),
        {
            "sop": "PGD",
            "unit": "CPD",
            "subject": "Warung buka",
            **{f"data.{k}": v for k, v in PGD_DATA.items()},
        },
    )
    assert response.status_code == 422
    assert UNFILLED in response.content.decode()
    assert not Case.objects.filter(unit=demo_org.unit("CPD")).exists()


def test_the_api_refuses_the_start_while_a_role_has_no_holder(demo_org):
    _unfilled_camat(demo_org)
    _row, token = api_token_create(user=demo_org.user("staf.cpd"), name="test")
    response = ApiClient(token).post(
        "/cases", {"sop": "PGD", "unit": "CPD", "subject": "Warung buka", "data": PGD_DATA}
    )
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["field"] == "sop" and UNFILLED in body["message"]


def test_the_cli_refuses_the_start_while_a_role_has_no_holder(demo_org):
    _unfilled_camat(demo_org)
    args = ["--sop", "PGD", "--unit", "CPD", "--as", "staf.cpd", "--subject", "x"]
    with pytest.raises(CommandError) as err:
        call_command("case", "start", *args, "--data", json.dumps(PGD_DATA), stdout=StringIO())
    assert str(err.value).startswith("sop: ") and UNFILLED in str(err.value)
    assert "\n" not in str(err.value)


def test_a_handed_over_case_is_offered_to_the_new_units_position(demo_org):
    cpd, krj = demo_org.unit("CPD"), demo_org.unit("KRJ")
    kasi_pem = _position(cpd, "kasi_pem", "Kasi Pemerintahan", holder="kasipem.cpd")
    sop_adopt(
        unit=cpd,
        code="PGD",
        version=2,
        positions={"kasi_trantib": kasi_pem.pk},
        actor=demo_org.person("camat.cpd"),
    )
    case = _start(demo_org, "KRJ", "staf.krj")
    services.task_complete(task=_live(case), actor=demo_org.person("staf.krj"), data={})
    assert _live(case).role == "kasi_trantib"
    services.case_handover(
        case=case, actor=demo_org.person("camat.krj"), to_unit=cpd, reason="Lokasi di Cipondoh"
    )
    moved = _live(case)
    assert (moved.unit_id, moved.role) == (cpd.pk, "kasi_pem")
    assert krj.pk != cpd.pk
