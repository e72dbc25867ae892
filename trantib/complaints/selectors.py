"""Reads of complaints: staff reads through the user's units, the public read by tracking number.

Identity is never read straight off a complaint in a page, an export or an API: callers ask
:func:`reporter_for`, which masks a confidential reporter for everyone but the intake roles of
the handling unit, and has nothing to show for an anonymous one. The public status
(:func:`complaint_public_status`) carries no name, contact, officer or internal note at all,
and no more of the place than the kelurahan/desa.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from trantib.accounts.models import OrgUnit, Person
from trantib.accounts.selectors import (
    UserLike,
    positions_held,
    units_for_user,
)
from trantib.cases.models import CaseStatus, Event, EventType, Task, TaskStatus
from trantib.cases.services import case_spec
from trantib.core.audit import audit_events
from trantib.core.errors import NotFound
from trantib.core.models import AuditEvent
from trantib.core.rows import joined_instances, select_list
from trantib.engine.spec import Step
from trantib.engine.timing import CalendarKind, TimeStandard

# The answer clock, as the reports read it (``clock.py``).
from .clock import AnswerState as AnswerState
from .clock import answer_state_case as answer_state_case
from .clock import answer_state_q as answer_state_q
from .models import Category, Complaint, ComplaintEvent
from .public import public_address, public_coordinate
from .services import distance_metres, intake_units_of, tracking_normalise


def complaint_list_for_user(
    user: UserLike,
    *,
    status: str = "",
    category: str = "",
    unit: str = "",
    query: str = "",
) -> QuerySet[Complaint]:
    """The complaints handled by the user's units, newest first. ``status``: a case status
    (open/closed/cancelled); ``query`` searches the tracking number, case number and text —
    never the reporter's identity (a search would reveal a confidential name)."""
    # The case's SOP version too: working days left are counted on its calendar, row by row.
    qs = Complaint.objects.filter(unit__in=units_for_user(user)).select_related(
        "unit", "category", "case__sop_version", "duplicate_of"
    )
    if status:
        qs = qs.filter(case__status=status)
    if category:
        qs = qs.filter(category__code=category)
    if unit:
        qs = qs.filter(unit__code=unit)
    if query:
        normal = tracking_normalise(query)
        q = Q(case__number__icontains=query) | Q(description__icontains=query)
        q |= Q(kelurahan__icontains=query) | Q(address__icontains=query)
        if normal:
            q |= Q(tracking=normal)
        qs = qs.filter(q)
    return qs


def complaint_get_for_user(user: UserLike, complaint_id: int) -> Complaint:
    complaint = complaint_list_for_user(user).filter(pk=complaint_id).first()
    if complaint is None:
        raise NotFound(_("Pengaduan tidak ditemukan."), field="complaint")
    return complaint


def complaint_for_case(case_id: int) -> Complaint | None:
    return Complaint.objects.select_related("category", "unit").filter(case_id=case_id).first()


def categories_active() -> QuerySet[Category]:
    return (
        Category.objects.filter(active=True)
        .select_related("unit")
        .order_by("name", "unit__code", "pk")
    )


def category_active(code: str) -> Category | None:
    """The active category with this code (and its unit), or None: the API's and Open311's
    intake name it on every complaint."""
    if connection.vendor == "postgresql":
        found = categories_active_sql(code)
        return found[0] if found else None
    return categories_active().filter(code=code).first()


def categories_active_list() -> list[Category]:
    """Every active category with its unit, as :func:`categories_active` orders them: the SMS
    door reads them on every message."""
    if connection.vendor == "postgresql":
        return categories_active_sql()
    return list(categories_active())


def categories_active_sql(code: str | None = None) -> list[Category]:
    """:func:`categories_active` (only ``code``'s, when given) written out (PostgreSQL):
    compiling the query cost more than running it. ``test_intake_statements`` compares the
    two."""
    with connection.cursor() as cursor:
        cursor.execute(_categories_sql(code is not None), [] if code is None else [code])
        rows = cursor.fetchall()
    found = []
    for row in rows:
        category, unit = joined_instances([Category, OrgUnit], row)
        category.unit = unit
        found.append(category)
    return found


