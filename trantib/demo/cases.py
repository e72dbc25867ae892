"""Demo cases, from ``data/cases.yaml``: the seed SOPs running in the demo organisation, in
several states, so that a newcomer who logs in after ``make run`` sees a living system.

Every case is made through the services, as the officers of the demo organisation, with the
clock set back (``now=``) so that steps took plausible times and one task is overdue.

``demo_cases_load()`` is idempotent: each story is keyed on its case's subject (a complaint's
case: on the start of the complaint's description) and skipped when that case exists, so a
second run creates nothing. Run ``demo_org_load()`` first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from django.db import transaction
from django.utils import timezone

from trantib.cases import selectors, services
from trantib.cases.models import Case
from trantib.complaints.services import complaint_file
from trantib.sops import registry

from .complaints import category_get, complaint_setup_load, unit_get
from .letters import letter_bring
from .steps import Step, members_resolve, person_get, step_parse, step_run
from .when import Anchors, When, default_zone, resolve, tags_check, when_parse
from .yamlfile import Entry, read

FILE = "cases.yaml"
STORY_KEYS = frozenset({"key", "sop", "subject", "unit", "by", "at", "data", "complaint", "steps"})
COMPLAINT_KEYS = frozenset(
    {
        "channel",
        "category",
        "text",
        "kelurahan",
        "address",
        "latitude",
        "longitude",
        "reporter_name",
        "reporter_phone",
        "reporter_email",
    }
)


@dataclass(frozen=True)
class DemoCase:
    """One line of the summary ``trantib demo`` prints."""

    number: str
    sop: str
    status: str
    active: tuple[str, ...]
    subject: str
    created: bool


@dataclass(frozen=True)
class DemoCasesResult:
    cases: list[DemoCase]
    overdue: int  # tasks marked overdue by the sweep at the end of this load

    @property
    def created(self) -> int:
        return sum(c.created for c in self.cases)


@dataclass(frozen=True)
class Story:
    """One demo case: how it starts (a case, or a complaint that opens one) and its steps."""

    where: str
    key: str
    sop: str
    subject: str  # the case's subject; for a complaint, the start of its description
    unit: str  # "" for a complaint: routing picks the unit
    by: str
    at: When
    data: dict[str, Any] | None
    complaint: dict[str, Any] | None
    steps: tuple[Step, ...]


@cache
def stories() -> dict[str, Story]:
    """The stories of ``cases.yaml`` by key, in order; read and checked once."""
    shown, raw = read(FILE)
    top = Entry(raw, shown, keys={"stories"})
    found: dict[str, Story] = {}
    for n, item in enumerate(top.items("stories"), start=1):
        entry = Entry(item, f"{shown}: case {n}", keys=STORY_KEYS)
        key = entry.text("key")
        entry = Entry(item, f"{shown}: case {key!r}", keys=STORY_KEYS)
        if key in found:
            raise entry.error("this key is used twice")
        complaint = entry.mapping("complaint") if entry.has("complaint") else None
        if complaint is not None:
            Entry(complaint, f"{entry.where}, complaint", keys=COMPLAINT_KEYS)
            if entry.has("unit") or entry.has("data"):
                raise entry.error("a complaint's case takes no 'unit' or 'data'")
        data = entry.mapping("data") if entry.has("data") else None
        tags_check(data, entry.where)
        found[key] = Story(
            where=entry.where,
            key=key,
            sop=entry.text("sop"),
            subject=entry.text("subject"),
            unit="" if complaint is not None else entry.text("unit"),
            by=entry.text("by", "" if complaint is not None else None),
            at=when_parse(entry.raw.get("at"), allowed=frozenset({"now"}), where=entry.where),
            data=data,
            complaint=complaint,
            steps=tuple(
                step_parse(s, f"{entry.where}, step {i}")
                for i, s in enumerate(entry.items("steps"), start=1)
            ),
        )
    return found


def _subject(key: str) -> str:
    return stories()[key].subject


PGD_NEW = _subject("pgd_new")
PGD_WAITING = _subject("pgd_waiting")
PGD_CLOSED = _subject("pgd_closed")
PPW_PLANNED = _subject("ppw_planned")
PPW_FINDING = _subject("ppw_finding")
PPL_DECISION = _subject("ppl_decision")
PUR_DECISION = _subject("pur_decision")
POLMAS_VISIT = _subject("polmas_visit")


def _complaint_case(story: Story, complaint: dict[str, Any], at: dt.datetime) -> Case:
    """A PGD case is a complaint's case: filed through the complaint service like a real one
    (its description starts with the story's subject)."""
    complaint_setup_load()
    fields = {k: v for k, v in complaint.items() if k not in ("category", "text")}
    if story.by:
        fields["actor"] = person_get(story.by, story.where)
    where = f"{story.where}, complaint"
    return complaint_file(
        category=category_get(Entry(complaint, where, keys=COMPLAINT_KEYS).text("category"), where),
        description=f"{story.subject}. {complaint.get('text', '')}",
        now=at,
        **fields,
    ).case


def _run(story: Story, now: dt.datetime) -> Case:
    if story.complaint is not None:
        at = Anchors(now=now, zone=default_zone()).moment(story.at, story.where)
        case = _complaint_case(story, story.complaint, at)
        anchors = Anchors(now=now, zone=case.unit.zone(), start=at, prev=at)
    else:
        unit = unit_get(story.unit, story.where)
        anchors = Anchors(now=now, zone=unit.zone())
        at = anchors.moment(story.at, story.where)
        anchors = replace(anchors, start=at, prev=at, at=at)
        case = services.case_start(
            sop_code=story.sop,
            unit=unit,
            actor=person_get(story.by, story.where),
            subject=story.subject,
            data=members_resolve(
                registry.get(story.sop).start,
                resolve(story.data, anchors, story.where),
                story.where,
            ),
            now=at,
        )
        first = registry.get(story.sop).start.id
        held = [t for t in selectors.case_live_tasks(case) if t.step_id == first]
        for task in held:  # the first step waited for its letter (PPW's Surat Tugas)
            letter_bring(task, now=at)
            services.task_complete(task=task, actor=person_get(story.by, story.where), now=at)
        anchors = replace(anchors, at=None)
    for step in story.steps:
        done = step_run(step, case, anchors)
        anchors = replace(anchors, prev=done or anchors.prev)
    return case


def _summary(case: Case, created: bool) -> DemoCase:
    return DemoCase(
        number=case.number,
        sop=case.sop_code,
        status=case.status,
        active=tuple(case.state.get("active", [])),
        subject=case.subject,
        created=created,
    )


def story_case(sop: str, key: str) -> Case | None:
    """The case a story made: by its subject, or — a complaint's case — by the start of the
    complaint's description."""
    found = Case.objects.filter(sop_code=sop, parent=None)
    return (
        found.filter(subject=key).first()
        or found.filter(complaint__description__startswith=key).first()
    )


def demo_cases_load(*, now: dt.datetime | None = None) -> DemoCasesResult:
    """Make the demo cases that do not exist yet, then mark what is late (as the worker
    would). Each story is one transaction: a failure leaves none of it behind."""
    now = now or timezone.now()
    lines: list[DemoCase] = []
    made = False
    for story in stories().values():
        existing = story_case(story.sop, story.subject)
        if existing is None:
            with transaction.atomic():
                case = _run(story, now)
            made = True
        else:
            case = existing
        case.refresh_from_db()
        lines.append(_summary(case, existing is None))
        lines.extend(_summary(c, existing is None) for c in selectors.case_children(case))
    overdue = services.deadlines_sweep(now=now).overdue if made else 0
    return DemoCasesResult(cases=lines, overdue=overdue)
