"""The answer clock stamped on a complaint (``clock.py``) says what the case page's clock says.

The case page counts working days left until the answer is due, "due today" not late. The
reports read ``answered_at < answer_late_from`` instead: these tests check the two against each
other over a grid of moments (holidays, weekends, evenings, three zones, both calendar kinds),
the SQL filter against the Python rule, and the backfill of old rows against the services.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from trantib.cases.services import case_spec, spec_of_version_row
from trantib.complaints import selectors, services
from trantib.complaints.clock import (
    AnswerState,
    answer_state,
    answer_state_q,
    clock_of,
    complaints_clock_backfill,
)
from trantib.complaints.models import Complaint
from trantib.complaints.services.answer import answer_send
from trantib.engine.timing import Calendar, CalendarKind, TimeStandard
from trantib.sops.models import SopVersion

pytestmark = pytest.mark.django_db
UTC = dt.UTC
CALENDARS = {
    "working": Calendar(kind=CalendarKind.WORKING),
    "working-saturday": Calendar(
        kind=CalendarKind.WORKING,
        workdays=(0, 1, 2, 3, 4, 5),
        opens=dt.time(7, 30),
        closes=dt.time(15, 0),
        extra_days_off=frozenset({dt.date(2026, 12, 30)}),
    ),
    "around-the-clock": Calendar(),
}
ZONES = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")


def _days_left_by_the_case_page(
    calendar: Calendar, zone: ZoneInfo, due: dt.datetime, moment: dt.datetime
) -> int:
    """The oracle: ``selectors.working_days_left_at`` written out from the calendar."""
    local = moment.astimezone(zone)
    if calendar.kind is CalendarKind.WORKING:
        local = calendar.next_open(local)
    return calendar.working_days_between(local.date(), due.astimezone(zone).date())


def _moments(first: dt.datetime, days: int, hours: tuple[int, ...]) -> list[dt.datetime]:
    return [
        first + dt.timedelta(days=d, hours=h, minutes=m)
        for d in range(days)
        for h in hours
        for m in (0, 59)
    ]


@pytest.mark.parametrize("name", CALENDARS)
@pytest.mark.parametrize("zone_name", ZONES)
def test_late_from_is_the_first_moment_the_case_page_counts_late(name, zone_name) -> None:
    calendar, zone = CALENDARS[name], ZoneInfo(zone_name)
    # Received around Christmas and the new year (holidays, a weekend, an extra day off).
    received = _moments(dt.datetime(2026, 12, 21, tzinfo=zone), 6, (0, 7, 8, 12, 15, 16, 23))
    checked = late = 0
    for moment in received:
        due, late_at = clock_of(calendar, zone, moment, 3)
        assert due == calendar.due(moment, TimeStandard.parse("3 hari"), zone)
        assert due is not None and late_at is not None
        for answer in _moments(moment.replace(hour=0, minute=0), 16, (0, 7, 8, 14, 15, 16, 23)):
            if answer < moment:
                continue
            by_page = _days_left_by_the_case_page(calendar, zone, due, answer) < 0
            assert (answer >= late_at) is by_page, (moment, answer, late_at)
            checked += 1
            late += by_page
    assert checked > 3000 and 0 < late < checked  # both sides of the line were crossed


def test_the_rule_in_sql_is_the_rule_in_python(complaint_categories) -> None:
    received = dt.datetime(2026, 12, 1, 3, 0, tzinfo=UTC)  # Tuesday 10.00 WIB
    made = [
        services.complaint_file(
            channel="web",
            category=complaint_categories["hiburan"],
            description=f"Karaoke buka sampai pagi, nomor {i}",
            kelurahan="Tamansari",
            now=received + dt.timedelta(days=i),
        )
        for i in range(6)
    ]
    # Answered at moments around each one's late moment, or not at all.
    for i, complaint in enumerate(made):
        assert complaint.answer_late_from is not None
        if i % 3 != 2:
            shift = dt.timedelta(minutes=(-1, 1)[i % 2])
            Complaint.objects.filter(pk=complaint.pk).update(
                answered_at=complaint.answer_late_from + shift
            )
    rows = list(
        Complaint.objects.filter(pk__in=[c.pk for c in made]).values_list(
            "pk", "answered_at", "answer_late_from"
        )
    )
    moments = sorted({late for _pk, _a, late in rows} | {a for _pk, a, _l in rows if a})
    seen = set()
    for moment in [m + dt.timedelta(seconds=s) for m in moments for s in (-1, 0, 1)]:
        for state in AnswerState:
            in_sql = set(
                Complaint.objects.filter(pk__in=[r[0] for r in rows])
                .filter(answer_state_q(state, moment))
                .values_list("pk", flat=True)
            )
            in_python = {pk for pk, a, late in rows if answer_state(a, late, moment) is state}
            assert in_sql == in_python, (state, moment)
            if in_sql:
                seen.add(state)
    assert seen == set(AnswerState)


def test_receipt_and_answer_are_stamped_by_the_services(complaint_categories) -> None:
    received = dt.datetime(2026, 12, 24, 3, 0, tzinfo=UTC)  # Thursday before Christmas
    complaint = services.complaint_file(
        channel="web",
        category=complaint_categories["hiburan"],
        description="Warung karaoke buka sampai pukul 02.00",
        kelurahan="Tamansari",
        now=received,
    )
    complaint.refresh_from_db()
    zone = complaint.unit.zone()
    due, late = clock_of(case_spec(complaint.case).calendar, zone, received, 5)
    assert (complaint.answer_due_at, complaint.answer_late_from) == (due, late)
    assert complaint.answer_days is None
    told = dt.datetime(2026, 12, 28, 2, 0, tzinfo=UTC)  # Monday 28: Christmas and a weekend off
    answer_send(complaint, body="Sudah ditertibkan.", actor=None, now=told)
    complaint.refresh_from_db()
    assert complaint.answer_days == 1
    assert selectors.answer_working_days(complaint) == 1


def test_the_backfill_stamps_old_rows_as_the_services_do(complaint_categories) -> None:
    start = dt.datetime(2026, 8, 13, 9, 0, tzinfo=UTC)  # Thursday, before 17 August
    made = []
    for i in range(4):
        complaint = services.complaint_file(
            channel="web",
            category=complaint_categories["hiburan"],
            description=f"Karaoke buka sampai pagi, nomor {i}",
            kelurahan="Tamansari",
            now=start + dt.timedelta(hours=7 * i),
        )
        if i % 2:
            answer_send(complaint, body="Sudah.", actor=None, now=start + dt.timedelta(days=5 + i))
        made.append(complaint)
    fields = ("answer_due_at", "answer_late_from", "answer_days")
    stamped = {c.pk: c for c in Complaint.objects.filter(pk__in=[c.pk for c in made])}
    Complaint.objects.update(answer_due_at=None, answer_late_from=None, answer_days=None)

    def calendar_of(version_id: int) -> Calendar:
        v = SopVersion.objects.get(pk=version_id)
        return spec_of_version_row(v.pk, v.code, v.version, v.sha256).calendar

    assert complaints_clock_backfill(Complaint, calendar_of, batch=3) == Complaint.objects.count()
    for again in Complaint.objects.filter(pk__in=stamped):
        for name in fields:
            assert getattr(again, name) == getattr(stamped[again.pk], name), name
    assert sum(c.answer_days is not None for c in stamped.values()) == 2
