"""Notices: work that arrives, deadlines that approach, the morning digest; reading them.

Every notice is made by :func:`notify`, inside the transaction of the service that causes it
(a completion offers the next task, a supervisor reassigns, the worker marks a task late), so
a notice exists exactly when its cause does. A person who chose to ALSO get notices by e-mail
or SMS (``Person.notify_email`` / ``notify_sms``) gets each one queued as an outbox message in
the same transaction. ``cases`` does not import the outbox: the outbox registers a sender per
channel (:func:`notice_sender_register`) in its ``ready()``, as domain apps register hooks.

Kinds and who gets them:

- ``task_offered``: a new work task, to each current holder of its position (not the person
  whose action offered it: they are looking at the case page that shows it). A scheduled
  occurrence (the patrol of the 24th) is announced by the digest of its day, not weeks ahead.
- ``task_returned``: the same, when a decision's ``loop: true`` branch sent the work back; the
  notes recorded at that decision go with it.
- ``task_assigned``: the person a supervisor reassigned a task to.
- after a hand-over, ``task_offered`` again: each live work task to the holders of its
  position in the new unit (:func:`tasks_handed_over_notify`).
- ``task_due_soon``: :func:`deadlines_warn`, ``TRANTIB_DEADLINE_LEAD_MINUTES`` before the due
  time, to the assignee or the holders; once per task and person (and again in a new unit
  after a hand-over, to its people).
- ``task_overdue``: :mod:`.deadlines`.
- ``digest``: :func:`digests_send`, once a day per person from ``TRANTIB_DIGEST_HOUR`` in
  their unit's zone, when something is due today or late.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from trantib.accounts.models import OrgUnit, Person
from trantib.accounts.selectors import holders_of, holders_to_notify
from trantib.core.errors import ServiceError
from trantib.core.links import absolute_url
from trantib.engine import runtime
from trantib.engine.spec import FieldType, SOPSpec, StepKind

from ..models import Case, Notification, Task, TaskKind, TaskStatus

logger = logging.getLogger("trantib.notices")

Kind = Notification.Kind
LIVE = [TaskStatus.OPEN, TaskStatus.CLAIMED]
DIGEST_TITLES = 5  # task titles listed in a digest; the rest are counted


class NoticeSender(Protocol):
    """Queue one notice for delivery outside the app, in the caller's transaction."""

    def __call__(
        self,
        *,
        unit: OrgUnit,
        channel: str,
        recipient: str,
        subject: str,
        body: str,
        case: Case | None,
        key: str,
        now: dt.datetime,
    ) -> None: ...


_SENDERS: dict[str, NoticeSender] = {}


def notice_sender_register(channel: str, send: NoticeSender) -> None:
    """Deliver notices by ``channel`` ("email", "sms") to the people who chose it."""
    _SENDERS[channel] = send


def notice_channels(person: Person) -> list[tuple[str, str]]:
    """The (channel, address) pairs ``person`` chose besides the app."""
    out = []
    if person.notify_email and person.email:
        out.append(("email", person.email))
    if person.notify_sms and person.phone:
        out.append(("sms", person.phone))
    return out


def notice_url(notice: Notification) -> str:
    """The absolute address that opens the notice (and marks it read), for e-mail and SMS:
    the public address, else the one the server listens on (as a citizen's links)."""
    return absolute_url(reverse("cases:notification_open", args=[notice.pk]))


def notify(
    *,
    kind: str,
    recipients: Iterable[Person],
    unit: OrgUnit,
    message: str,
    now: dt.datetime,
    case: Case | None = None,
    task: Task | None = None,
    day: dt.date | None = None,
    once: bool = False,
) -> list[Notification]:
    """One notice of ``kind`` per recipient (each person once), and its outbox messages for
    the people who chose e-mail or SMS. ``once``: skip people who already have this notice for
    this task (or, for a digest, this day) — the worker may run twice, and two workers at the
    same moment (:func:`_create_once`). Two queries whatever the number of recipients (with
    ``once``: one more, and each insert in a savepoint), plus one insert per outbox message."""
    people = {p.pk: p for p in recipients}
    if once and people:
        seen = Notification.objects.filter(recipient_id__in=people, kind=kind)
        seen = seen.filter(task=task) if task is not None else seen.filter(day=day)
        for pk in seen.values_list("recipient_id", flat=True):
            people.pop(pk, None)
    if not people:
        return []
    made = [
        Notification(
            unit=unit,
            recipient=p,
            kind=kind,
            case=case,
            task=task,
            day=day,
            message=message[:500],
            created_at=now,
        )
        for p in people.values()
    ]
    if once:
        notices = [n for n in made if _create_once(n)]
    else:
        notices = Notification.objects.bulk_create(made)
    for notice in notices:
        _deliver(notice, now=now)
    return notices


