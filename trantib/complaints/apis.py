"""/api/v1/complaints: complaints taken at the counter or on the phone, the unit's list, and
whether a complaint is public.

Filing is ``complaints.services.complaint_file`` acting as the token's Person (it checks the
intake role and routes the complaint; the case it opens belongs to the unit the routing
chose). Making a complaint public (or not) is ``complaint_public_set`` acting as the token's
Person, on a complaint the token's user sees. Reads go through ``complaint_list_for_user``;
the reporter is shown only as ``selectors.reporter_for`` allows it, with the reader's intake
units computed once per request.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from trantib.accounts.middleware import PersonRequest
from trantib.api.types import (
    E400,
    E401,
    E403,
    E404,
    E422,
    MAX_OFFSET,
    NO_NUL,
    QUERY_INT,
    api_actor,
    api_user,
)
from trantib.cases.schemas import CASE_STATUS_PATTERN, CASE_STATUS_VALUES
from trantib.core.errors import Invalid, NotFound

from . import selectors
from .models import Complaint
from .schemas import ComplaintIn, ComplaintListOut, ComplaintOut, ComplaintPublicIn, complaint_out
from .services import complaint_file, complaint_public_set, tracking_normalise

complaints_router = Router(tags=["complaints"])

Tracking = Annotated[
    str, Path(max_length=20, pattern=NO_NUL, description="Tracking number, e.g. K7QM-4RTZ")
]


def _loaded(qs: QuerySet[Complaint]) -> QuerySet[Complaint]:
    # working_days_left reads the case's SOP version and the unit's zone: no query per row.
    return qs.select_related("case__sop_version")


def _out(
    complaint: Complaint, intake_units: frozenset[int], now: dt.datetime | None = None
) -> ComplaintOut:
    return complaint_out(
        complaint,
        selectors.reporter_for(complaint, intake_units),
        working_days_left=selectors.working_days_left(complaint, now),
    )


@complaints_router.post(
    "",
    response={201: ComplaintOut, **E400, **E401, **E403, **E422},
    summary="Catat pengaduan (loket, telepon)",
)
def complaint_create(request: PersonRequest, payload: ComplaintIn) -> Status[ComplaintOut]:
    """A complaint heard by the officer behind the token: it is routed, its PGD case opened
    (the first step recorded with the channel) and the receipt queued for the reporter."""
    actor = api_actor(request)
    category = selectors.category_active(payload.category)
    if category is None:
        raise Invalid(
            _("Kategori %(code)s tidak dikenal.") % {"code": payload.category[:40]},
            field="category",
        )
    complaint = complaint_file(
        channel=payload.channel,
        category=category,
        description=payload.description,
        latitude=payload.latitude,
        longitude=payload.longitude,
        address=payload.address,
        kelurahan=payload.kelurahan,
        reporter_name=payload.reporter_name,
        reporter_phone=payload.reporter_phone,
        reporter_email=payload.reporter_email,
        anonymous=payload.anonymous,
        confidential=payload.confidential,
        actor=actor,
    )
    # Built from the new row, not re-read: the routing may have sent it to a unit the officer
    # does not see. The reporter is still shown only as reporter_for allows it; it asks for
    # the officer's intake units only of a confidential complaint.
    intake_units = selectors.intake_unit_ids(actor) if complaint.confidential else frozenset()
    return Status(201, _out(complaint, intake_units))


@complaints_router.get(
    "", response={200: ComplaintListOut, **E401, **E422}, summary="Daftar pengaduan"
)
def complaint_list(
    request: PersonRequest,
    status: Annotated[str, Query(pattern=CASE_STATUS_PATTERN, description=CASE_STATUS_VALUES)] = "",
    category: Annotated[str, Query(max_length=40, pattern=NO_NUL)] = "",
    unit: Annotated[str, Query(max_length=40, pattern=NO_NUL)] = "",
    q: Annotated[
        str, Query(max_length=200, pattern=NO_NUL, description="Tracking, case number, text")
    ] = "",
    limit: Annotated[int, Query(ge=1, le=100), QUERY_INT] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET), QUERY_INT] = 0,
) -> ComplaintListOut:
    user = api_user(request)
    qs = selectors.complaint_list_for_user(
        user, status=status, category=category, unit=unit, query=q
    )
    intake_units = selectors.intake_unit_ids(request.person)  # once for the page
    now = timezone.now()
    page = list(_loaded(qs)[offset : offset + limit])
    return ComplaintListOut(count=qs.count(), items=[_out(c, intake_units, now) for c in page])


def _visible(request: PersonRequest, tracking: str) -> Complaint:
    normal = tracking_normalise(tracking)
    complaint = (
        _loaded(selectors.complaint_list_for_user(api_user(request)))
        .filter(tracking=normal)
        .first()
        if normal
        else None
    )
    if complaint is None:
        raise NotFound(_("Pengaduan tidak ditemukan."), field="tracking")
    return complaint


@complaints_router.get(
    "/{tracking}", response={200: ComplaintOut, **E401, **E404, **E422}, summary="Pengaduan"
)
def complaint_detail(request: PersonRequest, tracking: Tracking) -> ComplaintOut:
    return _out(_visible(request, tracking), selectors.intake_unit_ids(request.person))


@complaints_router.post(
    "/{tracking}/public",
    response={200: ComplaintOut, **E400, **E401, **E403, **E404, **E422},
    summary="Tampilkan pengaduan untuk umum, atau tarik",
)
def complaint_public(
    request: PersonRequest, tracking: Tracking, payload: ComplaintPublicIn
) -> ComplaintOut:
    """Let the complaint into the public Open311 feed (``public: true``) or take it out. Only
    Staf, Kasi Trantib and Camat of the handling unit decide (403 for anyone else who sees
    it); a confidential complaint cannot be made public (422). Setting what already holds
    changes nothing."""
    actor = api_actor(request)
    complaint = _visible(request, tracking)
    complaint_public_set(complaint=complaint, actor=actor, public=payload.public)
    return _out(_visible(request, tracking), selectors.intake_unit_ids(actor))
