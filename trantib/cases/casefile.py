"""The case file (berkas): what every completed step of a case recorded, for people.

A read-side module. :func:`case_file_for_user` fetches the case through the access selector (404
for another unit's case) and builds the :class:`CaseFile`: for each completed task in order (and
the data a linked case was started with) the step, who did it and when, every recorded field
with its SOP label and its value written for people (Indonesian dates in the unit's zone,
choices by their label, people by name and position), the requirements ticked, the decision,
the SOP's notes, and the attachments labelled by the field that holds them. Fields corrected
after completion (``field_corrected`` events) are marked with their earlier value. Linked cases
(the parent, the children, and what other apps link, such as a duplicate complaint's original)
come with their status and current step.

The page, the task forms, the PDF, the API and ``trantib case show`` all read this one
structure. Personal data: a party's name, identity number and address are shown to everyone who
may see the case, as the case page's "Pihak" always did; a complaint's reporter is never part of
a step's record (the complaint panel shows them through ``complaints.selectors.reporter_for``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trantib.accounts.models import Assignment, Person
from trantib.accounts.selectors import UserLike, units_for_user
from trantib.core.dates import date_id, datetime_id
from trantib.engine.spec import RecordField, SOPSpec, Step

from . import selectors, services
from .models import Attachment, Case, Event, Task, TaskKind, TaskStatus
from .panels import case_links

# The event another service writes when a completed step's field is corrected (the enum
# member arrives with that service; the string is what is stored).
FIELD_CORRECTED = "field_corrected"
START_KEY = "_start"


# -- the structure ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Correction:
    """A field changed after its step was completed: its value before, by whom, when, why."""

    before: Any
    before_text: str
    by: str
    at: dt.datetime
    at_text: str
    reason: str


@dataclass(frozen=True)
class FieldRecord:
    """One recorded value. ``text`` is one line; ``lines`` is the same value line by line (a
    list, a place, a party), for the page and the PDF."""

    name: str
    label: str
    type: str
    value: Any
    text: str
    lines: tuple[str, ...]
    corrections: tuple[Correction, ...] = ()

    @property
    def corrected(self) -> bool:
        return bool(self.corrections)

    @property
    def first_before_text(self) -> str:
        return self.corrections[0].before_text if self.corrections else ""


@dataclass(frozen=True)
class AttachmentRecord:
    """An attachment labelled by where it belongs: the field, the step, who, when, what type."""

    attachment: Attachment
    field: str  # the field name that holds it; "" for one added to the step or the case
    field_label: str
    step_no: str
    step_title: str
    uploaded_by: str
    uploaded_at_text: str

    @property
    def id(self) -> int:
        return self.attachment.pk

    @property
    def name(self) -> str:
        return self.attachment.name

    @property
    def content_type(self) -> str:
        return self.attachment.content_type

    @property
    def is_image(self) -> bool:
        return self.attachment.content_type.startswith("image/")

    @property
    def is_pdf(self) -> bool:
        return self.attachment.content_type == "application/pdf"

    @property
    def type_label(self) -> str:
        if self.is_image:
            return _("foto")
        if self.is_pdf:
            return "PDF"
        return self.attachment.extension.lstrip(".").upper() or _("berkas")


@dataclass(frozen=True)
class StepRecord:
    """What one completed step (one occurrence of a repeated one) recorded."""

    key: str  # unique within the case file: "t<task id>" or "start"
    step_id: str
    no: str
    title: str
    activity: str
    kind: str
    occurrence: str
    occurrence_text: str
    task: Task | None
    completed_by: str
    position: str
    completed_at: dt.datetime | None
    completed_at_text: str
    decision: str
    requirements: tuple[str, ...]
    notes: str
    fields: tuple[FieldRecord, ...]
    attachments: tuple[AttachmentRecord, ...]

    @property
    def has_content(self) -> bool:
        return bool(self.fields or self.decision or self.attachments or self.requirements)

    @property
    def corrected(self) -> bool:
        return any(f.corrected for f in self.fields)


@dataclass(frozen=True)
class LinkedCase:
    relation: str  # "Kasus induk", "Kasus turunan", "Pengaduan asli"
    case: Case
    current: tuple[str, ...]  # titles of its live tasks

    @property
    def status_label(self) -> str:
        return str(self.case.get_status_display())


@dataclass
class CaseFile:
    case: Case
    spec: SOPSpec
    records: list[StepRecord]
    linked: list[LinkedCase]
    other_attachments: list[AttachmentRecord] = field(default_factory=list)

    @property
    def opened_text(self) -> str:
        return datetime_id(self.case.opened_at, self.case.unit.zone())

    @property
    def closed_text(self) -> str:
        closed = self.case.closed_at
        return datetime_id(closed, self.case.unit.zone()) if closed else ""

    def before(self, task: Task) -> list[StepRecord]:
        """The records of the steps done before ``task`` was offered (for its form)."""
        return [
            r
            for r in self.records
            if r.task is None
            or (
                r.task.pk != task.pk
                and r.completed_at is not None
                and r.completed_at <= task.created_at
            )
        ]

    def open_keys(self, task: Task, step: Step | None) -> set[str]:
        """Which of :meth:`before`'s records a task form shows open: the most recent that
        recorded something, and those of the steps its SOP names in ``show_open``."""
        earlier = self.before(task)
        keys = {r.key for r in earlier if step is not None and r.step_id in step.show_open}
        latest = next((r for r in reversed(earlier) if r.has_content), None)
        if latest is not None:
            keys.add(latest.key)
        return keys


# -- formatting values --------------------------------------------------------------------------


def _as_date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _as_datetime(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _number_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return str(value).replace(".", ",")


def _place_lines(value: Any) -> list[str]:
    if not isinstance(value, dict):
        return [str(value)] if value not in (None, "") else []
    lines = []
    if value.get("address"):
        lines.append(str(value["address"]))
    lat, lon = _float(value.get("lat")), _float(value.get("lon"))
    if lat is not None and lon is not None:
        coords = f"{lat:.6f}, {lon:.6f}"
        accuracy = _float(value.get("accuracy"))
        if accuracy is not None:
            coords += " " + _("(akurasi ±%(m)s m)") % {"m": round(accuracy)}
        lines.append(coords)
    return lines


def _float(value: Any) -> float | None:
    """A number recorded through the API may be anything: None when it is not one."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


