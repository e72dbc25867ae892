"""The scheduler opens each Pos activity on its day, once, at the Pos's entry step."""

from __future__ import annotations

import pytest

from trantib.cases.models import CaseStatus, TaskStatus
from trantib.community import services
from trantib.community.models import Activity, ActivityStatus, Pos

from .conftest import wita

pytestmark = pytest.mark.django_db


def _opened(day: int) -> set[str]:
    return {a.pos for a in Activity.objects.filter(day__day=day)}


def test_pos_sapta_opens_on_saturday_and_not_on_sunday(programme) -> None:
    assert services.activities_open(now=wita(5)) == 2  # Sapta + Satria
    assert _opened(5) == {Pos.SAPTA, Pos.SATRIA}
    services.activities_open(now=wita(6))
    assert _opened(6) == {Pos.SATRIA}


def test_pos_khidmat_and_pos_satria_open_on_friday(programme) -> None:
    services.activities_open(now=wita(4))
    assert _opened(4) == {Pos.KHIDMAT, Pos.SATRIA}


def test_pos_satria_opens_every_day_of_the_week(programme) -> None:
    for day in range(7, 14):  # Monday 7 … Sunday 13 December
        services.activities_open(now=wita(day))
    days = sorted(a.day.day for a in Activity.objects.filter(pos=Pos.SATRIA))
    assert days == list(range(7, 14))


def test_the_day_is_the_units_own_day_not_utc(programme) -> None:
    # 23:30 UTC on Friday 4 December is already Saturday 07:30 in Gorontalo (WITA).
    services.activities_open(now=wita(5, 7, 30))
    assert Pos.SAPTA in _opened(5)
    assert not Activity.objects.filter(day__day=4).exists()


def test_running_the_scheduler_twice_opens_nothing_twice(programme) -> None:
    assert services.activities_open(now=wita(5)) == 2
    assert services.activities_open(now=wita(5, 9)) == 0
    assert Activity.objects.count() == 2


def test_each_activity_opens_its_polmas_case_at_the_pos_step_for_its_officer(
    programme, banit1
) -> None:
    services.activities_open(now=wita(5))
    sapta = Activity.objects.get(pos=Pos.SAPTA)
    case = sapta.case
    assert case.sop_code == "POLMAS" and case.status == CaseStatus.OPEN
    assert case.unit.code == "BINMAS" and case.opened_by is None
    task = case.tasks.get()
    assert task.step_id == "pos_sapta"
    assert task.status == TaskStatus.CLAIMED and task.assignee == banit1


def test_an_inactive_rule_opens_nothing(programme, binmas, kanit) -> None:
    rule = programme["satria"]
    services.rule_save(
        unit=binmas,
        actor=kanit,
        officer=rule.officer,
        desa=rule.desa,
        pos=rule.pos,
        days=rule.days,
        starts_at=rule.starts_at,
        place=rule.place,
        active=False,
        rule=rule,
        now=wita(1),
    )
    services.activities_open(now=wita(6))
    assert not Activity.objects.exists()


def test_an_activity_not_recorded_by_the_end_of_its_day_is_marked_missed(programme) -> None:
    services.activities_open(now=wita(6))
    assert services.activities_mark_missed(now=wita(6, 23, 59)) == 0
    assert services.activities_mark_missed(now=wita(7, 0, 1)) == 1
    activity = Activity.objects.get()
    assert activity.status == ActivityStatus.MISSED
    assert activity.case.status == CaseStatus.CANCELLED
    assert services.activities_mark_missed(now=wita(7, 1)) == 0


def test_only_the_kasat_kbo_or_a_kanit_manage_the_programme(binmas, banit1) -> None:
    import datetime as dt

    from trantib.core.errors import NotAllowed

    with pytest.raises(NotAllowed):
        services.rule_save(
            unit=binmas,
            actor=banit1,
            officer=banit1,
            desa="Biawao",
            pos=Pos.SAPTA,
            days="5",
            starts_at=dt.time(7),
            place="Balai",
        )


def test_the_officer_of_a_rule_must_be_a_banit_of_the_unit(binmas, kanit, demo_org) -> None:
    import datetime as dt

    from trantib.core.errors import Invalid

    with pytest.raises(Invalid) as raised:
        services.rule_save(
            unit=binmas,
            actor=kanit,
            officer=demo_org.person("kbo.binmas"),
            desa="Biawao",
            pos=Pos.SAPTA,
            days="5",
            starts_at=dt.time(7),
            place="Balai",
        )
    assert raised.value.field == "officer"


def test_only_the_activitys_own_officer_is_told_of_its_task(programme, banit1, banit2) -> None:
    from trantib.cases.models import Notification

    services.activities_open(now=wita(4))  # Khidmat for banit1, Satria for banit2
    khidmat = Activity.objects.get(pos=Pos.KHIDMAT)
    told = set(
        Notification.objects.filter(case=khidmat.case).values_list("recipient_id", flat=True)
    )
    assert told == {banit1.pk}
