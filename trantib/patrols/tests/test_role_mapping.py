"""Who plans a patrol month, who may lead a day's team and who reports it are the PPW columns
as the unit maps them (decision 0015): a Satpol PP whose "Kasie Ops" is its Kasi Pengendalian
Operasional and whose "Petugas Operasional" are its Linmas officers plans and patrols with
those, and the positions coded as the roles no longer do."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from trantib.accounts.models import Assignment, OrgUnit, Person, Position
from trantib.core.errors import Invalid, NotAllowed
from trantib.patrols import services
from trantib.patrols.models import PlanDay
from trantib.sops import registry
from trantib.sops.services import sop_adopt

from . import support

pytestmark = pytest.mark.django_db


def _position(unit: OrgUnit, code: str, name: str, *logins: str) -> tuple[Position, list[Person]]:
    position = Position.objects.create(unit=unit, code=code, name=name)
    people = []
    for login in logins:
        user = get_user_model().objects.create_user(username=login, password="x-Rahasia-123")
        person = Person.objects.create(user=user, full_name=login.title(), kind="asn")
        Assignment.objects.create(person=person, position=position, valid_from=dt.date(2020, 1, 1))
        people.append(person)
    return position, people


def test_the_mapped_positions_plan_lead_and_report_and_those_coded_as_the_roles_do_not(
    demo_org,
):
    month = support.month(demo_org)  # planned so far as PPTNG adopted nothing
    unit = demo_org.unit("PPTNG")
    spec = registry.get("PPW", 3)
    kasie, petugas = demo_org.person("kasie.pptng"), demo_org.person("petugas1.pptng")
    assert services.may_plan(kasie, unit, spec) and not services.may_plan(petugas, unit, spec)
    dalops_position, [dalops] = _position(unit, "kasi_dalops", "Kasi Dalops", "dalops.pptng")
    linmas_position, [linmas] = _position(unit, "linmas", "Satlinmas", "linmas.pptng")
    sop_adopt(
        unit=unit,
        code="PPW",
        version=3,
        positions={"kasie_ops": dalops_position.pk, "petugas_ops": linmas_position.pk},
        actor=demo_org.person("kasat.pptng"),
    )
    assert services.may_plan(dalops, unit, spec) and services.may_plan(dalops, unit)
    assert not services.may_plan(kasie, unit, spec) and not services.may_plan(kasie, unit)
    with pytest.raises(NotAllowed):
        services.area_create(unit=unit, actor=kasie, name="Cikokol")
    services.area_create(unit=unit, actor=dalops, name="Cikokol")
    day = dt.date(2026, 8, 4)
    # The Danru is a patrol officer as the unit maps the column: a Petugas Ops no longer is.
    with pytest.raises(Invalid) as refused:
        services.plan_days_add(
            plan=month.plan,
            actor=dalops,
            days=[day],
            data=support.team(demo_org, month.areas),
        )
    assert refused.value.field == "danru"
    services.plan_days_add(
        plan=month.plan,
        actor=dalops,
        days=[day],
        data=support.team(demo_org, month.areas, danru=linmas.pk, members=[linmas.pk, petugas.pk]),
    )
    planned = PlanDay.objects.get(plan=month.plan, day=day)
    assert services.may_report(linmas, planned)
    assert not services.may_report(petugas, planned)  # in the team, not in the column
