"""The demo's operation files, from ``data/operations.yaml``: a PPL operation of Cipondoh with
a full file (teams, partners, readiness, incidents, two results, seized items under a signed
Berita Acara Penyitaan, one returned under a Berita Acara Pengembalian) whose report is then
drafted from it, and a PUR demonstration of Karawaci with its crowd, demands and escalation
levels. Everything goes through the services (cases, letters, enforcement, operations).
``demo_operations_load()`` is idempotent: a story whose case exists is skipped. Run it after
the demo cases."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from django.db import transaction
from django.utils import timezone

from trantib.enforcement.models import Violator
from trantib.enforcement.services import violator_create
from trantib.letters.models import Letter, LetterState
from trantib.letters.services import letter_submit
from trantib.operations import services
from trantib.operations.models import Operation

from .cases import STORY_KEYS, Story, _run, story_case
from .letters import _complete, _sign
from .steps import person_get, step_parse, step_run
from .when import Anchors, tags_check, when_parse
from .yamlfile import DemoDataError, Entry, read

FILE = "operations.yaml"
ENTRY_KEYS = frozenset({"key", "case", "file", "after"})
FILE_KEYS = frozenset(
    {
        "by",
        "day",
        "starts",
        "ends",
        "commander",
        "places",
        "teams",
        "partners",
        "readiness",
        "incidents",
        "results",
        "seized",
        "returned",
        "crowd",
        "escalations",
    }
)
WHEN = frozenset({"now", "start", "prev", "today", "startday"})


@dataclass(frozen=True)
class OperationStory:
    where: str
    key: str
    story: Story
    file: dict[str, Any]
    after: tuple[Any, ...]


@dataclass(frozen=True)
class DemoOperation:
    number: str
    sop: str
    places: int
    incidents: int
    items: int
    created: bool


@cache
def operation_stories() -> list[OperationStory]:
    shown, raw = read(FILE)
    top = Entry(raw, shown, keys={"operations"})
    found = []
    for n, item in enumerate(top.items("operations"), start=1):
        entry = Entry(item, f"{shown}: operation {n}", keys=ENTRY_KEYS)
        key = entry.text("key")
        case = Entry(entry.mapping("case"), f"{shown}: operation {key!r}, case", keys=STORY_KEYS)
        data = case.mapping("data") if case.has("data") else None
        tags_check(data, case.where)
        story = Story(
            where=case.where,
            key=key,
            sop=case.text("sop"),
            subject=case.text("subject"),
            unit=case.text("unit"),
            by=case.text("by"),
            at=when_parse(case.raw.get("at"), allowed=frozenset({"now"}), where=case.where),
            data=data,
            complaint=None,
            steps=tuple(
                step_parse(s, f"{case.where}, step {i}")
                for i, s in enumerate(case.items("steps"), start=1)
            ),
        )
        file = Entry(entry.mapping("file"), f"{shown}: operation {key!r}, file", keys=FILE_KEYS)
        after = tuple(
            step_parse(s, f"{entry.where}, after {i}")
            for i, s in enumerate(entry.items("after") if entry.has("after") else [], start=1)
        )
        found.append(OperationStory(entry.where, key, story, file.raw, after))
    return found


def _moment(anchors: Anchors, text: Any, where: str) -> dt.datetime:
    return anchors.moment(when_parse(text, allowed=WHEN, where=where), where)


def _clock(text: Any, where: str) -> dt.time:
    try:
        return dt.time.fromisoformat(str(text))
    except ValueError:
        raise DemoDataError(f"{where}: '{text}' is not a time (HH:MM)") from None


def _violator(op: Operation, raw: dict[str, Any], actor: Any, at: dt.datetime) -> Violator:
    found = Violator.objects.filter(unit=op.unit, name=raw["name"]).first()
    if found is not None:
        return found
    return violator_create(unit=op.unit, actor=actor, now=at, **raw)


def _finish(letter: Letter, at: dt.datetime) -> Letter:
    """Send the Berita Acara and sign it, as its drafter and the signer would."""
    drafter = letter.created_by
    if drafter is None:
        raise DemoDataError(f"{letter.hal}: drafted by nobody")
    letter = _complete(letter, drafter, at)
    if letter.state in {LetterState.DRAFT, LetterState.RETURNED}:
        letter = letter_submit(letter=letter, actor=drafter, now=at)
    return _sign(letter, at)


def _keep_file(story: OperationStory, case: Any, anchors: Anchors) -> Operation:
    raw, where = story.file, story.where
    by = person_get(str(raw["by"]), where)
    day = anchors.day(when_parse(raw["day"], allowed=WHEN, where=where), where)
    opened = dt.datetime.combine(day, dt.time(8), tzinfo=anchors.zone) - dt.timedelta(days=1)
    op = services.operation_open(case=case, actor=by, now=opened)
    changes: dict[str, Any] = {"day": day}
    if raw.get("starts"):
        changes["starts_at"] = _clock(raw["starts"], where)
    if raw.get("ends"):
        changes["ends_at"] = _clock(raw["ends"], where)
    if raw.get("commander"):
        changes["commander"] = person_get(str(raw["commander"]), where)
    crowd = raw.get("crowd") or {}
    if crowd:
        changes.update(
            crowd_group=crowd.get("group", ""),
            crowd_estimate=crowd.get("estimate"),
            demands=crowd.get("demands", ""),
        )
    services.operation_update(operation=op, actor=by, changes=changes, now=opened)
    for p in raw.get("places", []):
        services.place_add(
            operation=op,
            actor=by,
            name=p["name"],
            latitude=p.get("lat"),
            longitude=p.get("lon"),
            now=opened,
        )
    for t in raw.get("teams", []):
        services.team_add(
            operation=op,
            actor=by,
            name=t["name"],
            leader=person_get(t["leader"], where) if t.get("leader") else None,
            members=[person_get(m, where) for m in t.get("members", [])],
            task=t.get("task", ""),
            now=opened,
        )
    for p in raw.get("partners", []):
        services.partner_add(
            operation=op,
            actor=by,
            agency=p["agency"],
            contact=p.get("contact", ""),
            personnel=p.get("personnel"),
            now=opened,
        )
    ready_at = dt.datetime.combine(
        day, _clock(raw.get("starts") or "08:00", where), tzinfo=anchors.zone
    ) - dt.timedelta(minutes=45)
    for r in raw.get("readiness", []):
        services.readiness_check(
            operation=op,
            actor=person_get(r.get("by", raw["by"]), where),
            item=r["item"],
            ready=bool(r["ready"]),
            note=r.get("note", ""),
            now=ready_at,
        )
    for e in raw.get("escalations", []):
        at = _moment(anchors, e["at"], where)
        services.escalation_add(
            operation=op,
            actor=by,
            level=e["level"],
            at=at,
            note=e.get("note", ""),
            now=at + dt.timedelta(minutes=2),
        )
    for i in raw.get("incidents", []):
        at = _moment(anchors, i["at"], where)
        services.incident_add(
            operation=op,
            actor=person_get(i.get("by", raw["by"]), where),
            at=at,
            text=i["text"],
            now=at + dt.timedelta(minutes=3),
        )
    after_at = dt.datetime.combine(
        day, _clock(raw.get("ends") or "17:00", where), tzinfo=anchors.zone
    )
    for r in raw.get("results", []):
        violator = _violator(op, r["violator"], by, after_at)
        services.result_add(
            operation=op,
            actor=by,
            violator=violator,
            action=r["action"],
            note=r.get("note", ""),
            now=after_at,
        )
    for s in raw.get("seized", []):
        at = _moment(anchors, s["at"], where)
        owner = Violator.objects.filter(unit=op.unit, name=s["owner"]).first()
        _items, letter = services.items_seize(
            operation=op,
            actor=by,
            owner=owner,
            storage=s["storage"],
            perda=s.get("perda", ""),
            items=s["items"],
            day=day,
            now=at,
        )
        _finish(letter, at + dt.timedelta(minutes=30))
    for r in raw.get("returned", []):
        at = _moment(anchors, r["at"], where)
        items = list(op.items.filter(description=r["description"]))
        if not items:
            raise DemoDataError(f"{where}: no seized item '{r['description']}' to return")
        letter = services.items_return(
            operation=op, actor=by, items=items, returned_to=r["to"], on=at.date(), now=at
        )
        _finish(letter, at + dt.timedelta(minutes=30))
    return op


def _run_operation(story: OperationStory, now: dt.datetime) -> Operation:
    case = _run(story.story, now)
    unit = case.unit
    start = case.opened_at
    anchors = Anchors(now=now, zone=unit.zone(), start=start, prev=start)
    op = _keep_file(story, case, anchors)
    for step in story.after:
        step_run(step, case, replace(anchors, prev=anchors.prev))
    return op


def demo_operations_load(*, now: dt.datetime | None = None) -> list[DemoOperation]:
    """Make the demo operations that do not exist yet (one transaction each)."""
    now = now or timezone.now()
    lines = []
    for story in operation_stories():
        case = story_case(story.story.sop, story.story.subject)
        created = case is None
        if case is None:
            with transaction.atomic():
                op = _run_operation(story, now)
        else:
            found = Operation.objects.filter(case=case).first()
            if found is None:
                continue
            op = found
        lines.append(
            DemoOperation(
                number=op.case.number,
                sop=op.case.sop_code,
                places=op.places.count(),
                incidents=op.incidents.count(),
                items=op.items.count(),
                created=created,
            )
        )
    return lines
