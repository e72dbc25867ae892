"""The history's patrol months (PPW) of Satpol PP Kota Tangerang, and the ladders of their
findings.

Each past month is a programme case as ``patrols.py`` makes the current one: the Kasat's Surat
Tugas signed on the 1st, the plan (every day, the two regu in turn), each day reported by its
Danru through ``report_submit`` (mostly before the 4-hour standard ends, some late), and on the
1st of the next month the Kasie's monthly report signed, the Kabid's evaluation and the Kasat's
decision. A finding of a report opens its enforcement case that day, whose ladder is walked as
the finding's ``walk`` says: the Surat Pernyataan signed, its period run out (``wait_fire`` at
its deadline, as the worker does) or a compliance visit ending it early, the checks decided, the
Surat Teguran delivered, up to one penertiban under a Surat Perintah with its Berita Acara and
the sanction applied. A walk stops where the days run out: a case still running waits on a
period that has not ended, never on an officer's late step.

The months and the ladders run side by side on one clock (:class:`Schedule`), so that every
letter of the unit takes its number in date order. A month is keyed on its programme month: a
month that already has a programme (the ``ppw_finding`` story's) is left to it.
"""

from __future__ import annotations

import datetime as dt
import heapq
import io
import random
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.http import QueryDict

from trantib.accounts.models import OrgUnit
from trantib.cases import services as case_services
from trantib.cases.models import Case
from trantib.enforcement.models import Article, Enforcement, Violator
from trantib.enforcement.selectors import articles_for_unit
from trantib.enforcement.services import compliance_check_record, sanction_record
from trantib.letters.models import Letter
from trantib.patrols import services as patrol_services
from trantib.patrols.models import Plan, PlanDay
from trantib.sops import registry

from ..complaints import unit_get
from ..ladder import FILE as LADDER_FILE
from ..ladder import PERDA_KEYS, _perda
from ..letters import case_start_written
from ..patrols import FILE as PATROLS_FILE
from ..patrols import month_plan
from ..violators import photo
from ..yamlfile import DemoDataError, Entry, read
from .pace import (
    AWAKE,
    Pace,
    act,
    at_clock,
    live,
    months_before,
    notices_read,
    office,
    person,
    seeded,
)

Process = Generator[dt.datetime, None, None]
WALKS = ("taat", "kunjungan", "teguran_1", "teguran_2", "penertiban")
KASAT, KABID, KASIE = "kasat.pptng", "kabid.pptng", "kasie.pptng"
OFFICERS = ["petugas1.pptng", "petugas2.pptng"]


class Schedule:
    """Processes (generators that yield the moment of their next act, and act when resumed)
    run in the order of those moments, whichever case they belong to."""

    def __init__(self) -> None:
        self._heap: list[tuple[dt.datetime, int, Process]] = []
        self._count = 0

    def spawn(self, process: Process) -> None:
        moment = next(process, None)
        if moment is not None:
            heapq.heappush(self._heap, (moment, self._count, process))
            self._count += 1

    def run(self) -> None:
        while self._heap:
            _moment, n, process = heapq.heappop(self._heap)
            moment = next(process, None)
            if moment is not None:
                heapq.heappush(self._heap, (moment, n, process))


@dataclass(frozen=True)
class Finding:
    day: dt.date
    spec: dict[str, Any]
    walk: str


@dataclass(frozen=True)
class Month:
    month: dt.date
    findings: tuple[Finding, ...]


def patrols_plan(conf: dict[str, Any], now: dt.datetime, zone: dt.tzinfo, seed: int) -> list[Month]:
    """The programme months and the days their findings are made, without the database."""
    rng = seeded(seed, "patrols")
    patrols = conf["patrols"]
    specs = list(patrols["findings"])
    low, high = patrols["findings_per_month"]
    months = []
    for month in months_before(now, zone, int(conf["months"])):
        end = (month + dt.timedelta(days=32)).replace(day=1)
        count = min(rng.randint(low, high), len(specs))
        days = sorted(rng.sample(range(1, (end - month).days - 1), count))
        found = []
        for day in days:
            spec = specs.pop(0)
            found.append(Finding(month + dt.timedelta(days=day), spec, spec["walk"]))
        months.append(Month(month, tuple(found)))
    return months


@dataclass
class PatrolsLoaded:
    months: int = 0
    created: int = 0
    reports: int = 0
    findings: int = 0
    walks: dict[str, int] = field(default_factory=dict)


