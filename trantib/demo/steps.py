"""A step of a demo story: who completes which live task of a case, when, with what.

Shared by the demo cases and the demo complaints. A step is completed through
``trantib.cases.services.task_complete`` (or, for a wait step, fired through ``wait_fire``),
exactly as an officer's click would, with the clock set to the step's time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from io import BytesIO
from typing import IO, Any

from trantib.accounts.models import Person
from trantib.cases import selectors, services
from trantib.cases.models import Case, Task
from trantib.engine.spec import FieldType
from trantib.engine.spec import Step as SopStep

from .files import KINDS, sample
from .letters import letter_bring
from .when import Anchors, When, resolve, tags_check, when_parse
from .yamlfile import DemoDataError, Entry, Tagged

STEP_KEYS = frozenset(
    {"step", "by", "at", "data", "decision", "occurrence", "files", "optional", "case", "fire"}
)
STEP_ANCHORS = frozenset({"now", "start", "prev", "due", "today", "startday"})
FILE_KEYS = frozenset({"name", "kind", "title"})


@dataclass(frozen=True)
class SampleFile:
    name: str
    kind: str
    title: str


@dataclass(frozen=True)
class Step:
    where: str  # "file: case 'x', step 3", for errors
    step: str
    by: str  # "" for a wait step that fires
    at: When
    data: dict[str, Any] | None
    decision: str
    occurrence: str | Tagged
    files: dict[str, SampleFile]
    optional: bool  # done only when the step is active (the SOP may have moved past it)
    child: bool  # a step of the case's one child case
    fire: bool  # a wait step whose time has come


def step_parse(raw: Any, where: str) -> Step:
    entry = Entry(raw, where, keys=STEP_KEYS)
    fire = entry.flag("fire")
    data = entry.mapping("data") if entry.has("data") else None
    tags_check(data, where)
    occurrence = entry.raw.get("occurrence", "")
    if not isinstance(occurrence, str | Tagged):
        raise entry.error("'occurrence' must be text or a !date")
    tags_check(occurrence, where)
    files = {}
    for field, spec in entry.mapping("files").items():
        file = Entry(spec, f"{where}, file '{field}'", keys=FILE_KEYS)
        kind = file.text("kind")
        if kind not in KINDS:
            raise file.error(f"unknown kind {kind!r} (one of {', '.join(sorted(KINDS))})")
        files[str(field)] = SampleFile(file.text("name"), kind, file.text("title", ""))
    case = entry.text("case", "main")
    if case not in ("main", "child"):
        raise entry.error(f"'case' must be main or child, not {case!r}")
    if fire and (entry.has("by") or data or files or entry.has("decision")):
        raise entry.error("a step that fires takes no 'by', 'data', 'files' or 'decision'")
    return Step(
        where=where,
        step=entry.text("step"),
        by="" if fire else entry.text("by"),
        at=when_parse(entry.raw.get("at"), allowed=STEP_ANCHORS, where=where),
        data=data,
        decision=entry.text("decision", ""),
        occurrence=occurrence,
        files=files,
        optional=entry.flag("optional"),
        child=case == "child",
        fire=fire,
    )


def person_get(username: str, where: str) -> Person:
    try:
        return Person.objects.get(user__username=username)
    except Person.DoesNotExist:
        raise DemoDataError(f"{where}: unknown user {username!r}") from None


def members_resolve(step: SopStep, data: dict[str, Any] | None, where: str) -> Any:
    """The demo files name the people of a ``members`` field (the officers of a patrol) by
    login; the case keeps their person ids, as the form's picker sends them."""
    if not data:
        return data
    out = dict(data)
    for f in step.records:
        if f.type is not FieldType.MEMBERS or f.name not in out:
            continue
        logins = out[f.name]
        if not isinstance(logins, list) or not all(isinstance(u, str) for u in logins):
            raise DemoDataError(f"{where}: '{f.name}' is a list of logins (petugas1.pptng)")
        out[f.name] = [person_get(u, f"{where}, '{f.name}'").pk for u in logins]
    return out


def _live(case: Case, step: Step, occurrence: str) -> Task:
    for task in selectors.case_live_tasks(case):
        if task.step_id == step.step and (not occurrence or task.occurrence == occurrence):
            return task
    raise DemoDataError(
        f"{step.where}: {case.number} has no live task for {step.step} {occurrence}".rstrip()
    )


def step_run(step: Step, case: Case, anchors: Anchors) -> dt.datetime | None:
    """Do ``step`` on ``case`` (or its child); returns its time, None when skipped."""
    if step.child:
        children = list(selectors.case_children(case))
        if len(children) != 1:
            raise DemoDataError(f"{step.where}: {case.number} has {len(children)} child cases")
        case = children[0]
    if step.optional:
        case.refresh_from_db()
        if step.step not in case.state.get("active", []):
            return None
    occurrence = resolve(step.occurrence, anchors, step.where)
    task = _live(case, step, occurrence)
    anchors = replace(anchors, due=task.due_at)
    at = anchors.moment(step.at, step.where)
    if step.fire:
        services.wait_fire(task_id=task.pk, now=at)
        return at
    actor = person_get(step.by, step.where)
    data = resolve(step.data, replace(anchors, at=at), step.where)
    data = members_resolve(services.case_spec(case).step(task.step_id), data, step.where)
    uploads: dict[str, list[tuple[str, IO[bytes]]]] = {
        field: [(f.name, BytesIO(sample(f.kind, f.title)))] for field, f in step.files.items()
    }
    # A step that waits for its letter: the officers write, initial and sign it first.
    letter_bring(task, now=at, data=data, decision=step.decision)
    services.task_complete(
        task=task, actor=actor, data=data, decision=step.decision, uploads=uploads, now=at
    )
    return at
