"""The lists behind the SPM figures (``/laporan/rincian/?laporan=spm&angka=…``).

Each drill is the same query its figure counts (:mod:`.compute`). Parameters: ``jenis``
(penegakan / operasi / pengaduan, or none for every kind) and ``bagian`` (a child unit's code,
for the per-unit rows of a parent). An unknown value lists nothing rather than failing.
"""

from __future__ import annotations

from typing import cast

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from trantib.cases.models import Case

from ..figures import Drill, drill_register
from ..periods import Period
from ..scope import Scope
from . import compute

REPORT = "spm"

# Figure names (``angka=``).
CASES = {
    compute.HANDLED: "ditangani",
    compute.DONE_OK: "sesuai",
    compute.LATE: "terlambat",
    compute.RUNNING: "berjalan",
}
RECIPIENT_CASES = {compute.HANDLED: "penerima-ditangani", compute.DONE_OK: "penerima-sesuai"}
ANSWERS = {
    compute.ANSWER_DUE: "pengaduan-jatuh-tempo",
    compute.ANSWER_OK: "pengaduan-tepat",
    compute.ANSWER_LATE: "pengaduan-terlambat",
    compute.ANSWER_WAITING: "pengaduan-berjalan",
}

_CASE_TITLES = {
    compute.HANDLED: _("Gangguan trantibum dan pelanggaran Perda/Perkada yang ditangani"),
    compute.DONE_OK: _("Ditangani sampai selesai sesuai standar"),
    compute.LATE: _("Ditangani tidak sesuai standar (terlambat)"),
    compute.RUNNING: _("Masih berjalan sesuai standar (belum dihitung)"),
}
_RECIPIENT_TITLES = {
    compute.HANDLED: _("Kasus di balik warga terdampak penegakan Perda/Perkada"),
    compute.DONE_OK: _("Kasus di balik warga yang memperoleh layanan sesuai standar"),
}
_ANSWER_TITLES = {
    compute.ANSWER_DUE: _("Pengaduan yang dijawab atau jatuh tempo"),
    compute.ANSWER_OK: _("Pengaduan yang dijawab tepat waktu"),
    compute.ANSWER_LATE: _("Pengaduan yang dijawab terlambat atau belum dijawab"),
    compute.ANSWER_WAITING: _("Pengaduan yang belum jatuh tempo (belum dihitung)"),
}


def _cases(measure: str) -> Drill:
    def drill(scope: Scope, period: Period, params: dict[str, str]) -> QuerySet[Case]:
        win = compute.window(scope, period)
        return compute.cases_for(
            scope,
            win,
            measure=measure,
            kind=params.get("jenis", ""),
            part=params.get("bagian", ""),
        )

    return drill


def _recipient_cases(measure: str) -> Drill:
    def drill(scope: Scope, period: Period, params: dict[str, str]) -> QuerySet[Case]:
        win = compute.window(scope, period)
        return compute.recipient_cases(scope, win, measure=measure, part=params.get("bagian", ""))

    return drill


def _answers(measure: str) -> Drill:
    def drill(scope: Scope, period: Period, params: dict[str, str]) -> QuerySet[Case]:
        win = compute.window(scope, period)
        return compute.answer_cases(scope, win, measure=measure, part=params.get("bagian", ""))

    return drill


# The titles stay lazy (translated when the list is shown); the register's type says str.
for _measure, _name in CASES.items():
    drill_register(REPORT, _name, _cases(_measure), title=cast(str, _CASE_TITLES[_measure]))
for _measure, _name in RECIPIENT_CASES.items():
    drill_register(
        REPORT, _name, _recipient_cases(_measure), title=cast(str, _RECIPIENT_TITLES[_measure])
    )
for _measure, _name in ANSWERS.items():
    drill_register(REPORT, _name, _answers(_measure), title=cast(str, _ANSWER_TITLES[_measure]))
