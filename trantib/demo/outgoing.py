"""The demo's stand-alone letters, from ``data/letters.yaml``: a month of naskah dinas that no
SOP step wrote (requests, invitations, replies, teguran, reports), each drafted and then moved
through paraf, return, numbering, signature, delivery or cancellation by the people who hold
the roles, through ``trantib.letters.services``, with the clock set back (``now=``).

A letter signed on paper (basah, or by a TTE outside Trantib) gets its printed PDF back as the
signed "scan". ``demo_letters_load()`` is idempotent: a letter is keyed on its unit, kind and
hal and skipped when it exists. It runs before the demo cases, and the file is in signing
order, so that every register's numbers follow the letters' dates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from django.db import transaction
from django.utils import timezone

from trantib.core.dates import date_id
from trantib.letters.models import Letter, LetterState, SignMode
from trantib.letters.services import (
    KINDS,
    FieldKind,
    letter_cancel,
    letter_deliver,
    letter_draft,
    letter_initial,
    letter_number,
    letter_pdf,
    letter_return,
    letter_sign_electronic,
    letter_signed_copy_attach,
    letter_submit,
    sign_mode_for,
)

from .complaints import unit_get
from .files import receipt_photo
from .steps import person_get
from .when import Anchors, When, resolve, tags_check, when_parse
from .yamlfile import DemoDataError, Entry, read

FILE = "letters.yaml"
LETTER_KEYS = frozenset(
    {
        "unit",
        "kind",
        "by",
        "at",
        "hal",
        "signer",
        "paraf",
        "sifat",
        "lampiran",
        "recipient",
        "address",
        "body",
        "tembusan",
        "data",
        "refers",
        "then",
    }
)
ACTION_KEYS = frozenset({"do", "by", "at", "note", "reason", "received_by", "place", "photo"})
ACTIONS = frozenset({"submit", "paraf", "return", "sign", "number", "scan", "deliver", "cancel"})
STEP_ANCHORS = frozenset({"now", "today", "start", "prev"})
TEXT_FIELDS = ("hal", "sifat", "lampiran", "recipient", "address", "body")


@dataclass(frozen=True)
class Action:
    where: str
    do: str
    by: str  # "" for the letter's drafter
    at: When
    fields: dict[str, Any]  # note, reason, received_by, place, photo


@dataclass(frozen=True)
class LetterSpec:
    where: str
    unit: str
    kind: str
    by: str
    at: When
    signer: str
    paraf: tuple[str, ...]
    text: dict[str, Any]  # hal, sifat, lampiran, recipient, address, body (tags allowed)
    tembusan: tuple[str, ...]
    data: dict[str, Any]
    refers: str  # the hal of an earlier demo letter: {nomor} and {tanggal} in the body
    then: tuple[Action, ...]


@dataclass(frozen=True)
class DemoLetter:
    """One line of the summary ``trantib demo`` prints."""

    unit: str
    kind: str
    number: str
    state: str
    hal: str
    created: bool


def _action(raw: Any, where: str) -> Action:
    entry = Entry(raw, where, keys=ACTION_KEYS)
    do = entry.text("do")
    if do not in ACTIONS:
        raise entry.error(f"unknown 'do' {do!r} (one of {', '.join(sorted(ACTIONS))})")
    if do == "return" and not entry.has("note"):
        raise entry.error("a return needs its 'note'")
    if do == "cancel" and not entry.has("reason"):
        raise entry.error("a cancellation needs its 'reason'")
    if do == "deliver" and not entry.has("received_by"):
        raise entry.error("a delivery needs 'received_by'")
    fields = {k: v for k, v in entry.raw.items() if k not in {"do", "by", "at"}}
    tags_check(fields, where)
    return Action(
        where=where,
        do=do,
        by=entry.text("by", ""),
        at=when_parse(entry.raw.get("at"), allowed=STEP_ANCHORS, where=where),
        fields=fields,
    )


@cache
def letter_specs() -> tuple[LetterSpec, ...]:
    """The letters of ``letters.yaml``, in order; read and checked once."""
    shown, raw = read(FILE)
    top = Entry(raw, shown, keys={"letters"})
    found: list[LetterSpec] = []
    seen: set[tuple[str, str, str]] = set()
    for n, item in enumerate(top.items("letters"), start=1):
        entry = Entry(item, f"{shown}: letter {n}", keys=LETTER_KEYS)
        entry = Entry(item, f"{shown}: letter {entry.text('hal')!r}", keys=LETTER_KEYS)
        kind = entry.text("kind")
        if kind not in KINDS:
            raise entry.error(f"unknown kind {kind!r} (one of {', '.join(KINDS)})")
        key = (entry.text("unit"), kind, entry.text("hal"))
        if key in seen:
            raise entry.error("this unit, kind and hal are used twice")
        seen.add(key)
        text = {name: entry.raw[name] for name in TEXT_FIELDS if name in entry.raw}
        data = entry.mapping("data")
        tags_check(text, entry.where)
        tags_check(data, entry.where)
        found.append(
            LetterSpec(
                where=entry.where,
                unit=entry.text("unit"),
                kind=kind,
                by=entry.text("by"),
                at=when_parse(
                    entry.raw.get("at"), allowed=STEP_ANCHORS - {"start", "prev"}, where=entry.where
                ),
                signer=entry.text("signer"),
                paraf=tuple(entry.texts("paraf")),
                text=text,
                tembusan=tuple(entry.texts("tembusan")),
                data=data,
                refers=entry.text("refers", ""),
                then=tuple(
                    _action(a, f"{entry.where}, then {i}")
                    for i, a in enumerate(entry.items("then"), start=1)
                ),
            )
        )
    return tuple(found)


def _members(spec: LetterSpec, data: dict[str, Any]) -> dict[str, Any]:
    """The demo names a letter's officers by login; the letter keeps their person ids."""
    out = dict(data)
    for f in KINDS[spec.kind].fields:
        if f.kind is FieldKind.MEMBERS and f.name in out:
            logins = out[f.name]
            if not isinstance(logins, list) or not all(isinstance(u, str) for u in logins):
                raise DemoDataError(f"{spec.where}: '{f.name}' is a list of logins")
            out[f.name] = [person_get(u, f"{spec.where}, '{f.name}'").pk for u in logins]
    return out


