"""Every change to the patrol programme: areas, the month's plan and its days, the daily report.

Each service is one transaction that writes its rows and one audit event
(:func:`trantib.core.audit.audit_record` on the area or the plan; the daily report's completion
of the SOP task is a case event written by ``task_complete``). The SOP is read through its
bindings (:mod:`trantib.engine.bindings`): ``patrol_schedule`` names the step whose dates and
team come from the plan, ``patrol_day`` the scheduled patrol a report completes.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trantib.accounts.models import OrgUnit, Person
from trantib.accounts.selectors import person_holds_role
from trantib.cases import services as case_services
from trantib.cases.models import Case, CaseStatus, EventType, Task, TaskStatus
from trantib.cases.selectors import unit_members
from trantib.cases.services import person_holds_any
from trantib.core.audit import audit_record
from trantib.core.dates import date_id
from trantib.core.errors import Conflict, Invalid, NotAllowed
from trantib.core.text import has_control_characters
from trantib.engine.bindings import ContractName
from trantib.engine.spec import FieldType, SOPSpec, Step
from trantib.sops import registry

from .models import Area, Plan, PlanDay, Report, ReportFinding, ReportPlace

MAX_PLACES = 20
MAX_FINDINGS = 10


# -- who plans: the roles of the SOP's steps up to its schedule ---------------------------------


def schedule_step(spec: SOPSpec) -> Step | None:
    found = spec.binding(ContractName.PATROL_SCHEDULE)
    return found[0] if found else None


def patrol_step(spec: SOPSpec) -> Step | None:
    found = spec.binding(ContractName.PATROL_DAY)
    return found[0] if found else None


def planner_roles(spec: SOPSpec) -> frozenset[str]:
    """The roles that plan a patrol month: those of the steps up to the schedule step (PPW:
    Kasat, Kabid and Kasie); the patrol officers only report."""
    schedule = schedule_step(spec)
    if schedule is None:
        return frozenset()
    roles: set[str] = set()
    for step in spec.steps:
        roles.add(step.role)
        if step.id == schedule.id:
            break
    return frozenset(roles)


@functools.cache
def patrol_specs() -> tuple[SOPSpec, ...]:
    """The SOPs in force that run a patrol programme (bind ``patrol_schedule``)."""
    return tuple(s for s in registry.current() if schedule_step(s) is not None)


def planner_positions(unit: OrgUnit, spec: SOPSpec | None = None) -> set[str]:
    """The position codes of ``unit`` that fill the planner roles of ``spec`` (default: of
    every patrol SOP in force), through the unit's adoption of each (decision 0015)."""
    specs = (spec,) if spec is not None else patrol_specs()
    codes: set[str] = set()
    for s in specs:
        positions = case_services.role_map(s, unit)
        codes |= {positions.get(role, role) for role in planner_roles(s)}
    return codes


def may_plan(person: Person | None, unit: OrgUnit, spec: SOPSpec | None = None) -> bool:
    """Whether ``person`` plans patrols (and manages the wilayah) in ``unit``: they hold a
    position there that fills a planner role."""
    if person is None:
        return False
    return person_holds_any(person, unit, planner_positions(unit, spec))


def patrol_position(spec: SOPSpec, unit: OrgUnit) -> str | None:
    """The position code of ``unit`` that fills the role of the SOP's patrol step (the officers
    who patrol and report), or None for an SOP without one."""
    patrol = patrol_step(spec)
    return case_services.role_position(spec, unit, patrol.role) if patrol else None


def _refuse_unless_planner(actor: Person, unit: OrgUnit, spec: SOPSpec | None = None) -> None:
    if not may_plan(actor, unit, spec):
        raise NotAllowed(
            _("Hanya Kasat, Kabid dan Kasie unit ini yang menyusun rencana patroli."),
            field="plan",
        )


MAX_ID = 2**63 - 1  # the largest id SQLite and PostgreSQL store


def _plain(text: str, *, field: str, label: str) -> str:
    """``text`` stripped, refused when it holds a control character (NUL cannot even be
    stored by PostgreSQL), naming the field."""
    text = (text or "").strip()
    if has_control_characters(text):
        raise Invalid(
            _("%(label)s berisi karakter kendali yang tidak dapat disimpan.") % {"label": label},
            field=field,
        )
    return text