PERSON_PARTS = (
    ("nik", gettext_lazy("NIK")),
    ("alamat", gettext_lazy("Alamat")),
    ("telepon", gettext_lazy("Telepon")),
)


def _party_lines(value: Any) -> list[str]:
    if not isinstance(value, dict):
        return [str(value)] if value not in (None, "") else []
    lines = [str(value.get("nama") or "")]
    for key, label in PERSON_PARTS:
        if value.get(key):
            lines.append(f"{label} {value[key]}")
    return [line for line in lines if line]


@dataclass
class _People:
    """Names and positions of the people a case file names, read once."""

    unit_id: int
    names: dict[int, str] = field(default_factory=dict)
    positions: dict[int, list[Assignment]] = field(default_factory=dict)

    def load(self, ids: Iterable[int]) -> None:
        wanted = {i for i in ids if i not in self.names}
        if not wanted:
            return
        for person in Person.objects.filter(pk__in=wanted).only("pk", "full_name"):
            self.names[person.pk] = person.full_name
        held = Assignment.objects.filter(
            person_id__in=wanted, position__unit_id=self.unit_id
        ).select_related("position")
        for a in held.order_by("acting", "valid_from", "pk"):
            self.positions.setdefault(a.person_id, []).append(a)

    def position(self, person_id: int, *, role: str = "", on: dt.date | None = None) -> str:
        held = self.positions.get(person_id, [])
        if on is not None:
            held = [a for a in held if a.is_active_on(on)] or held
        chosen = next((a for a in held if role and a.position.code == role), None)
        chosen = chosen or (held[0] if held else None)
        if chosen is None:
            return ""
        return chosen.title

    def text(self, person_id: int) -> str:
        name = self.names.get(person_id, _("(pegawai #%(id)s)") % {"id": person_id})
        position = self.position(person_id)
        return f"{name}, {position}" if position else name


