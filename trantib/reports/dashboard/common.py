"""What the dashboard's panels share: live work, time buckets (weeks, months) on the unit's
clock, and how a count is split between the child units of a parent's scope.

Every panel reads its rows with ``unit_id__in=scope.unit_ids`` and groups them by unit in the
same aggregate query, so the whole (a Pemerintah Kota) and its parts (each kecamatan) come from
one query and can never disagree.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from trantib.accounts.models import OrgUnit
from trantib.cases.models import TaskStatus
from trantib.core.dates import MONTHS

from ..periods import Period, period_of
from ..scope import Scope

LIVE = (TaskStatus.OPEN, TaskStatus.CLAIMED)
WEEKS = 12  # the compliance line: the last 12 weeks (this one included) …
MONTHS_SHOWN = 12  # … or the last 12 months
COMPLAINT_MONTHS = 6  # complaint answer times: this month and the five before it

WEEK_CODE = re.compile(r"^(\d{4})-W(\d{2})$")
MONTH_CODE = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Bucket:
    """A week (Monday to Sunday) or a month of the unit's calendar, as aware moments."""

    code: str  # "2026-W10" or "2026-10": how a link names it
    label: str  # "2 Mar" or "Maret 2026"
    start: dt.datetime
    end: dt.datetime  # exclusive
    short: str = ""  # under a chart's axis: "2 Mar", "Mar 2026"

    @property
    def axis(self) -> str:
        return self.short or self.label


def _midnight(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=zone)


def week_bucket(monday: dt.date, zone: ZoneInfo) -> Bucket:
    year, week, _day = monday.isocalendar()
    return Bucket(
        code=f"{year:04d}-W{week:02d}",
        label=f"{monday.day} {MONTHS[monday.month - 1][:3]}",
        start=_midnight(monday, zone),
        end=_midnight(monday + dt.timedelta(days=7), zone),
    )


def month_bucket(period: Period, zone: ZoneInfo) -> Bucket:
    start, end = period.bounds(zone)
    short = f"{MONTHS[period.index - 1][:3]} {period.year}"
    return Bucket(code=period.code, label=period.label, start=start, end=end, short=short)


def week_buckets(today: dt.date, zone: ZoneInfo, count: int = WEEKS) -> list[Bucket]:
    """The ``count`` weeks up to and including the one of ``today``, oldest first."""
    monday = today - dt.timedelta(days=today.weekday())
    return [week_bucket(monday - dt.timedelta(weeks=k), zone) for k in range(count - 1, -1, -1)]


def month_buckets(today: dt.date, zone: ZoneInfo, count: int = MONTHS_SHOWN) -> list[Bucket]:
    """The ``count`` months up to and including the one of ``today``, oldest first."""
    period = period_of("month", today)
    periods = [period]
    for _ in range(count - 1):
        periods.append(periods[-1].previous())
    return [month_bucket(p, zone) for p in reversed(periods)]


def bucket_parse(code: str, zone: ZoneInfo) -> Bucket | None:
    """A week (``2026-W10``) or month (``2026-10``) from an address; None if it is neither."""
    found = WEEK_CODE.match(code or "")
    if found:
        try:
            monday = dt.date.fromisocalendar(int(found[1]), int(found[2]), 1)
        except ValueError:
            return None
        return week_bucket(monday, zone) if 2000 <= monday.year <= 2100 else None
    found = MONTH_CODE.match(code or "")
    if found and 2000 <= int(found[1]) <= 2100 and 1 <= int(found[2]) <= 12:
        return month_bucket(Period("month", int(found[1]), int(found[2])), zone)
    return None


def group_ids(scope: Scope) -> dict[int, OrgUnit]:
    """unit id → the child unit (of a parent's scope) it is counted under; the chosen unit's
    own rows belong to no child."""
    return {uid: child for child, ids in scope.groups for uid in ids}


def sum_by_child(scope: Scope, counts: Iterable[tuple[int, int]]) -> dict[int, int]:
    """``(unit id, n)`` pairs summed per child unit id of the scope."""
    groups = group_ids(scope)
    out: dict[int, int] = {}
    for unit_id, n in counts:
        child = groups.get(unit_id)
        if child is not None:
            out[child.pk] = out.get(child.pk, 0) + n
    return out


def share(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in percent, one decimal; None (shown "—") of nothing."""
    return round(100 * part / whole, 1) if whole else None
