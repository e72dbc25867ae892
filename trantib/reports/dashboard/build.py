"""The head of unit's dashboard, put together: the panels for one scope, "today and this
month", and — for a parent unit — one row per child unit with the same figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from trantib.accounts.models import OrgUnit
from trantib.accounts.selectors import UserLike

from ..figures import Figure
from ..periods import Period, period_of
from ..scope import Scope
from .common import COMPLAINT_MONTHS, month_bucket, month_buckets, share, week_buckets
from .panels import (
    ComplaintPanel,
    CompliancePanel,
    LadderPanel,
    MapPanel,
    WorkPanel,
    board_link,
    complaint_panel,
    compliance_panel,
    drill_link,
    ladder_panel,
    map_panel,
    task_link,
    work_panel,
)

RANGES = ("minggu", "bulan")  # ?rentang=: the compliance line by week (default) or by month


@dataclass
class ChildRow:
    """One child unit of a parent's scope, each figure linking to its own list."""

    unit: OrgUnit
    href: str  # the child's own dashboard
    figures: list[Figure] = field(default_factory=list)


@dataclass
class Dashboard:
    scope: Scope
    now: dt.datetime
    today: dt.date
    month: Period
    range: str
    work: WorkPanel
    compliance: CompliancePanel
    complaints: ComplaintPanel
    ladder: LadderPanel
    map: MapPanel
    children: list[ChildRow]
    extra: dict[str, Any] = field(default_factory=dict)


def _child_rows(
    scope: Scope,
    month: Period,
    work: WorkPanel,
    compliance: CompliancePanel,
    complaints: ComplaintPanel,
    ladder: LadderPanel,
    dashboard_url: str,
) -> list[ChildRow]:
    rows = []
    for child, _ids in scope.groups:
        code = child.code
        w = work.per_child.get(child.pk, {})
        c = compliance.per_child.get(child.pk, {})
        p = complaints.per_child.get(child.pk, {})
        e = ladder.per_child.get(child.pk, {})
        on_time, late = p.get("on_time", 0), p.get("late", 0)
        rows.append(
            ChildRow(
                unit=child,
                href=f"{dashboard_url}?unit={code}",
                figures=[
                    Figure(
                        _("Kasus berjalan"),
                        w.get("open", 0),
                        drill_link("kasus_berjalan", code, month),
                    ),
                    Figure(
                        _("Kasus terlambat"),
                        w.get("late", 0),
                        drill_link("kasus_terlambat", code, month),
                    ),
                    Figure(
                        _("Langkah terlambat"),
                        w.get("steps_late", 0),
                        task_link(code, status="berjalan", terlambat="ya"),
                    ),
                    Figure(
                        _("Mutu Baku bulan ini"),
                        share(c.get("within", 0), c.get("done", 0)),
                        task_link(code, waktu=compliance.month.code),
                        "%",
                    ),
                    Figure(
                        _("Pengaduan bulan ini"),
                        p.get("received", 0),
                        drill_link("pengaduan_diterima", code, month),
                    ),
                    Figure(
                        _("Pengaduan tepat waktu"),
                        share(on_time, on_time + late),
                        drill_link("pengaduan_tepat", code, month),
                        "%",
                    ),
                    Figure(_("Penegakan berjalan"), e.get("open", 0), board_link(code)),
                    Figure(
                        _("Penegakan lewat tenggat"),
                        e.get("overdue", 0),
                        board_link(code, terlambat="1"),
                    ),
                ],
            )
        )
    return rows


def dashboard_build(
    user: UserLike,
    scope: Scope,
    *,
    range_: str = "minggu",
    now: dt.datetime | None = None,
    dashboard_url: str = "",
) -> Dashboard:
    now = now or timezone.now()
    today = timezone.localtime(now, scope.zone).date()
    month = period_of("month", today)
    this_month = month_bucket(month, scope.zone)
    buckets = (
        month_buckets(today, scope.zone) if range_ == "bulan" else week_buckets(today, scope.zone)
    )
    work = work_panel(scope, month, now=now)
    compliance = compliance_panel(scope, buckets, this_month)
    complaints = complaint_panel(scope, month_buckets(today, scope.zone, COMPLAINT_MONTHS), now=now)
    ladder = ladder_panel(user, scope, now=now)
    mapped = map_panel(scope, this_month, month, complaints.current.received)
    children = _child_rows(scope, month, work, compliance, complaints, ladder, dashboard_url)
    return Dashboard(
        scope=scope,
        now=now,
        today=today,
        month=month,
        range=range_,
        work=work,
        compliance=compliance,
        complaints=complaints,
        ladder=ladder,
        map=mapped,
        children=children,
    )
