"""Reads of cases and tasks, always through the user's units.

``*_for_user`` selectors raise ``NotFound`` for a case or task outside the user's units (the
same answer as for one that does not exist), and run a fixed number of queries however many
rows they return.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Case as SqlCase
from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Least, RowNumber
from django.db.models.lookups import GreaterThan
from django.utils import timezone
from django.utils.translation import gettext as _

from trantib.accounts.models import Assignment, OrgUnit, Person, UnitTimeZone
from trantib.accounts.selectors import UserLike, person_for_user, positions_for_user, units_for_user
from trantib.core.errors import NotFound

from .models import Attachment, Case, Event, Notification, Task, TaskKind, TaskStatus
from .panels import case_clocks_sql

LIVE = [TaskStatus.OPEN, TaskStatus.CLAIMED]


def case_list_for_user(
    user: UserLike,
    *,
    sop: str = "",
    status: str = "",
    overdue: bool | None = None,
    opened_from: dt.date | None = None,
    opened_to: dt.date | None = None,
    unit: str = "",
    query: str = "",
    units: Sequence[int] | None = None,
) -> QuerySet[Case]:
    """The cases of the user's units, newest first, filtered. ``units``: the ids of
    ``units_for_user(user)`` when the caller has read them already (a page that asks several
    queries of the list gives PostgreSQL the units as values, not as a subquery each time)."""
    qs = (
        Case.objects.filter(unit__in=units_for_user(user) if units is None else units)
        .select_related("unit", "sop_version", "opened_by")
        .defer("sop_version__content")  # the whole YAML file: not for lists
    )
    if sop:
        qs = qs.filter(sop_code=sop)
    if status:
        qs = qs.filter(status=status)
    if unit:
        qs = qs.filter(unit__code=unit)
    if query:
        qs = qs.filter(Q(number__icontains=query) | Q(subject__icontains=query))
    if opened_from:
        qs = qs.filter(opened_at__date__gte=opened_from)
    if opened_to:
        qs = qs.filter(opened_at__date__lte=opened_to)
    if overdue is not None:
        late = Task.objects.filter(
            status__in=LIVE, kind=TaskKind.WORK, due_at__lt=timezone.now()
        ).values("case_id")
        qs = qs.filter(pk__in=late) if overdue else qs.exclude(pk__in=late)
    return qs


def case_is_late() -> Exists:
    """Whether a case (``OuterRef("pk")``) has a live work task past its due time now: the
    list's "Terlambat" badge, as ``case_list_for_user(overdue=True)`` filters."""
    return Exists(
        Task.objects.filter(
            case_id=OuterRef("pk"), status__in=LIVE, kind=TaskKind.WORK, due_at__lt=timezone.now()
        )
    )


def case_get_for_user(user: UserLike, case_id: int) -> Case:
    case = case_list_for_user(user).select_related("parent", "opened_by").filter(pk=case_id).first()
    if case is None:
        raise NotFound(_("Kasus tidak ditemukan."), field="case")
    return case


def case_get_by_number_for_user(user: UserLike, number: str) -> Case:
    case = case_list_for_user(user).filter(number=number).first()
    if case is None:
        raise NotFound(_("Kasus %(number)s tidak ditemukan.") % {"number": number}, field="case")
    return case


def case_events(case: Case) -> QuerySet[Event]:
    return Event.objects.filter(case=case).select_related("actor", "task").order_by("seq")


def case_tasks(case: Case) -> QuerySet[Task]:
    return (
        Task.objects.filter(case=case)
        .select_related("assignee", "completed_by")
        .order_by("created_at", "pk")
    )


def case_attachments(case: Case) -> QuerySet[Attachment]:
    return Attachment.objects.filter(case=case).select_related("uploaded_by")


def case_children(case: Case) -> QuerySet[Case]:
    return Case.objects.filter(parent=case).select_related("unit").order_by("pk")