@functools.cache
def _categories_sql(by_code: bool) -> str:
    q = connection.ops.quote_name
    c, u = q(Category._meta.db_table), q(OrgUnit._meta.db_table)
    code = f" AND c.{q('code')} = %s" if by_code else ""
    return (
        f"SELECT {select_list(Category, 'c')}, {select_list(OrgUnit, 'u')}"  # noqa: S608 — quoted names
        f" FROM {c} c JOIN {u} u ON u.{q('id')} = c.{q('unit_id')}"
        f" WHERE c.{q('active')}{code} ORDER BY c.{q('name')}, u.{q('code')}, c.{q('id')}"
    )


# -- who sees the reporter -----------------------------------------------------------------------


def intake_unit_ids(person: Person | None) -> frozenset[int]:
    """The units where ``person`` holds an intake role today (through each unit's mapping of
    the complaint SOP): one query, for a whole list."""
    if person is None:
        return frozenset()
    return intake_units_of(positions_held(person))


@dataclass(frozen=True)
class Reporter:
    """What a reader may see of a reporter. ``shown`` False: ``label`` says why not."""

    shown: bool
    label: str
    name: str = ""
    phone: str = ""
    email: str = ""


def reporter_for(complaint: Complaint, intake_units: frozenset[int]) -> Reporter:
    if complaint.anonymous:
        return Reporter(shown=False, label=_("Anonim"))
    if complaint.confidential and complaint.unit_id not in intake_units:
        return Reporter(shown=False, label=_("Dirahasiakan"))
    return Reporter(
        shown=True,
        label=complaint.reporter_name or _("(tanpa nama)"),
        name=complaint.reporter_name,
        phone=complaint.reporter_phone,
        email=complaint.reporter_email,
    )


# -- working days -------------------------------------------------------------------------------


def answer_due(complaint: Complaint) -> dt.datetime | None:
    """LAPOR!-style: the answer is due ``TRANTIB_COMPLAINT_ANSWER_DAYS`` working days after
    receipt, on the complaint SOP's calendar in the unit's zone: the moment stamped at receipt
    (``clock.py``), computed for a row made before the stamp."""
    if complaint.answer_due_at is not None:
        return complaint.answer_due_at
    days = int(getattr(settings, "TRANTIB_COMPLAINT_ANSWER_DAYS", 5))
    spec = case_spec(complaint.case)
    return spec.calendar.due(
        complaint.received_at, TimeStandard.parse(f"{days} hari"), complaint.unit.zone()
    )


def working_days_left(complaint: Complaint, now: dt.datetime | None = None) -> int | None:
    """Working days from today until the answer is due (0: due today, negative: late); None
    once the complaint is answered or stopped."""
    if complaint.answered_at is not None or complaint.case.status != CaseStatus.OPEN:
        return None
    return working_days_left_at(complaint, now or timezone.now())


def working_days_left_at(complaint: Complaint, moment: dt.datetime) -> int | None:
    """Working days from ``moment`` until the answer is due, whatever the complaint's state
    (None: no deadline). At the moment of its answer: 0 or more is an answer in time, as the
    case page's clock counts it ("due today" is not late)."""
    due = answer_due(complaint)
    if due is None:
        return None
    calendar = case_spec(complaint.case).calendar
    due_day = timezone.localtime(due, complaint.unit.zone()).date()
    return calendar.working_days_between(office_day(complaint, moment), due_day)


def office_day(complaint: Complaint, moment: dt.datetime) -> dt.date:
    """The day of ``moment`` for the complaint's office, in its unit's zone: after closing time
    (or on a day off) the office's "today" is its next opening — a complaint received on
    Thursday evening has the same 5 days as one on Friday morning."""
    calendar = case_spec(complaint.case).calendar
    local = timezone.localtime(moment, complaint.unit.zone())
    if calendar.kind is CalendarKind.WORKING:
        local = calendar.next_open(local)
    return local.date()


