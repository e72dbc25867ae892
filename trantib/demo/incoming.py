"""The demo's incoming letters (surat masuk), from ``data/incoming.yaml``: recorded in each
unit's buku agenda with a scan, and disposed of by its head — some done, some waiting with a
due date, one that opened a case of an SOP — through ``trantib.letters.services``.

The scan is made here: the sender's letter set as a plain A4 page (``demo/incoming_scan.html``)
and printed to PDF, or, for a letter another demo unit sent (``from_letter``), that letter's
official PDF. ``demo_incoming_load()`` is idempotent: an incoming letter is keyed on its unit,
sender and subject. Run it after the demo letters and cases.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from trantib.core.dates import date_id
from trantib.core.printing import pdf_from_html
from trantib.letters.models import IncomingLetter, Letter, LetterState
from trantib.letters.services import disposition_create, disposition_done, incoming_record

from .complaints import unit_get
from .steps import person_get
from .when import Anchors, When, resolve, tags_check, when_parse
from .yamlfile import DemoDataError, Entry, read

FILE = "incoming.yaml"
INCOMING_KEYS = frozenset(
    {
        "unit",
        "by",
        "at",
        "sender",
        "number",
        "dated",
        "subject",
        "note",
        "letter",
        "from_letter",
        "dispositions",
    }
)
LETTER_KEYS = frozenset(
    {"kop", "place", "to", "sifat", "lampiran", "body", "sign", "name", "lines", "stamp"}
)
DISPOSITION_KEYS = frozenset(
    {"by", "at", "to", "person", "sifat", "instruction", "due", "done", "case"}
)
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
MOMENTS = frozenset({"now", "today", "start", "prev"})
DAYS = frozenset({"today", "startday"})


@dataclass(frozen=True)
class DispositionSpec:
    where: str
    by: str
    at: When
    to: str
    person: str
    sifat: str
    instruction: str
    due: When | None
    done: dict[str, Any] | None  # by, at, note
    case: dict[str, Any] | None  # sop, data


@dataclass(frozen=True)
class IncomingSpec:
    where: str
    unit: str
    by: str
    at: When
    sender: str
    subject: str
    number: str  # tokens {bulan_romawi} {bulan} {tahun} of the letter's own date
    dated: When | None
    note: str
    letter: dict[str, Any]  # what the scan shows
    from_letter: str  # instead: the hal of a demo letter another unit signed
    dispositions: tuple[DispositionSpec, ...]


@dataclass(frozen=True)
class DemoIncoming:
    """One line of the summary ``trantib demo`` prints."""

    unit: str
    agenda: str
    subject: str
    dispositions: int
    case: str  # the number of a case a disposition opened, or ""
    created: bool


def _disposition(raw: Any, where: str) -> DispositionSpec:
    entry = Entry(raw, where, keys=DISPOSITION_KEYS)
    done = entry.mapping("done") if entry.has("done") else None
    if done is not None:
        Entry(done, f"{where}, done", keys={"by", "at", "note"}).text("note")
        when_parse(done.get("at"), allowed=MOMENTS, where=f"{where}, done")
    case = entry.mapping("case") if entry.has("case") else None
    if case is not None:
        Entry(case, f"{where}, case", keys={"sop", "data"}).text("sop")
        tags_check(case.get("data"), f"{where}, case")
    return DispositionSpec(
        where=where,
        by=entry.text("by"),
        at=when_parse(entry.raw.get("at"), allowed=MOMENTS, where=where),
        to=entry.text("to"),
        person=entry.text("person", ""),
        sifat=entry.text("sifat", "Biasa"),
        instruction=entry.text("instruction"),
        due=when_parse(entry.raw["due"], allowed=DAYS, where=where) if entry.has("due") else None,
        done=done,
        case=case,
    )


@cache
def incoming_specs() -> tuple[IncomingSpec, ...]:
    """The incoming letters of ``incoming.yaml``, in order; read and checked once."""
    shown, raw = read(FILE)
    top = Entry(raw, shown, keys={"incoming"})
    found: list[IncomingSpec] = []
    for n, item in enumerate(top.items("incoming"), start=1):
        entry = Entry(item, f"{shown}: incoming {n}", keys=INCOMING_KEYS)
        entry = Entry(item, f"{shown}: incoming {entry.text('subject')!r}", keys=INCOMING_KEYS)
        from_letter = entry.text("from_letter", "")
        if from_letter and (entry.has("number") or entry.has("dated") or entry.has("letter")):
            raise entry.error("'from_letter' takes its number, date and scan from that letter")
        letter = entry.mapping("letter")
        if not from_letter:
            Entry(letter, f"{entry.where}, letter", keys=LETTER_KEYS)
            tags_check(letter, entry.where)
        found.append(
            IncomingSpec(
                where=entry.where,
                unit=entry.text("unit"),
                by=entry.text("by"),
                at=when_parse(
                    entry.raw.get("at"), allowed=MOMENTS - {"start", "prev"}, where=entry.where
                ),
                sender=entry.text("sender"),
                subject=entry.text("subject"),
                number="" if from_letter else entry.text("number"),
                dated=None
                if from_letter
                else when_parse(entry.raw.get("dated"), allowed=DAYS, where=entry.where),
                note=entry.text("note", ""),
                letter=letter,
                from_letter=from_letter,
                dispositions=tuple(
                    _disposition(d, f"{entry.where}, disposition {i}")
                    for i, d in enumerate(entry.items("dispositions"), start=1)
                ),
            )
        )
    return tuple(found)


def scrawl(name: str) -> str:
    """An SVG path standing for a handwritten signature, the same for the same name."""
    digest = hashlib.sha256(name.encode()).digest()
    points = [f"M 6 {24 + digest[0] % 10}"]
    x = 6
    for k in range(1, 9):
        x += 9 + digest[k] % 8
        y = 6 + digest[k + 9] % 30
        points.append(f"Q {x - 6} {44 - y} {x} {y}")
    points.append(f"M 10 {36 + digest[20] % 4} L {x + 4} {30 + digest[21] % 6}")  # the stroke under
    return " ".join(points)


def scan_pdf(
    spec: IncomingSpec, anchors: Anchors, *, number: str, dated: dt.date, received: dt.date
) -> bytes:
    """The sender's letter as a one-page PDF, stamped with the day it was received."""
    letter = resolve(spec.letter, anchors, spec.where)
    body = str(letter.get("body", ""))
    html = render_to_string(
        "demo/incoming_scan.html",
        {
            "kop": letter.get("kop", []),
            "number": number,
            "sifat": letter.get("sifat", ""),
            "lampiran": letter.get("lampiran", ""),
            "subject": spec.subject,
            "place": letter.get("place", ""),
            "dated": date_id(dated),
            "to": letter.get("to", ""),
            "paragraphs": [p.strip() for p in body.split("\n\n") if p.strip()],
            "sign_title": letter.get("sign", []),
            "sign_name": letter.get("name", ""),
            "sign_lines": letter.get("lines", []),
            "stamp": letter.get("stamp", ""),
            "scrawl": scrawl(str(letter.get("name", ""))),
            "received": date_id(received).upper(),
        },
    )
    return _printed(html)


