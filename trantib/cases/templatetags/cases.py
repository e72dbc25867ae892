"""Template filters of the case pages: times in the unit's own zone, and spans of time."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from trantib.accounts.models import OrgUnit

from ..models import Case, Task
from ..panels import case_clocks_for
from ..services import case_spec

register = template.Library()


@register.filter
def at_unit(value: dt.datetime | None, unit: OrgUnit) -> str:
    """``22 Nov 2026 09.30 WITA``: the moment as the unit's clock shows it."""
    return unit.time_text(value)


def span_text(seconds: float) -> str:
    """A span of time in the two largest units: ``2 hari 3 jam``, ``45 menit``."""
    minutes = max(0, int(seconds // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("%(n)d hari", "%(n)d hari", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)d jam", "%(n)d jam", hours) % {"n": hours})
    if mins and not days:
        parts.append(ngettext("%(n)d menit", "%(n)d menit", mins) % {"n": mins})
    return " ".join(parts[:2]) or _("kurang dari 1 menit")


@register.filter
def duration(seconds: int | None) -> str:
    return "" if seconds is None else span_text(seconds)


@register.filter
def minutes(value: int | None) -> str:
    return "" if value is None else span_text(value * 60)


@register.simple_tag
def due_text(due_at: dt.datetime | None, now: dt.datetime) -> str:
    """``sisa 12 menit`` before the due time, ``terlambat 2 jam`` after it."""
    if due_at is None:
        return _("tanpa batas waktu")
    left = (due_at - now).total_seconds()
    if left >= 0:
        return _("sisa %(span)s") % {"span": span_text(left)}
    return _("terlambat %(span)s") % {"span": span_text(-left)}


@register.inclusion_tag("cases/task_clocks.html", takes_context=True)
def task_clocks(
    context: template.Context, task: Task, now: dt.datetime, layout: str = "card"
) -> dict[str, Any]:
    """A task's due time as its step's Mutu Baku, and beside it, labelled, every clock of its
    case as a whole (a complaint's answer to its reporter). A page that lists many tasks puts
    ``case_clocks`` (``case_clocks_for``) in its context; otherwise the task's case is asked."""
    clocks = context.get("case_clocks")
    if clocks is None:
        clocks = case_clocks_for([task.case], now)
    return {
        "task": task,
        "now": now,
        "layout": layout,
        "unit": task.case.unit,
        "step_late": task.due_at is not None and task.due_at < now,
        "clocks": clocks.get(task.case_id, []),
    }


@register.filter
def get_item(mapping: dict[Any, Any] | None, key: Any) -> Any:
    """``mapping[key]`` in a template (``""`` when absent)."""
    return (mapping or {}).get(key, "")


@register.filter
def case_noun(case: Case) -> str:
    """What this case is called: its SOP's word ("kegiatan", "pengaduan"), or the word of the
    entry step a parent case opened it at (a patrol's "penegakan")."""
    spec = case_spec(case)
    entry = ""
    if case.parent is not None and case.parent_step:
        try:
            sub = case_spec(case.parent).step(case.parent_step).subprocedure
        except KeyError:
            sub = None
        if sub is not None and sub.sop in ("", spec.code):
            entry = sub.entry
    return spec.noun(entry)
