"""Changes to the Polmas register: the programme, the scheduler, the records, residents' issues.

Every service is one transaction with one audit event on its record
(:func:`trantib.core.audit.audit_record`). The scheduler (:func:`activities_open`) is safe to
run twice or on two workers at once: an activity is inserted before its case is opened, and
the unique (rule, day) constraint makes the loser's insert fail inside its own savepoint, so
its case is never opened. ``now`` is a parameter wherever time matters (tests pass the clock).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trantib.accounts.models import OrgUnit, Person
from trantib.accounts.selectors import person_holds_role
from trantib.cases import services as case_services
from trantib.cases.models import Case, CaseStatus, Task, TaskStatus
from trantib.cases.services import person_holds_any
from trantib.complaints import services as complaint_services
from trantib.complaints.models import Category, Channel, Complaint
from trantib.core.audit import audit_record
from trantib.core.errors import Conflict, Invalid, NotAllowed, ServiceError
from trantib.core.text import has_control_characters
from trantib.engine.bindings import ContractName
from trantib.engine.spec import Binding, SOPSpec, Step

from .models import Activity, ActivityStatus, Issue, Pos, Rule
from .selectors import MANAGER_ROLES as MANAGER_ROLES  # the programme's roles, re-exported
from .selectors import OFFICER_ROLE as OFFICER_ROLE
from .selectors import SOP_CODE, manager_positions, officer_position

logger = logging.getLogger("trantib.worker")

Photos = Sequence[tuple[str, IO[bytes]]]


def may_manage(person: Person | None, unit: OrgUnit) -> bool:
    """Whether ``person`` holds, in ``unit``, a position that fills a managing role: one
    query."""
    return person is not None and person_holds_any(person, unit, manager_positions(unit))


def _text(value: Any, *, field: str, label: str, limit: int, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise Invalid(_("%(label)s wajib diisi.") % {"label": label}, field=field)
    if len(text) > limit:
        raise Invalid(
            _("%(label)s paling panjang %(n)s karakter.") % {"label": label, "n": limit},
            field=field,
        )
    if has_control_characters(text):
        raise Invalid(
            _("%(label)s berisi karakter kendali yang tidak dapat disimpan.") % {"label": label},
            field=field,
        )
    return text


def _lines(value: Any, *, field: str, label: str) -> list[str]:
    items = value if isinstance(value, list | tuple) else str(value or "").splitlines()
    lines = [_text(v, field=field, label=label, limit=200) for v in items]
    return [line for line in lines if line][:200]


def _days(value: Any) -> str:
    """Weekdays as "05" (Senin, Sabtu) from digits or a list of ints; "" = every day."""
    items = list(value) if isinstance(value, list | tuple | set) else list(str(value or ""))
    days: set[int] = set()
    for item in items:
        try:
            day = int(item)
        except (TypeError, ValueError):
            raise Invalid(_("Hari harus 0 (Senin) sampai 6 (Minggu)."), field="days") from None
        if not 0 <= day <= 6:
            raise Invalid(_("Hari harus 0 (Senin) sampai 6 (Minggu)."), field="days")
        days.add(day)
    return "".join(str(d) for d in sorted(days)) if len(days) < 7 else ""


def pos_step(spec: SOPSpec, pos: str) -> tuple[Step, Binding]:
    """The SOP step of a Pos and its ``polmas_activity`` binding."""
    for step, binding in spec.bound(ContractName.POLMAS_ACTIVITY):
        if step.id == pos:
            return step, binding
    raise Invalid(
        _("SOP %(code)s tidak punya langkah %(pos)s yang terikat register Polmas.")
        % {"code": spec.code, "pos": pos},
        field="pos",
    )


# -- the programme ------------------------------------------------------------------------------


@transaction.atomic
def rule_save(
    *,
    unit: OrgUnit,
    actor: Person,
    officer: Person,
    desa: str,
    pos: str,
    days: Any,
    starts_at: dt.time,
    place: str,
    active: bool = True,
    rule: Rule | None = None,
    now: dt.datetime | None = None,
) -> Rule:
    """Add a line to the standing programme, or change one (``rule``). Only the Kasat, KBO or
    a Kanit Binmas of the unit; the officer must hold the Banit position there."""
    now = now or timezone.now()
    if not may_manage(actor, unit):
        raise NotAllowed(
            _("Program Polmas diatur oleh Kasat Binmas, KBO Binmas atau Kanit."), field="unit"
        )
    if rule is not None and rule.unit_id != unit.pk:
        raise Invalid(_("Jadwal itu milik unit lain."), field="rule")
    if not person_holds_role(officer, unit, officer_position(unit)):
        raise Invalid(
            _("%(who)s bukan Bhabinkamtibmas (Banit) di %(unit)s.")
            % {"who": officer.full_name, "unit": unit.code},
            field="officer",
        )
    if pos not in Pos.values:
        raise Invalid(_("Pilih salah satu Pos."), field="pos")
    if not isinstance(starts_at, dt.time):
        raise Invalid(_("Jam mulai wajib diisi (mis. 07:30)."), field="starts_at")
    values = {
        "officer": officer,
        "desa": _text(desa, field="desa", label=_("Desa/kelurahan"), limit=100, required=True),
        "pos": pos,
        "days": _days(days),
        "starts_at": starts_at,
        "place": _text(place, field="place", label=_("Tempat"), limit=200, required=True),
        "active": bool(active),
    }
    before: dict[str, Any] = {}
    if rule is None:
        rule = Rule.objects.create(unit=unit, created_by=actor, created_at=now, **values)
        event = "polmas.rule_created"
    else:
        rule = Rule.objects.select_for_update().get(pk=rule.pk)
        before = {k: _plain(getattr(rule, k)) for k in values}
        for key, value in values.items():
            setattr(rule, key, value)
        rule.opened_through = None  # changed days never reach back over the old ones
        rule.save(update_fields=[*values, "opened_through"])
        event = "polmas.rule_changed"
    audit_record(
        subject=rule,
        type=event,
        actor_id=actor.pk,
        unit_id=unit.pk,
        at=now,
        data={"before": before, "after": {k: _plain(v) for k, v in values.items()}},
    )
    return rule


def _plain(value: Any) -> Any:
    if isinstance(value, Person):
        return value.pk
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return value


# -- the scheduler ------------------------------------------------------------------------------


def activity_subject(activity: Activity) -> str:
    return f"{activity.get_pos_display()} {activity.desa}, {activity.day.isoformat()}"


CATCH_UP_DAYS = 7  # how far back a run opens the days a stopped worker did not


def _days_to_open(rule: Rule, today: dt.date) -> list[dt.date]:
    """Today, and the days after the scheduler's last run for the rule
    (``rule.opened_through``) that a stopped worker skipped: at most :data:`CATCH_UP_DAYS`
    back, never before the rule was made. A new or changed rule starts today."""
    latest = rule.opened_through
    if latest is None or latest >= today:
        return [today]
    start = max(
        latest + dt.timedelta(days=1),
        today - dt.timedelta(days=CATCH_UP_DAYS),
        rule.created_at.astimezone(rule.unit.zone()).date(),
    )
    return [start + dt.timedelta(days=n) for n in range((today - start).days + 1)]


def activities_open(*, now: dt.datetime | None = None, unit: OrgUnit | None = None) -> int:
    """Open every activity due today (in each unit's zone) that is not open yet, and the due
    days a stopped worker missed since the rule's last activity (see :func:`_days_to_open`;
    :func:`activities_mark_missed` then marks them missed once their grace has passed); the
    count opened. Each activity is its own transaction: one that fails (its officer left the
    unit) leaves the others opened."""
    now = now or timezone.now()
    rules = Rule.objects.filter(active=True).select_related("unit", "officer")
    if unit is not None:
        rules = rules.filter(unit=unit)
    opened = 0
    for rule in rules:
        today = now.astimezone(rule.unit.zone()).date()
        for day in _days_to_open(rule, today):
            if not rule.due_on(day) or Activity.objects.filter(rule=rule, day=day).exists():
                continue
            if not person_holds_role(rule.officer, rule.unit, officer_position(rule.unit), on=day):
                continue  # the officer left the position: the programme shows the rule as stale
            try:
                if _activity_open(rule=rule, day=day, now=now) is not None:
                    opened += 1
            except ServiceError as exc:  # one rule's problem never stops the others
                logger.warning("polmas rule %s on %s not opened: %s", rule.pk, day, exc.message)
        if rule.opened_through is None or rule.opened_through < today:
            Rule.objects.filter(pk=rule.pk).update(opened_through=today)
    return opened


def _activity_open(*, rule: Rule, day: dt.date, now: dt.datetime) -> Activity | None:
    try:
        with transaction.atomic():
            activity = Activity.objects.create(
                unit=rule.unit,
                rule=rule,
                day=day,
                officer=rule.officer,
                pos=rule.pos,
                desa=rule.desa,
                place=rule.place,
                starts_at=rule.starts_at,
                opened_at=now,
            )
            case, _task = case_services.case_open_scheduled(
                sop_code=SOP_CODE,
                unit=rule.unit,
                subject=activity_subject(activity),
                entry=rule.pos,
                assignee=rule.officer,
                now=now,
            )
            activity.case = case
            activity.save(update_fields=["case"])
            audit_record(
                subject=activity,
                type="polmas.activity_opened",
                actor_id=None,
                unit_id=rule.unit_id,
                at=now,
                data={"rule": rule.pk, "day": day.isoformat(), "case": case.number},
            )
            return activity
    except IntegrityError:
        return None  # another run opened it first


def grace() -> dt.timedelta:
    """How long after the end of its day an activity can still be recorded
    (``TRANTIB_POLMAS_GRACE_HOURS``, default 12: Friday's Pos Satria until Saturday noon)."""
    return dt.timedelta(hours=float(getattr(settings, "TRANTIB_POLMAS_GRACE_HOURS", 12)))


def activities_mark_missed(*, now: dt.datetime | None = None) -> int:
    """Mark missed every planned activity whose day ended more than :func:`grace` ago in its
    unit's zone; its POLMAS case is cancelled with the reason. The count marked. Each activity
    is its own transaction: one that fails is logged and the others are still marked."""
    now = now or timezone.now()
    wait = grace()
    marked = 0
    late = Activity.objects.filter(status=ActivityStatus.PLANNED).select_related("unit")
    for activity in late:
        if activity.day >= (now.astimezone(activity.unit.zone()) - wait).date():
            continue
        try:
            if _activity_miss(activity_id=activity.pk, now=now):
                marked += 1
        except Exception:  # one activity's failure never stops the others, run after run
            logger.exception("polmas activity %s not marked missed", activity.pk)
    return marked


@transaction.atomic
def _activity_miss(*, activity_id: int, now: dt.datetime) -> bool:
    activity = Activity.objects.select_for_update().get(pk=activity_id)
    if activity.status != ActivityStatus.PLANNED:
        return False
    activity.status, activity.missed_at = ActivityStatus.MISSED, now
    activity.save(update_fields=["status", "missed_at"])
    if activity.case_id is not None:
        case = Case.objects.get(pk=activity.case_id)
        if case.status == CaseStatus.OPEN:
            case_services.case_cancel(
                case=case,
                actor=None,
                reason=_("Kegiatan tidak dicatat sampai akhir hari: tidak dilaksanakan."),
                now=now,
            )
    audit_record(
        subject=activity,
        type="polmas.activity_missed",
        actor_id=None,
        unit_id=activity.unit_id,
        at=now,
        data={"day": activity.day.isoformat()},
    )
    return True


# -- the record ----------------------------------------------------------------------------------


def _coordinate(value: Any, *, field: str, bound: int) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or not (-bound <= number <= bound):
        raise Invalid(
            _("Koordinat harus angka antara -%(b)s dan %(b)s.") % {"b": bound}, field=field
        )
    return number.quantize(Decimal("0.000001"))


def activity_task(activity: Activity) -> Task | None:
    """The live POLMAS task of a planned activity."""
    if activity.case_id is None:
        return None
    return (
        Task.objects.filter(
            case_id=activity.case_id, status__in=[TaskStatus.OPEN, TaskStatus.CLAIMED]
        )
        .order_by("pk")
        .first()
    )


@transaction.atomic
def activity_record(
    *,
    activity: Activity,
    actor: Person,
    held_at: dt.datetime,
    held_place: str,
    attendance: int,
    attendees: Any = (),
    topics: Any = (),
    kelengkapan: Sequence[str] = (),
    peralatan: Sequence[str] = (),
    warnings_kept: bool = False,
    notes: str = "",
    latitude: Any = None,
    longitude: Any = None,
    photos: Photos = (),
    now: dt.datetime | None = None,
) -> Activity:
    """Record a planned activity as held, and complete its POLMAS task with the record's facts
    (time, place, who came, the residents' concerns and the material, the photos, the
    Peringatan kept, the Pos's Kelengkapan ticked). Only its own officer."""
    now = now or timezone.now()
    activity = (
        Activity.objects.select_for_update(of=("self",)).select_related("unit").get(pk=activity.pk)
    )
    if activity.officer_id != actor.pk:
        raise NotAllowed(
            _("Kegiatan ini dicatat oleh Bhabinkamtibmas-nya sendiri."), field="activity"
        )
    if activity.status != ActivityStatus.PLANNED:
        raise Conflict(
            _("Kegiatan ini sudah berstatus “%(status)s”.")
            % {"status": activity.get_status_display()},
            field="activity",
        )
    if not isinstance(held_at, dt.datetime) or timezone.is_naive(held_at):
        raise Invalid(_("Waktu pelaksanaan wajib diisi."), field="held_at")
    if held_at > now + dt.timedelta(minutes=5):
        raise Invalid(_("Waktu pelaksanaan tidak boleh di masa depan."), field="held_at")
    place = _text(held_place, field="held_place", label=_("Tempat"), limit=200, required=True)
    try:
        count = int(attendance)
    except (TypeError, ValueError):
        raise Invalid(_("Jumlah hadir harus angka."), field="attendance") from None
    if not 0 <= count <= 100_000:
        raise Invalid(_("Jumlah hadir harus antara 0 dan 100000."), field="attendance")
    who = _lines(attendees, field="attendees", label=_("Yang hadir"))
    about = _lines(topics, field="topics", label=_("Topik"))
    if not about:
        raise Invalid(_("Tuliskan paling sedikit satu topik yang dibahas."), field="topics")
    note = _text(notes, field="notes", label=_("Catatan"), limit=4000)
    if not warnings_kept:
        raise Invalid(
            _(
                "Konfirmasi bahwa Peringatan SOP dipatuhi (tidak menjurus ke unsur SARA, tidak "
                "tentang kampanye politik, tidak menyinggung perasaan)."
            ),
            field="warnings_kept",
        )
    lat = _coordinate(latitude, field="latitude", bound=90)
    lon = _coordinate(longitude, field="longitude", bound=180)
    if (lat is None) != (lon is None):
        raise Invalid(
            _("Lintang dan bujur diisi berdua, atau tidak sama sekali."), field="latitude"
        )
    task = activity_task(activity)
    if task is None:
        raise Conflict(_("Tugas POLMAS kegiatan ini sudah tidak berjalan."), field="activity")
    spec = case_services.spec_in_force(SOP_CODE)
    step, binding = pos_step(spec, activity.pos)
    unknown = [k for k in kelengkapan if k not in step.requirements]
    if unknown:
        raise Invalid(
            _("“%(item)s” bukan kelengkapan %(pos)s.")
            % {"item": unknown[0], "pos": activity.get_pos_display()},
            field="kelengkapan",
        )
    tools = list(spec.identity.peralatan_perlengkapan)
    unknown = [k for k in peralatan if k not in tools]
    if unknown:
        raise Invalid(
            _("“%(item)s” bukan peralatan SOP.") % {"item": unknown[0]}, field="peralatan"
        )
    issues = list(activity.issues.order_by("pk"))
    concerns = "\n".join(i.text for i in issues) or _("Tidak ada keluhan yang disampaikan.")
    location: dict[str, Any] = {"address": f"{place}, {activity.desa}"}
    if lat is not None and lon is not None:
        location.update(lat=float(lat), lon=float(lon))
    data: dict[str, Any] = {}

    def put(role: str, value: Any) -> None:
        name = binding.field(role)
        if name:
            data[name] = value

    put("time", timezone.localtime(held_at, activity.unit.zone()).isoformat())
    put("place", location)
    put("attendees", who or [_("%(n)s warga") % {"n": count}])
    put("concerns", concerns)
    put("material", "\n".join(about))
    put("warnings_kept", True)
    photo_field = binding.field("photos")
    uploads = {photo_field or "": list(photos)} if photos else None
    activity.status = ActivityStatus.HELD
    activity.held_at, activity.held_place = held_at, place
    activity.latitude, activity.longitude = lat, lon
    activity.attendance, activity.attendees, activity.topics = count, who, about
    activity.kelengkapan = [r for r in step.requirements if r in kelengkapan]
    activity.peralatan = [t for t in tools if t in peralatan]
    activity.warnings_kept, activity.notes = True, note
    activity.recorded_by, activity.recorded_at = actor, now
    # Saved before the task completes: the step hook then finds the activity already held.
    activity.save()
    case_services.task_complete(
        task=task,
        actor=actor,
        data=data,
        requirements=activity.kelengkapan,
        uploads=uploads,
        now=now,
    )
    audit_record(
        subject=activity,
        type="polmas.activity_recorded",
        actor_id=actor.pk,
        unit_id=activity.unit_id,
        at=now,
        data={
            "held_at": held_at.isoformat(),
            "place": place,
            "attendance": count,
            "topics": about,
            "kelengkapan": activity.kelengkapan,
            "peralatan": activity.peralatan,
            "photos": len(photos),
        },
    )
    return activity


class ActivityHook:
    """The ``polmas_activity`` step hook: a Pos task completed from the case page (not from the
    register's form) still marks its scheduled activity held, with what the step recorded."""

    def prepare(self, *, data: dict[str, Any], **_kw: Any) -> dict[str, Any]:
        return data

    def completed(
        self,
        *,
        case: Case,
        binding: Binding,
        recorded: dict[str, Any],
        actor: Person | None,
        now: dt.datetime,
        **_kw: Any,
    ) -> None:
        activity = (
            Activity.objects.select_for_update()
            .filter(case_id=case.pk, status=ActivityStatus.PLANNED)
            .first()
        )
        if activity is None:
            return
        place = recorded.get(binding.field("place") or "") or {}
        attendees = recorded.get(binding.field("attendees") or "") or []
        material = str(recorded.get(binding.field("material") or "") or "")
        activity.status, activity.held_at = ActivityStatus.HELD, now
        activity.held_place = str(place.get("address") or activity.place)[:200]
        activity.attendees = [str(a) for a in attendees][:200]
        activity.attendance = len(activity.attendees)
        activity.topics = [line for line in material.splitlines() if line.strip()]
        activity.warnings_kept = bool(recorded.get(binding.field("warnings_kept") or ""))
        activity.recorded_by, activity.recorded_at = actor, now
        activity.save()
        audit_record(
            subject=activity,
            type="polmas.activity_recorded",
            actor_id=actor.pk if actor else None,
            unit_id=activity.unit_id,
            at=now,
            data={"from": "case", "case": case.number},
        )


# -- residents' issues ---------------------------------------------------------------------------


@transaction.atomic
def issue_raise(
    *,
    activity: Activity,
    actor: Person,
    text: str,
    desa: str = "",
    place: str = "",
    resident_name: str = "",
    resident_contact: str = "",
    category: Category | None = None,
    now: dt.datetime | None = None,
) -> Issue:
    """Note a matter residents raised at ``activity``; with a ``category``, file it as a
    complaint through the complaints intake (channel: in person, taken by ``actor``), which
    routes it to the unit that handles that desa and category — often not this one."""
    now = now or timezone.now()
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.officer_id != actor.pk:
        raise NotAllowed(
            _("Permasalahan warga dicatat oleh Bhabinkamtibmas kegiatan ini."), field="activity"
        )
    if activity.status == ActivityStatus.MISSED:
        raise Conflict(_("Kegiatan ini tidak dilaksanakan."), field="activity")
    text = _text(text, field="text", label=_("Uraian permasalahan"), limit=4000, required=True)
    desa = _text(desa or activity.desa, field="desa", label=_("Desa/kelurahan"), limit=100)
    place = _text(place, field="place", label=_("Tempat"), limit=300)
    name = _text(resident_name, field="resident_name", label=_("Nama warga"), limit=120)
    contact = _text(resident_contact, field="resident_contact", label=_("Kontak warga"), limit=30)
    complaint: Complaint | None = None
    if category is not None:
        try:
            complaint = complaint_services.complaint_file(
                channel=Channel.COUNTER,
                category=category,
                description=text,
                address=place,
                kelurahan=desa,
                reporter_name=name,
                reporter_phone=contact,
                actor=actor,
                now=now,
            )
        except Invalid as exc:
            field = {
                "description": "text",
                "kelurahan": "desa",
                "address": "place",
                "reporter_name": "resident_name",
                "reporter_phone": "resident_contact",
            }.get(exc.field or "", exc.field)
            raise Invalid(exc.message, field=field) from None
    issue = Issue.objects.create(
        unit=activity.unit,
        activity=activity,
        text=text,
        desa=desa,
        place=place,
        resident_name=name,
        resident_contact=contact,
        complaint=complaint,
        raised_by=actor,
        created_at=now,
    )
    audit_record(
        subject=activity,
        type="polmas.issue_raised",
        actor_id=actor.pk,
        unit_id=activity.unit_id,
        at=now,
        data={
            "issue": issue.pk,
            "complaint": complaint.tracking if complaint else None,
            "complaint_unit": complaint.unit.code if complaint else None,
        },
    )
    return issue
