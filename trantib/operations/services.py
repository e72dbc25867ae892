"""Every change to an operation file: one transaction and one audit event each, on the file's
own chain (:func:`trantib.core.audit.audit_record`). Pages, the API and the demo call these.

Who may change a file: a holder of one of the case's SOP roles in its unit (Kasi, Danru,
Anggota… — not the unit's other staff) or a head of the unit or a unit above it. Everyone of the
unit reads it.
The incident log and the escalation levels are append-only (a correction is a new entry that
names the one it corrects). Seized items are entered, returned and destroyed under a Berita
Acara drafted through the letters app's public services, its fields filled from the items.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trantib.accounts.models import Person
from trantib.accounts.selectors import assignments_active
from trantib.cases import services as case_services
from trantib.cases.models import Case
from trantib.core.audit import audit_record
from trantib.core.dates import date_id
from trantib.core.errors import Conflict, Invalid, NotAllowed
from trantib.core.text import has_control_characters
from trantib.enforcement.models import Violator
from trantib.engine.bindings import ContractName
from trantib.engine.spec import SOPSpec, Step, StepKind
from trantib.letters.models import Letter
from trantib.letters.services import letter_draft

from .models import (
    Escalation,
    EscalationLevel,
    Incident,
    ItemState,
    Operation,
    Partner,
    Place,
    ReadinessCheck,
    ReadinessSource,
    Result,
    ResultAction,
    SeizedItem,
    Team,
)


class OperationEvent:
    OPENED = "operation_opened"
    UPDATED = "operation_updated"
    PLACE_ADDED = "operation_place_added"
    TEAM_ADDED = "operation_team_added"
    PARTNER_ADDED = "operation_partner_added"
    READINESS_CHECKED = "operation_readiness_checked"
    INCIDENT_ADDED = "operation_incident_added"
    RESULT_ADDED = "operation_result_added"
    ESCALATION_ADDED = "operation_escalation_added"
    ITEMS_SEIZED = "operation_items_seized"
    ITEMS_RETURNED = "operation_items_returned"
    ITEMS_DESTROYED = "operation_items_destroyed"


# --- which cases have a file ------------------------------------------------------------------


def report_step(spec: SOPSpec) -> Step | None:
    """The step of ``spec`` that binds ``operation_report`` (None: the SOP has no file)."""
    found = spec.binding(ContractName.OPERATION_REPORT)
    return found[0] if found else None


def readiness_items(spec: SOPSpec) -> list[tuple[str, str]]:
    """``[(item, source)]``: the SOP's Peralatan/Perlengkapan and the Kelengkapan of the field
    step (the one that leads to the report step, or the report step when it ends the SOP)."""
    items: list[tuple[str, str]] = [
        (text.strip().rstrip(";").strip(), ReadinessSource.EQUIPMENT)
        for text in spec.identity.peralatan_perlengkapan
        if text.strip()
    ]
    step = report_step(spec)
    if step is not None:
        field_steps = [s for s in spec.steps if s.next == step.id]
        if step.kind is StepKind.END:
            field_steps.append(step)
        for s in field_steps:
            for req in s.requirements:
                for part in req.replace(" dan ", ", ").split(","):
                    text = part.strip()
                    if text and text.lower() not in {i.lower() for i, _s in items}:
                        items.append((text[0].upper() + text[1:], ReadinessSource.REQUIREMENT))
    return items


def is_demonstration(spec: SOPSpec) -> bool:
    """A demonstration SOP (PUR): the file records the crowd and its escalation levels."""
    return spec.domain == "unjuk-rasa"


# --- bounds of what is typed -------------------------------------------------------------------

# Far above any real operation, well inside the columns (PositiveIntegerField: 2**31 - 1).
MAX_QUANTITY = 1_000_000
MAX_PERSONNEL = 100_000
MAX_CROWD = 10_000_000
# The seizure form's rows (the page shows 3; a client may send more, never unbounded).
MAX_ITEM_ROWS = 50
# A whole number as typed: ASCII digits only ("²" and "１" are digits to str.isdigit()).
WHOLE_NUMBER = re.compile(r"[0-9]{1,15}")

_IMAGES: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)


def image_type(head: bytes) -> tuple[str, str] | None:
    """``(content type, extension)`` of a JPEG, PNG or WebP image read from its first bytes
    (at least 12), else None: a file's name and the browser's claim prove nothing."""
    for magic, content_type, ext in _IMAGES:
        if head.startswith(magic):
            return content_type, ext
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def _photo(upload: UploadedFile, *, field: str) -> tuple[ContentFile[bytes], str]:
    """The uploaded photo's bytes and a safe name, or Invalid naming ``field``."""
    limit = int(getattr(settings, "TRANTIB_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))
    if upload.size is not None and upload.size > limit:
        raise Invalid(
            _("Foto lebih besar dari %(mb)s MB.") % {"mb": limit // (1024 * 1024)}, field=field
        )
    upload.seek(0)
    body = upload.read(limit + 1)
    if not body:
        raise Invalid(_("Berkas foto kosong."), field=field)
    if len(body) > limit:
        raise Invalid(
            _("Foto lebih besar dari %(mb)s MB.") % {"mb": limit // (1024 * 1024)}, field=field
        )
    found = image_type(body[:16])
    if found is None:
        raise Invalid(
            _("Berkas ini bukan foto: unggah foto berformat JPEG, PNG atau WebP."), field=field
        )
    return ContentFile(body), f"foto.{found[1]}"


# --- who may change a file -----------------------------------------------------------------


def may_edit(person: Person | None, operation: Operation) -> bool:
    """Whether ``person`` may change the file: they hold, in the file's unit, a position that is
    one of the case's SOP roles (the people who run the operation), or they head the unit (or a
    unit above it). The unit's other staff (a Staf Pelayanan) only read it."""
    if person is None:
        return False
    unit = operation.unit
    # The positions of the unit that fill the SOP's roles (its adoption of the SOP).
    roles = set(case_services.role_map(case_services.case_spec(operation.case), unit).values())
    return assignments_active(person, on=unit.today()).filter(
        position__unit=unit, position__code__in=roles
    ).exists() or case_services.supervises(person, unit)


def _check(actor: Person, operation: Operation) -> Operation:
    operation = (
        Operation.objects.select_for_update(of=("self",))
        .select_related("unit", "case")
        .get(pk=operation.pk)
    )
    if not may_edit(actor, operation):
        raise NotAllowed(
            _(
                "Hanya pelaksana SOP operasi ini di unit (atau pimpinan unit) yang dapat "
                "mengubah berkas operasi."
            )
        )
    return operation


def _audit(
    operation: Operation, type: str, actor: Person | None, when: dt.datetime, /, **data: Any
) -> None:
    audit_record(
        subject=operation,
        type=type,
        actor_id=actor.pk if actor else None,
        unit_id=operation.unit_id,
        at=when,
        data={"case": operation.case_id, **data},
    )


def _text(value: Any, *, field: str, label: str, limit: int, required: bool = False) -> str:
    text = " ".join(str(value or "").split()) if limit <= 300 else str(value or "").strip()
    if required and not text:
        raise Invalid(_("%(label)s wajib diisi.") % {"label": label}, field=field)
    if len(text) > limit:
        raise Invalid(
            _("%(label)s terlalu panjang (paling banyak %(n)s karakter).")
            % {"label": label, "n": limit},
            field=field,
        )
    if has_control_characters(text, unstorable_only=True):
        raise Invalid(
            _("%(label)s memuat karakter NUL yang tidak sah; hapus lalu ketik ulang.")
            % {"label": label},
            field=field,
        )
    if any(ord(c) < 32 and c not in "\n\r\t" for c in text):
        raise Invalid(
            _("%(label)s memuat karakter yang tidak sah.") % {"label": label}, field=field
        )
    return text


def _point(latitude: Any, longitude: Any, *, prefix: str = "") -> tuple[float | None, float | None]:
    if latitude in (None, "") and longitude in (None, ""):
        return None, None
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError):
        raise Invalid(_("Titik peta tidak terbaca."), field=f"{prefix}latitude") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise Invalid(_("Titik peta di luar jangkauan."), field=f"{prefix}latitude")
    return lat, lon


def _member(operation: Operation, person: Person | None, field: str) -> Person | None:
    if person is None:
        return None
    if not assignments_active(person).filter(position__unit=operation.unit).exists():
        raise Invalid(
            _("%(name)s bukan petugas unit ini.") % {"name": person.full_name}, field=field
        )
    return person


# --- the file ------------------------------------------------------------------------------


@transaction.atomic
def operation_open(
    *, case: Case, actor: Person | None, now: dt.datetime | None = None
) -> Operation:
    """The file of ``case`` (made on first use). Conflict when the case's SOP binds no
    ``operation_report``: it is not an operation."""
    now = now or timezone.now()
    found = Operation.objects.filter(case=case).first()
    if found is not None:
        return found
    spec = case_services.case_spec(case)
    if report_step(spec) is None:
        raise Conflict(_("Kasus ini bukan operasi: SOP-nya tidak memiliki berkas operasi."))
    if actor is not None and not may_edit(actor, Operation(unit=case.unit, case=case)):
        raise NotAllowed(
            _(
                "Hanya pelaksana SOP operasi ini di unit (atau pimpinan unit) yang dapat "
                "membuka berkas operasi."
            )
        )
    operation = Operation.objects.create(unit=case.unit, case=case, created_at=now, updated_at=now)
    _audit(operation, OperationEvent.OPENED, actor, now, sop=spec.key)
    return operation


UPDATABLE = (
    "basis_number",
    "basis_date",
    "day",
    "starts_at",
    "ends_at",
    "commander",
    "crowd_group",
    "crowd_estimate",
    "demands",
)


@transaction.atomic
def operation_update(
    *,
    operation: Operation,
    actor: Person,
    changes: Mapping[str, Any],
    now: dt.datetime | None = None,
) -> Operation:
    """Change the file's basis, day, hours, commander and (demonstrations) the crowd. Typed
    values: dates and times as ``date``/``time``, the commander a Person of the unit."""
    now = now or timezone.now()
    operation = _check(actor, operation)
    unknown = sorted(set(changes) - set(UPDATABLE))
    if unknown:
        raise Invalid(
            _("Isian tidak dikenal: %(n)s.") % {"n": ", ".join(unknown)}, field=unknown[0]
        )
    clean: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "basis_number":
            clean[name] = _text(value, field=name, label=_("Nomor Surat Perintah"), limit=120)
        elif name == "crowd_group":
            clean[name] = _text(value, field=name, label=_("Kelompok massa"), limit=200)
        elif name == "demands":
            clean[name] = _text(value, field=name, label=_("Tuntutan"), limit=4000)
        elif name == "crowd_estimate":
            if value is not None and (
                not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_CROWD
            ):
                raise Invalid(
                    _("Perkiraan jumlah massa harus bilangan bulat 0 sampai %(n)s.")
                    % {"n": MAX_CROWD},
                    field=name,
                )
            clean[name] = value
        elif name == "commander":
            clean[name] = _member(operation, value, name)
        elif name in ("basis_date", "day"):
            if value is not None and not isinstance(value, dt.date):
                raise Invalid(_("Tanggal tidak terbaca."), field=name)
            clean[name] = value
        else:  # starts_at, ends_at
            if value is not None and not isinstance(value, dt.time):
                raise Invalid(_("Jam tidak terbaca (tulis misalnya 08.30)."), field=name)
            clean[name] = value
    starts = clean.get("starts_at", operation.starts_at)
    ends = clean.get("ends_at", operation.ends_at)
    if starts and ends and ends < starts and "ends_at" in clean:
        raise Invalid(_("Jam selesai sebelum jam mulai."), field="ends_at")
    before = {n: _plain(getattr(operation, n)) for n in clean}
    for name, value in clean.items():
        setattr(operation, name, value)
    operation.updated_at = now
    operation.save(update_fields=[*clean, "updated_at"])
    after = {n: _plain(getattr(operation, n)) for n in clean}
    diff = {n: {"before": before[n], "after": after[n]} for n in clean if before[n] != after[n]}
    if diff:
        _audit(operation, OperationEvent.UPDATED, actor, now, changes=diff)
    return operation


def _plain(value: Any) -> Any:
    if isinstance(value, Person):
        return value.pk
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


@transaction.atomic
def place_add(
    *,
    operation: Operation,
    actor: Person,
    name: str,
    latitude: Any = None,
    longitude: Any = None,
    now: dt.datetime | None = None,
) -> Place:
    now = now or timezone.now()
    operation = _check(actor, operation)
    name = _text(name, field="name", label=_("Nama tempat"), limit=200, required=True)
    lat, lon = _point(latitude, longitude)
    place = Place.objects.create(operation=operation, name=name, latitude=lat, longitude=lon)
    _audit(
        operation,
        OperationEvent.PLACE_ADDED,
        actor,
        now,
        place=place.pk,
        name=name,
        latitude=lat,
        longitude=lon,
    )
    return place


@transaction.atomic
def team_add(
    *,
    operation: Operation,
    actor: Person,
    name: str,
    leader: Person | None,
    members: Sequence[Person],
    task: str = "",
    now: dt.datetime | None = None,
) -> Team:
    now = now or timezone.now()
    operation = _check(actor, operation)
    name = _text(name, field="name", label=_("Nama tim"), limit=100, required=True)
    task = _text(task, field="task", label=_("Tugas tim"), limit=300)
    _member(operation, leader, "leader")
    if not members:
        raise Invalid(_("Pilih sedikitnya satu anggota tim."), field="members")
    for person in members:
        _member(operation, person, "members")
    team = Team.objects.create(operation=operation, name=name, leader=leader, task=task)
    team.members.set(members)
    _audit(
        operation,
        OperationEvent.TEAM_ADDED,
        actor,
        now,
        team=team.pk,
        name=name,
        leader=leader.pk if leader else None,
        members=sorted(p.pk for p in members),
    )
    return team


@transaction.atomic
def partner_add(
    *,
    operation: Operation,
    actor: Person,
    agency: str,
    contact: str = "",
    personnel: int | None = None,
    now: dt.datetime | None = None,
) -> Partner:
    now = now or timezone.now()
    operation = _check(actor, operation)
    agency = _text(agency, field="agency", label=_("Instansi"), limit=200, required=True)
    contact = _text(contact, field="contact", label=_("Kontak"), limit=200)
    if personnel is not None and (
        not isinstance(personnel, int)
        or isinstance(personnel, bool)
        or not 0 <= personnel <= MAX_PERSONNEL
    ):
        raise Invalid(
            _("Jumlah personel harus bilangan bulat 0 sampai %(n)s.") % {"n": MAX_PERSONNEL},
            field="personnel",
        )
    partner = Partner.objects.create(
        operation=operation, agency=agency, contact=contact, personnel=personnel
    )
    _audit(
        operation,
        OperationEvent.PARTNER_ADDED,
        actor,
        now,
        partner=partner.pk,
        agency=agency,
        contact=contact,
        personnel=personnel,
    )
    return partner


@transaction.atomic
def readiness_check(
    *,
    operation: Operation,
    actor: Person,
    item: str,
    ready: bool,
    note: str = "",
    now: dt.datetime | None = None,
) -> ReadinessCheck:
    """Tick (or untick) one item of the SOP's readiness list, with a note, by whom and when."""
    now = now or timezone.now()
    operation = _check(actor, operation)
    known = dict(readiness_items(case_services.case_spec(operation.case)))
    if item not in known:
        raise Invalid(
            _("“%(item)s” tidak ada dalam daftar perlengkapan SOP.") % {"item": item}, field="item"
        )
    note = _text(note, field="note", label=_("Catatan"), limit=300)
    check, _created = ReadinessCheck.objects.update_or_create(
        operation=operation,
        item=item,
        defaults={
            "source": known[item],
            "ready": bool(ready),
            "note": note,
            "checked_by": actor,
            "checked_at": now,
        },
    )
    _audit(
        operation,
        OperationEvent.READINESS_CHECKED,
        actor,
        now,
        item=item,
        ready=bool(ready),
        note=note,
    )
    return check


@transaction.atomic
def incident_add(
    *,
    operation: Operation,
    actor: Person,
    at: dt.datetime,
    text: str,
    corrects: Incident | None = None,
    now: dt.datetime | None = None,
) -> Incident:
    """Append a line to the incident log (a correction names the line it corrects)."""
    now = now or timezone.now()
    operation = _check(actor, operation)
    text = _text(text, field="text", label=_("Kejadian"), limit=2000, required=True)
    if not isinstance(at, dt.datetime) or timezone.is_naive(at):
        raise Invalid(_("Waktu kejadian tidak terbaca."), field="at")
    if at > now + dt.timedelta(minutes=5):
        raise Invalid(_("Waktu kejadian belum terjadi."), field="at")
    if corrects is not None and corrects.operation_id != operation.pk:
        raise Invalid(_("Catatan yang dikoreksi bukan bagian berkas ini."), field="corrects")
    incident = Incident.objects.create(
        operation=operation,
        at=at,
        text=text,
        corrects=corrects,
        recorded_by=actor,
        recorded_at=now,
    )
    _audit(
        operation,
        OperationEvent.INCIDENT_ADDED,
        actor,
        now,
        incident=incident.pk,
        at=at.isoformat(),
        text=text,
        corrects=corrects.pk if corrects else None,
    )
    return incident


@transaction.atomic
def escalation_add(
    *,
    operation: Operation,
    actor: Person,
    level: str,
    at: dt.datetime,
    note: str = "",
    now: dt.datetime | None = None,
) -> Escalation:
    """A demonstration reached ``level`` at ``at``."""
    now = now or timezone.now()
    operation = _check(actor, operation)
    if not is_demonstration(case_services.case_spec(operation.case)):
        raise Conflict(_("Tingkat eskalasi hanya dicatat untuk penanganan unjuk rasa."))
    if level not in EscalationLevel.values:
        raise Invalid(_("Tingkat eskalasi tidak dikenal."), field="level")
    if not isinstance(at, dt.datetime) or timezone.is_naive(at):
        raise Invalid(_("Waktu tidak terbaca."), field="at")
    note = _text(note, field="note", label=_("Keterangan"), limit=300)
    row = Escalation.objects.create(
        operation=operation, level=level, at=at, note=note, recorded_by=actor
    )
    _audit(
        operation,
        OperationEvent.ESCALATION_ADDED,
        actor,
        now,
        escalation=row.pk,
        level=level,
        at=at.isoformat(),
        note=note,
    )
    return row


@transaction.atomic
def result_add(
    *,
    operation: Operation,
    actor: Person,
    violator: Violator,
    action: str,
    note: str = "",
    now: dt.datetime | None = None,
) -> Result:
    """A person or business dealt with (a violator of the unit's register) and the action."""
    now = now or timezone.now()
    operation = _check(actor, operation)
    if violator.unit_id != operation.unit_id:
        raise Invalid(_("Pelanggar tidak terdaftar di unit ini."), field="violator")
    if action not in ResultAction.values:
        raise Invalid(_("Pilih tindakan yang dilakukan."), field="action")
    note = _text(note, field="note", label=_("Keterangan"), limit=300)
    result = Result.objects.create(
        operation=operation,
        violator=violator,
        action=action,
        note=note,
        recorded_by=actor,
        recorded_at=now,
    )
    _audit(
        operation,
        OperationEvent.RESULT_ADDED,
        actor,
        now,
        result=result.pk,
        violator=violator.pk,
        action=action,
        note=note,
    )
    return result


def runs_ladder(operation: Operation) -> bool:
    """Whether the file's unit runs an enforcement SOP a result can open a ladder case in."""
    from trantib.enforcement import services as enforcement

    try:
        enforcement.finding_entry(operation.unit)
    except Conflict:
        return False
    return True


@transaction.atomic
def result_add_picked(
    *,
    operation: Operation,
    actor: Person,
    data: Mapping[str, Any],
    prefix: str = "pelanggar",
    now: dt.datetime | None = None,
) -> Result:
    """The result form: the violator picked (or made) by the enforcement app's picker
    (``violator_pick``), the action and a note; with ``open_finding`` ticked, the violator's
    enforcement case is opened too (``finding_open``, the articles ticked under ``prefix``),
    linked to the operation's case."""
    from trantib.enforcement import services as enforcement
    from trantib.enforcement.models import FindingSource

    now = now or timezone.now()
    operation = _check(actor, operation)
    violator = enforcement.violator_pick(
        unit=operation.unit, actor=actor, data=data, prefix=prefix, now=now
    )
    result = result_add(
        operation=operation,
        actor=actor,
        violator=violator,
        action=str(data.get("action", "")),
        note=str(data.get("note", "")),
        now=now,
    )
    if data.get("open_finding"):
        articles = enforcement.articles_pick(unit=operation.unit, data=data, prefix=prefix)
        place = operation.places.first()
        enforcement_row = enforcement.finding_open(
            unit=operation.unit,
            actor=actor,
            violator=violator,
            articles=articles,
            place=place.name if place else "",
            latitude=place.latitude if place else None,
            longitude=place.longitude if place else None,
            description=result.note or result.get_action_display(),
            found_at=now,
            source=FindingSource.OPERATION,
            parent_case=operation.case,
            now=now,
        )
        result.enforcement = enforcement_row
        result.save(update_fields=["enforcement"])
    return result


# --- barang bukti ------------------------------------------------------------------------------


def _ba_signer(operation: Operation) -> str:
    """The position of the operation's unit that signs its Berita Acara: the one that fills
    the role of the SOP's report step (decision 0015)."""
    spec = case_services.case_spec(operation.case)
    step = report_step(spec)
    return case_services.role_position(spec, operation.unit, step.role) if step else ""


def _basis_line(operation: Operation) -> list[str]:
    from .selectors import operation_basis

    number, dated = operation_basis(operation)
    if not number:
        return []
    return [f"Surat Perintah Nomor {number}" + (f" tanggal {date_id(dated)}" if dated else "")]


def _ba_draft(
    *,
    operation: Operation,
    actor: Person,
    jenis: str,
    items: Sequence[SeizedItem],
    day: dt.date,
    tindakan: str,
    perda: str,
    now: dt.datetime,
) -> Letter:
    owners = [i.owner for i in items if i.owner is not None]
    owner = owners[0] if owners else None
    place = operation.places.first()
    titles = {
        "penyitaan": "Penyitaan Barang",
        "pengembalian": "Pengembalian Barang",
        "pemusnahan": "Pemusnahan Barang",
    }
    data: dict[str, Any] = {
        "jenis": jenis,
        "tanggal_kegiatan": day.isoformat(),
        "dasar": _basis_line(operation),
        "barang": [str(i) for i in items],
        "tindakan": tindakan,
        "lokasi": place.name if place else "",
        "perda": perda,
    }
    if owner is not None:
        data["pelanggar_nama"] = owner.name
        if owner.address:
            data["pelanggar_alamat"] = owner.address
    key = f"barang_bukti.{jenis}.{items[0].pk}"
    return letter_draft(
        unit=operation.unit,
        kind="berita_acara",
        actor=actor,
        case=operation.case,
        key=key[:64],
        hal=f"Berita Acara {titles[jenis]}",
        signer_role=_ba_signer(operation),
        data=data,
        now=now,
    )


@transaction.atomic
def items_seize(
    *,
    operation: Operation,
    actor: Person,
    items: Sequence[Mapping[str, Any]],
    storage: str,
    perda: str,
    owner: Violator | None = None,
    photos: Mapping[int, UploadedFile] | None = None,
    day: dt.date | None = None,
    now: dt.datetime | None = None,
) -> tuple[list[SeizedItem], Letter]:
    """Enter seized items (``[{description, quantity, measure, row?}]``), owned by ``owner``,
    kept at ``storage``, and draft their Berita Acara Penyitaan (the drafter completes and sends
    it). ``row`` is the item's row on the form (default: its index): errors name the row's
    fields (``items-<row>-quantity``) and ``photos`` are keyed by it. A photo must be a JPEG,
    PNG or WebP image (read from its bytes)."""
    now = now or timezone.now()
    operation = _check(actor, operation)
    storage = _text(
        storage, field="storage", label=_("Tempat penyimpanan"), limit=200, required=True
    )
    perda = _text(perda, field="perda", label=_("Perda/pasal yang dilanggar"), limit=300)
    if owner is not None and owner.unit_id != operation.unit_id:
        raise Invalid(_("Pemilik tidak terdaftar di unit ini."), field="owner")
    if not items:
        raise Invalid(_("Isi sedikitnya satu barang."), field="items-0-description")
    if len(items) > MAX_ITEM_ROWS:
        raise Invalid(
            _("Paling banyak %(n)s barang sekali catat.") % {"n": MAX_ITEM_ROWS},
            field="items-0-description",
        )
    checked: list[tuple[SeizedItem, tuple[ContentFile[bytes], str] | None]] = []
    for index, raw in enumerate(items):
        n = raw.get("row", index)
        p = f"items-{n}-"
        description = _text(
            raw.get("description"),
            field=f"{p}description",
            label=_("Uraian barang"),
            limit=300,
            required=True,
        )
        quantity = raw.get("quantity")
        if (
            not isinstance(quantity, int)
            or isinstance(quantity, bool)
            or not 1 <= quantity <= MAX_QUANTITY
        ):
            raise Invalid(
                _("Jumlah barang harus bilangan bulat 1 sampai %(n)s.") % {"n": MAX_QUANTITY},
                field=f"{p}quantity",
            )
        measure = _text(
            raw.get("measure"), field=f"{p}measure", label=_("Satuan"), limit=40, required=True
        )
        item = SeizedItem(
            unit=operation.unit,
            operation=operation,
            description=description,
            quantity=quantity,
            measure=measure,
            owner=owner,
            storage=storage,
            recorded_by=actor,
            recorded_at=now,
        )
        upload = (photos or {}).get(n)
        checked.append((item, _photo(upload, field=f"{p}photo") if upload else None))
    # Every row checked before a file is written: a refused seizure leaves no file behind.
    rows = []
    for item, photo in checked:
        if photo is not None:
            item.photo.save(photo[1], photo[0], save=False)
        item.save()
        rows.append(item)
    day = day or operation.day or timezone.localtime(now, operation.unit.zone()).date()
    letter = _ba_draft(
        operation=operation,
        actor=actor,
        jenis="penyitaan",
        items=rows,
        day=day,
        perda=perda,
        tindakan=_("Barang tersebut disita dan disimpan di %(storage)s.") % {"storage": storage},
        now=now,
    )
    SeizedItem.objects.filter(pk__in=[i.pk for i in rows]).update(seizure_letter=letter)
    for item in rows:
        item.seizure_letter = letter
    _audit(
        operation,
        OperationEvent.ITEMS_SEIZED,
        actor,
        now,
        items=[i.pk for i in rows],
        letter=letter.pk,
        storage=storage,
        owner=owner.pk if owner else None,
        described=[str(i) for i in rows],
    )
    return rows, letter


def _held(operation: Operation, items: Iterable[SeizedItem]) -> list[SeizedItem]:
    rows = list(
        SeizedItem.objects.select_for_update(of=("self",))
        .filter(pk__in=[i.pk for i in items], operation=operation)
        .select_related("owner")
    )
    if not rows:
        raise Invalid(_("Pilih sedikitnya satu barang."), field="items")
    ended = [str(i) for i in rows if i.state != ItemState.HELD]
    if ended:
        raise Conflict(
            _("Barang sudah tidak disimpan: %(items)s.") % {"items": "; ".join(ended)},
            field="items",
        )
    return rows


@transaction.atomic
def items_return(
    *,
    operation: Operation,
    actor: Person,
    items: Iterable[SeizedItem],
    returned_to: str,
    on: dt.date,
    now: dt.datetime | None = None,
) -> Letter:
    """Return held items to ``returned_to`` on ``on``, under a Berita Acara Pengembalian."""
    now = now or timezone.now()
    operation = _check(actor, operation)
    rows = _held(operation, items)
    returned_to = _text(
        returned_to, field="returned_to", label=_("Diterima oleh"), limit=200, required=True
    )
    letter = _ba_draft(
        operation=operation,
        actor=actor,
        jenis="pengembalian",
        items=rows,
        day=on,
        perda="-",
        tindakan=_("Barang tersebut dikembalikan kepada %(who)s.") % {"who": returned_to},
        now=now,
    )
    SeizedItem.objects.filter(pk__in=[i.pk for i in rows]).update(
        state=ItemState.RETURNED, returned_to=returned_to, ended_on=on, end_letter=letter
    )
    _audit(
        operation,
        OperationEvent.ITEMS_RETURNED,
        actor,
        now,
        items=[i.pk for i in rows],
        returned_to=returned_to,
        on=on.isoformat(),
        letter=letter.pk,
    )
    return letter


@transaction.atomic
def items_destroy(
    *,
    operation: Operation,
    actor: Person,
    items: Iterable[SeizedItem],
    how: str,
    on: dt.date,
    now: dt.datetime | None = None,
) -> Letter:
    """Destroy held items on ``on`` (``how``: burnt, crushed…), under a Berita Acara
    Pemusnahan."""
    now = now or timezone.now()
    operation = _check(actor, operation)
    rows = _held(operation, items)
    how = _text(how, field="how", label=_("Cara pemusnahan"), limit=300, required=True)
    letter = _ba_draft(
        operation=operation,
        actor=actor,
        jenis="pemusnahan",
        items=rows,
        day=on,
        perda="-",
        tindakan=_("Barang tersebut dimusnahkan dengan cara: %(how)s.") % {"how": how},
        now=now,
    )
    SeizedItem.objects.filter(pk__in=[i.pk for i in rows]).update(
        state=ItemState.DESTROYED, end_how=how, ended_on=on, end_letter=letter
    )
    _audit(
        operation,
        OperationEvent.ITEMS_DESTROYED,
        actor,
        now,
        items=[i.pk for i in rows],
        how=how,
        on=on.isoformat(),
        letter=letter.pk,
    )
    return letter
