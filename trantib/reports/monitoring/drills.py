"""The cases behind each figure of a monitoring row (``/laporan/rincian/?laporan=monitoring``).

Each drill reads ``sop`` (the SOP code) and ``baris`` (the row number) from the address and
returns the cases whose tasks the figure counts, in the scope's unit over the period: the
figure's ``cases`` number is exactly their count.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from trantib.cases.models import Case

from ..figures import drill_href, drill_register
from ..periods import Period
from ..scope import Scope
from .prefill import COUNTS, figure_cases

REPORT = "monitoring"
TITLES = {
    "ran": _("Kasus yang menjalankan baris SOP ini"),
    "within": _("Kasus dengan langkah baris ini selesai dalam Mutu Baku"),
    "corrected": _("Kasus dengan isian baris ini yang dikoreksi"),
    "returned": _("Kasus yang mengulang baris ini setelah dikembalikan"),
    "cancelled": _("Kasus dengan langkah baris ini yang dibatalkan"),
    "overdue": _("Kasus dengan langkah baris ini yang terlambat"),
    "live": _("Kasus dengan langkah baris ini yang masih berjalan"),
}


def _drill(figure: str):  # type: ignore[no-untyped-def]
    def run(scope: Scope, period: Period, params: dict[str, str]) -> QuerySet[Case]:
        code, no = params.get("sop", ""), params.get("baris", "")
        if not code or not no:
            return Case.objects.none()
        return figure_cases(
            unit_id=scope.unit.pk, code=code, period=period, zone=scope.zone, no=no, figure=figure
        )

    return run


for _name in COUNTS:
    drill_register(REPORT, _name, _drill(_name), title=TITLES[_name])  # type: ignore[arg-type]


def figure_href(figure: str, scope: Scope, period: Period, code: str, no: str) -> str:
    return drill_href(REPORT, figure, scope, period, sop=code, baris=no)
