"""What the complaint operations of /api/v1/ take and answer."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Schema
from pydantic import ConfigDict, Field

from trantib.api.types import (
    Code,
    Email,
    InSchema,
    Phone,
    Text100,
    Text120,
    Text300,
    Text4000,
)
from trantib.cases.schemas import CaseRefOut

from .models import Complaint
from .selectors import Reporter

# -- complaints ---------------------------------------------------------------------------


class ComplaintIn(InSchema):
    """A complaint taken at the counter or on the phone by the officer behind the token."""

    model_config = ConfigDict(
        strict=True,
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "channel": "phone",
                    "category": "hiburan",
                    "description": "Karaoke di Dusun Ngasem buka sampai pukul 02.00",
                    "kelurahan": "Tamansari",
                    "latitude": -7.5901,
                    "longitude": 111.0512,
                    "reporter_name": "Sri Wahyuni",
                    "reporter_phone": "0812 3456 7890",
                    "confidential": True,
                }
            ]
        },
    )

    # Staff tokens take the channels where an officer hears the reporter; the public ones
    # (web form, SMS, Open311) have their own doors.
    channel: Annotated[str, Field(pattern=r"^(counter|phone)$", description="counter, phone")]
    category: Code = Field(description="Category code, e.g. hiburan")
    description: Text4000
    latitude: Annotated[float, Field(ge=-90, le=90)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180)] | None = None
    address: Text300 = ""
    kelurahan: Text100 = ""
    reporter_name: Text120 = ""
    reporter_phone: Phone = ""
    reporter_email: Email = ""
    anonymous: bool = False
    confidential: bool = False


class ComplaintPublicIn(InSchema):
    """Whether the complaint appears in the public Open311 feed (decided by the intake roles
    of the handling unit; a confidential complaint never does)."""

    public: bool = Field(description="true: in the public feed; false: out of it")


class CategoryRefOut(Schema):
    code: str
    name: str


class ReporterOut(Schema):
    shown: bool = Field(description="False: masked (confidential) or anonymous; see label")
    label: str
    name: str
    phone: str
    email: str


class ComplaintOut(Schema):
    tracking: str
    channel: str
    received_at: dt.datetime
    unit: str
    category: CategoryRefOut
    description: str
    latitude: float | None
    longitude: float | None
    address: str
    kelurahan: str
    anonymous: bool
    confidential: bool
    public: bool = Field(
        description="In the public Open311 feed (rounded point, street and desa, no reporter)"
    )
    reporter: ReporterOut
    case: CaseRefOut
    working_days_left: int | None = Field(description="Until the answer is due; None: answered")
    duplicate_of: str | None
    answered_at: dt.datetime | None


class ComplaintListOut(Schema):
    count: int
    items: list[ComplaintOut]


def complaint_out(
    complaint: Complaint, reporter: Reporter, *, working_days_left: int | None
) -> ComplaintOut:
    """``reporter`` comes from ``complaints.selectors.reporter_for``: this never reads the
    reporter's fields itself. The caller loads category, unit, case and duplicate_of."""
    case = complaint.case
    return ComplaintOut(
        tracking=complaint.tracking,
        channel=complaint.channel,
        received_at=complaint.received_at,
        unit=complaint.unit.code,
        category=CategoryRefOut(code=complaint.category.code, name=complaint.category.name),
        description=complaint.description,
        latitude=float(complaint.latitude) if complaint.latitude is not None else None,
        longitude=float(complaint.longitude) if complaint.longitude is not None else None,
        address=complaint.address,
        kelurahan=complaint.kelurahan,
        anonymous=complaint.anonymous,
        confidential=complaint.confidential,
        public=complaint.public,
        reporter=ReporterOut(
            shown=reporter.shown,
            label=reporter.label,
            name=reporter.name,
            phone=reporter.phone,
            email=reporter.email,
        ),
        case=CaseRefOut(id=case.pk, number=case.number, status=case.status),
        working_days_left=working_days_left,
        duplicate_of=complaint.duplicate_of.tracking if complaint.duplicate_of else None,
        answered_at=complaint.answered_at,
    )
