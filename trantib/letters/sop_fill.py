"""What a letter drafted from a case says at first: values read from the case's records.

A step's ``letter: fill:`` names, for a kind field or a header field (``recipient``,
``recipient_address``, ``hal``, ``body``), the recorded field it comes from (``step.field``).
Each value is turned into what the letter's field holds: a party (``person``) gives its name,
and its NIK and address go to the sibling fields of the same prefix (``pelanggar_nama`` →
``pelanggar_nik``, ``pelanggar_alamat``); a place its address (or its coordinates); the
unit's people (``members``) their ids for a members field, else their names; dates are written
the Indonesian way in text and kept ISO in a date field; a repeated step's values come one
line per occurrence. A field the case has not recorded yet is left for the drafter: the draft
may be incomplete, the letter's submission checks what the kind requires.

Beside ``fill``: the SOP's constants (``data``), the previous letter of a ladder (its number
and date: the kind's ``surat_sebelumnya`` where it has one, a Teguran; else a line of
``dasar``), the compliance period of the wait after the step (``tempo``, "7 hari kerja"), and
the drafting day for a required date nothing else fills; and what a domain app's draft source
gives (:mod:`.registry`: the operation file of an operation SOP's report). The body is the
kind's standard wording made from those values (:func:`.wording.body_default`: the period
written "7 (tujuh) hari kerja" there), with what the SOP fills into ``body`` inside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from trantib.accounts.models import Person
from trantib.cases import services as case_services
from trantib.cases.models import Case
from trantib.core.dates import date_id, datetime_id
from trantib.engine.spec import FieldType, RecordField, SOPSpec, Step, StepKind, StepLetter
from trantib.engine.timing import CalendarKind, TimeStandard, TimeUnit

from .kinds import KINDS, TEGURAN_RUNGS, FieldKind, KindField
from .models import Letter, LetterState
from .registry import draft_sources_values
from .wording import body_default

HEADER_FIELDS = ("recipient", "recipient_address", "hal", "body")

_UNIT_WORDS = {
    TimeUnit.MINUTE: "menit",
    TimeUnit.HOUR: "jam",
    TimeUnit.DAY: "hari",
    TimeUnit.WEEK: "minggu",
}


def tempo_text(standard: TimeStandard, calendar_kind: CalendarKind) -> str:
    """A wait's deadline as a letter's period: "7 hari kerja", "15 hari" (the draft's body,
    made from it, writes the number in words too: "7 (tujuh) hari kerja"). Days on a working
    calendar are working days even where the SOP leaves "kerja" out."""
    if not standard.has_deadline or standard.unit is None:
        return standard.text
    if standard.clock:
        return f"{standard.high // 24} x 24 jam"
    working = standard.working or (
        calendar_kind is CalendarKind.WORKING and standard.unit in (TimeUnit.DAY, TimeUnit.WEEK)
    )
    period = f"{standard.high} {_UNIT_WORDS[standard.unit]}"
    return f"{period} kerja" if working else period


# -- reading the case -------------------------------------------------------------------------


class _Reader:
    """The case's recorded values, as a draft needs them."""

    def __init__(self, spec: SOPSpec, case: Case, pending: Mapping[str, Any] | None = None):
        self.spec, self.case = spec, case
        state = case.state if isinstance(case.state, dict) else {}
        # What the case recorded, and what a live task's form holds for its step (``pending``).
        self.data: dict[str, Any] = {**(state.get("data", {}) or {}), **(pending or {})}
        self.zone = case.unit.zone()
        self._names: dict[int, str] = {}

    def field(self, ref: str) -> tuple[RecordField, Step] | None:
        step_id, _dot, name = ref.partition(".")
        step = next((s for s in self.spec.steps if s.id == step_id), None)
        found = next((f for f in step.records if f.name == name), None) if step else None
        return (found, step) if found is not None and step is not None else None

    def values(self, ref: str) -> list[tuple[str, Any]]:
        """``[(occurrence, value)]``: one pair, occurrence "", for a step done once; one per
        done occurrence of a repeated step; none when nothing is recorded yet."""
        found = self.field(ref)
        if found is None:
            return []
        f, step = found
        recorded = self.data.get(step.id)
        if step.kind is StepKind.REPEAT:
            per = recorded if isinstance(recorded, dict) else {}
            return [
                (occurrence, rec[f.name])
                for occurrence, rec in sorted(per.items())
                if isinstance(rec, dict) and not _blank(rec.get(f.name))
            ]
        if isinstance(recorded, dict):
            value = recorded.get(f.name)
        else:  # not done yet: what the case was started with (a first step held at start)
            start = self.data.get("_start")
            value = start.get(f.name) if isinstance(start, dict) else None
        if f.type is FieldType.PERSON and isinstance(value, str):
            value = {"nama": value}  # a party given by name only, as the engine reads it
        return [] if _blank(value) else [("", value)]

    def names(self, ids: list[Any]) -> list[str]:
        wanted = [i for i in ids if isinstance(i, int) and i not in self._names]
        if wanted:
            for pk, name in Person.objects.filter(pk__in=wanted).values_list("pk", "full_name"):
                self._names[pk] = name
        return [self._names.get(i, f"#{i}") for i in ids if isinstance(i, int)]

    def text(self, f: RecordField, value: Any) -> list[str]:
        """A recorded value as lines of text."""
        kind = f.type
        if kind is FieldType.PERSON and isinstance(value, dict):
            return [str(value.get("nama", ""))]
        if kind is FieldType.LOCATION and isinstance(value, dict):
            if value.get("address"):
                return [str(value["address"])]
            if "lat" in value and "lon" in value:
                return [f"{value['lat']}, {value['lon']}"]
            return []
        if kind is FieldType.MEMBERS and isinstance(value, list):
            return self.names(value)
        if kind is FieldType.DATE:
            day = _date(value)
            return [date_id(day)] if day else [str(value)]
        if kind is FieldType.DATETIME:
            try:
                moment = dt.datetime.fromisoformat(str(value))
            except ValueError:
                return [str(value)]
            return [datetime_id(moment, self.zone)]
        if kind is FieldType.BOOLEAN:
            return ["Ya" if value else "Tidak"]
        if kind is FieldType.FILES:
            return []
        if isinstance(value, list):
            return [str(v) for v in value]
        return [line for line in str(value).splitlines() if line.strip()] or [str(value)]

    def lines(self, ref: str) -> list[str]:
        found = self.field(ref)
        if found is None:
            return []
        f, _step = found
        out: list[str] = []
        for occurrence, value in self.values(ref):
            lines = self.text(f, value)
            if occurrence:
                day = _date(occurrence)
                label = date_id(day) if day else occurrence
                out.append(f"{label}: {'; '.join(lines)}")
            else:
                out.extend(lines)
        return out


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