def patrols_load(conf: dict[str, Any], pace: Pace, seed: int) -> PatrolsLoaded:
    unit = unit_get(conf["patrols"]["unit"], "data/history.yaml")
    plan = patrols_plan(conf, pace.now, unit.zone(), seed)
    loaded = PatrolsLoaded(months=len(plan))
    todo = [m for m in plan if not _programme_exists(unit, m.month)]
    if not todo:
        return loaded
    with transaction.atomic():
        _catalogue()
        schedule = Schedule()
        context = _Context(unit=unit, pace=pace, schedule=schedule, loaded=loaded)
        for month in todo:
            schedule.spawn(_month(context, month))
        schedule.run()
        notices_read(context.cases, pace.now)
    loaded.created = len(todo)
    return loaded


def _programme_exists(unit: OrgUnit, month: dt.date) -> bool:
    """A PPW programme of that month: a plan, or a programme case started for it (a story's)."""
    if Plan.objects.filter(unit=unit, month=month).exists():
        return True
    spec = registry.get("PPW")
    for case in Case.objects.filter(unit=unit, sop_code="PPW", parent=None).only("state"):
        if patrol_services.case_month(spec, case) == month:
            return True
    return False


def _catalogue() -> None:
    """The Perda the findings cite, as the ladder's demo makes them (if it has not yet)."""
    shown, raw = read(LADDER_FILE)
    for n, item in enumerate(raw.get("perda") or [], start=1):
        _perda(Entry(item, f"{shown}: perda {n}", keys=PERDA_KEYS))


@dataclass
class _Context:
    unit: OrgUnit
    pace: Pace
    schedule: Schedule
    loaded: PatrolsLoaded
    cases: list[int] = field(default_factory=list)

    def ended(self, outcome: str) -> None:
        self.loaded.walks[outcome] = self.loaded.walks.get(outcome, 0) + 1

    @property
    def zone(self) -> dt.tzinfo:
        return self.unit.zone()

    @property
    def rng(self) -> random.Random:
        return self.pace.rng

    @property
    def limit(self) -> dt.datetime:
        """Nothing is done later than this: the load's moment, less a margin."""
        return self.pace.now - dt.timedelta(minutes=30)


def _month(ctx: _Context, month: Month) -> Process:
    shown, raw = read(PATROLS_FILE)
    calendar = registry.get("PPW").calendar
    label = f"{month.month:%m/%Y}"
    start = at_clock(month.month, 7, 0, ctx.zone)
    yield start
    case = case_start_written(
        sop_code="PPW",
        unit=ctx.unit,
        actor=person(KASAT),
        subject=f"Patroli pengawasan wilayah Kota Tangerang bulan {label}",
        data={"bulan": month.month.isoformat()},
        now=start,
    )
    ctx.cases.append(case.pk)
    task = live(case, "susun_rencana")
    at = ctx.pace.when(task, after=start, calendar=calendar)
    yield at
    act(task, KABID, at, data={"koordinasi": "Polres Metro Tangerang Kota, Kodim 0506/Tangerang"})
    at += dt.timedelta(minutes=10)
    yield at
    plan = month_plan(case, raw, shown, person(KASIE), at)
    task = live(case, "susun_jadwal")
    at = ctx.pace.when(task, after=at, calendar=calendar)
    yield at
    act(task, KASIE, at)
    found = {f.day: f for f in month.findings}
    results, places = raw["results"], raw["places"]
    days = list(PlanDay.objects.filter(plan=plan).select_related("danru").order_by("day"))
    for n, day in enumerate(days):
        finding = found.get(day.day)
        ended = at_clock(day.day, 11, ctx.rng.randint(20, 45), ctx.zone)
        if ctx.pace.is_late(ended):
            submitted = ended + dt.timedelta(minutes=ctx.rng.randint(45, 300))
        else:
            submitted = ended + dt.timedelta(minutes=ctx.rng.randint(3, 12))
        yield submitted
        report = _report(ctx, day, n, ended, submitted, finding, results, places)
        ctx.loaded.reports += 1
        for item in report.findings.select_related("enforcement__case"):
            ctx.cases.append(item.enforcement.case_id)
            ctx.loaded.findings += 1
            assert finding is not None  # noqa: S101 — only a finding's report has one
            ctx.schedule.spawn(_ladder(ctx, item.enforcement, finding.walk, submitted))
    # The last report in, the Kasie signs the month's report, the Kabid evaluates it and the
    # Kasat decides on its findings (each has its case already: row 7 opens none again).
    task = live(case, "terima_laporan")
    at = ctx.pace.when(task, after=submitted, calendar=calendar)
    yield at
    act(task, KASIE, at)
    task = live(case, "evaluasi")
    at = ctx.pace.when(task, after=at, calendar=calendar)
    yield at
    count = len(month.findings)
    act(
        task,
        KABID,
        at,
        data={
            "evaluasi": (
                f"{len(days)} patroli terlaksana sesuai jadwal; "
                + (
                    f"{count} pelanggaran Perda ditemukan dan ditindaklanjuti."
                    if count
                    else "tidak ada temuan pelanggaran Perda."
                )
            )
        },
    )
    task = live(case, "ada_temuan")
    at = ctx.pace.when(task, after=at, calendar=calendar)
    yield at
    act(task, KASAT, at, decision="ya" if count else "tidak")
    if count:
        at += dt.timedelta(minutes=ctx.rng.randint(2, 8))
        yield at
        act(live(case, "buka_penegakan"), KASAT, at)
    at += dt.timedelta(minutes=ctx.rng.randint(2, 8))
    yield at
    act(live(case, "selesai_patroli"), KASAT, at)