def _ids(values: Iterable[Any], *, field: str, label: str) -> set[int]:
    """Database ids as given (ints or digit strings), refused outside 1…2⁶³−1."""
    out = set()
    for value in values:
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = 0
        if not 1 <= number <= MAX_ID:
            raise Invalid(_("%(label)s tidak dikenal.") % {"label": label}, field=field)
        out.add(number)
    return out


# -- wilayah -------------------------------------------------------------------------------------


def _area_fields(name: str, description: str, outline: Any) -> tuple[str, str, Any]:
    name = _plain(name, field="name", label=_("“Nama wilayah”"))
    if not name:
        raise Invalid(_("“Nama wilayah” wajib diisi."), field="name")
    if len(name) > 120:
        raise Invalid(_("“Nama wilayah” paling panjang 120 karakter."), field="name")
    description = _plain(description, field="description", label=_("“Keterangan”"))[:300]
    if outline in ("", {}, None):
        outline = None
    else:
        from trantib.accounts.models import outline_validate

        try:
            outline_validate(outline)
        except ValidationError as exc:
            raise Invalid(" ".join(exc.messages), field="outline") from None
    return name, description, outline


@transaction.atomic
def area_create(
    *,
    unit: OrgUnit,
    actor: Person,
    name: str,
    description: str = "",
    outline: Any = None,
    now: dt.datetime | None = None,
) -> Area:
    now = now or timezone.now()
    _refuse_unless_planner(actor, unit)
    name, description, outline = _area_fields(name, description, outline)
    if Area.objects.filter(unit=unit, name__iexact=name).exists():
        raise Invalid(_("Wilayah “%(name)s” sudah ada.") % {"name": name}, field="name")
    area = Area.objects.create(
        unit=unit,
        name=name,
        description=description,
        outline=outline,
        created_at=now,
        created_by=actor,
    )
    audit_record(
        subject=area,
        type="patrol_area_created",
        actor_id=actor.pk,
        unit_id=unit.pk,
        at=now,
        data={"name": name, "description": description, "outline": outline},
    )
    return area


@transaction.atomic
def area_update(
    *,
    area: Area,
    actor: Person,
    name: str,
    description: str = "",
    outline: Any = None,
    active: bool = True,
    now: dt.datetime | None = None,
) -> Area:
    now = now or timezone.now()
    _refuse_unless_planner(actor, area.unit)
    name, description, outline = _area_fields(name, description, outline)
    if Area.objects.filter(unit=area.unit, name__iexact=name).exclude(pk=area.pk).exists():
        raise Invalid(_("Wilayah “%(name)s” sudah ada.") % {"name": name}, field="name")
    before = {"name": area.name, "description": area.description, "active": area.active}
    area.name, area.description, area.outline, area.active = name, description, outline, active
    area.save(update_fields=["name", "description", "outline", "active"])
    audit_record(
        subject=area,
        type="patrol_area_changed",
        actor_id=actor.pk,
        unit_id=area.unit_id,
        at=now,
        data={
            "before": before,
            "after": {"name": name, "description": description, "active": active},
            "outline": outline,
        },
    )
    return area


# -- the plan of a month -------------------------------------------------------------------------


def case_month(spec: SOPSpec, case: Case) -> dt.date | None:
    """The programme's month: the first date the case's first step records (kept under
    ``_start`` while a letter guard still holds that step)."""
    start = spec.start
    data = case.state.get("data", {}) if isinstance(case.state, dict) else {}
    recorded = data.get(start.id) or data.get("_start") or {}
    for f in start.records:
        if f.type in (FieldType.DATE, FieldType.DATETIME) and recorded.get(f.name):
            try:
                day = dt.date.fromisoformat(str(recorded[f.name])[:10])
            except ValueError:
                continue
            return day.replace(day=1)
    return None


def _schedule_done(plan: Plan, spec: SOPSpec) -> bool:
    schedule = schedule_step(spec)
    return schedule is not None and (
        Task.objects.filter(case_id=plan.case_id, step_id=schedule.id, status=TaskStatus.DONE)
        .order_by()
        .exists()
    )


