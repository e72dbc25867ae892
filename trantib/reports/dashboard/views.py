"""``/laporan/dasbor/``: the head of unit's dashboard, and ``/laporan/dasbor/tugas/``: the work
steps behind its step figures.

A unit the reader may not see is a 404, like one that does not exist; a ``?rentang=`` that is
neither ``minggu`` nor ``bulan`` shows the weekly line with a message; a task filter that
cannot be read shows the list empty with a message naming the filter (400).
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from config.dbrouter import report_page
from trantib.accounts.middleware import PersonRequest
from trantib.accounts.models import Position
from trantib.core.errors import Invalid, NotFound

from ..charts import Bar, Series, bar_chart, line_chart
from ..scope import Scope, scope_choices, scope_for
from . import drills  # noqa: F401 - registers the dashboard's drills
from .build import RANGES, Dashboard, dashboard_build
from .tasks import FILTERS, task_drill

PAGE_SIZE = 50
# Narrower than the default 640: the text stays readable when the SVG shrinks to a phone.
CHART_WIDTH = 480


def _scope(request: PersonRequest) -> Scope:
    try:
        return scope_for(request.user, request.GET.get("unit"))
    except NotFound:
        raise Http404(_("Unit tidak ditemukan.")) from None


def _charts(d: Dashboard) -> dict[str, Any]:
    """Each panel's chart and the table behind it."""
    work_bars = []
    for row in d.work.sops:
        work_bars.append(Bar(f"{row.code} · {_('berjalan')}", row.open.value or 0, row.open.href))
        work_bars.append(
            Bar(f"{row.code} · {_('terlambat')}", row.late.value or 0, row.late.href, "late")
        )
    compliance_labels = [r.bucket.axis for r in d.compliance.rows]
    complaint_labels = [r.bucket.axis for r in d.complaints.rows]
    ladder_bars = [Bar(f.label, f.value or 0, f.href) for _rung, f in d.ladder.by_rung]
    ladder_bars.append(
        Bar(d.ladder.overdue.label, d.ladder.overdue.value or 0, d.ladder.overdue.href, "late")
    )
    return {
        "work_chart": bar_chart(
            work_bars, title=_("Kasus berjalan dan terlambat per SOP"), width=CHART_WIDTH
        ),
        "work_table": [[f"{r.code} — {r.name}", r.open, r.late] for r in d.work.sops],
        "work_headers": [_("SOP"), _("Kasus berjalan"), _("Dengan langkah terlambat")],
        "compliance_chart": line_chart(
            compliance_labels,
            [
                Series(
                    _("Langkah selesai dalam Mutu Baku"),
                    [r.share.value for r in d.compliance.rows],  # type: ignore[misc]
                    "ok",
                )
            ],
            title=_("Persentase langkah selesai dalam Mutu Baku"),
            percent=True,  # twelve points: the default width keeps their labels apart
        ),
        "compliance_table": [
            [r.bucket.label, r.done, r.within, r.late, r.share] for r in d.compliance.rows
        ],
        "compliance_headers": [
            _("Minggu mulai") if d.range == "minggu" else _("Bulan"),
            _("Langkah selesai"),
            _("Dalam Mutu Baku"),
            _("Melewati Mutu Baku"),
            _("Persentase"),
        ],
        "complaint_chart": line_chart(
            complaint_labels,
            [
                Series(
                    _("Dijawab tepat waktu"),
                    [r.share.value for r in d.complaints.rows],  # type: ignore[misc]
                )
            ],
            title=_("Persentase pengaduan dijawab dalam batas hari kerja"),
            percent=True,
            width=CHART_WIDTH,
        ),
        "complaint_table": [
            [r.bucket.label, r.received, r.told, r.on_time, r.late, r.share, r.median]
            for r in d.complaints.rows
        ],
        "complaint_headers": [
            _("Bulan diterima"),
            _("Diterima"),
            _("Pelapor diberi tahu"),
            _("Tepat waktu"),
            _("Terlambat"),
            _("Persentase tepat waktu"),
            _("Median hari kerja"),
        ],
        "ladder_chart": bar_chart(
            ladder_bars, title=_("Penegakan berjalan per tingkat"), width=CHART_WIDTH
        ),
        "ladder_table": [[f.label, f] for _rung, f in d.ladder.by_rung]
        + [[d.ladder.overdue.label, d.ladder.overdue], [d.ladder.total.label, d.ladder.total]],
        "ladder_headers": [_("Tingkat"), _("Penegakan")],
    }


@report_page
@login_required
def dashboard(request: PersonRequest) -> HttpResponse:
    scope = _scope(request)
    range_ = request.GET.get("rentang", "") or RANGES[0]
    if range_ not in RANGES:
        messages.error(
            request,
            _("Rentang “%(value)s” tidak dikenal: pilih minggu atau bulan.")
            % {"value": range_[:20]},
        )
        range_ = RANGES[0]
    d = dashboard_build(
        request.user, scope, range_=range_, dashboard_url=reverse("reports:dashboard")
    )
    context = {
        "scope": scope,
        "choices": scope_choices(request.user),
        "d": d,
        "range": range_,
        "map_geojson": d.map.geojson,
        "map_outline": json.dumps(d.map.outline) if d.map.outline else "",
        "map_tiles": _setting("TRANTIB_MAP_TILE_URL"),
        "map_attribution": _setting("TRANTIB_MAP_ATTRIBUTION"),
        "child_headers": [f.label for f in d.children[0].figures] if d.children else [],
        **_charts(d),
    }
    return render(request, "reports/dashboard.html", context)


def _setting(name: str) -> str:
    from django.conf import settings

    return str(getattr(settings, name, "") or "")


@report_page
@login_required
def dashboard_tasks(request: PersonRequest) -> HttpResponse:
    """The work steps behind a dashboard figure, one row each, oldest due first."""
    scope = _scope(request)
    params = {k: request.GET.get(k, "") for k in FILTERS if request.GET.get(k)}
    status = 200
    try:
        tasks = task_drill(scope, params, now=timezone.now())
    except Invalid as error:
        messages.error(request, error.message)
        tasks, status = None, 400
    page = None
    if tasks is not None:
        tasks = tasks.select_related("case", "unit", "assignee").order_by(
            "due_at", "created_at", "pk"
        )
        page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("halaman"))
        # An unclaimed step shows its position's name (one query for the page).
        rows = list(page.object_list)
        names = {
            (p.unit_id, p.code): p.name
            for p in Position.objects.filter(
                unit_id__in={t.unit_id for t in rows}, code__in={t.role for t in rows}
            )
        }
        for task in rows:
            task.position_name = names.get((task.unit_id, task.role), "")  # type: ignore[attr-defined]
        page.object_list = rows
    query = request.GET.copy()
    query.pop("halaman", None)
    context = {
        "scope": scope,
        "choices": scope_choices(request.user),
        "page": page,
        "now": timezone.now(),
        "query": query.urlencode(),
        "filters": params,
        "back": f"{reverse('reports:dashboard')}?unit={scope.unit.code}",
    }
    return render(request, "reports/dashboard_tasks.html", context, status=status)