def _create_once(notice: Notification) -> bool:
    """Insert a once-only notice unless another worker's transaction inserted it since we
    looked: its unique constraint (``notification_once_per_task`` / ``_per_day``) makes ours
    wait for that transaction and then fail, in a savepoint, so the caller's work goes on.
    False when the other one won."""
    try:
        with transaction.atomic():
            notice.save(force_insert=True)
    except IntegrityError:
        twin = Notification.objects.filter(recipient=notice.recipient, kind=notice.kind)
        twin = twin.filter(task=notice.task) if notice.task is not None else twin
        twin = twin.filter(day=notice.day) if notice.day is not None else twin
        if (notice.task is None and notice.day is None) or not twin.exists():
            raise  # not a lost race: another integrity problem
        return False
    return True


def _deliver(notice: Notification, *, now: dt.datetime) -> None:
    channels = notice_channels(notice.recipient)
    if not channels:
        return
    subject = "Trantib: " + str(Kind(notice.kind).label)
    body = f"{notice.message}\n\n{notice_url(notice)}"
    for channel, address in channels:
        send = _SENDERS.get(channel)
        if send is None:
            continue
        try:
            send(
                unit=notice.unit,
                channel=channel,
                recipient=address,
                subject=subject,
                body=body,
                case=notice.case,
                key=f"notice-{notice.pk}-{channel}",
                now=now,
            )
        except ServiceError as exc:
            # An address that went bad after the person chose it (changed in the admin) must
            # not refuse the work that caused the notice; the notice is in the app all the same.
            logger.warning("notice %s not sent by %s: %s", notice.pk, channel, exc.message)


# -- work arrives ----------------------------------------------------------------------------


def _returned_by(spec: SOPSpec, outcome: runtime.Outcome) -> tuple[str, str] | None:
    """(target step, notes) when this outcome took a decision's correction loop."""
    for effect in outcome.effects:
        if not isinstance(effect, runtime.TaskDone):
            continue
        step = spec.step(effect.step)
        if step.kind is not StepKind.DECISION:
            continue
        recorded = outcome.state.data.get(step.id, {})
        label = str(recorded.get("_branch", ""))
        branch = next((b for b in step.branches if b.label == label), None)
        if branch is None or not branch.loop:
            continue
        texts = (FieldType.TEXT, FieldType.LONGTEXT)
        notes = [
            str(recorded[f.name]).strip()
            for f in step.records
            if f.type in texts and not runtime.is_blank(recorded.get(f.name))
        ]
        return branch.to, " ".join(notes)
    return None


def offered_notices(
    *,
    spec: SOPSpec,
    case: Case,
    outcome: runtime.Outcome,
    tasks: Sequence[Task],
    now: dt.datetime,
) -> list[tuple[Task, str, str]]:
    """(task, kind, message) of the notice each new work task gets: the ones that start today
    or earlier (a scheduled occurrence waits for its day's digest). Shared by
    :func:`tasks_offered_notify` and the completion's fast path (``fastpath``)."""
    today = now.astimezone(case.unit.zone()).date()
    work = [
        t
        for t in tasks
        if t.kind == TaskKind.WORK and t.created_at.astimezone(case.unit.zone()).date() <= today
    ]
    if not work:
        return []
    returned = _returned_by(spec, outcome)
    out = []
    for task in work:
        due = case.unit.time_text(task.due_at) if task.due_at else ""
        if returned is not None and returned[0] == task.step_id:
            kind = Kind.TASK_RETURNED
            message = _("Dikembalikan untuk koreksi: “%(title)s” (%(number)s).") % {
                "title": task.title[:200],
                "number": case.number,
            }
            if returned[1]:
                message += " " + _("Catatan: %(note)s") % {"note": returned[1]}
        else:
            kind = Kind.TASK_OFFERED
            message = _("Tugas baru untuk jabatan Anda: “%(title)s” (%(number)s).") % {
                "title": task.title[:200],
                "number": case.number,
            }
        if due:
            message += " " + _("Batas waktu %(due)s.") % {"due": due}
        out.append((task, str(kind), message[:500]))
    return out