def answer_working_days(complaint: Complaint) -> int | None:
    """How many working days the reporter waited for the answer: from the office day of
    receipt to the office day of the answer, on the complaint SOP's calendar (holidays and
    the unit's days off skipped); None while not answered."""
    if complaint.answered_at is None:
        return None
    if complaint.answer_days is not None:  # stamped at the answer (``clock.py``)
        return complaint.answer_days
    calendar = case_spec(complaint.case).calendar
    return calendar.working_days_between(
        office_day(complaint, complaint.received_at), office_day(complaint, complaint.answered_at)
    )


# -- duplicates ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DuplicateCandidate:
    complaint: Complaint
    metres: int


def complaint_duplicate_candidates(complaint: Complaint) -> list[DuplicateCandidate]:
    """Open complaints of the same category and unit, received in the last
    ``TRANTIB_DUPLICATE_DAYS`` days and within ``TRANTIB_DUPLICATE_METRES`` of this one,
    nearest first. A box in SQL narrows the rows; the exact distance is computed here."""
    if complaint.duplicate_of_id is not None or not complaint.has_point:
        return []
    metres = int(getattr(settings, "TRANTIB_DUPLICATE_METRES", 150))
    days = int(getattr(settings, "TRANTIB_DUPLICATE_DAYS", 14))
    lat, lon = float(complaint.latitude), float(complaint.longitude)  # type: ignore[arg-type]
    dlat = metres / 111_000
    dlon = metres / max(1.0, 111_000 * abs(math.cos(math.radians(lat))))
    since = complaint.received_at - dt.timedelta(days=days)
    rows = (
        Complaint.objects.filter(
            category_id=complaint.category_id,
            unit_id=complaint.unit_id,
            duplicate_of__isnull=True,
            case__status=CaseStatus.OPEN,
            received_at__gte=since,
            received_at__lte=complaint.received_at + dt.timedelta(days=days),
            latitude__gte=Decimal(str(lat - dlat)),
            latitude__lte=Decimal(str(lat + dlat)),
            longitude__gte=Decimal(str(lon - dlon)),
            longitude__lte=Decimal(str(lon + dlon)),
        )
        .exclude(pk=complaint.pk)
        .select_related("case", "category")
    )
    found = []
    for other in rows:
        d = distance_metres(lat, lon, float(other.latitude), float(other.longitude))  # type: ignore[arg-type]
        if d <= metres:
            found.append(DuplicateCandidate(complaint=other, metres=round(d)))
    return sorted(found, key=lambda c: (c.metres, c.complaint.received_at))


# -- the public status page ---------------------------------------------------------------------


@dataclass(frozen=True)
class PublicUpdate:
    at: dt.datetime
    text: str


@dataclass(frozen=True)
class PublicStatus:
    """What anyone holding the tracking number may read: no name, contact, officer or note,
    no description, address or point — the place is the kelurahan/desa alone. The answer is
    this complaint's own (written to its reporter, who holds the number), or for a duplicate
    not yet answered, the original's when the original is public."""

    tracking: str
    category: str
    unit: str
    received_at: dt.datetime
    status: str  # "open", "closed", "duplicate", "cancelled"
    status_label: str
    updates: list[PublicUpdate] = field(default_factory=list)
    answer: str = ""
    answered_at: dt.datetime | None = None
    duplicate_of: str = ""  # the case number of the original (not its tracking number)
    working_days_left: int | None = None
    kelurahan: str = ""


def _not_authority(complaint: Complaint) -> bool:
    """The complaint's case was closed as outside the unit's authority."""
    return Event.objects.filter(
        case_id=complaint.case_id, type=EventType.CASE_CANCELLED, data__not_authority=True
    ).exists()


def step_public_label(step: Step) -> str:
    """What the public reads for a done step: its ``public:`` label, else a neutral one."""
    return step.public or _("Sedang ditindaklanjuti")


def units_with_outline() -> QuerySet[OrgUnit]:
    """The active units that have an outline: public areas, drawn on the report form's map."""
    return OrgUnit.objects.filter(active=True, outline__isnull=False).order_by("code")


