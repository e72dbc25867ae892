"""What the recap tests (patrols, enforcement, operations) build through the apps' services: a
patrol month with its plan, days and daily reports; Karawaci running PPW beside Satpol PP (a
sibling whose rows must never count for PPTNG); violators and a Perda catalogue; and reading
the PDF and the workbook back."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict
from openpyxl import load_workbook

from trantib.accounts.models import Position
from trantib.accounts.services import assignment_create
from trantib.cases.models import Case
from trantib.core.xlsx import HEADER_ROW
from trantib.enforcement.models import Article, Perda, Violator
from trantib.enforcement.services import article_save, perda_create
from trantib.letters.tests.sop_desk import WIB, Desk
from trantib.patrols import services as patrols
from trantib.patrols.models import Area, Plan, PlanDay, Report

__all__ = ["WIB"]

PPTNG = {
    "kasat": "kasat.pptng",
    "kabid": "kabid.pptng",
    "kasie": "kasie.pptng",
    "petugas": ("petugas1.pptng", "petugas2.pptng"),
}
KRW = {
    "kasat": "camat.krw",
    "kabid": "sekcam.krw",
    "kasie": "kasi.krw",
    "petugas": ("danru.krw", "anggota1.krw"),
}


def ppw_in_karawaci(demo_org: Any) -> None:
    """Kecamatan Karawaci runs PPW too: its people hold PPW's four roles, so it can patrol and
    open enforcements — the sibling of Satpol PP under Pemerintah Kota Tangerang."""
    krw = demo_org.unit("KRW")
    roles = (
        ("kasat_pol_pp", "Kasat (uji)", KRW["kasat"]),
        ("kabid_trantibum", "Kabid (uji)", KRW["kabid"]),
        ("kasie_ops", "Kasie (uji)", KRW["kasie"]),
        ("petugas_ops", "Petugas (uji)", KRW["petugas"][0]),
        ("petugas_ops", "Petugas (uji)", KRW["petugas"][1]),
    )
    for code, name, login in roles:
        position, _made = Position.objects.get_or_create(
            unit=krw, code=code, defaults={"name": name}
        )
        assignment_create(
            person=demo_org.person(login), position=position, valid_from=dt.date(2024, 1, 2)
        )


@dataclass
class Month:
    desk: Desk
    case: Case
    plan: Plan
    areas: dict[str, Area]
    people: dict[str, Any]


def patrol_month(
    demo_org: Any,
    *,
    unit: str,
    month: dt.date,
    start: dt.datetime,
    people: dict[str, Any],
    areas: tuple[str, ...],
) -> Month:
    """A PPW programme for ``month`` started at ``start``: its Surat Tugas signed (dated that
    day), rows 1-2 done, the wilayah, the plan."""
    desk = Desk(demo_org, start)
    kasat = people["kasat"]
    case = desk.start("PPW", unit, kasat, f"Patroli {month:%m/%Y}", data={"bulan": str(month)})
    officers = [desk.who(p).pk for p in people["petugas"]]
    letter = desk.draft(case, "rumuskan_program", kasat, {"data": {"personel": officers}})
    desk.sign(desk.submit(letter, kasat), kasat)
    desk.complete(case, "rumuskan_program", kasat)
    desk.complete(case, "susun_rencana", people["kabid"], {"koordinasi": "Polres Metro"})
    kasie = desk.who(people["kasie"])
    place = demo_org.unit(unit)
    made = {}
    for name in areas:
        found = Area.objects.filter(unit=place, name=name).first()
        made[name] = found or patrols.area_create(unit=place, actor=kasie, name=name, now=desk.now)
    plan = patrols.plan_create(case=case, actor=kasie, now=desk.now)
    return Month(desk=desk, case=case, plan=plan, areas=made, people=people)


def schedule(
    month: Month, days: dict[dt.date, tuple[dt.time, dt.time, tuple[str, ...], str]]
) -> None:
    """Plan each day (start, end, wilayah, route) with the unit's two officers, then do the
    schedule step."""
    desk = month.desk
    danru, other = (desk.who(p) for p in month.people["petugas"])
    for day, (starts, ends, areas, route) in days.items():
        patrols.plan_days_add(
            plan=month.plan,
            actor=desk.who(month.people["kasie"]),
            days=[day],
            data=patrols.DayInput(
                starts=starts,
                ends=ends,
                areas=[month.areas[a].pk for a in areas],
                route=route,
                danru=danru.pk,
                members=[danru.pk, other.pk],
            ),
            now=desk.now,
        )
    desk.complete(month.case, "susun_jadwal", month.people["kasie"])


def report(
    month: Month,
    day: dt.date,
    *,
    started: dt.time,
    ended: dt.time,
    at: dt.datetime,
    findings: tuple[tuple[Violator, Article], ...] = (),
    place: str = "Pos pantau",
) -> Report:
    """The day's report filed at ``at``: nihil, or one finding per (violator, article)."""
    month.desk.at(max(month.desk.now, at))
    post = QueryDict(mutable=True)
    inputs = []
    for i, (violator, article) in enumerate(findings):
        post[f"f{i}-v-violator"] = str(violator.pk)
        post.setlist(f"f{i}-a-articles", [str(article.pk)])
        inputs.append(patrols.FindingInput(prefix=f"f{i}", place=f"Temuan {violator.name}"))
    return patrols.report_submit(
        day=PlanDay.objects.get(plan=month.plan, day=day),
        actor=month.desk.who(month.people["petugas"][0]),
        started=started,
        ended=ended,
        places=[patrols.PlaceInput(place)],
        result="Wilayah dipantau.",
        nihil=not findings,
        findings=inputs,
        form=post,
        now=month.desk.now,
    )


def violator(demo_org: Any, unit: str, name: str, nik: str) -> Violator:
    return Violator.objects.create(
        unit=demo_org.unit(unit),
        kind=Violator.Kind.PERSON,
        name=name,
        nik=nik,
        desa="Sukasari",
        created_at=dt.datetime(2026, 1, 5, tzinfo=WIB),
    )


def karawaci_catalogue(demo_org: Any, now: dt.datetime) -> Article:
    """A Perda of Karawaci with one article (its findings need its own catalogue)."""
    camat = demo_org.person(KRW["kasat"])
    perda: Perda = perda_create(
        unit=demo_org.unit("KRW"), actor=camat, number="5", year=2019, title="Ketertiban", now=now
    )
    return article_save(perda=perda, actor=camat, label="Pasal 3", text="Dilarang.", now=now)


# -- reading what the recap printed and wrote ----------------------------------------------------


def pdf_text(content: bytes) -> str:
    """The PDF as pdftotext reads it (layout kept), whitespace collapsed per line."""
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],  # noqa: S607 — poppler-utils, a test tool
        input=content,
        capture_output=True,
        check=True,
    )
    return "\n".join(re.sub(r"\s+", " ", line).strip() for line in done.stdout.decode().split("\n"))


def sheet_rows(content: bytes, name: str) -> list[list[Any]]:
    """The data rows (after the header) of the workbook's sheet ``name``."""
    book = load_workbook(io.BytesIO(content))
    sheet = book[name]
    return [list(row) for row in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)]


def sheet_cell(content: bytes, name: str, row: int, col: int) -> Any:
    book = load_workbook(io.BytesIO(content))
    return book[name].cell(row=HEADER_ROW + row, column=col)


def title_rows(content: bytes, name: str) -> list[Any]:
    """Rows 1-3 of the sheet: the title, the unit, the period."""
    sheet = load_workbook(io.BytesIO(content))[name]
    return [sheet.cell(row=r, column=1).value for r in (1, 2, 3)]
