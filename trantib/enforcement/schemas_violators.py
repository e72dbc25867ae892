"""The violators' API shapes: what goes in, what comes out (masked as on the pages)."""

from __future__ import annotations

from typing import Annotated

from ninja import Schema
from pydantic import AfterValidator, Field

from trantib.api.types import NO_NUL, InSchema, Text100, Text300, text_check

from .selectors.violators import ViolatorView

Digits = Annotated[str, Field(max_length=30, pattern=NO_NUL), AfterValidator(text_check)]


class ViolatorOut(Schema):
    id: int
    unit: str = Field(description="The unit's code")
    kind: str = Field(description="orang (a person) or usaha (a business)")
    name: str
    nik: str = Field(
        description="Masked (3671••••••••0001) unless the reader holds an "
        "enforcement role in the violator's unit"
    )
    phone: str = Field(description="Masked likewise")
    address: str = Field(description="The street line, masked likewise")
    desa: str
    kecamatan: str
    nib: str
    business_type: str
    owner_id: int | None
    owner_name: str
    latitude: float | None = Field(description="A person's point is hidden when masked")
    longitude: float | None
    masked: bool = Field(description="Whether the personal data above is masked for the reader")
    enforcements: int = Field(description="Enforcements in the unit; more than 1: a repeat")
    url: str


class ViolatorListOut(Schema):
    count: int
    items: list[ViolatorOut]


class ViolatorIn(InSchema):
    unit: Annotated[str, Field(max_length=40, pattern=NO_NUL)] = Field(
        description="The unit's code; the actor must hold an enforcement role there"
    )
    kind: Annotated[str, Field(pattern="^(orang|usaha)$")]
    name: Text300
    nik: Digits = ""
    phone: Digits = ""
    address: Text300 = ""
    desa: Text100 = ""
    kecamatan: Text100 = ""
    nib: Digits = ""
    business_type: Text100 = ""
    owner_id: int | None = Field(default=None, ge=1, description="A person violator of the unit")
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    note: Annotated[str, Field(max_length=2000, pattern=NO_NUL), AfterValidator(text_check)] = ""


def violator_out(view: ViolatorView, *, enforcements: int = 0) -> ViolatorOut:
    data = view.as_data()
    return ViolatorOut(
        **data,  # type: ignore[arg-type]
        enforcements=enforcements,
        url=view.url,
    )