def _mine_q(user: UserLike, person: Person | None = None) -> Q | None:
    person = person or person_for_user(user)
    if person is None:
        return None
    offered = Q()
    for unit_id, code in positions_for_user(user).values_list("unit_id", "code"):
        offered |= Q(unit_id=unit_id, role=code)
    mine = Q(assignee=person)
    if offered:
        mine |= Q(status=TaskStatus.OPEN, assignee__isnull=True) & offered
    return mine


def task_list_mine(user: UserLike, *, person: Person | None = None) -> QuerySet[Task]:
    """Tugas Saya: live work tasks assigned to the user or offered to a position they hold,
    overdue first, then by due time (no deadline last), then oldest first. ``person``: the
    user's Person when the caller has it already (saves a query)."""
    mine = _mine_q(user, person)
    if mine is None:
        return Task.objects.none()
    return (
        Task.objects.filter(mine, status__in=LIVE, kind=TaskKind.WORK)
        .select_related("case__unit", "case__sop_version", "assignee")
        .order_by(F("due_at").asc(nulls_last=True), "created_at", "pk")
    )


# Tugas Saya's groups, in their order on the page.
GROUP_LATE, GROUP_TODAY, GROUP_LATER = 0, 1, 2


def day_end(zone: dt.tzinfo, now: dt.datetime) -> dt.datetime:
    """Midnight at the end of ``now``'s day on the clock of ``zone``."""
    day = timezone.localtime(now, zone).date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(), tzinfo=zone)


def task_list_mine_grouped(
    user: UserLike, *, now: dt.datetime, person: Person | None = None
) -> QuerySet[Task]:
    """:func:`task_list_mine` with Tugas Saya's groups worked out in the database, so that a
    page of it loads only its own rows: ``group`` (``GROUP_LATE``: late; ``GROUP_TODAY``: due
    before the end of the unit's today; ``GROUP_LATER``: the rest), ``group_count`` (the rows
    of that group), ``group_row`` (the row's number within it) and ``total``; ordered by group,
    then as :func:`task_list_mine`.

    The rule is ``views.task_sections``': a case clock (``panels.case_clock_register``), where
    the case has one, decides both "late" and the due time; else the task's own due time does.
    """
    # The end of today on the clock of the task's unit (a unit is in one of these zones: a
    # database constraint).
    ends = [
        When(case__unit__timezone=name, then=Value(day_end(ZoneInfo(name), now)))
        for name in UnitTimeZone.values
    ]
    qs = task_list_mine(user, person=person).annotate(
        unit_day_end=SqlCase(*ends, output_field=DateTimeField())
    )

    def group_of(late: Q, today: Q) -> SqlCase:
        return SqlCase(
            When(late, then=Value(GROUP_LATE)),
            When(today, then=Value(GROUP_TODAY)),
            default=Value(GROUP_LATER),
            output_field=IntegerField(),
        )

    # A case clock decides where the case has one: its group is worked out inside its
    # subquery, so that each row asks each clock once. Else the task's own due time decides.
    clocks = [
        Subquery(
            clock.rows.annotate(
                clock_group=group_of(
                    Q(**{f"{clock.late_from}__lte": now}),
                    Q(**{f"{clock.due_at}__lt": OuterRef("unit_day_end")}),
                )
            ).values("clock_group")[:1]
        )
        for clock in case_clocks_sql()
    ]
    own = group_of(Q(due_at__lt=now), Q(due_at__lt=F("unit_day_end")))
    group: Any = own
    if len(clocks) == 1:
        group = Coalesce(clocks[0], own)
    elif clocks:
        # Late if one clock is, else due today if one is (the earliest due), else the rest:
        # the least group of those the case has (``none`` for a clock it has not).
        none = GROUP_LATER + 1
        least = Least(*(Coalesce(c, Value(none)) for c in clocks))
        group = SqlCase(When(GreaterThan(Value(none), least), then=least), default=own)
    order = [F("due_at").asc(nulls_last=True), F("created_at").asc(), F("pk").asc()]
    return (
        qs.annotate(group=group)
        .annotate(
            group_count=Window(Count("pk"), partition_by=[F("group")]),
            group_row=Window(RowNumber(), partition_by=[F("group")], order_by=order),
            total=Window(Count("pk")),
        )
        .order_by("group", *order)
    )


