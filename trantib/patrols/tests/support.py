"""A PPW patrol month for the patrol tests: started, its Surat Tugas signed, rows 1-2 done, a
wilayah or two, so that the plan is what row 3 waits for."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from trantib.cases.models import Case
from trantib.letters.tests.sop_desk import WIB, Desk
from trantib.patrols import services
from trantib.patrols.models import Area, Plan

START = dt.datetime(2026, 8, 3, 8, 30, tzinfo=WIB)


@dataclass
class Month:
    desk: Desk
    case: Case
    plan: Plan
    areas: list[Area]


def month(demo_org: Any, *, start: dt.datetime = START, plan: bool = True) -> Month:
    desk = Desk(demo_org, start)
    first = start.date().replace(day=1)
    case = desk.start(
        "PPW",
        "PPTNG",
        "kasat.pptng",
        f"Patroli {first:%m/%Y}",
        data={"bulan": first.isoformat()},
    )
    officers = [desk.who(p).pk for p in ("petugas1.pptng", "petugas2.pptng")]
    letter = desk.draft(case, "rumuskan_program", "kasat.pptng", {"data": {"personel": officers}})
    desk.sign(desk.submit(letter, "kasat.pptng"), "kasat.pptng")
    desk.complete(case, "rumuskan_program", "kasat.pptng")
    desk.complete(case, "susun_rencana", "kabid.pptng", {"koordinasi": "Polres Metro"})
    kasie = desk.who("kasie.pptng")
    unit = demo_org.unit("PPTNG")
    areas = list(Area.objects.filter(unit=unit).order_by("pk")) or [  # a second month: reused
        services.area_create(unit=unit, actor=kasie, name="Pasar Anyar", now=desk.now),
        services.area_create(unit=unit, actor=kasie, name="Jl. Sudirman", now=desk.now),
    ]
    made = services.plan_create(case=case, actor=kasie, now=desk.now) if plan else None
    return Month(desk=desk, case=case, plan=made, areas=areas)  # type: ignore[arg-type]


def team(demo_org: Any, known: list[Area], **kw: Any) -> services.DayInput:
    danru = demo_org.person("petugas1.pptng")
    other = demo_org.person("petugas2.pptng")
    values = {
        "starts": dt.time(8, 0),
        "ends": dt.time(12, 0),
        "areas": [known[0].pk],
        "route": "",
        "danru": danru.pk,
        "members": [danru.pk, other.pk],
    }
    values.update(kw)
    return services.DayInput(**values)
