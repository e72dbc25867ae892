"""The patrol programme through its services: the plan, its days in bulk, the schedule step
filled from it, daily reports (nihil, and a finding that opens its enforcement case on the
day), no second case at row 7, and the monthly report's content."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.http import QueryDict

from trantib.cases.models import Case, CaseStatus, Task, TaskStatus
from trantib.core.errors import Conflict, Invalid, NotAllowed
from trantib.enforcement.models import Enforcement
from trantib.enforcement.tests import ladder_support as ladder
from trantib.letters.tests import support as letter_support
from trantib.letters.tests.sop_desk import WIB
from trantib.patrols import selectors, services
from trantib.patrols.models import PlanDay, Report

from . import support

pytestmark = pytest.mark.django_db


def _schedule(
    demo_org, month, days=(dt.date(2026, 8, 4), dt.date(2026, 8, 5), dt.date(2026, 8, 6))
):
    kasie = month.desk.who("kasie.pptng")
    services.plan_days_add(
        plan=month.plan,
        actor=kasie,
        days=list(days),
        data=support.team(demo_org, month.areas),
        now=month.desk.now,
    )
    return month.desk.complete(month.case, "susun_jadwal", "kasie.pptng")


def _nihil(demo_org, month, day: dt.date, login="petugas1.pptng", **kw):
    plan_day = PlanDay.objects.get(plan=month.plan, day=day)
    month.desk.at(max(month.desk.now, dt.datetime.combine(day, dt.time(13, 0), tzinfo=WIB)))
    values = {
        "day": plan_day,
        "actor": demo_org.person(login),
        "started": dt.time(8, 5),
        "ended": dt.time(11, 40),
        "places": [
            services.PlaceInput("Pasar Anyar", -6.1783, 106.6319),
            services.PlaceInput("Taman Potret"),
        ],
        "result": "Wilayah tertib, pedagang di dalam los.",
        "nihil": True,
        "now": month.desk.now,
    }
    values.update(kw)
    return services.report_submit(**values)


def _finding_post(violator_id: int, article_id: int) -> QueryDict:
    post = QueryDict(mutable=True)
    post["f0-v-violator"] = str(violator_id)
    post.setlist("f0-a-articles", [str(article_id)])
    return post


def test_bulk_days_take_the_dates_and_weekdays_picked_with_one_shift_area_and_team(demo_org):
    month = support.month(demo_org)
    days = services.days_pick(
        month.plan.month,
        dates=[dt.date(2026, 8, 4)],
        weekdays=[5],  # and every Saturday
    )
    assert days == [
        dt.date(2026, 8, 1),
        dt.date(2026, 8, 4),
        dt.date(2026, 8, 8),
        dt.date(2026, 8, 15),
        dt.date(2026, 8, 22),
        dt.date(2026, 8, 29),
    ]
    made = services.plan_days_add(
        plan=month.plan,
        actor=month.desk.who("kasie.pptng"),
        days=days,
        data=support.team(demo_org, month.areas),
        now=month.desk.now,
    )
    assert [d.day for d in made] == days
    first = made[0]
    assert first.danru == demo_org.person("petugas1.pptng")
    assert {m.full_name for m in first.members.all()} == {"Ahmad Fauzi", "Rina Marlina"}
    assert [a.name for a in first.areas.all()] == ["Pasar Anyar"]
    assert month.plan.month == dt.date(2026, 8, 1)


def test_a_day_outside_the_month_or_already_planned_is_refused_naming_the_dates(demo_org):
    month = support.month(demo_org)
    kasie = month.desk.who("kasie.pptng")
    data = support.team(demo_org, month.areas)
    with pytest.raises(Invalid) as outside:
        services.plan_days_add(plan=month.plan, actor=kasie, days=[dt.date(2026, 9, 1)], data=data)
    assert outside.value.field == "days" and "1 September 2026" in outside.value.message
    services.plan_days_add(plan=month.plan, actor=kasie, days=[dt.date(2026, 8, 4)], data=data)
    with pytest.raises(Invalid) as twice:
        services.plan_days_add(plan=month.plan, actor=kasie, days=[dt.date(2026, 8, 4)], data=data)
    assert "4 Agustus 2026" in twice.value.message


def test_a_danru_who_is_no_patrol_officer_and_a_team_without_area_are_refused(demo_org):
    month = support.month(demo_org)
    kasie = month.desk.who("kasie.pptng")
    kabid = demo_org.person("kabid.pptng")
    with pytest.raises(Invalid) as danru:
        services.plan_days_add(
            plan=month.plan,
            actor=kasie,
            days=[dt.date(2026, 8, 4)],
            data=support.team(demo_org, month.areas, danru=kabid.pk),
        )
    assert danru.value.field == "danru"
    with pytest.raises(Invalid) as where:
        services.plan_days_add(
            plan=month.plan,
            actor=kasie,
            days=[dt.date(2026, 8, 4)],
            data=support.team(demo_org, month.areas, areas=[]),
        )
    assert where.value.field == "areas"
    outsider = demo_org.person("kasi.krw")
    with pytest.raises(Invalid) as stranger:
        services.plan_days_add(
            plan=month.plan,
            actor=kasie,
            days=[dt.date(2026, 8, 4)],
            data=support.team(demo_org, month.areas, members=[outsider.pk]),
        )
    assert stranger.value.field == "members"


def test_an_officer_who_is_not_a_planner_cannot_plan(demo_org):
    month = support.month(demo_org)
    petugas = demo_org.person("petugas1.pptng")
    with pytest.raises(NotAllowed):
        services.plan_days_add(
            plan=month.plan,
            actor=petugas,
            days=[dt.date(2026, 8, 4)],
            data=support.team(demo_org, month.areas),
        )
    with pytest.raises(NotAllowed):
        services.area_create(unit=demo_org.unit("PPTNG"), actor=petugas, name="Cikokol")


def test_the_schedule_step_is_refused_while_the_plan_has_no_day(demo_org):
    month = support.month(demo_org)
    with pytest.raises(Invalid) as refused:
        month.desk.complete(month.case, "susun_jadwal", "kasie.pptng")
    assert refused.value.field == "plan"
    assert "belum memiliki hari" in refused.value.message


def test_the_schedule_step_is_filled_from_the_plan_and_each_patrol_goes_to_its_danru(demo_org):
    month = support.month(demo_org)
    done = _schedule(demo_org, month)
    assert done.data["jadwal"] == ["2026-08-04", "2026-08-05", "2026-08-06"]
    petugas1, petugas2 = demo_org.person("petugas1.pptng"), demo_org.person("petugas2.pptng")
    assert sorted(done.data["personil"]) == sorted([petugas1.pk, petugas2.pk])
    patrols = Task.objects.filter(case=month.case, step_id="patroli").order_by("occurrence")
    assert [t.occurrence for t in patrols] == ["2026-08-04", "2026-08-05", "2026-08-06"]
    assert {(t.assignee_id, t.status) for t in patrols} == {(petugas1.pk, TaskStatus.CLAIMED)}
    assert PlanDay.objects.get(plan=month.plan, day=dt.date(2026, 8, 4)).task == patrols[0]
    # Once fixed, days are neither added nor removed; a day's team may still change.
    with pytest.raises(Conflict):
        services.plan_days_add(
            plan=month.plan,
            actor=month.desk.who("kasie.pptng"),
            days=[dt.date(2026, 8, 20)],
            data=support.team(demo_org, month.areas),
        )
    day = PlanDay.objects.get(plan=month.plan, day=dt.date(2026, 8, 5))
    services.plan_day_update(
        day=day,
        actor=month.desk.who("kasie.pptng"),
        data=support.team(demo_org, month.areas, danru=petugas2.pk),
    )
    assert Task.objects.get(pk=day.task_id).assignee == petugas2


def test_a_patrol_is_not_completed_without_its_daily_report(demo_org):
    month = support.month(demo_org)
    _schedule(demo_org, month)
    month.desk.at(dt.datetime(2026, 8, 4, 13, 0, tzinfo=WIB))
    with pytest.raises(Invalid) as refused:
        month.desk.complete(
            month.case,
            "patroli",
            "petugas1.pptng",
            {"rute": "Jl. Sudirman", "hasil": "Aman"},
            occurrence="2026-08-04",
        )
    assert refused.value.field == "report"


def test_a_nihil_report_completes_the_days_patrol_with_its_fields_filled_from_it(demo_org):
    month = support.month(demo_org)
    _schedule(demo_org, month)
    photo = [("patroli.jpg", io.BytesIO(letter_support.jpeg()))]
    # The second member reports: the task moves to her.
    report = _nihil(demo_org, month, dt.date(2026, 8, 4), login="petugas2.pptng", photos=photo)
    assert report.nihil and [p.name for p in report.places.all()] == ["Pasar Anyar", "Taman Potret"]
    task = Task.objects.get(case=month.case, step_id="patroli", occurrence="2026-08-04")
    assert task.status == TaskStatus.DONE
    assert task.completed_by == demo_org.person("petugas2.pptng")
    assert task.data["rute"] == {
        "address": "Pasar Anyar — Pasar Anyar; Taman Potret",
        "lat": -6.1783,
        "lon": 106.6319,
    }
    assert task.data["hasil"].startswith("08.05–11.40, regu Ahmad Fauzi, Rina Marlina")
    assert task.data["temuan"] == ["Nihil"]
    assert len(task.data["dokumentasi"]) == 1
    with pytest.raises(Conflict):
        _nihil(demo_org, month, dt.date(2026, 8, 4))


def test_a_report_keeps_nothing_when_a_field_is_bad(demo_org):
    month = support.month(demo_org)
    _schedule(demo_org, month)
    with pytest.raises(Invalid) as refused:
        _nihil(demo_org, month, dt.date(2026, 8, 4), result="  ")
    assert refused.value.field == "result"
    with pytest.raises(Invalid) as neither:
        _nihil(demo_org, month, dt.date(2026, 8, 4), nihil=False)
    assert neither.value.field == "nihil"
    with pytest.raises(Invalid) as no_place:
        _nihil(demo_org, month, dt.date(2026, 8, 4), places=[])
    assert no_place.value.field == "places"
    assert not Report.objects.exists()
    assert Task.objects.get(case=month.case, occurrence="2026-08-04").status != TaskStatus.DONE


def test_a_member_outside_the_team_cannot_report_and_a_future_day_waits(demo_org):
    month = support.month(demo_org)
    kasie = month.desk.who("kasie.pptng")
    services.plan_days_add(
        plan=month.plan,
        actor=kasie,
        days=[dt.date(2026, 8, 4), dt.date(2026, 8, 20)],
        data=support.team(demo_org, month.areas, members=[demo_org.person("petugas1.pptng").pk]),
    )
    month.desk.complete(month.case, "susun_jadwal", "kasie.pptng")
    with pytest.raises(NotAllowed):
        _nihil(demo_org, month, dt.date(2026, 8, 4), login="petugas2.pptng")
    with pytest.raises(Invalid) as early:
        services.report_submit(
            day=PlanDay.objects.get(day=dt.date(2026, 8, 20)),
            actor=demo_org.person("petugas1.pptng"),
            started=dt.time(8),
            ended=dt.time(9),
            places=[services.PlaceInput("Pasar")],
            result="x",
            nihil=True,
            now=month.desk.now,
        )
    assert "20 Agustus 2026" in early.value.message


def test_a_finding_opens_its_enforcement_case_on_the_day_linked_to_the_month(demo_org):
    month = support.month(demo_org)
    tibum, _ = ladder.catalogue(demo_org, month.desk.now)
    violator = ladder.violator(demo_org)
    _schedule(demo_org, month)
    article = ladder.article(tibum, "Pasal 12 ayat (1)")
    photo = ("temuan.jpg", io.BytesIO(letter_support.jpeg()))
    report = _nihil(
        demo_org,
        month,
        dt.date(2026, 8, 4),
        nihil=False,
        findings=[
            services.FindingInput(
                prefix="f0",
                place="Trotoar depan Pasar Anyar",
                latitude=-6.1785,
                longitude=106.632,
                description="Berjualan di trotoar",
                photos=[photo],
            )
        ],
        form=_finding_post(violator.pk, article.pk),
    )
    (finding,) = report.findings.all()
    enforcement = finding.enforcement
    assert enforcement.violator == violator and enforcement.source == "patroli"
    case = enforcement.case
    assert case.parent == month.case
    live = Task.objects.get(case=case, status__in=[TaskStatus.OPEN, TaskStatus.CLAIMED])
    assert live.step_id == "beri_teguran"
    task = Task.objects.get(case=month.case, step_id="patroli", occurrence="2026-08-04")
    assert task.data["temuan"] == [
        f"Sutarman — {article} — Trotoar depan Pasar Anyar — {case.number}"
    ]


def test_a_bad_finding_keeps_neither_the_report_nor_a_case(demo_org):
    month = support.month(demo_org)
    ladder.catalogue(demo_org, month.desk.now)
    violator = ladder.violator(demo_org)
    _schedule(demo_org, month)
    post = QueryDict(mutable=True)
    post["f0-v-violator"] = str(violator.pk)
    with pytest.raises(Invalid) as refused:
        _nihil(
            demo_org,
            month,
            dt.date(2026, 8, 4),
            nihil=False,
            findings=[services.FindingInput(prefix="f0", place="Pasar")],
            form=post,
        )
    assert refused.value.field == "f0-a-articles"
    assert not Report.objects.exists() and not Enforcement.objects.exists()


def _through_row_7(demo_org, month):
    desk = month.desk
    laporan = desk.draft(month.case, "terima_laporan", "kasie.pptng")
    desk.sign(desk.submit(laporan, "kasie.pptng"), "kasie.pptng")
    desk.complete(month.case, "terima_laporan", "kasie.pptng")
    done = desk.complete(month.case, "evaluasi", "kabid.pptng", {"evaluasi": "Satu pelanggar"})
    desk.complete(month.case, "ada_temuan", "kasat.pptng", decision="ya")
    desk.complete(month.case, "buka_penegakan", "kasat.pptng")
    return laporan, done


def test_the_month_opens_no_second_case_for_a_finding_and_its_report_reads_the_days(demo_org):
    month = support.month(demo_org)
    tibum, _ = ladder.catalogue(demo_org, month.desk.now)
    violator = ladder.violator(demo_org)
    _schedule(demo_org, month, days=(dt.date(2026, 8, 4), dt.date(2026, 8, 5)))
    article = ladder.article(tibum, "Pasal 12 ayat (1)")
    _nihil(
        demo_org,
        month,
        dt.date(2026, 8, 4),
        nihil=False,
        findings=[services.FindingInput(prefix="f0", place="Trotoar Pasar Anyar")],
        form=_finding_post(violator.pk, article.pk),
    )
    _nihil(demo_org, month, dt.date(2026, 8, 5))
    opened = Case.objects.get(parent=month.case)
    laporan, evaluated = _through_row_7(demo_org, month)
    # Row 5's letter reads the days as the reports filled them.
    assert "4 Agustus 2026: Pasar Anyar — Pasar Anyar; Taman Potret" in laporan.data["kegiatan"]
    assert opened.number in laporan.data["simpulan"]
    assert "5 Agustus 2026: Nihil" in laporan.data["simpulan"]
    # Row 6 lists the finding with its case; row 7 opens nothing more.
    assert evaluated.data["temuan"] == [
        f"4 Agustus 2026: Sutarman — {article} — Trotoar Pasar Anyar — {opened.number}"
    ]
    assert list(Case.objects.filter(parent=month.case)) == [opened]
    month.desk.complete(month.case, "selesai_patroli", "kasat.pptng")
    month.case.refresh_from_db()
    assert month.case.status == CaseStatus.CLOSED


def test_the_monthly_report_counts_days_reports_findings_and_repeat_offenders(demo_org):
    month = support.month(demo_org)
    tibum, _ = ladder.catalogue(demo_org, month.desk.now)
    violator = ladder.violator(demo_org)
    _schedule(demo_org, month)
    article = ladder.article(tibum, "Pasal 12 ayat (1)")
    for day in (dt.date(2026, 8, 4), dt.date(2026, 8, 5)):
        _nihil(
            demo_org,
            month,
            day,
            nihil=False,
            findings=[services.FindingInput(prefix="f0", place="Trotoar Pasar Anyar")],
            form=_finding_post(violator.pk, article.pk),
        )
    report = selectors.month_report(month.plan)
    assert (report.planned, report.reported, report.nihil) == (3, 2, 0)
    assert (len(report.findings), report.violators, report.repeats) == (2, 1, 1)
    assert [f.current_text for f in report.findings] == [
        "Memberikan teguran dan Surat Pernyataan kepada pelanggar"
    ] * 2


def test_another_units_plan_is_not_found(demo_org):
    from trantib.core.errors import NotFound

    month = support.month(demo_org)
    with pytest.raises(NotFound):
        selectors.plan_get_for_user(demo_org.user("kasi.krw"), month.plan.pk)
    assert selectors.plan_get_for_user(demo_org.user("petugas1.pptng"), month.plan.pk)
