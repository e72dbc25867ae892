"""The Polmas register's Banit and its managers are POLMAS's columns as the unit maps them
(decision 0015): a Satbinmas whose "Banit" is its Bhabinkamtibmas position and whose "Kanit
Binpolmas" is its Kasubag manages and schedules those, and the positions coded as the roles
no longer count. A unit that adopted nothing keeps them (the other Polmas tests)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from trantib.accounts.models import Assignment, OrgUnit, Person, Position
from trantib.community import selectors, services
from trantib.community.models import Activity, Pos
from trantib.core.errors import Invalid, NotAllowed
from trantib.sops.services import sop_adopt

from .conftest import wita

pytestmark = pytest.mark.django_db


def _holder(unit: OrgUnit, code: str, name: str, login: str) -> tuple[Position, Person]:
    position = Position.objects.create(unit=unit, code=code, name=name)
    user = get_user_model().objects.create_user(username=login, password="x-Rahasia-123")
    person = Person.objects.create(user=user, full_name=login.title(), kind="polri")
    Assignment.objects.create(person=person, position=position, valid_from=dt.date(2020, 1, 1))
    return position, person


def _rule(unit: OrgUnit, actor: Person, officer: Person):
    return services.rule_save(
        unit=unit,
        actor=actor,
        officer=officer,
        desa="Limba U Dua",
        pos=Pos.SATRIA,
        days="",
        starts_at=dt.time(7, 30),
        place="Balai Kelurahan Limba U Dua",
        now=wita(1),
    )


def test_the_mapped_positions_manage_the_programme_and_patrol_it(
    demo_org, binmas, kanit, banit1
) -> None:
    bhabin_position, bhabin = _holder(binmas, "bhabin", "Bhabinkamtibmas", "bhabin.binmas")
    kasubag_position, kasubag = _holder(binmas, "kasubag", "Kasubag Binmas", "kasubag.binmas")
    sop_adopt(
        unit=binmas,
        code="POLMAS",
        version=1,
        positions={"banit": bhabin_position.pk, "kanit_binpolmas": kasubag_position.pk},
        actor=demo_org.person("kasat.binmas"),
    )
    assert services.may_manage(kasubag, binmas) and not services.may_manage(kanit, binmas)
    assert services.may_manage(demo_org.person("kbo.binmas"), binmas)  # a column not mapped
    assert selectors.officers_of(binmas) == [bhabin]
    with pytest.raises(NotAllowed):
        _rule(binmas, kanit, bhabin)
    with pytest.raises(Invalid) as refused:
        _rule(binmas, kasubag, banit1)  # a Banit by code, not the unit's Banit column
    assert refused.value.field == "officer"
    rule = _rule(binmas, kasubag, bhabin)
    assert services.activities_open(now=wita(5), unit=binmas) == 1
    activity = Activity.objects.get(rule=rule)
    assert activity.officer == bhabin and activity.case.tasks.get().role == "bhabin"


def test_a_unit_that_maps_the_banit_column_keeps_a_programme_without_a_banit_position(
    demo_org,
) -> None:
    krj = demo_org.unit("KRJ")
    position, person = _holder(krj, "bhabin_krj", "Bhabinkamtibmas Kerjo", "bhabin.krj")
    user = person.user
    assert krj not in selectors.polmas_units_for_user(user)
    sop_adopt(
        unit=krj,
        code="POLMAS",
        version=1,
        positions={"banit": position.pk},
        actor=demo_org.person("camat.krj"),
    )
    assert list(selectors.polmas_units_for_user(user)) == [krj]
    assert selectors.officers_of(krj) == [person]


def test_the_polmas_recap_counts_a_unit_that_maps_the_banit_column(demo_org) -> None:
    """The Kasat's recap lists the units that keep a programme the same way the register
    does: a unit whose Banit column is a position coded otherwise is one of them."""
    from trantib.reports.periods import period_parse
    from trantib.reports.recaps.polmas import polmas_units
    from trantib.reports.scope import scope_for

    krj = demo_org.unit("KRJ")
    position, _person = _holder(krj, "bhabin_krj", "Bhabinkamtibmas Kerjo", "bhabin.krj")
    scope, period = scope_for(demo_org.user("camat.krj"), "KRJ"), period_parse("2026-11")
    assert polmas_units(scope, period) == []
    sop_adopt(
        unit=krj,
        code="POLMAS",
        version=1,
        positions={"banit": position.pk},
        actor=demo_org.person("camat.krj"),
    )
    assert polmas_units(scope, period) == [krj]
