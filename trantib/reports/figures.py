"""Every figure is traceable: a number on a report links to the cases behind it.

A report registers, for each figure it shows, a **drill**: the query of exactly the cases the
figure counts (``drill_register("spm", "penerima", fn)``). The figure's link opens
``/laporan/rincian/`` with the report, the figure, the unit and the period in the address; that
page runs the same drill, limited to the scope's units and to what the reader may see, and
lists the cases. A report's test checks that each figure equals its drill's count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from trantib.accounts.selectors import UserLike
from trantib.cases.models import Case
from trantib.cases.selectors import case_list_for_user
from trantib.core.errors import NotFound
from trantib.core.links import path_to

from .periods import Period
from .scope import Scope

Drill = Callable[[Scope, Period, dict[str, str]], "QuerySet[Case]"]


@dataclass(frozen=True)
class DrillEntry:
    drill: Drill
    title: (
        str | Promise
    )  # what the list shows, for its heading ("Kasus penegakan selesai sesuai standar")


_DRILLS: dict[tuple[str, str], DrillEntry] = {}
# The extra parameters a drill may read from the address: short plain values only.
PARAM_MAX = 64


@dataclass(frozen=True)
class Figure:
    """A number on a report and where its rows are. ``value`` None is shown as "—" (a share of
    nothing); ``unit`` is what follows the number ("%", "hari")."""

    label: str
    value: int | float | None
    href: str = ""
    unit: str = ""

    @property
    def shown(self) -> str:
        if self.value is None:
            return "—"
        if isinstance(self.value, float):
            text = f"{self.value:.1f}".replace(".", ",")
            text = text[:-2] if text.endswith(",0") else text
        else:
            text = f"{self.value:,}".replace(",", ".")
        return f"{text} {self.unit}".rstrip() if self.unit != "%" else f"{text}%"


def histogram_median(histogram: dict[int, int]) -> float | None:
    """The median of values given as {value: how many} (None of nothing): a report's medians
    over thousands of alike values (working days to an answer) without listing each one."""
    n = sum(histogram.values())
    if not n:
        return None

    def at(k: int) -> int:  # the k-th value (from 0) in order
        seen = 0
        for value in sorted(histogram):
            seen += histogram[value]
            if seen > k:
                return value
        raise IndexError(k)

    return (at((n - 1) // 2) + at(n // 2)) / 2


def drill_register(report: str, figure: str, drill: Drill, *, title: str | Promise = "") -> None:
    """Declare how figure ``figure`` of report ``report`` finds its cases (at import time)."""
    _DRILLS[(report, figure)] = DrillEntry(drill=drill, title=title)


def drill_entry(report: str, figure: str) -> DrillEntry:
    entry = _DRILLS.get((report, figure))
    if entry is None:
        raise NotFound(_("Rincian angka ini tidak dikenal."), field="angka")
    return entry


def drill_href(report: str, figure: str, scope: Scope, period: Period, **params: str) -> str:
    """The address of the list behind a figure."""
    query = {"laporan": report, "angka": figure, "unit": scope.unit.code, "periode": period.code}
    query.update({k: str(v) for k, v in params.items() if v not in ("", None)})
    return f"{path_to('reports:drill')}?{urlencode(query)}"


def drill_cases(
    user: UserLike,
    report: str,
    figure: str,
    scope: Scope,
    period: Period,
    params: dict[str, str] | None = None,
) -> QuerySet[Case]:
    """The cases behind a figure: the drill's query, within the scope's units and what the
    reader may see (both: a drill that forgot the scope still shows no other unit)."""
    entry = drill_entry(report, figure)
    clean = {k: v[:PARAM_MAX] for k, v in (params or {}).items()}
    found = entry.drill(scope, period, clean)
    visible = case_list_for_user(user).filter(unit_id__in=scope.unit_ids)
    return visible.filter(pk__in=found.values("pk"))
