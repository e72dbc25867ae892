"""What Open311 shows of complaints: the records of service requests and what GET requests
lists.

Only public complaints are listed or found (``Complaint.public``; see ``complaints.public``):
never a confidential one, and one taken at the counter or on the phone only once an intake
role marked it public. A record's place is coarse: the point rounded to about 100 m
(``public_coordinate``) and the address cut to the street and the kelurahan/desa
(``public_address``).

Privacy: a request carries what the citizen wrote (description, place) and public status text
only — never a reporter's name or contact, an officer or an internal note. Status and notes
are the labels of the public status page (``complaints.selectors.complaint_public_status``),
computed here for a whole list with one query more; the answer to the reporter joins the notes
only when the complaint and, for a duplicate, its original are both public (an answer to a
reporter whose complaint is not public stays on the status page, behind the tracking number).
A duplicate names its original by id only when the original is public. Free text that leaves
(answer, description) has any tracking number in it replaced. No record or notice carries a
tracking number — not even a duplicate's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from trantib.cases.models import CaseStatus, Task, TaskStatus
from trantib.cases.services import case_spec
from trantib.core.dates import date_id

from .. import services
from ..models import Category, Complaint
from ..public import public_address, public_coordinate
from ..selectors import answer_due, category_active
from .params import REQUESTS_MAX, REQUESTS_SPAN, comma_list, moment, request_pk, span
from .render import Open311Error, blank, w3

# The order of the spec's response tables (the tests hold the same lists).
REQUEST_FIELDS = (
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
)


def _untracked(text: str, *known: Complaint | None) -> str:
    """Free text of a public record without tracking numbers (``services.untracked``): the
    numbers of the complaints at hand in any spelling, any other in the written form."""
    return services.untracked(text, *(c.tracking for c in known if c is not None))


def category_for_code(code: str) -> Category:
    category = category_active((code or "").strip())
    if category is None:
        raise Open311Error(
            404, _("service_code “%(code)s” tidak dikenal.") % {"code": (code or "")[:40]}
        )
    return category


@dataclass(frozen=True)
class _Public:
    status: str  # "open" or "closed"
    notes: str
    updated: dt.datetime


def _public_states(complaints: list[Complaint]) -> dict[int, _Public]:
    """The public status of each complaint (the status page's labels) in one query: its done
    steps. A duplicate or cancelled complaint is closed; the notes say why."""
    done: dict[int, list[tuple[str, dt.datetime | None]]] = {}
    rows = Task.objects.filter(
        case_id__in=[c.case_id for c in complaints], status=TaskStatus.DONE
    ).values_list("case_id", "step_id", "completed_at")
    for case_id, step_id, completed_at in rows:
        done.setdefault(case_id, []).append((step_id, completed_at))
    states = {}
    for c in complaints:
        start = case_spec(c.case).start.id
        steps = [(s, at) for s, at in done.get(c.case_id, []) if s != start and at is not None]
        original = c.duplicate_of
        # An answer written to a reporter whose complaint is not public stays on the status
        # page, behind the tracking number; so does a duplicate's of such an original, which
        # repeats it.
        private = not c.public or (original is not None and not original.public)
        answer = "" if private else c.answer_text
        if original is not None:
            status = "closed"
            # The original's id, when it is public (its tracking number never: that is the
            # other reporter's secret).
            if original.public:
                label = _("Digabung dengan permintaan %(id)s") % {"id": original.pk}
            else:
                label = _("Digabung dengan pengaduan lain tentang masalah yang sama")
            if not answer and not private and original.answered_at is not None:
                answer = original.answer_text
        elif c.case.status == CaseStatus.CLOSED:
            status, label = "closed", _("Selesai")
        elif c.case.status == CaseStatus.CANCELLED:
            status, label = "closed", _("Dibatalkan")
        elif not steps:
            status, label = "open", _("Diterima, menunggu tindak lanjut")
        else:
            status, label = "open", _("Sedang ditindaklanjuti")
        moments = [c.received_at, c.case.closed_at, c.answered_at, *(at for _s, at in steps)]
        states[c.pk] = _Public(
            status=status,
            notes=f"{label}. {_untracked(answer, c, c.duplicate_of)}" if answer else label,
            updated=max(m for m in moments if m is not None),
        )
    return states


def request_notice(complaint: Complaint, due: dt.datetime | None) -> str:
    """The notice of every record: who handles it and by when — no tracking number, as records
    are public."""
    if due is None:
        return _("Ditangani %(unit)s.") % {"unit": complaint.unit.name}
    return _("Ditangani %(unit)s; jawaban kepada pelapor paling lambat %(date)s.") % {
        "unit": complaint.unit.name,
        "date": date_id(timezone.localtime(due, complaint.unit.zone())),
    }


def _request_record(complaint: Complaint, state: _Public) -> dict[str, Any]:
    zone = complaint.unit.zone()
    due = answer_due(complaint)
    # The order of the spec's response table (REQUEST_FIELDS).
    return {
        "service_request_id": str(complaint.pk),
        "status": state.status,
        "status_notes": state.notes,
        "service_name": complaint.category.name,
        "service_code": complaint.category.code,
        "description": _untracked(complaint.description, complaint),
        "agency_responsible": complaint.unit.name,
        "service_notice": request_notice(complaint, due),
        "requested_datetime": w3(complaint.received_at, zone),
        "updated_datetime": w3(state.updated, zone),
        "expected_datetime": w3(due, zone),
        "address": blank(public_address(complaint.address, complaint.kelurahan)),
        "address_id": None,
        "zipcode": None,
        "lat": public_coordinate(complaint.latitude),
        "long": public_coordinate(complaint.longitude),
        "media_url": None,
    }


def request_complaints() -> QuerySet[Complaint]:
    """The public complaints, newest first: everything any Open311 GET may show."""
    return (
        Complaint.objects.filter(public=True)
        .select_related("unit", "category", "case__sop_version", "duplicate_of")
        .order_by("-received_at", "-pk")
    )


def request_records(complaints: Iterable[Complaint]) -> list[dict[str, Any]]:
    rows = list(complaints)
    states = _public_states(rows)
    return [_request_record(c, states[c.pk]) for c in rows]


def requests_query(params: QueryDict) -> list[dict[str, Any]]:
    ids = comma_list(params, "service_request_id")
    if ids:
        # The spec: service_request_id overrides every other argument.
        wanted = {request_pk(i) for i in ids[:REQUESTS_MAX]} - {None}
        return request_records(request_complaints().filter(pk__in=wanted)[:REQUESTS_MAX])
    qs = request_complaints()
    codes = comma_list(params, "service_code")
    if codes:
        qs = qs.filter(category__code__in=codes)
    statuses = set(comma_list(params, "status"))
    if statuses - {"open", "closed"}:
        raise Open311Error(400, _("status hanya open atau closed (boleh keduanya, dipisah koma)."))
    is_open = Q(case__status=CaseStatus.OPEN, duplicate_of__isnull=True)
    if statuses == {"open"}:
        qs = qs.filter(is_open)
    elif statuses == {"closed"}:
        qs = qs.exclude(is_open)
    start, end = span(moment(params, "start_date"), moment(params, "end_date"))
    if end < start:
        raise Open311Error(400, _("end_date lebih awal dari start_date."))
    if end - start > REQUESTS_SPAN:
        raise Open311Error(400, _("Rentang start_date–end_date paling lama 90 hari."))
    qs = qs.filter(received_at__gte=start, received_at__lte=end)
    return request_records(qs[:REQUESTS_MAX])


def request_one(service_request_id: str) -> Complaint:
    pk = request_pk(service_request_id)
    complaint = request_complaints().filter(pk=pk).first() if pk is not None else None
    if complaint is None:
        raise Open311Error(
            404,
            _("service_request_id “%(id)s” tidak ditemukan.") % {"id": service_request_id[:20]},
        )
    return complaint
