"""The work steps behind a dashboard figure: ``/laporan/dasbor/tugas/?unit=…&…``.

The dashboard counts work steps (tasks of kind ``work``): waiting on a position, claimed by a
person, late, done within their Mutu Baku or not. Steps are not cases (a case has many), so
their figures link here rather than to the case drill; this list applies the address's filters
to the scope's tasks and shows one row per step, so its row count is the figure.

Filters (all optional, combined with AND):

- ``status``: ``menunggu`` (open, waiting to be claimed), ``dikerjakan`` (claimed),
  ``berjalan`` (either), ``selesai`` (done);
- ``terlambat=ya``: live and past its due time (``due_at`` before now);
- ``orang=<id>``: claimed by that person; ``peran=<UNIT>:<role>``: offered to that position;
- ``sop=<code>``;
- ``waktu=<2026-W10|2026-10>``: done in that week or month (unit's clock), with a Mutu Baku;
- ``mutu=ya|tidak``: done by its due time (``completed_at <= due_at``) or after it.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from trantib.cases.models import Task, TaskKind, TaskStatus
from trantib.core.errors import Invalid
from trantib.core.text import has_control_characters

from ..scope import Scope
from .common import LIVE, bucket_parse

STATUSES = {
    "menunggu": (TaskStatus.OPEN,),
    "dikerjakan": (TaskStatus.CLAIMED,),
    "berjalan": LIVE,
    "selesai": (TaskStatus.DONE,),
}
_ROLE = re.compile(r"^([A-Z0-9][A-Z0-9-]{0,19}):([a-z][a-z0-9_]{0,63})$")
_SOP = re.compile(r"^[A-Za-z0-9_-]{1,20}$")
_ID = re.compile(r"^[0-9]{1,18}$")
FILTERS = ("status", "terlambat", "orang", "peran", "sop", "waktu", "mutu")


def _bad(field: str, value: str) -> Invalid:
    shown = value[:30]
    return Invalid(
        _("Filter %(field)s tidak dapat dibaca: “%(value)s”.") % {"field": field, "value": shown},
        field=field,
    )


def task_drill(scope: Scope, params: dict[str, str], *, now: dt.datetime) -> QuerySet[Task]:
    """The scope's work steps matching ``params``; ``Invalid`` (naming the filter) for a value
    that cannot be read. Unknown parameters are ignored."""
    qs = Task.objects.filter(unit_id__in=scope.unit_ids, kind=TaskKind.WORK)
    for name in FILTERS:
        value = params.get(name, "")
        if has_control_characters(value):
            raise _bad(name, value)
    if status := params.get("status", ""):
        if status not in STATUSES:
            raise _bad("status", status)
        qs = qs.filter(status__in=STATUSES[status])
    if late := params.get("terlambat", ""):
        if late != "ya":
            raise _bad("terlambat", late)
        qs = qs.filter(status__in=LIVE, due_at__lt=now)
    if person := params.get("orang", ""):
        if not _ID.match(person) or int(person) >= 2**63:
            raise _bad("orang", person)
        qs = qs.filter(assignee_id=int(person))
    if role := params.get("peran", ""):
        found = _ROLE.match(role)
        if not found:
            raise _bad("peran", role)
        qs = qs.filter(unit__code=found[1], role=found[2])
    if sop := params.get("sop", ""):
        if not _SOP.match(sop):
            raise _bad("sop", sop)
        qs = qs.filter(case__sop_code=sop)
    if when := params.get("waktu", ""):
        bucket = bucket_parse(when, scope.zone)
        if bucket is None:
            raise _bad("waktu", when)
        qs = qs.filter(
            status=TaskStatus.DONE,
            due_at__isnull=False,
            completed_at__gte=bucket.start,
            completed_at__lt=bucket.end,
        )
    if within := params.get("mutu", ""):
        if within not in ("ya", "tidak"):
            raise _bad("mutu", within)
        done = Q(status=TaskStatus.DONE, due_at__isnull=False, completed_at__isnull=False)
        on_time = Q(completed_at__lte=F("due_at"))
        qs = qs.filter(done & (on_time if within == "ya" else ~on_time))
    return qs
