"""The reports' shared pages: the index of reports and the list behind a figure; and the one
way every report reads its unit and period from the address.

A unit the reader may not see is a 404, like one that does not exist. A period that cannot be
read is not an error page: the report shows its default period with the message above it, so
a mistyped address still lands somewhere useful.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from config.dbrouter import report_page
from trantib.accounts.middleware import PersonRequest
from trantib.core.errors import Invalid, NotFound
from trantib.core.xlsx import Sheet, xlsx_book, xlsx_response

from .catalogue import REPORTS
from .figures import drill_cases, drill_entry
from .periods import KINDS, Period, kind_label, period_last_complete, period_of, period_parse
from .scope import Scope, scope_choices, scope_for

DRILL_PAGE = 50
XLSX_MAX_ROWS = 50_000  # a drill's download beyond this is refused: narrow the period


@dataclass(frozen=True)
class Frame:
    """A report's unit and period, and what its pickers need."""

    scope: Scope
    period: Period
    kinds: tuple[str, ...]
    choices: list[Any]

    def context(self) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "period": self.period,
            "choices": self.choices,
            "period_kinds": [(k, kind_label(k)) for k in self.kinds],
            "period_prev": self.period.previous(),
            "period_next": self.period.next(),
        }

    def query(self, **extra: str) -> str:
        """``unit=…&periode=…`` (and extras) for links that keep the frame."""
        from urllib.parse import urlencode

        return urlencode({"unit": self.scope.unit.code, "periode": self.period.code, **extra})


def report_frame(
    request: HttpRequest,
    *,
    kinds: tuple[str, ...] = KINDS,
    default_kind: str | None = None,
    default: str = "last_complete",
) -> Frame:
    """Read ``?unit=`` and ``?periode=``. Unknown or hidden unit → Http404; an unreadable
    period → the default one, with the message shown on the page."""
    try:
        scope = scope_for(request.user, request.GET.get("unit"))
    except NotFound:
        raise Http404(_("Unit tidak ditemukan.")) from None
    kind = default_kind or kinds[0]
    today = timezone.now().astimezone(scope.zone).date()
    fallback = period_of(kind, today) if default == "current" else period_last_complete(kind, today)
    raw = request.GET.get("periode", "")
    period = fallback
    if raw:
        try:
            period = period_parse(raw, kinds=kinds)
        except Invalid as error:
            messages.error(request, error.message)
    return Frame(scope=scope, period=period, kinds=kinds, choices=scope_choices(request.user))


def scope_and_period(
    request: HttpRequest, *, kind: str = "month", default: str = "last_complete"
) -> tuple[Scope, Period]:
    frame = report_frame(request, kinds=(kind,), default=default)
    return frame.scope, frame.period


@login_required
def index(request: PersonRequest) -> HttpResponse:
    """``/laporan/``: every report, by group, each with a link for the reader's unit."""
    groups: dict[str, list[dict[str, str]]] = {}
    for entry in REPORTS:
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        groups.setdefault(str(entry.group), []).append(
            {"url": url, "title": str(entry.title), "summary": str(entry.summary)}
        )
    return render(request, "reports/index.html", {"groups": groups})


@report_page
@login_required
def drill(request: PersonRequest) -> HttpResponse:
    """``/laporan/rincian/?laporan=…&angka=…&unit=…&periode=…``: the cases behind a figure."""
    report, figure = request.GET.get("laporan", ""), request.GET.get("angka", "")
    try:
        entry = drill_entry(report[:40], figure[:40])
    except NotFound:
        raise Http404(_("Rincian angka ini tidak dikenal.")) from None
    if request.GET.get("periode") and not _period_ok(request.GET["periode"]):
        # A figure's list never falls back to another period: it would not be the figure's.
        raise Http404(_("Periode tidak dapat dibaca."))
    frame = report_frame(request)
    params: dict[str, str] = {
        k: str(v)
        for k, v in request.GET.items()
        if k not in {"laporan", "angka", "unit", "periode", "halaman", "format"}
    }
    cases = (
        drill_cases(request.user, report, figure, frame.scope, frame.period, params)
        .select_related("unit", "sop_version")
        .defer("sop_version__content", "state")
        .order_by("opened_at", "pk")
    )
    title = entry.title or _("Kasus di balik angka")
    if request.GET.get("format") == "xlsx":
        return _drill_xlsx(request, cases, frame, str(title))
    page = Paginator(cases, DRILL_PAGE).get_page(request.GET.get("halaman"))
    back = request.GET.copy()
    back.pop("halaman", None)
    back.pop("format", None)
    context = {
        **frame.context(),
        "title": title,
        "page": page,
        "query": back.urlencode(),
    }
    return render(request, "reports/drill.html", context)


def _period_ok(raw: str) -> bool:
    try:
        period_parse(raw)
    except Invalid:
        return False
    return True


def _drill_xlsx(request: HttpRequest, cases: Any, frame: Frame, title: str) -> HttpResponse:
    count = cases.count()
    if count > XLSX_MAX_ROWS:
        messages.error(
            request,
            _("Terlalu banyak baris untuk diunduh (%(n)s; paling banyak %(max)s).")
            % {"n": count, "max": XLSX_MAX_ROWS},
        )
        return render(request, "reports/drill.html", {**frame.context(), "title": title})
    rows, links = [], []
    for case in cases.iterator(chunk_size=2000):
        rows.append(
            [
                case.number,
                case.subject,
                case.unit.name,
                f"{case.sop_code} {case.sop_version.name}",
                case.opened_at,
                case.closed_at,
                case.get_status_display(),
            ]
        )
        links.append([reverse("cases:detail", args=[case.pk])])
    sheet = Sheet(
        name=_("Kasus"),
        headers=[
            _("Nomor"),
            _("Perihal"),
            _("Unit"),
            _("SOP"),
            _("Dibuka"),
            _("Selesai"),
            _("Status"),
        ],
        rows=rows,
        links=links,
        widths=[24, 48, 30, 36, 17, 17, 12],
        zone=frame.scope.zone,
    )
    content = xlsx_book(
        title=title,
        unit=frame.scope.unit.name,
        period=frame.period.label,
        sheets=[sheet],
        site=request.build_absolute_uri("/")[:-1],
    )
    return xlsx_response(content, f"rincian-{frame.scope.unit.code}-{frame.period.code}")