def tasks_offered_notify(
    *,
    spec: SOPSpec,
    case: Case,
    outcome: runtime.Outcome,
    tasks: Sequence[Task],
    actor: Person | None,
    now: dt.datetime,
    only: Person | None = None,
) -> None:
    """Tell the holders of each new work task's position that it is waiting for them (``only``:
    just that one of them, the person the task is meant for)."""
    today = now.astimezone(case.unit.zone()).date()
    holders: dict[str, list[Person]] = {}
    for task, kind, message in offered_notices(
        spec=spec, case=case, outcome=outcome, tasks=tasks, now=now
    ):
        if task.role not in holders:
            holders[task.role] = list(holders_to_notify(case.unit, task.role, on=today))
        recipients = [p for p in holders[task.role] if actor is None or p.pk != actor.pk]
        if only is not None:
            recipients = [p for p in recipients if p.pk == only.pk]
        notify(
            kind=kind,
            recipients=recipients,
            unit=case.unit,
            case=case,
            task=task,
            message=message,
            now=now,
        )


def tasks_handed_over_notify(
    *, case: Case, tasks: Sequence[Task], actor: Person, now: dt.datetime
) -> None:
    """After a hand-over, tell the holders of each live work task's position in the new unit
    (``case.unit``) that it waits for them, as when it was first offered. ``once``: a person
    holding the position in both units was told already (one notice per task and person)."""
    today = now.astimezone(case.unit.zone()).date()
    holders: dict[str, list[Person]] = {}
    for task in tasks:
        if (
            task.kind != TaskKind.WORK
            or task.created_at.astimezone(case.unit.zone()).date() > today
        ):
            continue
        if task.role not in holders:
            holders[task.role] = list(holders_of(case.unit, task.role, on=today))
        message = _("Tugas baru untuk jabatan Anda: “%(title)s” (%(number)s).") % {
            "title": task.title[:200],
            "number": case.number,
        }
        if task.due_at:
            message += " " + _("Batas waktu %(due)s.") % {"due": case.unit.time_text(task.due_at)}
        notify(
            kind=Kind.TASK_OFFERED,
            recipients=[p for p in holders[task.role] if p.pk != actor.pk],
            unit=case.unit,
            case=case,
            task=task,
            message=message,
            now=now,
            once=True,
        )


def task_reassigned_notify(
    *, task: Task, case: Case, actor: Person, assignee: Person, now: dt.datetime
) -> None:
    """Tell the person a supervisor gave the task to (not a supervisor taking it themself)."""
    if assignee.pk == actor.pk:
        return
    notify(
        kind=Kind.TASK_ASSIGNED,
        recipients=[assignee],
        unit=case.unit,
        case=case,
        task=task,
        message=_("%(who)s mengalihkan tugas “%(title)s” (%(number)s) kepada Anda.")
        % {"who": actor.full_name, "title": task.title, "number": case.number},
        now=now,
        once=True,
    )


# -- deadlines approach ----------------------------------------------------------------------


def _performers(task: Task, unit: OrgUnit, now: dt.datetime) -> list[Person]:
    if task.assignee is not None:
        return [task.assignee]
    return list(holders_of(unit, task.role, on=now.astimezone(unit.zone()).date()))


def deadline_lead() -> dt.timedelta:
    return dt.timedelta(minutes=int(getattr(settings, "TRANTIB_DEADLINE_LEAD_MINUTES", 120)))