def complaint_public_status(tracking: str) -> PublicStatus:
    normal = tracking_normalise(tracking)
    complaint = (
        Complaint.objects.select_related("unit", "category", "case", "duplicate_of__case")
        .filter(tracking=normal)
        .first()
        if normal
        else None
    )
    if complaint is None:
        raise NotFound(
            _("Nomor pelacakan %(tracking)s tidak ditemukan.") % {"tracking": tracking[:20]},
            field="tracking",
        )
    followed = complaint.duplicate_of or complaint
    # The steps done, by their public labels (the SOP's ``public:``) and dates only: who did
    # them and what they wrote stays inside the unit, and the SOP's own step text (written for
    # officers, source typos included) is never shown to the public.
    done = Task.objects.filter(case=followed.case, status=TaskStatus.DONE).order_by(
        "completed_at", "pk"
    )
    spec = case_spec(followed.case)
    updates = [PublicUpdate(at=complaint.received_at, text=_("Pengaduan diterima"))]
    for task in done:
        if task.step_id == spec.start.id or task.completed_at is None:
            continue
        text = step_public_label(spec.step(task.step_id))
        if text != updates[-1].text:  # one line for a run of unlabelled steps
            updates.append(PublicUpdate(at=task.completed_at, text=text))
    # A duplicate's reporter reads the original's answer (until their own is written) only
    # when the original is public: another one was written to that reporter alone.
    shared_answer = (
        followed is not complaint and followed.answered_at is not None and followed.public
    )
    if complaint.duplicate_of_id is not None:
        # The original's case number, never its tracking number (another reporter's key).
        status, label = (
            "duplicate",
            _("Digabung dengan pengaduan yang sama, %(number)s") % {"number": followed.case.number},
        )
    elif complaint.case.status == CaseStatus.CLOSED:
        status, label = "closed", _("Selesai")
    elif complaint.case.status == CaseStatus.CANCELLED and _not_authority(complaint):
        status, label = "cancelled", _("Bukan kewenangan %(unit)s") % {"unit": complaint.unit.name}
    elif complaint.case.status == CaseStatus.CANCELLED:
        status, label = "cancelled", _("Dibatalkan")
    elif len(updates) == 1:
        status, label = "open", _("Diterima, menunggu tindak lanjut")
    else:
        status, label = "open", _("Sedang ditindaklanjuti")
    return PublicStatus(
        tracking=complaint.tracking,
        category=complaint.category.name,
        unit=complaint.unit.name,
        received_at=complaint.received_at,
        status=status,
        status_label=label,
        updates=updates,
        answer=complaint.answer_text or (followed.answer_text if shared_answer else ""),
        answered_at=complaint.answered_at or (followed.answered_at if shared_answer else None),
        duplicate_of=followed.case.number if followed is not complaint else "",
        working_days_left=working_days_left(followed),
        kelurahan=complaint.kelurahan,
    )


def complaint_map_points_for_user(
    user: UserLike, *, unit: str = "", open_only: bool = True
) -> list[dict[str, object]]:
    """GeoJSON features of the user's complaints that have a point: category, tracking,
    status and a link — no reporter."""
    qs = complaint_list_for_user(user, unit=unit).filter(latitude__isnull=False)
    if open_only:
        qs = qs.filter(case__status=CaseStatus.OPEN)
    return [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [float(c.longitude), float(c.latitude)]},  # type: ignore[arg-type]
            "properties": {
                "id": c.pk,
                "tracking": c.tracking,
                "category": c.category.name,
                "status": c.case.status,
                "number": c.case.number,
            },
        }
        for c in qs[:2000]
    ]


# -- what the public sees (for the staff who decide it) -----------------------------------------


@dataclass(frozen=True)
class PublicView:
    """What the public feed shows, or would show, of a complaint's place; and the decisions
    taken on it (the complaint's audit events, oldest first)."""

    public: bool
    address: str
    point: tuple[float, float] | None
    decisions: list[AuditEvent]


def complaint_public_view(complaint: Complaint) -> PublicView:
    lat, lon = public_coordinate(complaint.latitude), public_coordinate(complaint.longitude)
    decisions = (
        audit_events(complaint).filter(type__in=ComplaintEvent.values).select_related("actor")
    )
    return PublicView(
        public=complaint.public,
        address=public_address(complaint.address, complaint.kelurahan),
        point=(lat, lon) if lat is not None and lon is not None else None,
        decisions=list(decisions),
    )