def task_get_for_user(user: UserLike, task_id: int) -> Task:
    task = (
        Task.objects.filter(pk=task_id, unit__in=units_for_user(user))
        .select_related("case__unit", "case__sop_version", "assignee", "completed_by")
        .first()
    )
    if task is None:
        raise NotFound(_("Tugas tidak ditemukan."), field="task")
    return task


def attachment_get_for_user(user: UserLike, attachment_id: int) -> Attachment:
    found = (
        Attachment.objects.filter(pk=attachment_id, unit__in=units_for_user(user))
        .select_related("case")
        .first()
    )
    if found is None:
        raise NotFound(_("Lampiran tidak ditemukan."), field="attachment")
    return found


def notifications_for_user(
    user: UserLike, *, unread_only: bool = False, person: Person | None = None
) -> QuerySet[Notification]:
    person = person or person_for_user(user)
    if person is None:
        return Notification.objects.none()
    qs = Notification.objects.filter(recipient=person).select_related("case__unit", "task")
    return qs.filter(read_at__isnull=True) if unread_only else qs


def task_is_overdue(task: Task, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return task.is_live and task.due_at is not None and task.due_at < now


def case_live_tasks(case: Case) -> list[Task]:
    return list(case_tasks(case).filter(status__in=LIVE))


# -- field forms: the unit's members, the officer's day --------------------------------------


def unit_members(unit: OrgUnit, *, on: dt.date | None = None) -> QuerySet[Person]:
    """The people with an assignment active in ``unit`` on ``on`` (default: today in the unit's
    zone), each once, by name; ``position_name`` is the name of (one of) their positions there.
    The people a ``members`` field may name."""
    day = unit.today() if on is None else on
    held = Assignment.objects.filter(
        Q(valid_from__lte=day) & (Q(valid_until__isnull=True) | Q(valid_until__gte=day)),
        position__unit_id=unit.pk,
        person_id=OuterRef("pk"),
    ).order_by("acting", "valid_from", "pk")
    return (
        Person.objects.filter(Exists(held))
        .annotate(position_name=Subquery(held.values("position__name")[:1]))
        .order_by("full_name", "pk")
    )


def unit_recent_task_data(unit: OrgUnit, *, limit: int = 50) -> list[dict[str, object]]:
    """What the unit's most recently completed tasks recorded, newest first (where its work
    happens: a form's map opens on the last point recorded)."""
    return list(
        Task.objects.filter(unit=unit, status=TaskStatus.DONE)
        .exclude(data={})
        .order_by("-completed_at", "-pk")
        .values_list("data", flat=True)[:limit]
    )


def task_day(task: Task) -> dt.date | None:
    """The day a task belongs to, in its unit's zone: a repeat's scheduled date, else the day
    it falls due; None without either."""
    try:
        return dt.date.fromisoformat(task.occurrence[:10])
    except ValueError:
        pass
    if task.due_at is None:
        return None
    return timezone.localdate(task.due_at, task.case.unit.zone())


def tasks_today_for_user(
    user: UserLike, *, person: Person | None = None, now: dt.datetime | None = None
) -> list[Task]:
    """Hari ini: the user's live work tasks (``task_list_mine``) whose day — a patrol's date,
    else the day it falls due — is today in the task's unit, by due time."""
    now = now or timezone.now()
    return [
        task
        for task in task_list_mine(user, person=person)
        if task_day(task) == timezone.localdate(now, task.case.unit.zone())
    ]