def _members(value: Any) -> list[int]:
    items = value if isinstance(value, list) else [value]
    return [int(v) for v in items if isinstance(v, int) or (isinstance(v, str) and v.isdigit())]


def value_lines(
    f: RecordField, value: Any, *, zone: dt.tzinfo, people: _People, schedule: bool = False
) -> list[str]:
    """A recorded value written for people, line by line (empty: nothing recorded).
    ``schedule``: the list is a repeated step's schedule, one ISO date a line."""
    kind = str(f.type)
    if value is None or value == "" or value == [] or value == {}:
        return []
    if kind == "boolean":
        return [_("Ya") if value else _("Tidak")]
    if kind == "date":
        day = _as_date(value)
        return [date_id(day) if day else str(value)]
    if kind == "datetime":
        moment = _as_datetime(value)
        return [datetime_id(moment, zone) if moment else str(value)]
    if kind == "number":
        return [_number_text(value)]
    if kind == "location":
        return _place_lines(value)
    if kind == "person":
        return _party_lines(value)
    if kind == "members":
        ids = _members(value)
        people.load(ids)
        return [people.text(i) for i in ids]
    if kind == "files":
        return []  # the attachments, listed by field
    if isinstance(value, list):
        if schedule:
            return [date_id(day) if (day := _as_date(v)) else str(v) for v in value]
        return [str(v) for v in value]
    if kind == "choice":
        return [str(value)]  # a choice is stored as its label
    return [str(value)]


def _join(kind: str, lines: list[str]) -> str:
    if kind in ("list", "members"):
        return "; ".join(lines)
    if kind in ("location", "person"):
        return " · ".join(lines)
    return "\n".join(lines)


# -- building -----------------------------------------------------------------------------------


def _step_of(spec: SOPSpec, step_id: str) -> Step | None:
    try:
        return spec.step(step_id)
    except KeyError:
        return None


def _attachment_ids(value: Any) -> list[int]:
    items = value if isinstance(value, list) else [value]
    return [int(v) for v in items if str(v).isdigit()]


def _occurrence_text(occurrence: str) -> str:
    day = _as_date(occurrence) if len(occurrence) >= 10 else None
    return date_id(day) if day else occurrence


def case_file_for_user(user: UserLike, case_id: int) -> CaseFile:
    """The case file of a case the user may see (``NotFound`` otherwise)."""
    return case_file_build(selectors.case_get_for_user(user, case_id), user=user)


