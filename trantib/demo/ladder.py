"""The demo's Perda catalogue and enforcements at different rungs, from ``data/ladder.yaml``.

Everything goes through the services: the catalogue through ``perda_create``/``article_save``/
``ladder_set``; each finding through ``finding_open`` (its PPW case opens at beri_teguran), then
the ladder walked as the officers would, back in time: the Surat Pernyataan and each Surat
Teguran brought as far as their steps need (``letter_bring``: drafted, signed, delivered),
the waits ending when their period ran out (``wait_fire`` at the deadline the Perda gave), the
checks decided "tidak mentaati", and a compliance visit (``compliance_check_record``) ending
one ladder early. Run after the violators' demo (it finds them by name). Idempotent: an
existing Perda (unit, number, year) or an existing enforcement of the violator under that Perda
is left as it is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from trantib.accounts.models import OrgUnit, Person
from trantib.cases import services as case_services
from trantib.cases.models import Case, Task, TaskKind, TaskStatus
from trantib.enforcement.models import Article, Enforcement, FindingSource, Perda, Violator
from trantib.enforcement.services import (
    article_save,
    compliance_check_record,
    finding_open,
    ladder_set,
    perda_create,
)

from .complaints import unit_get
from .letters import letter_bring
from .steps import person_get
from .yamlfile import DemoDataError, Entry, read

FILE = "ladder.yaml"
PERDA_KEYS = frozenset({"unit", "by", "kind", "number", "year", "title", "articles", "ladder"})
ARTICLE_KEYS = frozenset({"label", "text", "sanctions", "fine_max"})
FINDING_KEYS = frozenset(
    {"unit", "by", "violator", "perda", "articles", "place", "point", "found", "walk", "walk_days"}
)
WALKS = ("new", "pernyataan", "unchecked", "teguran_1", "teguran_2", "teguran_3", "complied")
LIVE = (TaskStatus.OPEN, TaskStatus.CLAIMED)


@dataclass(frozen=True)
class DemoFinding:
    unit: str
    violator: str
    case: str
    walk: str
    created: bool


@dataclass(frozen=True)
class LadderResult:
    perda_created: int
    perda_total: int
    findings: list[DemoFinding]


def _perda(entry: Entry) -> Perda:
    unit = unit_get(entry.text("unit"), entry.where)
    number, year = entry.text("number"), entry.number("year")
    found = Perda.objects.filter(unit=unit, number=number, year=year).first()
    if found is not None:
        return found
    head = person_get(entry.text("by"), entry.where)
    perda = perda_create(
        unit=unit,
        actor=head,
        kind=entry.text("kind", "perda"),
        number=number,
        year=year,
        title=entry.text("title"),
    )
    for n, raw in enumerate(entry.items("articles"), start=1):
        item = Entry(raw, f"{entry.where}, article {n}", keys=ARTICLE_KEYS)
        article_save(
            perda=perda,
            actor=head,
            label=item.text("label"),
            text=item.text("text", ""),
            sanctions=item.texts("sanctions"),
            fine_max=item.raw.get("fine_max"),
        )
    ladder = entry.mapping("ladder")
    if ladder:
        rungs: dict[str, tuple[Any, bool]] = {}
        for rung, value in ladder.items():
            if not isinstance(value, list) or len(value) != 2:
                raise entry.error(f"ladder {rung!r} must be [days, working days true/false]")
            rungs[str(rung)] = (value[0], bool(value[1]))
        ladder_set(perda=perda, actor=head, rungs=rungs)
    return perda


def _at(unit: OrgUnit, days_ago: int, hour: int, minute: int = 0) -> dt.datetime:
    day = unit.today() - dt.timedelta(days=days_ago)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=unit.zone())


def _live(case: Case, step: str = "") -> Task:
    tasks = Task.objects.filter(case=case, status__in=LIVE).order_by("pk")
    if step:
        tasks = tasks.filter(step_id=step)
    task = tasks.first()
    if task is None:
        raise DemoDataError(f"case {case.number}: no live step {step or ''}".strip())
    return task


class _Walker:
    """Walks one enforcement's case up the ladder, the clock moving forward with each act."""

    def __init__(self, enforcement: Enforcement, where: str):
        self.enforcement = enforcement
        self.case = enforcement.case
        self.unit = enforcement.unit
        self.where = where
        self.kasat = self._holder("kasat_pol_pp")
        self.kasie = self._holder("kasie_ops")

    def _holder(self, role: str) -> Person:
        from trantib.accounts.selectors import holders_of

        person = holders_of(self.unit, role).first()
        if person is None:
            raise DemoDataError(f"{self.where}: nobody holds {role} in {self.unit.code}")
        return person

    def step(self, step: str, at: dt.datetime, data: dict[str, Any] | None = None) -> None:
        """The Kasat's step, once its letter came as far as it needs (signed, delivered)."""
        assert self.case is not None  # noqa: S101 — finding_open opened it
        task = _live(self.case, step)
        letter_bring(task, now=at, data=data)
        case_services.task_complete(task=task, actor=self.kasat, data={}, now=at)

    def wait_out(self, step: str) -> dt.datetime:
        """The wait's period runs out (as the worker would fire it): the moment it did."""
        assert self.case is not None  # noqa: S101
        wait = _live(self.case, step)
        if wait.kind != TaskKind.WAIT or wait.due_at is None:
            raise DemoDataError(f"{self.where}: {step} is not a wait with a deadline")
        moment = wait.due_at + dt.timedelta(minutes=1)
        if moment > timezone.now():
            raise DemoDataError(
                f"{self.where}: the {step} period ends {wait.due_at:%Y-%m-%d %H:%M}, after today;"
                " find the violator earlier (found:) or walk less far"
            )
        case_services.wait_fire(task_id=wait.pk, now=moment)
        return moment

    def not_complied(self, step: str, at: dt.datetime) -> None:
        assert self.case is not None  # noqa: S101
        case_services.task_complete(
            task=_live(self.case, step),
            actor=self.kasat,
            data={"hasil_pemeriksaan": "Pelanggar masih melanggar di tempat yang sama."},
            decision="tidak mentaati",
            now=at,
        )