def deadlines_warn(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Warn about live work tasks due within the lead (``TRANTIB_DEADLINE_LEAD_MINUTES``): one
    notice per assignee, or per holder while nobody took it; once per task and person. A task
    whose whole time is shorter than the lead is not warned: its offer already said when it
    is due. Each task in its own transaction. How many tasks were warned."""
    now = now or timezone.now()
    lead = deadline_lead()
    # Warned in the task's current unit: after a hand-over the new unit's people are warned
    # too (``notify(once=True)`` still skips anyone warned before, one notice per person).
    warned = Notification.objects.filter(
        task=OuterRef("pk"), kind=Kind.TASK_DUE_SOON, unit=OuterRef("unit")
    )
    due = list(
        Task.objects.filter(
            status__in=LIVE,
            kind=TaskKind.WORK,
            due_at__gt=now,
            due_at__lte=now + lead,
            overdue_at__isnull=True,
            created_at__lt=F("due_at") - lead,
        )
        .filter(~Exists(warned))
        .order_by("due_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(_task_warn(task_id=pk, now=now) for pk in due)


@transaction.atomic
def _task_warn(*, task_id: int, now: dt.datetime) -> bool:
    task = (
        Task.objects.select_related("case__unit", "assignee")
        .filter(pk=task_id, status__in=LIVE)
        .first()
    )
    if task is None or task.due_at is None:
        return False
    unit = task.case.unit
    message = _("Batas waktu tugas “%(title)s” (%(number)s) %(due)s, tinggal %(left)d menit.") % {
        "title": task.title[:200],
        "number": task.case.number,
        "due": unit.time_text(task.due_at),
        "left": int((task.due_at - now).total_seconds() // 60),
    }
    made = notify(
        kind=Kind.TASK_DUE_SOON,
        recipients=_performers(task, unit, now),
        unit=unit,
        case=task.case,
        task=task,
        message=message,
        now=now,
        once=True,
    )
    return bool(made)


# -- the morning digest ----------------------------------------------------------------------


def digest_hour() -> int:
    return int(getattr(settings, "TRANTIB_DIGEST_HOUR", 6))


def _day_end(day: dt.date, zone: Any) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone)


def digests_send(*, now: dt.datetime | None = None) -> int:
    """From ``TRANTIB_DIGEST_HOUR`` in each unit's zone: one digest per person of the unit who
    has work due today or late, listing it; never twice a day (a notice per person and local
    day, unique in the database). How many digests were made."""
    from ..selectors import task_list_mine  # reads stay in the selectors

    now = now or timezone.now()
    made = 0
    zones = OrgUnit.objects.filter(active=True).values_list("timezone", flat=True).distinct()
    for zone_name in sorted(set(zones)):
        zone = OrgUnit(timezone=zone_name).zone()
        local = now.astimezone(zone)
        if local.hour < digest_hour():
            continue
        day = local.date()
        already = Notification.objects.filter(recipient=OuterRef("pk"), kind=Kind.DIGEST, day=day)
        people = (
            Person.objects.filter(
                user__isnull=False,
                user__is_active=True,
                assignments__position__unit__timezone=zone_name,
                assignments__position__unit__active=True,
                assignments__valid_from__lte=day,
            )
            .filter(Q(assignments__valid_until__isnull=True) | Q(assignments__valid_until__gte=day))
            .filter(~Exists(already))
            .select_related("user")
            .distinct()
        )
        end = _day_end(day, zone)
        for person in people:
            tasks = list(task_list_mine(person.user, person=person).filter(due_at__lt=end))  # type: ignore[arg-type]
            if tasks:
                made += _digest_make(person=person, tasks=tasks, day=day, now=now)
    return made


@transaction.atomic
def _digest_make(*, person: Person, tasks: Sequence[Task], day: dt.date, now: dt.datetime) -> int:
    late = sum(1 for t in tasks if t.due_at is not None and t.due_at < now)
    today = len(tasks) - late
    parts = []
    if today:
        parts.append(
            ngettext("%(n)d tugas jatuh tempo hari ini", "%(n)d tugas jatuh tempo hari ini", today)
            % {"n": today}
        )
    if late:
        parts.append(ngettext("%(n)d terlambat", "%(n)d terlambat", late) % {"n": late})
    lines = [f"- {t.title[:60]} ({t.case.number})" for t in tasks[:DIGEST_TITLES]]
    if len(tasks) > DIGEST_TITLES:
        lines.append(_("… dan %(n)d lainnya.") % {"n": len(tasks) - DIGEST_TITLES})
    message = _("Ringkasan pagi: %(summary)s.") % {"summary": ", ".join(parts)}
    message = "\n".join([message, *lines])
    return len(
        notify(
            kind=Kind.DIGEST,
            recipients=[person],
            unit=tasks[0].case.unit,
            message=message,
            now=now,
            day=day,
            once=True,
        )
    )


# -- reading ---------------------------------------------------------------------------------


@transaction.atomic
def notifications_mark_read(
    *, person: Person, ids: Sequence[int] | None = None, now: dt.datetime | None = None
) -> int:
    """Mark ``person``'s unread notices read (only those in ``ids`` when given); how many."""
    qs = Notification.objects.filter(recipient=person, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=now or timezone.now())