def case_file_build(
    case: Case,
    *,
    user: UserLike,
    tasks: list[Task] | None = None,
    events: list[Event] | None = None,
    attachments: list[Attachment] | None = None,
) -> CaseFile:
    """The case file of ``case``, which the caller fetched through an access selector (lists
    the caller has already read may be passed in). Linked cases are those ``user`` may see."""
    spec = services.case_spec(case)
    zone = case.unit.zone()
    tasks = list(selectors.case_tasks(case)) if tasks is None else tasks
    events = list(selectors.case_events(case)) if events is None else events
    attachments = list(selectors.case_attachments(case)) if attachments is None else attachments
    people = _People(unit_id=case.unit_id)
    # What the reader may not see of the people the case records (a violator's NIK, address).
    mask = services.record_mask_for(case.unit_id, user)
    done = [t for t in tasks if t.status == TaskStatus.DONE]
    done.sort(key=lambda t: (t.completed_at or t.created_at, t.pk))
    people.load(
        {t.completed_by_id for t in done if t.completed_by_id}
        | {a.uploaded_by_id for a in attachments if a.uploaded_by_id}
        | {e.actor_id for e in events if e.actor_id and e.type == FIELD_CORRECTED}
    )

    corrections: dict[tuple[int, str], list[Correction]] = {}
    for event in events:
        if event.type != FIELD_CORRECTED or event.task_id is None:
            continue
        data = event.data if isinstance(event.data, dict) else {}
        task = next((t for t in done if t.pk == event.task_id), None)
        step = _step_of(spec, task.step_id) if task else None
        f = next((r for r in step.records if r.name == data.get("field")), None) if step else None
        before = services.records_masked(data.get("before"), mask)
        before_lines = value_lines(f, before, zone=zone, people=people) if f else [str(before)]
        corrections.setdefault((event.task_id, str(data.get("field", ""))), []).append(
            Correction(
                before=before,
                before_text=_join(str(f.type) if f else "text", before_lines) or "—",
                by=people.names.get(event.actor_id, "") if event.actor_id else "",
                at=event.at,
                at_text=datetime_id(event.at, zone),
                reason=str(data.get("reason", "")),
            )
        )

    schedules = {s.repeat.schedule_field for s in spec.steps if s.repeat is not None}
    by_id = {a.pk: a for a in attachments}
    placed: set[int] = set()
    records: list[StepRecord] = []
    start = case.state.get("data", {}).get(START_KEY) if isinstance(case.state, dict) else None
    start = services.records_masked(start, mask)
    if isinstance(start, dict) and start:
        # Values a first step held at the start kept for itself show with that step once done.
        entry_ids = {spec.start.id, *(s.id for s in spec.steps if s.entry)}
        shown = {n for t in done if t.step_id in entry_ids for n in (t.data or {})}
        start = {name: value for name, value in start.items() if name not in shown}
    if isinstance(start, dict) and start:
        records.append(_start_record(case, start, spec, people))
    for task in done:
        step = _step_of(spec, task.step_id)
        data = services.records_masked(task.data, mask) if isinstance(task.data, dict) else {}
        fields: list[FieldRecord] = []
        labelled: list[AttachmentRecord] = []
        # A repeated step's title carries its occurrence as stored; the record writes it itself.
        title = task.title.replace(f" ({task.occurrence})", "") if task.occurrence else task.title
        for f in step.records if step else ():
            value = data.get(f.name)
            if str(f.type) == "files":
                for att_id in _attachment_ids(value):
                    att = by_id.get(att_id)
                    if att is not None and att_id not in placed:
                        placed.add(att_id)
                        labelled.append(
                            _attachment(att, f.name, f.label, step, title, people, zone)
                        )
                continue
            schedule = f"{task.step_id}.{f.name}" in schedules
            lines = value_lines(f, value, zone=zone, people=people, schedule=schedule)
            found = tuple(corrections.get((task.pk, f.name), ()))
            if not lines and not found:
                continue
            fields.append(
                FieldRecord(
                    name=f.name,
                    label=f.label,
                    type=str(f.type),
                    value=value,
                    text=_join(str(f.type), lines),
                    lines=tuple(lines) or ("—",),
                    corrections=found,
                )
            )
        for att in attachments:
            if att.task_id == task.pk and att.pk not in placed:
                placed.add(att.pk)
                labelled.append(_attachment(att, "", _("Lampiran"), step, title, people, zone))
        by = task.completed_by_id
        on = task.completed_at.astimezone(zone).date() if task.completed_at else None
        records.append(
            StepRecord(
                key=f"t{task.pk}",
                step_id=task.step_id,
                no=step.no if step else "",
                title=title,
                activity=step.activity if step else "",
                kind=str(step.kind) if step else "",
                occurrence=task.occurrence,
                occurrence_text=_occurrence_text(task.occurrence),
                task=task,
                completed_by=people.names.get(by, "") if by else "",
                position=people.position(by, role=task.role, on=on) if by else "",
                completed_at=task.completed_at,
                completed_at_text=datetime_id(task.completed_at, zone) if task.completed_at else "",
                decision=task.decision,
                requirements=tuple(task.requirements_checked or ()),
                notes=step.notes if step else "",
                fields=tuple(fields),
                attachments=tuple(labelled),
            )
        )
    others = [
        _attachment(a, "", _("Lampiran"), None, "", people, zone)
        for a in attachments
        if a.pk not in placed  # the case's own, or added to a step not completed yet
    ]
    return CaseFile(
        case=case,
        spec=spec,
        records=records,
        linked=_linked(case, user),
        other_attachments=others,
    )