@lru_cache(maxsize=32)
def _printed(html: str) -> bytes:
    # The same page prints the same PDF: a second load in one process (the tests') reuses it.
    return pdf_from_html(html)


def _source(
    spec: IncomingSpec, anchors: Anchors, received: dt.date
) -> tuple[str, dt.date, bytes, str]:
    """The letter's number, date, scan and the scan's file name."""
    if spec.from_letter:
        sent = Letter.objects.filter(hal=spec.from_letter, case=None).first()
        if sent is None or sent.state != LetterState.SIGNED or sent.dated is None:
            raise DemoDataError(f"{spec.where}: no signed demo letter {spec.from_letter!r}")
        with sent.official_pdf.open("rb") as f:
            return sent.number, sent.dated, f.read(), "surat.pdf"
    if spec.dated is None:
        raise DemoDataError(f"{spec.where}: 'dated' is missing")
    dated = anchors.day(spec.dated, spec.where)
    number = spec.number.format(
        bulan_romawi=ROMAN[dated.month - 1], bulan=f"{dated.month:02d}", tahun=dated.year
    )
    scan = scan_pdf(spec, anchors, number=number, dated=dated, received=received)
    return number, dated, scan, "pindaian.pdf"


def _dispose(incoming: IncomingLetter, d: DispositionSpec, anchors: Anchors) -> Any:
    at = anchors.moment(d.at, d.where)
    case = d.case or {}
    found = disposition_create(
        incoming=incoming,
        actor=person_get(d.by, d.where),
        to_role=d.to,
        to_person=person_get(d.person, d.where) if d.person else None,
        instruction=d.instruction,
        sifat=d.sifat,
        due_on=anchors.day(d.due, d.where) if d.due else None,
        open_sop=case.get("sop"),
        case_data=resolve(case.get("data"), replace(anchors, at=at), d.where),
        now=at,
    )
    if d.done:
        done_at = anchors.moment(when_parse(d.done["at"], allowed=MOMENTS, where=d.where), d.where)
        disposition_done(
            disposition=found,
            actor=person_get(str(d.done["by"]), d.where),
            note=str(d.done["note"]),
            now=done_at,
        )
    return found


def _run(spec: IncomingSpec, now: dt.datetime) -> IncomingLetter:
    unit = unit_get(spec.unit, spec.where)
    anchors = Anchors(now=now, zone=unit.zone())
    at = anchors.moment(spec.at, spec.where)
    anchors = replace(anchors, start=at, prev=at, at=at)
    received = timezone.localtime(at, unit.zone()).date()
    number, dated, scan, scan_name = _source(spec, anchors, received)
    incoming = incoming_record(
        unit=unit,
        actor=person_get(spec.by, spec.where),
        received_on=received,
        sender=spec.sender,
        number=number,
        dated=dated,
        subject=spec.subject,
        note=spec.note,
        scan=scan,
        scan_name=scan_name,
        now=at,
    )
    for d in spec.dispositions:
        found = _dispose(incoming, d, anchors)
        anchors = replace(anchors, prev=found.created_at)
    return incoming


def _summary(incoming: IncomingLetter, created: bool) -> DemoIncoming:
    dispositions = list(incoming.dispositions.select_related("case"))
    case = next((d.case.number for d in dispositions if d.case is not None), "")
    return DemoIncoming(
        unit=incoming.unit.code,
        agenda=incoming.agenda_number,
        subject=incoming.subject,
        dispositions=len(dispositions),
        case=case,
        created=created,
    )


def demo_incoming_load(*, now: dt.datetime | None = None) -> list[DemoIncoming]:
    """Record the demo's incoming letters that are not there yet, each in one transaction."""
    now = now or timezone.now()
    lines: list[DemoIncoming] = []
    for spec in incoming_specs():
        existing = (
            IncomingLetter.objects.filter(
                unit__code=spec.unit, sender=spec.sender, subject=spec.subject
            )
            .select_related("unit")
            .first()
        )
        if existing is None:
            with transaction.atomic():
                incoming = _run(spec, now)
        else:
            incoming = existing
        lines.append(_summary(incoming, existing is None))
    return lines
