"""How the officers of the demo's history work: when they act on a task, and the act itself.

An officer acts within the step's Mutu Baku time most of the time and late now and then (more
often in one bad week); in office hours when the SOP counts working time. The act is what an
officer's click does — the step's letter brought as far as the step needs (``letter_bring``),
then ``task_complete`` — with the clock set to that moment. A step done after its deadline was
first marked late, as the worker does at the deadline (``task_mark_overdue``), so its people
were told. Once a case of the history is over, its notices are read, as their people would have.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from io import BytesIO
from typing import IO, Any

from django.utils import timezone

from trantib.accounts.models import Person
from trantib.cases import selectors
from trantib.cases import services as case_services
from trantib.cases.models import Case, CaseStatus, Notification, Task, TaskKind
from trantib.engine.timing import Calendar, CalendarKind

from ..files import sample
from ..letters import letter_bring
from ..steps import members_resolve, person_get
from ..yamlfile import DemoDataError

Uploads = dict[str, list[tuple[str, IO[bytes]]]]
# People keep an office's hours even on an SOP that runs around the clock: a Kasat signs in
# the morning, not at three at night.
AWAKE = Calendar(kind=CalendarKind.WORKING, workdays=(0, 1, 2, 3, 4, 5, 6), closes=dt.time(20, 0))


@dataclass
class Pace:
    """The history's clock: the load's ``now``, its random numbers, and how often work is late
    (``share``; ``bad_share`` in the week ``bad_week`` weeks before the load)."""

    now: dt.datetime
    rng: random.Random
    share: float
    bad_week: int
    bad_share: float
    _zones: dict[int, dt.tzinfo] = field(default_factory=dict)

    def is_late(self, moment: dt.datetime) -> bool:
        weeks_ago = (self.now - moment).days // 7
        share = self.bad_share if weeks_ago == self.bad_week else self.share
        return self.rng.random() < share

    def when(
        self,
        task: Task,
        *,
        after: dt.datetime,
        calendar: Calendar,
        took: dt.timedelta = dt.timedelta(minutes=30),
        late: bool | None = None,
    ) -> dt.datetime:
        """When an officer completes ``task``, not before ``after``: inside its deadline (at a
        random point of the time it allows), or past it when late; a step without a deadline
        takes about ``took``. On a working calendar the moment falls in office hours."""
        zone = self.zone_of(task)
        start = _office(max(after, task.created_at), calendar, zone)
        due = task.due_at
        if late is None:
            late = self.is_late(start)
        if due is None or due <= start:
            moment = start + took * self.rng.uniform(0.6, 1.4)
        elif late:
            allowed = due - start
            moment = due + min(allowed * self.rng.uniform(0.5, 2.5), dt.timedelta(days=2))
            moment += dt.timedelta(minutes=self.rng.randint(3, 40))
        else:
            moment = start + (due - start) * self.rng.uniform(0.2, 0.85)
        moment = _office(moment, calendar, zone)
        limit = self.now - dt.timedelta(minutes=20)
        if moment > limit:
            # Near the load: done on time, before the load (the plan leaves room for it; if
            # the office hours leave none, out of hours rather than after the load).
            if start >= limit:
                start = max(after, task.created_at)
                if start >= limit:
                    raise DemoDataError(f"history: {task.step_id} of {task.case} is too late")
            moment = start + (min(due or limit, limit) - start) * self.rng.uniform(0.3, 0.9)
        return moment

    def zone_of(self, task: Task) -> dt.tzinfo:
        if task.case_id not in self._zones:
            case = Case.objects.select_related("unit").get(pk=task.case_id)
            self._zones[task.case_id] = case.unit.zone()
        return self._zones[task.case_id]


def _office(moment: dt.datetime, calendar: Calendar, zone: dt.tzinfo) -> dt.datetime:
    """On a working calendar, the next moment the office is open (on its own clock)."""
    if calendar.kind is CalendarKind.WORKING:
        return calendar.next_open(timezone.localtime(moment, zone))
    return moment


def office(moment: dt.datetime, calendar: Calendar, zone: dt.tzinfo) -> dt.datetime:
    """``moment``, or the next moment the office (or, around the clock, people) are at work."""
    return _office(moment, calendar if calendar.kind is CalendarKind.WORKING else AWAKE, zone)


def months_before(now: dt.datetime, zone: dt.tzinfo, count: int) -> list[dt.date]:
    """The first days of the ``count`` months before the current one, oldest first."""
    first = timezone.localtime(now, zone).date().replace(day=1)
    months = []
    for _ in range(count):
        first = (first - dt.timedelta(days=1)).replace(day=1)
        months.append(first)
    return months[::-1]


def workdays_later(day: dt.date, days: int, calendar: Calendar) -> dt.date:
    """The ``days``-th working day after ``day`` (``day`` itself for 0, if it is one)."""
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    for _ in range(days):
        day += dt.timedelta(days=1)
        while not calendar.is_working_day(day):
            day += dt.timedelta(days=1)
    return day


def at_clock(day: dt.date, hour: int, minute: int, zone: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)


def seeded(*parts: object) -> random.Random:
    """A generator of its own for each part of the history, from the seed: the same numbers
    on every load (demo data, not secrets)."""
    return random.Random(":".join(str(p) for p in parts))  # noqa: S311


def person(login: str) -> Person:
    return person_get(login, "data/history.yaml")


def live(case: Case, step: str, occurrence: str = "") -> Task:
    for task in selectors.case_live_tasks(case):
        if task.step_id == step and (not occurrence or task.occurrence == occurrence):
            return task
    raise DemoDataError(f"history: {case.number} has no live task {step} {occurrence}".rstrip())


def uploads(**files: tuple[str, str]) -> Uploads:
    """``field=(name, kind)`` → what ``task_complete`` takes as ``uploads``; a pdf is titled by
    its name."""
    return {
        field: [(name, BytesIO(sample(kind, name.rsplit(".", 1)[0].replace("-", " "))))]
        for field, (name, kind) in files.items()
    }


def act(
    task: Task,
    login: str,
    at: dt.datetime,
    *,
    data: Mapping[str, Any] | None = None,
    decision: str = "",
    files: Uploads | None = None,
) -> Task:
    """Complete ``task`` as ``login`` at ``at``, its letter first; marked late first if it is."""
    if task.kind == TaskKind.WORK and task.due_at is not None and at > task.due_at:
        # The worker marks a task late at its deadline and tells its people.
        mark = min(task.due_at + dt.timedelta(minutes=1), at)
        case_services.task_mark_overdue(task_id=task.pk, now=mark)
        task.refresh_from_db()
    values = dict(data) if data else {}
    values = members_resolve(case_services.case_spec(task.case).step(task.step_id), values, "")
    letter_bring(task, now=at, data=values, decision=decision)
    return case_services.task_complete(
        task=task, actor=person(login), data=values, decision=decision, uploads=files, now=at
    )


def notices_read(case_ids: list[int], now: dt.datetime) -> None:
    """The people read the notices about these cases once each was over (an hour after it
    closed, or was cancelled); those of a case still running stay unread."""
    ended = dict(
        Case.objects.filter(pk__in=case_ids)
        .exclude(status=CaseStatus.OPEN)
        .values_list("pk", "closed_at")
    )
    unread = Notification.objects.filter(case_id__in=list(ended), read_at__isnull=True)
    ids: dict[tuple[int, int], list[int]] = defaultdict(list)
    for pk, recipient, case_id in unread.values_list("pk", "recipient_id", "case_id"):
        ids[(recipient, case_id)].append(pk)
    people = Person.objects.in_bulk({recipient for recipient, _case in ids})
    for (recipient, case_id), pks in ids.items():
        read = min((ended[case_id] or now) + dt.timedelta(hours=1), now)
        case_services.notifications_mark_read(person=people[recipient], ids=pks, now=read)


def iso_minutes(moment: dt.datetime, zone: dt.tzinfo) -> str:
    return timezone.localtime(moment, zone).isoformat(timespec="minutes")