def _report(
    ctx: _Context,
    day: PlanDay,
    n: int,
    ended: dt.datetime,
    submitted: dt.datetime,
    finding: Finding | None,
    results: list[str],
    places: dict[str, list[Any]],
) -> Any:
    names = [a.name for a in day.areas.all()]
    form = QueryDict(mutable=True)
    inputs = []
    if finding is not None:
        spec = finding.spec
        _violator_form(ctx.unit, spec["violator"], form)
        form.setlist("f0-a-articles", [str(_article(ctx.unit, spec["article"]).pk)])
        lat, lon = spec["point"]
        inputs.append(
            patrol_services.FindingInput(
                prefix="f0",
                place=spec["place"],
                latitude=lat,
                longitude=lon,
                description=spec["description"],
                photos=[
                    ("temuan.jpg", io.BytesIO(photo(spec["violator"]["name"], 0, (176, 120, 80))))
                ],
            )
        )
    return patrol_services.report_submit(
        day=day,
        actor=day.danru,
        started=dt.time(8, ctx.rng.randint(0, 15)),
        ended=ended.timetz().replace(tzinfo=None),
        places=[
            patrol_services.PlaceInput(*places[name])
            if name in places
            else patrol_services.PlaceInput(name)
            for name in names
        ],
        result=finding.spec["description"] if finding else results[n % len(results)],
        nihil=finding is None,
        findings=inputs,
        form=form,
        photos=[("patroli.jpg", io.BytesIO(photo(names[0], n % 4, (90, 140, 110))))],
        now=submitted,
    )


def _violator_form(unit: OrgUnit, spec: dict[str, Any], form: QueryDict) -> None:
    """The violator picker as the Danru fills it: the registered one, or a new entry."""
    found = Violator.objects.filter(unit=unit, name=spec["name"]).first()
    if found is not None:
        form["f0-v-violator"] = str(found.pk)
        return
    for key, value in spec.items():
        form[f"f0-v-{key}"] = str(value)


def _article(unit: OrgUnit, label: str) -> Article:
    found = articles_for_unit(unit).filter(label=label).first()
    if found is None:
        raise DemoDataError(f"data/history.yaml: article {label!r} is not in the catalogue")
    return found


# -- the ladder ---------------------------------------------------------------------------------


