"""The patrol plan's hold on the SOP's steps (registered in ``apps.py``).

- :class:`ScheduleGuard` — the step that binds ``patrol_schedule`` (PPW row 3) is done from the
  month's plan: its dates and officers are filled from the plan's days and teams (read-only on
  the form) and the step is refused while the plan has no day. :class:`ScheduleHook` then gives
  each day's patrol task to the day's Danru.
- :class:`PatrolGuard` — a scheduled patrol (``patrol_day``, row 4) is completed by its team's
  daily report only: its fields are filled from the report.
- :class:`EvaluationGuard` — the evaluation (``patrol_evaluation``, row 6) lists the month's
  findings, each naming the enforcement case it opened on the day: the follow-up step opens no
  second case for them (the cases service skips a line that names a linked case).

A programme case without a plan is asked for one; only a schedule posted with its dates (the
API, earlier scenarios) still runs without it, as in version 2.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trantib.core.errors import Invalid
from trantib.engine.bindings import ContractName
from trantib.engine.spec import Binding, SOPSpec, Step

from . import services
from .models import Plan, Report

if TYPE_CHECKING:
    from trantib.accounts.models import Person
    from trantib.cases.models import Case, Task

FROM_PLAN = gettext_lazy("diisi dari rencana patroli bulan ini")
FROM_REPORT = gettext_lazy("diisi dari laporan harian regu")
FROM_FINDINGS = gettext_lazy("diisi dari temuan patroli; kasus penegakannya sudah dibuka")


def _binding(step: Step, contract: str) -> Binding | None:
    return next((b for b in step.bindings if b.contract == contract), None)


def _plan(case: Case) -> Plan | None:
    return Plan.objects.filter(case=case).first()


class ScheduleGuard:
    def applies(self, step: Step) -> bool:
        return _binding(step, ContractName.PATROL_SCHEDULE) is not None

    def filled(self, step: Step) -> Mapping[str, str]:
        binding = _binding(step, ContractName.PATROL_SCHEDULE)
        names = [binding.field("days"), binding.field("team")] if binding else []
        return {n: str(FROM_PLAN) for n in names if n}

    def prepare(
        self,
        *,
        spec: SOPSpec,
        case: Case,
        task: Task,
        step: Step,
        data: dict[str, Any],
        decision: str,
        actor: Person | None,
        now: dt.datetime,
    ) -> dict[str, Any]:
        plan = _plan(case)
        binding = _binding(step, ContractName.PATROL_SCHEDULE)
        if binding is None:
            return data
        if plan is None:
            if data.get(binding.field("days") or ""):
                return data  # a month without a plan, scheduled through the API as before
            raise Invalid(
                _(
                    "Jadwal patroli disusun pada kalender: buat rencana patroli bulan ini "
                    "(tombol “Susun rencana patroli” di halaman kasus) dan tambahkan harinya."
                ),
                field="plan",
            )
        days, team = services.schedule_values(plan)
        if not days:
            raise Invalid(
                _(
                    "Rencana patroli bulan ini belum memiliki hari. Tambahkan hari patroli pada "
                    "kalender (Patroli › rencana) sebelum menyelesaikan langkah ini."
                ),
                field="plan",
            )
        data[binding.field("days")] = days  # type: ignore[index]
        data[binding.field("team")] = team  # type: ignore[index]
        return data


class ScheduleHook:
    """After the schedule step: each day's task goes to the day's Danru."""

    def prepare(self, *, data: dict[str, Any], **_kw: Any) -> dict[str, Any]:
        return data

    def completed(self, *, case: Case, actor: Person | None, now: dt.datetime, **_kw: Any) -> None:
        services.schedule_tasks_assign(case=case, actor=actor, now=now)


class PatrolGuard:
    def applies(self, step: Step) -> bool:
        return _binding(step, ContractName.PATROL_DAY) is not None

    def filled(self, step: Step) -> Mapping[str, str]:
        binding = _binding(step, ContractName.PATROL_DAY)
        if binding is None:
            return {}
        names = [binding.field(r) for r in ("route", "result", "findings", "photos")]
        return {n: str(FROM_REPORT) for n in names if n}

    def prepare(
        self,
        *,
        spec: SOPSpec,
        case: Case,
        task: Task,
        step: Step,
        data: dict[str, Any],
        decision: str,
        actor: Person | None,
        now: dt.datetime,
    ) -> dict[str, Any]:
        plan = _plan(case)
        if plan is None:
            return data  # a month without a plan reports through the API as before
        report = (
            Report.objects.filter(day__plan=plan, day__day=task.occurrence[:10])
            .select_related("day__danru")
            .first()
        )
        if report is None:
            raise Invalid(
                _(
                    "Patroli ini diselesaikan dengan laporan harian regunya: buka “Isi laporan "
                    "harian” pada hari patroli."
                ),
                field="report",
            )
        data.update(services.report_step_data(report, spec))
        return data


class EvaluationGuard:
    def applies(self, step: Step) -> bool:
        return _binding(step, ContractName.PATROL_EVALUATION) is not None

    def filled(self, step: Step) -> Mapping[str, str]:
        binding = _binding(step, ContractName.PATROL_EVALUATION)
        name = binding.field("findings") if binding else None
        return {name: str(FROM_FINDINGS)} if name else {}

    def prepare(
        self,
        *,
        spec: SOPSpec,
        case: Case,
        task: Task,
        step: Step,
        data: dict[str, Any],
        decision: str,
        actor: Person | None,
        now: dt.datetime,
    ) -> dict[str, Any]:
        plan = _plan(case)
        binding = _binding(step, ContractName.PATROL_EVALUATION)
        if plan is None or binding is None:
            return data
        data[binding.field("findings")] = services.month_finding_lines(plan)  # type: ignore[index]
        return data
