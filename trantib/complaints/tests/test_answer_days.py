"""The working days an answer took, on the same clock as the days left: counted from the
office's next opening after receipt to the day the reporter was told."""

from __future__ import annotations

import datetime as dt

import pytest

from trantib.complaints import selectors, services
from trantib.complaints.models import Category

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def _file(categories: dict[str, Category], received: dt.datetime):
    return services.complaint_file(
        channel="web",
        category=categories["hiburan"],
        description="Warung karaoke buka sampai pukul 02.00",
        kelurahan="Tamansari",
        now=received,
    )


def _told(complaint, when: dt.datetime):
    complaint.answered_at = when  # what the answer step records; the clock is what is tested
    return complaint


@pytest.mark.parametrize(
    ("received", "told", "days"),
    [
        # Friday 4 Dec 2026 10.00 WIB, told the same afternoon: 0.
        (dt.datetime(2026, 12, 4, 3, 0, tzinfo=UTC), dt.datetime(2026, 12, 4, 8, 0, tzinfo=UTC), 0),
        # Friday → Monday 7: one working day (the weekend does not count).
        (dt.datetime(2026, 12, 4, 3, 0, tzinfo=UTC), dt.datetime(2026, 12, 7, 2, 0, tzinfo=UTC), 1),
        # Friday → Friday 11 (the day the answer falls due): five.
        (
            dt.datetime(2026, 12, 4, 3, 0, tzinfo=UTC),
            dt.datetime(2026, 12, 11, 2, 0, tzinfo=UTC),
            5,
        ),
        # Thursday 3 Dec 17.00 WIB, after closing: the days count from Friday; told Monday: 1.
        (
            dt.datetime(2026, 12, 3, 10, 0, tzinfo=UTC),
            dt.datetime(2026, 12, 7, 2, 0, tzinfo=UTC),
            1,
        ),
        # Thursday 24 Dec 2026 10.00 → Monday 28: Christmas (Friday 25) and the weekend are off: 1.
        (
            dt.datetime(2026, 12, 24, 3, 0, tzinfo=UTC),
            dt.datetime(2026, 12, 28, 2, 0, tzinfo=UTC),
            1,
        ),
    ],
)
def test_answer_working_days_count_the_complaint_sops_calendar(
    complaint_categories, received, told, days
):
    complaint = _file(complaint_categories, received)
    assert selectors.answer_working_days(complaint) is None  # not told yet
    assert selectors.answer_working_days(_told(complaint, told)) == days
