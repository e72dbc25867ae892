"""The demo's patrol month, from ``data/patrols.yaml``: PPTNG's programme case of the current
month started with its Surat Tugas, the wilayah, the month planned on the calendar (every day,
two regu taking turns), the schedule step done from the plan, and every day so far reported by
its Danru — nihil, or a finding that opens its enforcement case that day. All through the
services (``trantib.patrols.services``); idempotent: a unit whose current month has a plan is
left as it is."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from trantib.accounts.models import OrgUnit, Person
from trantib.cases.models import Case
from trantib.enforcement.models import Article, Perda, Violator
from trantib.enforcement.selectors import articles_for_unit
from trantib.enforcement.services import article_save, perda_create
from trantib.patrols import services
from trantib.patrols.models import Area, Plan, PlanDay

from .complaints import unit_get
from .letters import case_start_written, task_complete_written
from .steps import person_get
from .violators import photo
from .yamlfile import DemoDataError, read

FILE = "patrols.yaml"


@dataclass(frozen=True)
class DemoPatrols:
    case: str
    planned: int
    reported: int
    findings: list[str]  # the numbers of the enforcement cases the findings opened
    created: bool


def _article(unit, raw: dict, label: str, kasat, now: dt.datetime) -> Article:  # type: ignore[no-untyped-def]
    found = articles_for_unit(unit).filter(label=label).first()
    if found is not None:
        return found
    perda = Perda.objects.filter(
        unit=unit, number=str(raw["number"]), year=int(raw["year"])
    ).first() or perda_create(
        unit=unit,
        actor=kasat,
        number=str(raw["number"]),
        year=int(raw["year"]),
        title=raw["title"],
        now=now,
    )
    for item in raw["articles"]:
        if not perda.articles.filter(label=item["label"]).exists():
            article_save(perda=perda, actor=kasat, label=item["label"], text=item["text"], now=now)
    found = articles_for_unit(unit).filter(label=label).first()
    if found is None:
        raise DemoDataError(f"{FILE}: article {label!r} is not in the catalogue")
    return found


def areas_ensure(
    unit: OrgUnit, raw: dict[str, Any], kasie: Person, at: dt.datetime
) -> dict[str, Area]:
    """The unit's wilayah of ``patrols.yaml`` by name, made when missing."""
    areas: dict[str, Area] = {}
    for item in raw["areas"]:
        area = Area.objects.filter(unit=unit, name=item["name"]).first()
        if area is None:
            outline = item.get("outline")
            area = services.area_create(
                unit=unit,
                actor=kasie,
                name=item["name"],
                description=item.get("description", ""),
                outline={"type": "Polygon", "coordinates": [outline]} if outline else None,
                now=at,
            )
        areas[area.name] = area
    return areas


def month_plan(case: Case, raw: dict[str, Any], shown: str, kasie: Person, at: dt.datetime) -> Plan:
    """The programme's plan: every day of its month, the regu of ``patrols.yaml`` in turn."""
    areas = areas_ensure(case.unit, raw, kasie, at)
    plan = services.plan_create(case=case, actor=kasie, now=at)
    month = plan.month
    teams = raw["teams"]
    last = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    for i, team in enumerate(teams):
        days = [month + dt.timedelta(days=n) for n in range(last.day) if n % len(teams) == i]
        danru = person_get(team["danru"], shown)
        services.plan_days_add(
            plan=plan,
            actor=kasie,
            days=days,
            data=services.DayInput(
                starts=dt.time(8, 0),
                ends=dt.time(12, 0),
                areas=[areas[a].pk for a in team["areas"]],
                danru=danru.pk,
                members=[person_get(m, shown).pk for m in team["members"]],
            ),
            now=at,
        )
    return plan


@transaction.atomic
def demo_patrols_load(*, now: dt.datetime | None = None) -> DemoPatrols | None:
    shown, raw = read(FILE)
    now = now or timezone.now()
    unit = unit_get(raw["unit"], shown)
    zone = unit.zone()
    today = timezone.localtime(now, zone).date()
    month = today.replace(day=1)
    existing = Plan.objects.filter(unit=unit, month=month).select_related("case").first()
    if existing is not None:
        return DemoPatrols(existing.case.number, existing.days.count(), 0, [], created=False)
    kasat = person_get("kasat.pptng", shown)
    kabid = person_get("kabid.pptng", shown)
    kasie = person_get("kasie.pptng", shown)
    start = min(dt.datetime.combine(month, dt.time(7, 0), tzinfo=zone), now - dt.timedelta(hours=2))
    case = case_start_written(
        sop_code="PPW",
        unit=unit,
        actor=kasat,
        subject=f"Patroli pengawasan wilayah Kota Tangerang bulan {month:%m/%Y}",
        data={"bulan": month.isoformat()},
        now=start,
    )
    at = start + dt.timedelta(minutes=20)
    from trantib.cases.models import Task, TaskStatus

    live = Task.objects.get(case=case, step_id="susun_rencana", status__in=[TaskStatus.OPEN])
    task_complete_written(
        task=live,
        actor=kabid,
        data={"koordinasi": "Polres Metro Tangerang Kota, Kodim 0506/Tangerang"},
        now=at,
    )
    at += dt.timedelta(minutes=10)
    plan = month_plan(case, raw, shown, kasie, at)
    at += dt.timedelta(minutes=30)
    schedule = Task.objects.get(case=case, step_id="susun_jadwal", status=TaskStatus.OPEN)
    task_complete_written(task=schedule, actor=kasie, now=at)
    findings = {int(f["day"]): f for f in raw.get("findings", [])}
    places = raw["places"]
    results = raw["results"]
    reported, found = 0, []
    for n, day in enumerate(PlanDay.objects.filter(plan=plan).order_by("day"), start=1):
        moment = dt.datetime.combine(day.day, dt.time(12, 30), tzinfo=zone)
        if moment > now:
            break
        day.refresh_from_db()
        names = [a.name for a in day.areas.all()]
        finding = findings.get(n)
        form = QueryDict(mutable=True)
        inputs = []
        if finding is not None:
            violator = Violator.objects.filter(unit=unit, name=finding["violator"]).first()
            if violator is None:
                raise DemoDataError(f"{FILE}: no violator {finding['violator']!r} in the register")
            article = _article(unit, raw["perda"], finding["article"], kasat, moment)
            form["f0-v-violator"] = str(violator.pk)
            form.setlist("f0-a-articles", [str(article.pk)])
            lat, lon = finding["point"]
            inputs.append(
                services.FindingInput(
                    prefix="f0",
                    place=finding["place"],
                    latitude=lat,
                    longitude=lon,
                    description=finding["description"],
                    photos=[("temuan.jpg", io.BytesIO(photo(violator.name, 0, (176, 120, 80))))],
                )
            )
        report = services.report_submit(
            day=day,
            actor=day.danru,
            started=dt.time(8, 5),
            ended=dt.time(11, 45),
            places=[
                services.PlaceInput(*places[name]) if name in places else services.PlaceInput(name)
                for name in names
            ],
            result=finding["description"] if finding else results[n % len(results)],
            nihil=finding is None,
            findings=inputs,
            form=form,
            photos=[("patroli.jpg", io.BytesIO(photo(names[0], n % 4, (90, 140, 110))))],
            now=moment,
        )
        reported += 1
        found += [
            f.enforcement.case.number
            for f in report.findings.select_related("enforcement__case")
            if f.enforcement.case is not None
        ]
    return DemoPatrols(case.number, plan.days.count(), reported, found, created=True)
