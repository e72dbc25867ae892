"""The scheduler opens each Pos activity on its day, once, at the Pos's entry step."""

from __future__ import annotations

import pytest

from trantib.cases.models import CaseStatus, TaskStatus
from trantib.community import services
from trantib.community.models import Activity, ActivityStatus, Pos

from .conftest import wita
from .test_record import _record

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
    assert services.activities_mark_missed(now=wita(7, 11, 59)) == 0  # the 12-hour grace
    assert services.activities_mark_missed(now=wita(7, 12, 1)) == 1
    activity = Activity.objects.get()
    assert activity.status == ActivityStatus.MISSED
    assert activity.case.status == CaseStatus.CANCELLED
    assert services.activities_mark_missed(now=wita(7, 13)) == 0


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


def test_a_day_the_worker_was_down_is_opened_on_the_next_run_and_then_counted_missed(
    programme,
) -> None:
    assert services.activities_open(now=wita(4, 6)) == 2  # Friday: Khidmat + Satria
    # No run all Saturday; Sunday morning's run opens Saturday's Sapta and Satria, and Sunday's.
    assert services.activities_open(now=wita(6, 6)) == 3
    assert _opened(5) == {Pos.SAPTA, Pos.SATRIA}
    assert services.activities_mark_missed(now=wita(6, 12, 1)) == 4  # 4 Dec ×2, 5 Dec ×2
    sapta = Activity.objects.get(pos=Pos.SAPTA)
    assert sapta.status == ActivityStatus.MISSED and sapta.case.status == CaseStatus.CANCELLED


def test_the_catch_up_goes_back_a_week_at_most_and_never_before_the_rule(programme) -> None:
    services.activities_open(now=wita(1, 6))  # the rules were made on 1 December
    services.activities_open(now=wita(20, 6))
    satria = sorted(a.day.day for a in Activity.objects.filter(pos=Pos.SATRIA))
    assert satria == [1, *range(13, 21)]
    programme["satria"].created_at = wita(22, 6)  # as if the rule was made on the 22nd
    programme["satria"].save(update_fields=["created_at"])
    services.activities_open(now=wita(25, 6))
    satria = sorted(a.day.day for a in Activity.objects.filter(pos=Pos.SATRIA))
    assert satria == [1, *range(13, 21), *range(22, 26)]


def test_an_activity_can_be_recorded_the_next_morning_within_the_grace(programme, banit2) -> None:
    services.activities_open(now=wita(4, 6))
    satria = Activity.objects.get(pos=Pos.SATRIA)
    assert services.activities_mark_missed(now=wita(5, 8)) == 0
    _record(
        satria,
        banit2,
        held_at=wita(4, 8),
        held_place="Pos Kamling Biawao",
        kelengkapan=[],
        peralatan=[],
        now=wita(5, 8, 30),
    )
    assert services.activities_mark_missed(now=wita(5, 12, 1)) == 1  # only Khidmat
    satria.refresh_from_db()
    assert satria.status == ActivityStatus.HELD


def test_the_grace_is_a_setting(programme, settings) -> None:
    settings.TRANTIB_POLMAS_GRACE_HOURS = 0
    services.activities_open(now=wita(4, 6))
    assert services.activities_mark_missed(now=wita(5, 0, 1)) == 2


def test_one_activity_that_fails_does_not_stop_the_others_being_marked_missed(programme) -> None:
    from django.db.models.signals import pre_save

    from trantib.cases.models import Case

    services.activities_open(now=wita(4, 6))
    broken = Activity.objects.get(pos=Pos.KHIDMAT).case_id

    def refuse(sender, instance, **kwargs):  # the database refuses this one row
        if instance.pk == broken:
            raise RuntimeError("disk full")

    pre_save.connect(refuse, sender=Case, weak=False)
    try:
        assert services.activities_mark_missed(now=wita(5, 12, 1)) == 1
    finally:
        pre_save.disconnect(refuse, sender=Case)
    assert Activity.objects.get(pos=Pos.SATRIA).status == ActivityStatus.MISSED
    khidmat = Activity.objects.get(pos=Pos.KHIDMAT)
    assert khidmat.status == ActivityStatus.PLANNED  # its own transaction rolled back
    assert services.activities_mark_missed(now=wita(5, 12, 2)) == 1  # the next run marks it