@transaction.atomic
def plan_create(*, case: Case, actor: Person, now: dt.datetime | None = None) -> Plan:
    """The plan of a programme case (one per case); the month from the case's first step."""
    now = now or timezone.now()
    spec = case_services.case_spec(case)
    if schedule_step(spec) is None:
        raise Invalid(_("SOP kasus ini tidak memiliki jadwal patroli."), field="case")
    _refuse_unless_planner(actor, case.unit, spec)
    if case.status != CaseStatus.OPEN:
        raise Conflict(_("Kasus ini sudah selesai."), field="case")
    Case.objects.select_for_update().filter(pk=case.pk).first()  # one plan per case: wait here
    existing = Plan.objects.filter(case=case).first()
    if existing is not None:
        return existing
    month = case_month(spec, case)
    if month is None:
        raise Invalid(_("Bulan program patroli belum dicatat pada kasus ini."), field="case")
    try:
        with transaction.atomic():
            plan = Plan.objects.create(
                unit=case.unit, case=case, month=month, created_at=now, created_by=actor
            )
    except IntegrityError:  # another request made the plan between the check and here
        raise Conflict(_("Rencana patroli kasus ini sudah dibuat."), field="case") from None
    audit_record(
        subject=plan,
        type="patrol_plan_created",
        actor_id=actor.pk,
        unit_id=case.unit_id,
        at=now,
        data={"case": case.number, "month": month.isoformat()},
    )
    return plan


@dataclass
class DayInput:
    """What a day of the plan holds, as a planner gives it (bulk or one day)."""

    starts: dt.time | None
    ends: dt.time | None
    areas: Sequence[int] = ()
    route: str = ""
    danru: int | None = None
    members: Sequence[int] = field(default_factory=list)


def _month_days(month: dt.date) -> list[dt.date]:
    day, days = month, []
    while day.month == month.month:
        days.append(day)
        day += dt.timedelta(days=1)
    return days


def days_pick(month: dt.date, *, dates: Iterable[dt.date] = (), weekdays: Iterable[int] = ()):
    """The days a bulk addition names: the dates picked plus every day of the month on one of
    ``weekdays`` (0 = Monday), in order."""
    wanted = {int(w) for w in weekdays}
    picked = set(dates) | {d for d in _month_days(month) if d.weekday() in wanted}
    return sorted(picked)


def _check_day_input(plan: Plan, spec: SOPSpec, data: DayInput) -> tuple[list[Area], list[Person]]:
    if data.starts is None:
        raise Invalid(_("“Jam mulai” wajib diisi, misalnya 08.00."), field="starts")
    if data.ends is None:
        raise Invalid(_("“Jam selesai” wajib diisi, misalnya 12.00."), field="ends")
    if data.starts == data.ends:
        raise Invalid(_("Jam selesai harus berbeda dari jam mulai."), field="ends")
    area_ids = _ids(data.areas, field="areas", label=_("Wilayah"))
    areas = list(Area.objects.filter(unit=plan.unit, pk__in=area_ids, active=True))
    if len(areas) != len(area_ids):
        raise Invalid(_("Wilayah yang dipilih bukan wilayah unit ini."), field="areas")
    route = _plain(data.route, field="route", label=_("“Rute”"))
    if not areas and not route:
        raise Invalid(_("Pilih wilayah atau isi rute patroli."), field="areas")
    if len(route) > 300:
        raise Invalid(_("“Rute” paling panjang 300 karakter."), field="route")
    if data.danru is None:
        raise Invalid(_("Pilih Danru (komandan regu)."), field="danru")
    danru_id = _ids([data.danru], field="danru", label=_("Danru"))
    member_ids = _ids(data.members, field="members", label=_("Anggota regu")) | danru_id
    members = list(unit_members(plan.unit).filter(pk__in=member_ids))
    if len(members) != len(member_ids):
        raise Invalid(_("Anggota regu harus orang unit ini."), field="members")
    patrol = patrol_step(spec)
    position = patrol_position(spec, plan.unit)
    danru = next(p for p in members if p.pk == int(data.danru))
    if patrol is not None and position and not person_holds_role(danru, plan.unit, position):
        raise Invalid(
            _("%(who)s tidak memegang jabatan %(role)s: Danru harus petugas patroli.")
            % {"who": danru.full_name, "role": spec.role(patrol.role).name},
            field="danru",
        )
    return areas, members


def _checked(data: DayInput) -> tuple[dt.time, dt.time, int]:
    """The shift and Danru of an input that ``_check_day_input`` accepted."""
    if data.starts is None or data.ends is None or data.danru is None:
        raise Invalid(_("Jam dan Danru wajib diisi."), field="starts")
    return data.starts, data.ends, int(data.danru)