# -- the draft ---------------------------------------------------------------------------------


def _kind_value(reader: _Reader, target: KindField, ref: str) -> Any:
    """The recorded value ``ref`` as the kind field ``target`` holds it, or None."""
    found = reader.field(ref)
    values = reader.values(ref)
    if found is None or not values:
        return None
    source, _step = found
    if target.kind is FieldKind.MEMBERS:
        if source.type is not FieldType.MEMBERS:
            return None
        return [i for _o, v in values for i in (v if isinstance(v, list) else [])]
    if target.kind is FieldKind.DATE:
        day = _date(values[0][1]) if source.type in (FieldType.DATE, FieldType.DATETIME) else None
        return day.isoformat() if day else None
    if target.kind is FieldKind.NUMBER:
        value = values[0][1]
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    lines = reader.lines(ref)
    if target.kind is FieldKind.LIST:
        return lines
    if target.kind is FieldKind.CHOICE:
        value = lines[0] if lines else ""
        return value if value in {c for c, _label in target.choices} else None
    if target.kind is FieldKind.TEXT:
        return "; ".join(lines)
    return "\n".join(lines)


def draft_values(
    spec: SOPSpec,
    case: Case,
    source: Step,
    block: StepLetter,
    *,
    now: dt.datetime,
    pending: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The kind's fields of a draft of ``block`` (drafted at ``source``) from ``case``;
    ``pending``: values of a live step not recorded yet, by step id."""
    kind = KINDS[block.kind]
    reader = _Reader(spec, case, pending)
    values: dict[str, Any] = {}
    for name, constant in block.data:
        target = kind.field(name)
        if target is None:
            continue  # a header constant (recipient…): see draft_header
        if target.kind is FieldKind.LIST:
            values[name] = list(constant) if isinstance(constant, tuple) else [constant]
        else:
            values[name] = "\n".join(constant) if isinstance(constant, tuple) else constant
    filled = {name for name, _ref in block.fill}
    for name, ref in block.fill:
        target = kind.field(name)
        found = reader.field(ref)
        value = _kind_value(reader, target, ref) if target is not None else None
        if target is None or _blank(value):
            continue
        values[name] = value
        # A party fills the name, and its NIK and address go beside it.
        if found and found[0].type is FieldType.PERSON and name.endswith("_nama"):
            party = reader.values(ref)[0][1]
            prefix = name.removesuffix("_nama")
            for part, key in (("nik", "nik"), ("alamat", "alamat")):
                sibling = f"{prefix}_{part}"
                if kind.field(sibling) and sibling not in filled and party.get(key):
                    values[sibling] = str(party[key])
    # What a domain app keeps beside the case (the operation file): see .registry.
    values.update(
        {
            name: value
            for name, value in draft_sources_values(case, spec, source, block).items()
            if kind.field(name) is not None and not _blank(value)
        }
    )
    line = _previous_line(case, block.previous) if block.previous else ""
    if line and kind.field("surat_sebelumnya"):
        values["surat_sebelumnya"] = line
    elif line and kind.field("dasar"):
        values["dasar"] = [*values.get("dasar", []), line]
    if block.wait and kind.field("tempo"):
        # The case's Perda's period where the wait names its rung (issue 12), else its own.
        period = case_services.wait_period(spec, case, spec.step(block.wait))
        if period is not None:
            values["tempo"] = tempo_text(period, spec.calendar.kind)
    today = timezone.localtime(now, case.unit.zone()).date().isoformat()
    for f in kind.fields:
        if f.kind is FieldKind.DATE and f.required and f.name not in values:
            values[f.name] = today  # the drafting day, to be corrected by the drafter
    return values


def _previous_line(case: Case, key: str) -> str:
    """ "Surat Teguran I Nomor 300.1.2.1/0007/SATPOLPP/2026 tanggal 14 Agustus 2026"."""
    previous = (
        Letter.objects.filter(case=case, key=key).exclude(state=LetterState.CANCELLED).first()
    )
    if previous is None or not previous.number:
        return ""
    dated = f" tanggal {date_id(previous.dated)}" if previous.dated else ""
    return f"{previous.kind_name} Nomor {previous.number}{dated}"


def kind_title(block: StepLetter) -> str:
    """The letter's name before it exists: "Surat Teguran I", "Surat Perintah"."""
    kind = KINDS.get(block.kind)
    if kind is None:
        return block.kind
    rung = dict(TEGURAN_RUNGS).get(str(dict(block.data).get("tingkat", "")))
    return f"{kind.name} {rung}" if block.kind == "surat_teguran" and rung else kind.name


def draft_header(
    spec: SOPSpec,
    case: Case,
    block: StepLetter,
    *,
    pending: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
) -> dict[str, str]:
    """hal, addressee and body of a draft of ``block`` from ``case``; ``data``: the kind's
    fields of the draft (:func:`draft_values`), which the body's standard wording cites."""
    reader = _Reader(spec, case, pending)
    header: dict[str, str] = {"hal": block.hal or kind_title(block)}
    constants = dict(block.data)
    for name in HEADER_FIELDS:
        if isinstance(constants.get(name), str):
            header[name] = str(constants[name])
    isi = str(constants["body"]) if isinstance(constants.get("body"), str) else ""
    for name, ref in block.fill:
        if name not in HEADER_FIELDS:
            continue
        found = reader.field(ref)
        lines = reader.lines(ref)
        if not lines or found is None:
            continue
        if name == "recipient" and found[0].type is FieldType.PERSON:
            party = reader.values(ref)[0][1]
            header["recipient"] = f"Sdr. {party.get('nama', '')}".strip()
            if party.get("alamat") and "recipient_address" not in dict(block.fill):
                header["recipient_address"] = str(party["alamat"])
        elif name == "body":
            isi = "\n".join(lines)
        else:
            header[name] = "; ".join(lines) if name != "recipient_address" else "\n".join(lines)
    header["body"] = body_default(block.kind, data or {}, isi=isi)
    return header
