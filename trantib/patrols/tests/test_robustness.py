"""Review of issue 12: typed ids too large for the database, NUL in text, the list's queries
and a report or plan saved twice at once — a clear answer each time, never a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models.signals import pre_save
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from trantib.core.errors import Conflict, Invalid
from trantib.letters.tests.sop_desk import WIB
from trantib.patrols import services
from trantib.patrols.models import Plan, PlanDay, Report

from . import support
from .test_services import _nihil, _schedule

pytestmark = pytest.mark.django_db

HUGE = "9" * 25


def _client(demo_org, login: str) -> Client:
    client = Client()
    client.force_login(demo_org.user(login))
    return client


@pytest.mark.parametrize("field", ["areas", "danru", "members"])
def test_an_id_too_large_for_the_database_on_the_day_form_is_refused_not_a_500(demo_org, field):
    month = support.month(demo_org)
    _schedule(demo_org, month)
    day = PlanDay.objects.filter(plan=month.plan).first()
    petugas1, petugas2 = demo_org.person("petugas1.pptng"), demo_org.person("petugas2.pptng")
    post = {
        "starts": "08:00",
        "ends": "12:00",
        "areas": [str(month.areas[0].pk)],
        "danru": str(petugas1.pk),
        "members": [str(petugas1.pk), str(petugas2.pk)],
    }
    post[field] = HUGE if field == "danru" else [post[field][0], HUGE]  # type: ignore[index]
    page = _client(demo_org, "kasie.pptng").post(reverse("patrols:day", args=[day.pk]), post)
    assert page.status_code in (302, 400)


def test_the_service_refuses_ids_outside_the_database_range_naming_the_field(demo_org):
    month = support.month(demo_org)
    kasie = month.desk.who("kasie.pptng")
    for field, bad in (("areas", [10**30]), ("members", [10**30]), ("danru", 10**30)):
        with pytest.raises(Invalid) as refused:
            services.plan_days_add(
                plan=month.plan,
                actor=kasie,
                days=[dt.date(2026, 8, 4)],
                data=support.team(demo_org, month.areas, **{field: bad}),
                now=month.desk.now,
            )
        assert refused.value.field == field


def test_a_nul_in_an_area_name_a_route_or_a_report_is_refused_naming_the_field(demo_org):
    month = support.month(demo_org)
    unit, kasie = demo_org.unit("PPTNG"), month.desk.who("kasie.pptng")
    with pytest.raises(Invalid) as name:
        services.area_create(unit=unit, actor=kasie, name="Pasar\x00Baru", now=month.desk.now)
    assert name.value.field == "name" and "Nama wilayah" in name.value.message
    with pytest.raises(Invalid) as about:
        services.area_create(
            unit=unit, actor=kasie, name="Pasar Baru", description="a\x00", now=month.desk.now
        )
    assert about.value.field == "description"
    with pytest.raises(Invalid) as route:
        services.plan_days_add(
            plan=month.plan,
            actor=kasie,
            days=[dt.date(2026, 8, 4)],
            data=support.team(demo_org, month.areas, route="Jl.\x00 Sudirman"),
            now=month.desk.now,
        )
    assert route.value.field == "route"
    _schedule(demo_org, month)
    with pytest.raises(Invalid) as result:
        _nihil(demo_org, month, dt.date(2026, 8, 4), result="Aman\x00")
    assert result.value.field == "result"
    with pytest.raises(Invalid) as place:
        _nihil(demo_org, month, dt.date(2026, 8, 4), places=[services.PlaceInput("Pasar\x00")])
    assert place.value.field == "place-0-name"
    with pytest.raises(Invalid) as finding:
        _nihil(
            demo_org,
            month,
            dt.date(2026, 8, 4),
            nihil=False,
            findings=[services.FindingInput(prefix="f0", place="Trotoar\x00")],
        )
    assert finding.value.field == "f0-place"
    assert not Report.objects.exists()


def test_the_plan_list_makes_as_many_queries_for_three_plans_as_for_one(demo_org):
    support.month(demo_org)
    support.month(demo_org, start=dt.datetime(2026, 9, 1, 8, 30, tzinfo=WIB), plan=False)
    client = _client(demo_org, "kasie.pptng")
    client.get(reverse("patrols:list"))
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("patrols:list")).status_code == 200
    support.month(demo_org, start=dt.datetime(2026, 10, 1, 8, 30, tzinfo=WIB))
    support.month(demo_org, start=dt.datetime(2026, 11, 2, 8, 30, tzinfo=WIB))
    support.month(demo_org, start=dt.datetime(2026, 12, 1, 8, 30, tzinfo=WIB), plan=False)
    with CaptureQueriesContext(connection) as three:
        page = client.get(reverse("patrols:list"))
    assert Plan.objects.count() == 3 and page.status_code == 200
    assert len(three) == len(one), [q["sql"] for q in three.captured_queries]


def _racing(model, make):  # type: ignore[no-untyped-def]
    """Another request saves the same row between the check and the insert."""

    def other(sender, instance, **kwargs):  # type: ignore[no-untyped-def]
        if instance.pk is None:
            pre_save.disconnect(other, sender=model)
            make(instance)

    pre_save.connect(other, sender=model, weak=False)
    return other


def test_a_daily_report_saved_twice_at_once_is_a_conflict_not_an_error(demo_org):
    month = support.month(demo_org)
    _schedule(demo_org, month)

    def first(instance):  # type: ignore[no-untyped-def]
        Report.objects.bulk_create(
            [
                Report(
                    unit=instance.unit,
                    day=instance.day,
                    started=instance.started,
                    ended=instance.ended,
                    result="dari permintaan lain",
                    nihil=True,
                    submitted_at=instance.submitted_at,
                    submitted_by=instance.submitted_by,
                )
            ]
        )

    handler = _racing(Report, first)
    try:
        with pytest.raises(Conflict) as twice:
            _nihil(demo_org, month, dt.date(2026, 8, 4))
    finally:
        pre_save.disconnect(handler, sender=Report)
    assert twice.value.field == "day"
    assert "sudah disimpan" in twice.value.message


def test_a_plan_created_twice_at_once_is_a_conflict_not_an_error(demo_org):
    month = support.month(demo_org, plan=False)
    kasie = month.desk.who("kasie.pptng")

    def first(instance):  # type: ignore[no-untyped-def]
        Plan.objects.bulk_create(
            [
                Plan(
                    unit=instance.unit,
                    case=instance.case,
                    month=instance.month,
                    created_at=instance.created_at,
                    created_by=instance.created_by,
                )
            ]
        )

    handler = _racing(Plan, first)
    try:
        with pytest.raises(Conflict) as twice:
            services.plan_create(case=month.case, actor=kasie, now=month.desk.now)
    finally:
        pre_save.disconnect(handler, sender=Plan)
    assert twice.value.field == "case"


def test_the_day_and_area_forms_name_the_field_holding_a_nul(demo_org):
    month = support.month(demo_org)
    _schedule(demo_org, month)
    day = PlanDay.objects.filter(plan=month.plan).first()
    petugas1 = demo_org.person("petugas1.pptng")
    client = _client(demo_org, "kasie.pptng")
    page = client.post(
        reverse("patrols:day", args=[day.pk]),
        {
            "starts": "08:00",
            "ends": "12:00",
            "route": "Jl.\x00 Sudirman",
            "danru": str(petugas1.pk),
            "members": [str(petugas1.pk)],
        },
    )
    assert page.status_code == 400 and "“Rute” berisi karakter kendali" in page.content.decode()
    area = client.post(
        reverse("patrols:areas"), {"unit": "PPTNG", "name": "Pasar Baru", "description": "a\x00"}
    )
    assert (
        area.status_code == 400 and "“Keterangan” berisi karakter kendali" in area.content.decode()
    )