def _walk(enforcement: Enforcement, walk: str, walk_days: int, found: int, where: str) -> None:
    w = _Walker(enforcement, where)
    unit = enforcement.unit
    if walk == "new":
        return
    # The Kasat gives the teguran and the violator signs the Surat Pernyataan two hours later.
    w.step("beri_teguran", _at(unit, found, 11))
    if walk == "pernyataan":
        return
    if walk == "complied":
        visit = _at(unit, max(found - 4, 0), 10)
        compliance_check_record(
            enforcement=enforcement,
            actor=w.kasat,
            complied=True,
            note="Lapak dan barang sudah dibongkar sendiri oleh pelanggar; lokasi bersih.",
            visited_at=visit,
            latitude=enforcement.latitude,
            longitude=enforcement.longitude,
            now=visit,
        )
        assert w.case is not None  # noqa: S101
        end = _live(w.case, "selesai_taat")
        case_services.task_complete(
            task=end, actor=w.kasie, data={}, now=visit + dt.timedelta(hours=1)
        )
        return
    moment = w.wait_out("tunggu_pernyataan")
    if walk == "unchecked":
        return
    w.not_complied("cek_pernyataan", moment + dt.timedelta(hours=1))
    rungs = {"teguran_1": 1, "teguran_2": 2, "teguran_3": 3}[walk]
    for n in range(1, rungs + 1):
        last = n == rungs
        if last:
            served = _at(unit, walk_days, 10)
        else:
            served = dt.datetime.combine(
                (moment + dt.timedelta(days=1)).astimezone(unit.zone()).date(),
                dt.time(10, 0),
                tzinfo=unit.zone(),
            )
        if served <= moment:
            raise DemoDataError(f"{where}: Surat Teguran {n} would be delivered before it is due")
        w.step(
            f"teguran_{n}",
            served + dt.timedelta(hours=1),
            {"tanggal_serah": served.date().isoformat()},
        )
        if last:
            return
        moment = w.wait_out(f"tunggu_{n}")
        w.not_complied(f"cek_{n}", moment + dt.timedelta(hours=1))


@transaction.atomic
def demo_ladder_load() -> LadderResult:
    shown, raw = read(FILE)
    perda_entries = raw.get("perda")
    finding_entries = raw.get("findings")
    if not isinstance(perda_entries, list) or not isinstance(finding_entries, list):
        raise DemoDataError(f"{shown}: expected the lists 'perda' and 'findings'")
    before = Perda.objects.count()
    for n, item in enumerate(perda_entries, start=1):
        _perda(Entry(item, f"{shown}: perda {n}", keys=PERDA_KEYS))
    made: list[DemoFinding] = []
    for n, item in enumerate(finding_entries, start=1):
        entry = Entry(item, f"{shown}: finding {n}", keys=FINDING_KEYS)
        made.append(_finding(entry))
    return LadderResult(Perda.objects.count() - before, Perda.objects.count(), made)


def _finding(entry: Entry) -> DemoFinding:
    unit = unit_get(entry.text("unit"), entry.where)
    name = entry.text("violator")
    violator = Violator.objects.filter(unit=unit, name=name).first()
    if violator is None:
        raise entry.error(f"violator {name!r} is not in the register (violators.yaml)")
    number, _slash, year = entry.text("perda").partition("/")
    perda = Perda.objects.filter(unit=unit, number=number, year=int(year or 0)).first()
    if perda is None:
        raise entry.error(f"perda {entry.text('perda')!r} is not in the catalogue above")
    walk = entry.text("walk")
    if walk not in WALKS:
        raise entry.error(f"walk must be one of {', '.join(WALKS)}")
    existing = Enforcement.objects.filter(unit=unit, violator=violator, perda=perda).first()
    if existing is not None:
        number_text = existing.case.number if existing.case else "-"
        return DemoFinding(unit.code, name, number_text, walk, False)
    labels = entry.texts("articles")
    articles = list(Article.objects.filter(perda=perda, label__in=labels))
    if len(articles) != len(labels):
        raise entry.error("an article is not in that perda's catalogue")
    point = entry.items("point")
    found = entry.number("found")
    found_at = _at(unit, found, 9)
    enforcement = finding_open(
        unit=unit,
        actor=person_get(entry.text("by"), entry.where),
        violator=violator,
        articles=articles,
        place=entry.text("place"),
        latitude=float(point[0]) if point else None,
        longitude=float(point[1]) if point else None,
        description="Ditemukan saat patroli pengawasan wilayah.",
        found_at=found_at,
        source=FindingSource.PATROL,
        now=found_at + dt.timedelta(minutes=30),
    )
    _walk(enforcement, walk, entry.number("walk_days", 0), found, entry.where)
    case = enforcement.case
    return DemoFinding(unit.code, name, case.number if case else "-", walk, True)