def _day_summary(day: PlanDay) -> dict[str, Any]:
    return {
        "day": day.day.isoformat(),
        "starts": day.starts.strftime("%H:%M"),
        "ends": day.ends.strftime("%H:%M"),
        "areas": sorted(a.pk for a in day.areas.all()),
        "route": day.route,
        "danru": day.danru_id,
        "members": sorted(m.pk for m in day.members.all()),
    }


@transaction.atomic
def plan_days_add(
    *,
    plan: Plan,
    actor: Person,
    days: Sequence[dt.date],
    data: DayInput,
    now: dt.datetime | None = None,
) -> list[PlanDay]:
    """Add the same shift, area and team on each of ``days`` (bulk)."""
    now = now or timezone.now()
    plan = (
        Plan.objects.select_for_update(of=("self",)).select_related("case", "unit").get(pk=plan.pk)
    )
    spec = case_services.case_spec(plan.case)
    _refuse_unless_planner(actor, plan.unit, spec)
    _refuse_if_fixed(plan, spec)
    if not days:
        raise Invalid(_("Pilih sekurang-kurangnya satu tanggal atau hari."), field="days")
    outside = [d for d in days if (d.year, d.month) != (plan.month.year, plan.month.month)]
    if outside:
        raise Invalid(
            _("%(day)s di luar bulan rencana ini.") % {"day": date_id(outside[0])}, field="days"
        )
    taken = set(plan.days.filter(day__in=days).values_list("day", flat=True))
    if taken:
        raise Invalid(
            _("%(day)s sudah ada dalam rencana; ubah hari itu saja.")
            % {"day": date_id(min(taken))},
            field="days",
        )
    areas, members = _check_day_input(plan, spec, data)
    starts, ends, danru = _checked(data)
    made = []
    for day in sorted(set(days)):
        row = PlanDay.objects.create(
            unit=plan.unit,
            plan=plan,
            day=day,
            starts=starts,
            ends=ends,
            route=(data.route or "").strip(),
            danru_id=danru,
        )
        row.areas.set(areas)
        row.members.set(members)
        made.append(row)
    audit_record(
        subject=plan,
        type="patrol_days_added",
        actor_id=actor.pk,
        unit_id=plan.unit_id,
        at=now,
        data={"days": [_day_summary(d) for d in made]},
    )
    return made


def _refuse_if_fixed(plan: Plan, spec: SOPSpec) -> None:
    if _schedule_done(plan, spec):
        raise Conflict(
            _(
                "Jadwal bulan ini sudah ditetapkan pada langkah “%(step)s”: tanggal tidak dapat "
                "ditambah atau dihapus lagi. Regu, jam dan wilayah setiap hari tetap dapat diubah."
            )
            % {"step": schedule_step(spec).display_title},  # type: ignore[union-attr]
            field="days",
        )


@transaction.atomic
def plan_day_update(
    *, day: PlanDay, actor: Person, data: DayInput, now: dt.datetime | None = None
) -> PlanDay:
    """Change one day's shift, area or team; its patrol task follows the new Danru."""
    now = now or timezone.now()
    day = PlanDay.objects.select_related("plan__case", "unit").get(pk=day.pk)
    plan = day.plan
    spec = case_services.case_spec(plan.case)
    _refuse_unless_planner(actor, plan.unit, spec)
    if Report.objects.filter(day=day).exists():
        raise Conflict(_("Hari ini sudah dilaporkan; rencananya tidak dapat diubah."), field="day")
    areas, members = _check_day_input(plan, spec, data)
    before = _day_summary(day)
    day.starts, day.ends = data.starts, data.ends  # type: ignore[assignment]
    day.route, day.danru_id = (data.route or "").strip(), int(data.danru)  # type: ignore[arg-type]
    day.save(update_fields=["starts", "ends", "route", "danru"])
    day.areas.set(areas)
    day.members.set(members)
    audit_record(
        subject=plan,
        type="patrol_day_changed",
        actor_id=actor.pk,
        unit_id=plan.unit_id,
        at=now,
        data={"before": before, "after": _day_summary(day)},
    )
    if day.task_id is not None:
        _task_give(day=day, person=day.danru, actor=actor, now=now)
    return day


