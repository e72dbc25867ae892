"""Panels that domain apps add to the case page.

The case page knows cases and tasks, not complaints, letters or violators. A domain app
registers a panel in its ``AppConfig.ready()``: a template and a function that returns that
template's context for a case (or None when the case is not one of its own: no panel then).
The case page renders every panel that answers, in ``order``, above the steps; a task panel
(:func:`task_panel_register`) shows inside a live task's card.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from trantib.accounts.models import Person
    from trantib.engine.spec import Step

    from .models import Case, Task

PanelContext = Callable[["Case", "Person | None"], "dict[str, Any] | None"]


@dataclass(frozen=True)
class CasePanel:
    name: str
    template: str
    context: PanelContext
    order: int = 50


_PANELS: dict[str, CasePanel] = {}


def case_panel_register(
    name: str, *, template: str, context: PanelContext, order: int = 50
) -> None:
    _PANELS[name] = CasePanel(name=name, template=template, context=context, order=order)


def case_panels_render(request: HttpRequest, case: Case, person: Person | None) -> list[SafeString]:
    """The HTML of every registered panel that has something to show for ``case``."""
    shown = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.name)):
        context = panel.context(case, person)
        if context is not None:
            html = render_to_string(panel.template, {"case": case, **context}, request=request)
            shown.append(mark_safe(html))  # noqa: S308 — our own template, autoescaped
    return shown


# -- panels on one live task ---------------------------------------------------------------
#
# The same for a live task: a domain app shows what it keeps for the task's step (the letter a
# step writes or waits for) inside the task's card, above its form. The context function gets
# the task, its step and the visitor, and answers None for the steps that are not its own.

TaskPanelContext = Callable[["Task", "Step", "Person | None"], "dict[str, Any] | None"]


@dataclass(frozen=True)
class TaskDomainPanel:
    name: str
    template: str
    context: TaskPanelContext


_TASK_PANELS: dict[str, TaskDomainPanel] = {}


def task_panel_register(name: str, *, template: str, context: TaskPanelContext) -> None:
    _TASK_PANELS[name] = TaskDomainPanel(name=name, template=template, context=context)


def task_panels_render(
    request: HttpRequest, task: Task, step: Step, person: Person | None
) -> list[SafeString]:
    """The HTML of every registered task panel that has something to show for ``task``."""
    shown = []
    for name in sorted(_TASK_PANELS):
        panel = _TASK_PANELS[name]
        context = panel.context(task, step, person)
        if context is not None:
            html = render_to_string(panel.template, {"task": task, **context}, request=request)
            shown.append(mark_safe(html))  # noqa: S308 — our own template, autoescaped
    return shown


# -- clocks of the case as a whole ----------------------------------------------------------
#
# A task's due time is its step's Mutu Baku ("15 menit" for the Staf's intake). Some cases
# also run against a deadline of their own that a domain app keeps (a complaint's answer to
# its reporter, 5 working days). Both are shown, each with its label, so that "terlambat" on
# the one and "sisa 4 hari kerja" on the other never read as a contradiction; where a case
# clock exists, it — not the step's standard — decides whether the task counts as late.


@dataclass(frozen=True)
class CaseClock:
    """One deadline of a case as a whole: ``label`` names it ("Jawaban kepada pelapor"), ``text``
    says where it stands ("sisa 4 hari kerja"); ``soon``: due today or tomorrow."""

    label: str
    text: str
    due_at: dt.datetime | None = None
    late: bool = False
    soon: bool = False


CaseClocks = Callable[[Sequence["Case"], dt.datetime], Mapping[int, CaseClock]]


@dataclass(frozen=True)
class CaseClockSql:
    """The same clock in SQL, for Tugas Saya's groups counted in the database: ``rows``, a
    query of the clock's row for the case ``OuterRef("case_id")`` of a task (none where the
    case has no such clock now); ``due_at``, its field of ``CaseClock.due_at``; ``late_from``,
    its field of the first moment ``CaseClock.late`` is true (``late`` ⟺ ``late_from <= now``).
    """

    rows: QuerySet[Any]
    due_at: str
    late_from: str


_CLOCKS: dict[str, CaseClocks] = {}
_CLOCKS_SQL: dict[str, Callable[[], CaseClockSql]] = {}


def case_clock_register(name: str, *, clocks: CaseClocks, sql: Callable[[], CaseClockSql]) -> None:
    """``clocks(cases, now)`` returns the clock of each of ``cases`` it keeps, by case id, in
    a fixed number of queries (the cards Tugas Saya shows); ``sql()`` says the same of every
    task's case at once in SQL (which of its tasks are late or due today, counted without
    loading them)."""
    _CLOCKS[name] = clocks
    _CLOCKS_SQL[name] = sql


def case_clocks_sql() -> list[CaseClockSql]:
    """Every registered clock as SQL, in the order of their names."""
    return [_CLOCKS_SQL[name]() for name in sorted(_CLOCKS_SQL)]


def case_clocks_for(cases: Sequence[Case], now: dt.datetime) -> dict[int, list[CaseClock]]:
    """Every registered clock of each case, by case id (cases without one are left out)."""
    found: dict[int, list[CaseClock]] = {}
    if not cases:
        return found
    for name in sorted(_CLOCKS):
        for case_id, clock in _CLOCKS[name](cases, now).items():
            found.setdefault(case_id, []).append(clock)
    return found


# -- linked cases other apps know of ------------------------------------------------------------

# Cases linked to a case that only a domain app knows about (a duplicate complaint's original),
# ``[(relation, case), …]``; the case file lists them with the parent and the children.
CaseLinks = Callable[["Case"], "list[tuple[str, Case]]"]
_LINKS: dict[str, CaseLinks] = {}


def case_links_register(name: str, links: CaseLinks) -> None:
    _LINKS[name] = links


def case_links(case: Case) -> list[tuple[str, Case]]:
    return [found for name in sorted(_LINKS) for found in _LINKS[name](case)]