def _referred(spec: LetterSpec) -> dict[str, str]:
    if not spec.refers:
        return {}
    earlier = Letter.objects.filter(hal=spec.refers, case=None).exclude(number="").first()
    if earlier is None or earlier.dated is None:
        raise DemoDataError(f"{spec.where}: no numbered demo letter with hal {spec.refers!r}")
    return {"{nomor}": earlier.number, "{tanggal}": date_id(earlier.dated)}


def _draft(spec: LetterSpec, anchors: Anchors, at: dt.datetime) -> Letter:
    text = resolve(spec.text, anchors, spec.where)
    for token, value in _referred(spec).items():
        text = {k: str(v).replace(token, value) for k, v in text.items()}
    unit = unit_get(spec.unit, spec.where)
    return letter_draft(
        unit=unit,
        kind=spec.kind,
        actor=person_get(spec.by, spec.where),
        hal=text["hal"],
        signer_role=spec.signer,
        paraf_roles=list(spec.paraf),
        recipient=text.get("recipient", ""),
        recipient_address=text.get("address", ""),
        body=text.get("body", ""),
        tembusan="\n".join(spec.tembusan),
        sifat=text.get("sifat", "Biasa"),
        lampiran=text.get("lampiran", "-"),
        data=_members(spec, resolve(spec.data, anchors, spec.where)),
        now=at,
    )


def _scan(letter: Letter, actor: Any, at: dt.datetime) -> Letter:
    """The signed copy of a letter signed on paper: here, the letter as printed."""
    printed = letter_pdf(Letter.objects.get(pk=letter.pk))
    name = f"{letter.kind}-{letter.serial or letter.pk}-ttd.pdf"
    return letter_signed_copy_attach(
        letter=letter, actor=actor, content=printed, filename=name, now=at
    )


def _act(letter: Letter, action: Action, spec: LetterSpec, at: dt.datetime) -> None:
    actor = person_get(action.by or spec.by, action.where)
    f = action.fields
    if action.do == "submit":
        letter_submit(letter=letter, actor=actor, now=at)
    elif action.do == "paraf":
        letter_initial(letter=letter, actor=actor, note=str(f.get("note", "")), now=at)
    elif action.do == "return":
        letter_return(letter=letter, actor=actor, note=str(f["note"]), now=at)
    elif action.do == "cancel":
        letter_cancel(letter=letter, actor=actor, reason=str(f["reason"]), now=at)
    elif action.do == "sign" and sign_mode_for(letter) == SignMode.ELECTRONIC:
        letter_sign_electronic(letter=letter, actor=actor, now=at)
    elif action.do in {"sign", "number"}:
        numbered = letter_number(letter=letter, actor=actor, now=at)
        if action.do == "sign":
            _scan(numbered, actor, at)
    elif action.do == "scan":
        _scan(letter, actor, at)
    else:  # deliver
        received_by = str(f["received_by"])
        photo = receipt_photo(letter.number, received_by) if f.get("photo") else None
        letter_deliver(
            letter=letter,
            actor=actor,
            received_by=received_by,
            received_at=at,
            place=str(f.get("place", "")),
            photo=photo,
            photo_name="tanda-terima.png" if photo else "",
            now=at,
        )


def _run(spec: LetterSpec, now: dt.datetime) -> Letter:
    zone = unit_get(spec.unit, spec.where).zone()
    anchors = Anchors(now=now, zone=zone)
    at = anchors.moment(spec.at, spec.where)
    anchors = replace(anchors, start=at, prev=at, at=at)
    letter = _draft(spec, anchors, at)
    for action in spec.then:
        at = anchors.moment(action.at, action.where)
        if at > now:
            raise DemoDataError(f"{action.where}: {action.at.text!r} is after the load's now")
        _act(Letter.objects.get(pk=letter.pk), action, spec, at)
        anchors = replace(anchors, prev=at)
    return Letter.objects.get(pk=letter.pk)


def _summary(letter: Letter, created: bool) -> DemoLetter:
    return DemoLetter(
        unit=letter.unit.code,
        kind=letter.kind_name,
        number=letter.number,
        state=str(LetterState(letter.state).label),
        hal=letter.hal,
        created=created,
    )


def demo_letters_load(*, now: dt.datetime | None = None) -> list[DemoLetter]:
    """Make the demo letters that do not exist yet, each in one transaction. Run
    ``demo_org_load()`` and ``demo_letter_setup_load()`` first, the demo cases after."""
    now = now or timezone.now()
    lines: list[DemoLetter] = []
    for spec in letter_specs():
        existing = (
            Letter.objects.filter(
                unit__code=spec.unit, kind=spec.kind, hal=spec.text["hal"], case=None
            )
            .select_related("unit")
            .first()
        )
        if existing is None:
            with transaction.atomic():
                letter = _run(spec, now)
        else:
            letter = existing
        lines.append(_summary(letter, existing is None))
    return lines
