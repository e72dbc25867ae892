"""A complaint's answer clock, stamped on its row when the facts are known.

The reporter is owed an answer ``TRANTIB_COMPLAINT_ANSWER_DAYS`` working days after receipt, on
the complaint SOP's calendar in the handling unit's zone. The case page counts the days left
(:func:`complaints.selectors.working_days_left_at`): "due today" is not late, the answer is
late from the first moment the office's day is past the due day. Reports count thousands of
complaints, so the clock is not recomputed per row there: it is stamped on the complaint

- at receipt (and again when the complaint follows its case to another unit):
  ``answer_due_at`` (the promised moment) and ``answer_late_from`` (the first moment an answer,
  or no answer, counts as late); both None when the SOP sets no deadline;
- at the answer: ``answer_days``, the working days the reporter waited.

``answered_at < answer_late_from`` is then exactly "answered in time" as the case page says it
(``test_clock`` checks the two against each other over many moments and both calendar kinds),
and every report reads the same stamp: the dashboard, the monthly recap and the SPM agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Case, CharField, F, Q, Value, When

from trantib.engine.timing import Calendar, CalendarKind, TimeStandard

if TYPE_CHECKING:
    from .models import Complaint


def answer_days_setting() -> int:
    return int(getattr(settings, "TRANTIB_COMPLAINT_ANSWER_DAYS", 5))


def office_day(calendar: Calendar, moment: dt.datetime, zone: ZoneInfo) -> dt.date:
    """The office's day of ``moment``: after closing time (or on a day off) of a working
    calendar it is the next opening's day."""
    local = moment.astimezone(zone)
    if calendar.kind is CalendarKind.WORKING:
        local = calendar.next_open(local)
    return local.date()


def late_from(calendar: Calendar, due_at: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """The first moment whose office day is past the due day (no working day left)."""
    due_day = due_at.astimezone(zone).date()
    if calendar.kind is CalendarKind.WORKING and calendar.is_working_day(due_day):
        # Until closing the office's day is the due day; from closing on it is the next one.
        return dt.datetime.combine(due_day, calendar.closes, tzinfo=zone)
    if calendar.kind is CalendarKind.WORKING:
        # A due day off (not made by the calendar itself): its office day is already later.
        return dt.datetime.combine(due_day, dt.time(), tzinfo=zone)
    # Around the clock the office's day is the date; the count goes negative on the first
    # working day after the due day.
    day = due_day + dt.timedelta(days=1)
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(), tzinfo=zone)