def _ladder(ctx: _Context, enforcement: Enforcement, walk: str, found: dt.datetime) -> Process:
    """The finding's enforcement case walked up its ladder as far as ``walk`` and the days
    allow; ``found``: the report that opened it."""
    case = enforcement.case
    assert case is not None  # noqa: S101 — finding_open opened it
    calendar = registry.get("PPW").calendar
    pace = ctx.pace
    # The Kasat gives the teguran on the day; the violator signs the Surat Pernyataan.
    task = live(case, "beri_teguran")
    at = pace.when(task, after=found, calendar=calendar)
    yield at
    act(task, KASAT, at)
    rungs = {"taat": 0, "kunjungan": 0, "teguran_1": 1, "teguran_2": 2, "penertiban": 3}[walk]
    checks = ["cek_pernyataan", "cek_1", "cek_2", "cek_3"]
    waits = ["tunggu_pernyataan", "tunggu_1", "tunggu_2", "tunggu_3"]
    for rung in range(rungs + 1):
        wait = live(case, waits[rung])
        if walk == "kunjungan":
            # A field visit a few days on finds him complying: the period ends early.
            visit = office(at + dt.timedelta(days=ctx.rng.randint(3, 6)), AWAKE, ctx.zone)
            if wait.due_at is None or visit >= min(wait.due_at, ctx.limit):
                ctx.ended("berjalan")
                return
            yield visit
            compliance_check_record(
                enforcement=enforcement,
                actor=person(KASIE),
                complied=True,
                note="Lapak dan barang sudah dibongkar sendiri oleh pelanggar; lokasi bersih.",
                visited_at=visit - dt.timedelta(minutes=40),
                latitude=enforcement.latitude,
                longitude=enforcement.longitude,
                now=visit,
            )
            # The visit ended the period; the Kasat decides on the Kasie's report of it.
            check = live(case, checks[rung])
            at = pace.when(check, after=visit, calendar=calendar)
            yield at
            act(
                check,
                KASAT,
                at,
                data={"hasil_pemeriksaan": "Kunjungan lapangan: pelanggar sudah mentaati."},
                decision="mentaati",
            )
            yield from _complied_end(ctx, case, at, calendar)
            ctx.ended("dipatuhi")
            return
        # The period runs out; the worker fires the wait at its deadline.
        last = rung == rungs
        if wait.due_at is None or not _fits(ctx, wait.due_at, last and walk != "penertiban"):
            ctx.ended("berjalan")
            return
        fired = wait.due_at + dt.timedelta(minutes=1)
        yield fired
        case_services.wait_fire(task_id=wait.pk, now=fired)
        check = live(case, checks[rung])
        at = pace.when(check, after=fired, calendar=calendar)
        yield at
        if last and walk != "penertiban":
            act(
                check,
                KASAT,
                at,
                data={"hasil_pemeriksaan": "Pelanggar sudah mentaati; lokasi tertib."},
                decision="mentaati",
            )
            yield from _complied_end(ctx, case, at, calendar)
            ctx.ended("dipatuhi")
            return
        act(
            check,
            KASAT,
            at,
            data={"hasil_pemeriksaan": "Pelanggar masih melanggar di tempat yang sama."},
            decision="tidak mentaati",
        )
        if rung == 3:
            yield from _penertiban(ctx, enforcement, at, calendar)
            ctx.ended("penertiban")
            return
        # The next Surat Teguran is signed and delivered the next morning.
        served = at_clock((at + dt.timedelta(days=1)).astimezone(ctx.zone).date(), 10, 0, ctx.zone)
        at = served + dt.timedelta(minutes=ctx.rng.randint(30, 90))
        yield at
        act(
            live(case, f"teguran_{rung + 1}"),
            KASAT,
            at,
            data={"tanggal_serah": served.date().isoformat()},
        )


def _fits(ctx: _Context, due: dt.datetime, last: bool) -> bool:
    """Whether the period ends early enough for its check (and, when the walk goes on, the
    next letter's delivery the day after, or the penertiban) to be done before the load."""
    room = dt.timedelta(hours=2) if last else dt.timedelta(days=1, hours=4)
    if ctx.pace.is_late(due):
        room += dt.timedelta(days=1)
    return due + room < ctx.limit


def _complied_end(ctx: _Context, case: Case, after: dt.datetime, calendar: Any) -> Process:
    task = live(case, "selesai_taat")
    at = ctx.pace.when(task, after=after, calendar=calendar, took=dt.timedelta(hours=3))
    yield at
    act(task, KASIE, at)


def _penertiban(
    ctx: _Context, enforcement: Enforcement, after: dt.datetime, calendar: Any
) -> Process:
    """No compliance after Surat Teguran III: the Kasat signs the Surat Perintah Penertiban,
    the Kabid plans, the Kasie musters the officers, who clear the place and sign the Berita
    Acara; the sanction is recorded."""
    case = enforcement.case
    assert case is not None  # noqa: S101
    pace = ctx.pace
    at = after
    for step, login, data in (
        ("perintah_penertiban", KASAT, None),
        (
            "rencana_penertiban",
            KABID,
            {
                "rencana": (
                    "Penertiban pukul 08.00 dengan dua regu; barang dibawa ke gudang Satpol PP."
                ),
                "koordinasi": "Polsek Tangerang, Kelurahan setempat",
            },
        ),
        ("siapkan_petugas", KASIE, {"personil": OFFICERS}),
    ):
        task = live(case, step)
        at = pace.when(task, after=at, calendar=calendar, late=False)
        yield at
        act(task, login, at, data=data)
    task = live(case, "penertiban")
    at = pace.when(task, after=at, calendar=calendar, late=False)
    yield at
    act(
        task,
        OFFICERS[0],
        at,
        data={
            "laporan": (
                "Lapak di sempadan sungai dibongkar; pelanggar menerima dan membawa barangnya."
            )
        },
        files={
            "dokumentasi": [
                ("penertiban.jpg", io.BytesIO(photo(enforcement.violator.name, 1, (120, 100, 80))))
            ]
        },
    )
    report = Letter.objects.filter(case=case, kind="berita_acara").order_by("-pk").first()
    sanction_record(
        enforcement=enforcement,
        actor=person(KASIE),
        sanction="pembongkaran",
        applied_on=at.astimezone(ctx.zone).date(),
        reference=report.number if report else "",
        note="Bangunan lapak di sempadan sungai dibongkar petugas.",
        now=at + dt.timedelta(minutes=30),
    )