@transaction.atomic
def plan_day_remove(*, day: PlanDay, actor: Person, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    day = PlanDay.objects.select_related("plan__case", "unit").get(pk=day.pk)
    plan = day.plan
    spec = case_services.case_spec(plan.case)
    _refuse_unless_planner(actor, plan.unit, spec)
    _refuse_if_fixed(plan, spec)
    summary = _day_summary(day)
    day.delete()
    audit_record(
        subject=plan,
        type="patrol_day_removed",
        actor_id=actor.pk,
        unit_id=plan.unit_id,
        at=now,
        data={"day": summary},
    )


def _task_give(*, day: PlanDay, person: Person, actor: Person | None, now: dt.datetime) -> None:
    """Give the day's live patrol task to ``person`` (its Danru, or the member who reports),
    as a case event: the task leaves the other officers' lists."""
    task = day.task
    if task is None or task.status not in (TaskStatus.OPEN, TaskStatus.CLAIMED):
        return
    if task.assignee_id == person.pk:
        return
    case = case_services.case_lock(task.case_id)
    before = task.assignee_id
    Task.objects.filter(pk=task.pk).update(
        assignee=person, status=TaskStatus.CLAIMED, claimed_at=now
    )
    case_services.case_event_record(
        case=case,
        type=EventType.TASK_REASSIGNED,
        actor=actor,
        task=task,
        at=now,
        data={
            "step": task.step_id,
            "occurrence": task.occurrence,
            "before": {"assignee": before},
            "after": {"assignee": person.pk},
            "reason": "regu patroli",
        },
    )


def schedule_tasks_assign(*, case: Case, actor: Person | None, now: dt.datetime) -> None:
    """After the schedule step: each day's patrol task goes to its Danru (called by the
    ``patrol_schedule`` hook, inside ``task_complete``'s transaction)."""
    plan = Plan.objects.filter(case=case).first()
    if plan is None:
        return
    spec = case_services.case_spec(case)
    patrol = patrol_step(spec)
    if patrol is None:
        return
    tasks = {
        t.occurrence[:10]: t
        for t in Task.objects.filter(case=case, step_id=patrol.id).exclude(
            status=TaskStatus.CANCELLED
        )
    }
    for day in plan.days.select_related("danru"):
        task = tasks.get(day.day.isoformat())
        if task is None:
            continue
        day.task = task
        day.save(update_fields=["task"])
        _task_give(day=day, person=day.danru, actor=actor, now=now)


# -- the daily report ----------------------------------------------------------------------------


@dataclass
class PlaceInput:
    name: str
    latitude: float | None = None
    longitude: float | None = None


@dataclass
class FindingInput:
    """One finding as the report form posts it: ``prefix`` is where its violator and
    articles were posted (the enforcement includes), ``data`` the whole post."""

    prefix: str
    place: str = ""
    latitude: float | None = None
    longitude: float | None = None
    description: str = ""
    photos: Sequence[Any] = ()


def may_report(person: Person | None, day: PlanDay) -> bool:
    """A member of the day's team who holds the patrol role reports it."""
    if person is None:
        return False
    if not day.members.filter(pk=person.pk).exists():
        return False
    position = patrol_position(case_services.case_spec(day.plan.case), day.unit)
    return position is not None and person_holds_role(person, day.unit, position)


def _check_times(started: dt.time | None, ended: dt.time | None) -> None:
    if started is None:
        raise Invalid(_("“Jam mulai” wajib diisi, misalnya 08.00."), field="started")
    if ended is None:
        raise Invalid(_("“Jam selesai” wajib diisi, misalnya 11.30."), field="ended")
    if started == ended:
        raise Invalid(_("Jam selesai harus berbeda dari jam mulai."), field="ended")


def _check_point(lat: float | None, lon: float | None, field_name: str) -> None:
    if (lat is None) != (lon is None):
        raise Invalid(_("Titik peta harus berisi lintang dan bujur."), field=field_name)
    if lat is not None and lon is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise Invalid(_("Titik peta di luar jangkauan lintang/bujur."), field=field_name)


def day_where(day: PlanDay) -> str:
    """The day's areas and route in one line."""
    names = [a.name for a in day.areas.all()]
    if day.route:
        names.append(day.route)
    return ", ".join(names)


@transaction.atomic
@case_services.files_kept_on_success()
def report_submit(
    *,
    day: PlanDay,
    actor: Person,
    started: dt.time | None,
    ended: dt.time | None,
    places: Sequence[PlaceInput],
    result: str,
    nihil: bool,
    findings: Sequence[FindingInput] = (),
    form: Mapping[str, Any] | None = None,
    photos: Sequence[tuple[str, Any]] = (),
    now: dt.datetime | None = None,
) -> Report:
    """The team's report of ``day``: the report, each finding opening its enforcement case
    (linked to the month's case), and the day's patrol task completed from it, all in one
    transaction: a bad field anywhere keeps nothing."""
    now = now or timezone.now()
    # Locked first: a second submit of the same day waits here, then finds the report.
    PlanDay.objects.select_for_update().filter(pk=day.pk).first()
    day = PlanDay.objects.select_related("plan__case__unit", "unit", "task").get(pk=day.pk)
    case = day.plan.case
    if Report.objects.filter(day=day).exists():
        raise Conflict(_("Hari patroli ini sudah dilaporkan."), field="day")
    if not may_report(actor, day):
        raise NotAllowed(_("Hanya anggota regu hari ini yang melaporkan patrolinya."), field="day")
    if day.task is None or day.task.status not in (TaskStatus.OPEN, TaskStatus.CLAIMED):
        raise Conflict(
            _("Patroli hari ini belum dijadwalkan pada kasus (langkah jadwal belum selesai)."),
            field="day",
        )
    if day.day > now.astimezone(day.unit.zone()).date():
        raise Invalid(
            _("Patroli %(day)s belum tiba; laporkan pada hari itu atau sesudahnya.")
            % {"day": date_id(day.day)},
            field="day",
        )
    _check_times(started, ended)
    kept = [p for p in places if p.name.strip() or p.latitude is not None]
    if not kept:
        raise Invalid(_("Catat sekurang-kurangnya satu tempat yang dikunjungi."), field="places")
    if len(kept) > MAX_PLACES:
        raise Invalid(_("Paling banyak %(n)s tempat.") % {"n": MAX_PLACES}, field="places")
    for i, place in enumerate(kept):
        _plain(place.name, field=f"place-{i}-name", label=_("Nama tempat"))
        if not place.name.strip():
            raise Invalid(_("Setiap tempat perlu nama."), field=f"place-{i}-name")
        _check_point(place.latitude, place.longitude, f"place-{i}-name")
    result = _plain(result, field="result", label=_("“Hasil patroli”"))
    if not result:
        raise Invalid(_("“Hasil patroli” wajib diisi."), field="result")
    if nihil and findings:
        raise Invalid(
            _("Laporan nihil tidak memuat temuan: hapus temuan atau batalkan “nihil”."),
            field="nihil",
        )
    if not nihil and not findings:
        raise Invalid(_("Pilih “nihil” atau catat sekurang-kurangnya satu temuan."), field="nihil")
    if len(findings) > MAX_FINDINGS:
        raise Invalid(_("Paling banyak %(n)s temuan.") % {"n": MAX_FINDINGS}, field="findings")
    if started is None or ended is None:  # refused above; for the type checker
        raise Invalid(_("“Jam mulai” wajib diisi, misalnya 08.00."), field="started")
    for finding in findings:
        _plain(finding.place, field=f"{finding.prefix}-place", label=_("Lokasi temuan"))
        _plain(finding.description, field=f"{finding.prefix}-description", label=_("Uraian"))
    try:
        with transaction.atomic():
            report = Report.objects.create(
                unit=day.unit,
                day=day,
                started=started,
                ended=ended,
                result=result,
                nihil=nihil,
                submitted_at=now,
                submitted_by=actor,
            )
    except IntegrityError:  # saved by another request between the check and here
        raise Conflict(_("Laporan hari ini sudah disimpan."), field="day") from None
    ReportPlace.objects.bulk_create(
        [
            ReportPlace(
                report=report, name=p.name.strip()[:200], latitude=p.latitude, longitude=p.longitude
            )
            for p in kept
        ]
    )
    zone = day.unit.zone()
    found_at = dt.datetime.combine(day.day, started, tzinfo=zone)
    if found_at > now:
        found_at = now
    for finding in findings:
        _finding_open(
            report=report,
            day=day,
            actor=actor,
            finding=finding,
            form=form or {},
            found_at=found_at,
            now=now,
        )
    task = Task.objects.get(pk=day.task.pk)
    if task.assignee_id != actor.pk:
        day.task = task
        _task_give(day=day, person=actor, actor=actor, now=now)
        task.refresh_from_db()
    spec = case_services.case_spec(case)
    found = spec.binding(ContractName.PATROL_DAY)
    photos_field = found[1].field("photos") if found else None
    uploads = {photos_field or "": list(photos)} if photos else None
    case_services.task_complete(task=task, actor=actor, uploads=uploads, now=now)
    return report


def _finding_open(
    *,
    report: Report,
    day: PlanDay,
    actor: Person,
    finding: FindingInput,
    form: Mapping[str, Any],
    found_at: dt.datetime,
    now: dt.datetime,
) -> ReportFinding:
    from trantib.enforcement import services as enforcement

    prefix = finding.prefix
    _check_point(finding.latitude, finding.longitude, f"{prefix}-place")
    place = finding.place.strip()
    if not place and finding.latitude is None:
        raise Invalid(
            _("Catat lokasi temuan (nama tempat atau titik peta)."), field=f"{prefix}-place"
        )
    violator = enforcement.violator_pick(
        unit=day.unit, actor=actor, data=form, prefix=f"{prefix}-v", now=now
    )
    articles = enforcement.articles_pick(unit=day.unit, data=form, prefix=f"{prefix}-a")
    opened = enforcement.finding_open(
        unit=day.unit,
        actor=actor,
        violator=violator,
        articles=articles,
        place=place,
        latitude=finding.latitude,
        longitude=finding.longitude,
        description=finding.description.strip(),
        found_at=found_at,
        source="patroli",
        photos=tuple(finding.photos),
        parent_case=day.plan.case,
        now=now,
    )
    return ReportFinding.objects.create(report=report, enforcement=opened)


# -- what the SOP's steps record, from the plan and the reports ----------------------------------


def finding_line(finding: ReportFinding) -> str:
    """ "Darto (warung) — Pasal 5 Perda 8/2018 — Jl. Sudirman — PPTNG/PPW/2026/0012"."""
    enf = finding.enforcement
    articles = "; ".join(str(a) for a in enf.articles.all())
    parts = [enf.violator.name, articles, enf.place, enf.case.number if enf.case else ""]
    return " — ".join(p for p in parts if p)


def report_step_data(report: Report, spec: SOPSpec) -> dict[str, Any]:
    """The patrol step's fields as the daily report fills them (``patrol_day`` binding)."""
    found = spec.binding(ContractName.PATROL_DAY)
    if found is None:
        return {}
    binding = found[1]
    day = report.day
    places = list(report.places.all())
    where = day_where(day)
    visited = "; ".join(p.name for p in places)
    route: dict[str, Any] = {"address": f"{where} — {visited}" if where else visited}
    pointed = next((p for p in places if p.latitude is not None), None)
    if pointed is not None:
        route.update(lat=pointed.latitude, lon=pointed.longitude)
    team = ", ".join(m.full_name for m in day.members.all())
    result = _("%(start)s–%(end)s, regu %(team)s (Danru %(danru)s): %(result)s") % {
        "start": report.started.strftime("%H.%M"),
        "end": report.ended.strftime("%H.%M"),
        "team": team,
        "danru": day.danru.full_name,
        "result": report.result,
    }
    lines = [finding_line(f) for f in report.findings.all()] or [_("Nihil")]
    data: dict[str, Any] = {}
    if binding.field("route"):
        data[binding.field("route")] = route  # type: ignore[index]
    if binding.field("result"):
        data[binding.field("result")] = result  # type: ignore[index]
    if binding.field("findings"):
        data[binding.field("findings")] = lines  # type: ignore[index]
    return data


def month_finding_lines(plan: Plan) -> list[str]:
    findings = (
        ReportFinding.objects.filter(report__day__plan=plan)
        .select_related("enforcement__violator", "enforcement__case", "report__day")
        .prefetch_related("enforcement__articles__perda")
        .order_by("report__day__day", "pk")
    )
    return [f"{date_id(f.report.day.day)}: {finding_line(f)}" for f in findings]


def schedule_values(plan: Plan) -> tuple[list[str], list[int]]:
    days = list(plan.days.prefetch_related("members").order_by("day"))
    team = sorted({m.pk for d in days for m in d.members.all()})
    return [d.day.isoformat() for d in days], team