START_LABELS = {
    "item": gettext_lazy("Temuan dari kasus induk"),
    "parent": gettext_lazy("Kasus induk"),
}


def _start_record(case: Case, start: dict[str, Any], spec: SOPSpec, people: _People) -> StepRecord:
    # A first step held at the start (it waits for a letter) keeps its form's values here:
    # they are written as that step writes them, with its labels.
    entries = [spec.start, *(s for s in spec.steps if s.entry)]
    known = {f.name: f for s in reversed(entries) for f in s.records}
    fields = []
    for name, value in start.items():
        f = known.get(name) if name not in START_LABELS else None
        if f is not None:
            lines = value_lines(f, value, zone=case.unit.zone(), people=people)
            if not lines:
                continue
            fields.append(
                FieldRecord(
                    name=name,
                    label=f.label,
                    type=str(f.type),
                    value=value,
                    text=_join(str(f.type), lines),
                    lines=tuple(lines),
                )
            )
            continue
        lines = [str(v) for v in value] if isinstance(value, list) else [str(value)]
        if isinstance(value, dict):
            lines = [f"{k}: {v}" for k, v in value.items()]
        fields.append(
            FieldRecord(
                name=name,
                label=str(START_LABELS.get(name, name)),
                type="text",
                value=value,
                text="; ".join(lines),
                lines=tuple(lines),
            )
        )
    return StepRecord(
        key="start",
        step_id=START_KEY,
        no="",
        title=_("Data awal kasus"),
        activity="",
        kind="",
        occurrence="",
        occurrence_text="",
        task=None,
        completed_by=case.opened_by.full_name if case.opened_by else "",
        position="",
        completed_at=case.opened_at,
        completed_at_text=datetime_id(case.opened_at, case.unit.zone()),
        decision="",
        requirements=(),
        notes="",
        fields=tuple(fields),
        attachments=(),
    )


def _attachment(
    att: Attachment,
    field_name: str,
    field_label: str,
    step: Step | None,
    title: str,
    people: _People,
    zone: dt.tzinfo,
) -> AttachmentRecord:
    return AttachmentRecord(
        attachment=att,
        field=field_name,
        field_label=field_label,
        step_no=step.no if step else "",
        step_title=title,
        uploaded_by=people.names.get(att.uploaded_by_id, "")
        if att.uploaded_by_id
        else _("Pelapor"),
        uploaded_at_text=datetime_id(att.uploaded_at, zone),
    )


def _linked(case: Case, user: UserLike) -> list[LinkedCase]:
    found: list[tuple[str, Case]] = []
    if case.parent_id is not None and case.parent is not None:
        found.append((_("Kasus induk"), case.parent))
    found.extend((_("Kasus turunan"), child) for child in selectors.case_children(case))
    found.extend(case_links(case))
    if not found:
        return []
    visible = set(
        Case.objects.filter(
            pk__in=[c.pk for _r, c in found], unit__in=units_for_user(user)
        ).values_list("pk", flat=True)
    )
    live: dict[int, list[str]] = {}
    for task in Task.objects.filter(
        case_id__in=visible, status__in=selectors.LIVE, kind=TaskKind.WORK
    ).order_by("created_at", "pk"):
        live.setdefault(task.case_id, []).append(task.title)
    waiting = Task.objects.filter(case_id__in=visible, status__in=selectors.LIVE).exclude(
        kind=TaskKind.WORK
    )
    for task in waiting.order_by("created_at", "pk"):
        live.setdefault(task.case_id, []).append(task.title)
    return [
        LinkedCase(relation=str(relation), case=c, current=tuple(live.get(c.pk, ())))
        for relation, c in found
        if c.pk in visible
    ]