def clock_of(
    calendar: Calendar, zone: ZoneInfo, received_at: dt.datetime, days: int | None = None
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """(due at, late from) of a complaint received at ``received_at``."""
    days = answer_days_setting() if days is None else days
    due = calendar.due(received_at, TimeStandard.parse(f"{days} hari"), zone)
    if due is None:
        return None, None
    return due, late_from(calendar, due, zone)


def waited_days(
    calendar: Calendar, zone: ZoneInfo, received_at: dt.datetime, answered_at: dt.datetime
) -> int:
    """Working days from the office day of receipt to the office day of the answer."""
    return calendar.working_days_between(
        office_day(calendar, received_at, zone), office_day(calendar, answered_at, zone)
    )


def _calendar(complaint: Complaint) -> Calendar:
    from trantib.cases.services import case_spec

    return case_spec(complaint.case).calendar


def complaint_clock_stamp(complaint: Complaint) -> list[str]:
    """Stamp the due moment and the late moment on ``complaint`` (not saved): the fields set."""
    due, late = clock_of(_calendar(complaint), complaint.unit.zone(), complaint.received_at)
    complaint.answer_due_at, complaint.answer_late_from = due, late
    return ["answer_due_at", "answer_late_from"]


def complaint_answer_stamp(complaint: Complaint) -> list[str]:
    """Stamp the working days waited for the answer (``answered_at`` set; not saved)."""
    if complaint.answered_at is None:
        complaint.answer_days = None
    else:
        complaint.answer_days = waited_days(
            _calendar(complaint),
            complaint.unit.zone(),
            complaint.received_at,
            complaint.answered_at,
        )
    return ["answer_days"]


# -- existing rows ------------------------------------------------------------------------------


def sop_version_calendar(version_id: int) -> Calendar:
    """The calendar of a recorded SOP version, as its cases run on it."""
    from trantib.cases.services import spec_of_version_row
    from trantib.sops.models import SopVersion

    v = SopVersion.objects.only("code", "version", "sha256").get(pk=version_id)
    return spec_of_version_row(v.pk, v.code, v.version, v.sha256).calendar


def complaints_clock_backfill(
    complaint_model: Any,
    calendar_of: Callable[[int], Calendar],
    *,
    only_missing: bool = True,
    batch: int = 5000,
    log: Callable[[str], None] | None = None,
) -> int:
    """Stamp the clock on complaints made before it was stamped (a migration, the benchmark's
    generated history). ``calendar_of(sop_version_id)`` gives a version's calendar. Rows are
    read and written in batches by primary key; returns how many were stamped."""
    rows = complaint_model.objects.order_by("pk")
    if only_missing:
        rows = rows.filter(answer_late_from__isnull=True, answer_days__isnull=True)
    rows = rows.values_list(
        "pk", "received_at", "answered_at", "unit__timezone", "case__sop_version_id"
    )
    table = complaint_model._meta.db_table
    sql = (
        f"UPDATE {table} SET answer_due_at = %s, answer_late_from = %s, answer_days = %s "  # noqa: S608
        "WHERE id = %s"
    )
    zones: dict[str, ZoneInfo] = {}
    calendars: dict[int, Calendar] = {}
    days = answer_days_setting()
    done, last = 0, 0
    while True:
        chunk = list(rows.filter(pk__gt=last)[:batch])
        if not chunk:
            return done
        params = []
        for pk, received, answered, zone_name, version_id in chunk:
            zone = zones.get(zone_name) or zones.setdefault(zone_name, ZoneInfo(zone_name))
            calendar = calendars.get(version_id) or calendars.setdefault(
                version_id, calendar_of(version_id)
            )
            due, late = clock_of(calendar, zone, received, days)
            waited = waited_days(calendar, zone, received, answered) if answered else None
            params.append((due, late, waited, pk))
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)
        done += len(chunk)
        last = chunk[-1][0]
        if log:
            log(f"complaint clocks: {done:,} stamped")


# -- where an answer stands at a moment: one rule, in Python and in SQL --------------------------


class AnswerState(StrEnum):
    """Where a complaint's answer stands at a moment (a report's "now", or a quarter's end)."""

    WITHIN = "tepat"  # answered by then, before its late moment
    LATE = "terlambat"  # answered by then, from its late moment on
    WAITING = "menunggu"  # not answered by then, and not yet late
    OVERDUE = "lewat"  # not answered by then, and late


def answer_state(
    answered_at: dt.datetime | None, late: dt.datetime | None, moment: dt.datetime
) -> AnswerState:
    """The state of one complaint at ``moment`` from its stamps (``answer_late_from``)."""
    if answered_at is not None and answered_at < moment:
        return AnswerState.LATE if late is not None and answered_at >= late else AnswerState.WITHIN
    return AnswerState.OVERDUE if late is not None and late <= moment else AnswerState.WAITING


def answer_state_q(state: AnswerState, moment: dt.datetime) -> Q:
    """The complaints in ``state`` at ``moment``: :func:`answer_state` as a filter."""
    answered = Q(answered_at__lt=moment)
    if state is AnswerState.WITHIN:
        return answered & (
            Q(answer_late_from__isnull=True) | Q(answered_at__lt=F("answer_late_from"))
        )
    if state is AnswerState.LATE:
        return answered & Q(answered_at__gte=F("answer_late_from"))
    unanswered = Q(answered_at__isnull=True) | Q(answered_at__gte=moment)
    if state is AnswerState.OVERDUE:
        return unanswered & Q(answer_late_from__lte=moment)
    return unanswered & (Q(answer_late_from__isnull=True) | Q(answer_late_from__gt=moment))


def answer_state_case(moment: dt.datetime) -> Case:
    """:func:`answer_state` in SQL, as the state's value (its four conditions exclude each
    other): one comparison chain a row, for a report that groups by the state."""
    whens = [When(answer_state_q(state, moment), then=Value(state.value)) for state in AnswerState]
    return Case(*whens, default=Value(""), output_field=CharField())
