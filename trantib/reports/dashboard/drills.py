"""The dashboard's figures that count cases, registered with the foundation's drill
(``/laporan/rincian/?laporan=dashboard&angka=…``): each returns exactly the cases its figure
counts. "Now" is the moment the list is opened, as it is for the dashboard itself.

The figures that count work steps link to ``tasks.task_drill`` instead, and the ladder's to the
enforcement board.
"""

from __future__ import annotations

from typing import cast

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from trantib.cases.models import Case, CaseStatus, Task, TaskKind

from ..figures import drill_register
from ..periods import Period
from ..scope import Scope
from .common import LIVE
from .panels import REPORT, complaint_pick_q, complaints_received, findings_in


def _(text: str) -> str:
    """A lazy title (translated when the list is shown), typed as the registry keeps it."""
    return cast(str, gettext_lazy(text))


def _open(scope: Scope, period: Period, params: dict[str, str]) -> QuerySet[Case]:
    cases = Case.objects.filter(unit_id__in=scope.unit_ids, status=CaseStatus.OPEN)
    return cases.filter(sop_code=params["sop"]) if params.get("sop") else cases


def _late(scope: Scope, period: Period, params: dict[str, str]) -> QuerySet[Case]:
    late = Task.objects.filter(
        status__in=LIVE, kind=TaskKind.WORK, due_at__lt=timezone.now()
    ).values("case_id")
    return _open(scope, period, params).filter(pk__in=late)


def _complaints(pick: str):  # type: ignore[no-untyped-def]
    def drill(scope: Scope, period: Period, params: dict[str, str]) -> QuerySet[Case]:
        start, end = period.bounds(scope.zone)
        chosen = complaints_received(scope.unit_ids, start, end).filter(
            complaint_pick_q(pick, timezone.now())
        )
        return Case.objects.filter(pk__in=chosen.values("case_id"))

    return drill


def _findings(scope: Scope, period: Period, params: dict[str, str]) -> QuerySet[Case]:
    start, end = period.bounds(scope.zone)
    return Case.objects.filter(pk__in=findings_in(scope.unit_ids, start, end).values("case_id"))


def register() -> None:
    drill_register(REPORT, "kasus_berjalan", _open, title=_("Kasus berjalan"))
    drill_register(
        REPORT, "kasus_terlambat", _late, title=_("Kasus berjalan dengan langkah terlambat")
    )
    drill_register(
        REPORT, "pengaduan_diterima", _complaints("received"), title=_("Pengaduan diterima")
    )
    drill_register(
        REPORT,
        "pengaduan_dijawab",
        _complaints("told"),
        title=_("Pengaduan yang pelapornya sudah diberi tahu"),
    )
    drill_register(
        REPORT,
        "pengaduan_tepat",
        _complaints("on_time"),
        title=_("Pengaduan dijawab dalam batas hari kerja"),
    )
    drill_register(
        REPORT,
        "pengaduan_terlambat",
        _complaints("late"),
        title=_("Pengaduan dijawab terlambat atau belum dijawab melewati batas"),
    )
    drill_register(REPORT, "temuan", _findings, title=_("Temuan penegakan"))


register()
