"""What the letter and incoming-letter operations of /api/v1/letters take and answer."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, Field

from trantib.api.types import NO_NUL, Code, InSchema, JsonObject, text_check

from .kinds import KINDS
from .models import Delivery, Disposition, IncomingLetter, Letter, LetterState, Review
from .registry import letter_data_shown, letter_hidden
from .selectors import letter_shown
from .verification import UploadCheck

KIND_VALUES = ", ".join(KINDS)
KIND_PATTERN = "^(" + "|".join(KINDS) + ")?$"
STATE_VALUES = ", ".join(LetterState.values)
STATE_PATTERN = "^(" + "|".join(LetterState.values) + ")?$"

_NoNul = AfterValidator(text_check)
Note = Annotated[str, Field(max_length=2000, pattern=NO_NUL), _NoNul]
Line = Annotated[str, Field(max_length=300, pattern=NO_NUL), _NoNul]


def _json_date(value: Any) -> Any:
    """A day written YYYY-MM-DD in a JSON body, read into a date (the strict schemas take no
    string for a date otherwise); anything else is refused with the same message."""
    if isinstance(value, dt.date) or value is None:
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(_("Tanggal ditulis TTTT-BB-HH."))


JsonDate = Annotated[dt.date, BeforeValidator(_json_date)]


# -- letters -------------------------------------------------------------------------------


class SignerOut(Schema):
    title: str = Field(description='The jabatan as signed, with Plt./Plh.: "Camat Cipondoh"')
    name: str
    pangkat: str
    id_line: str = Field(description='"NIP. 19780512 199803 1 002" or "NRP. …"')


class ReviewOut(Schema):
    round: int
    order: int
    kind: str = Field(description="hierarki or koordinasi")
    role: str
    jabatan: str
    outcome: str = Field(description='"" waiting, "paraf" initialled, "kembali" returned')
    person: str | None = Field(description="The reviewer's name")
    at: dt.datetime | None
    note: str


class DeliveryOut(Schema):
    method: str
    received_by: str
    received_at: dt.datetime
    place: str
    photo: bool


class LetterOut(Schema):
    id: int
    unit: str
    kind: str
    kind_name: str
    state: str
    state_label: str
    hal: str
    number: str = Field(description="Empty until the letter is numbered at signing")
    dated: dt.date | None
    case: str | None = Field(description="The case number, when drafted from a case")
    signer_name: str
    created_at: dt.datetime
    restricted: bool = Field(
        description="Rahasia/Sangat Rahasia and not the reader's to open: kind and number only"
    )


class LetterDetailOut(LetterOut):
    sifat: str
    lampiran: str
    recipient: str = Field(description="Empty for who may not see a confidential reporter")
    recipient_address: str
    recipient_email: str
    body: str
    tembusan: list[str]
    data: dict[str, Any] = Field(description="The kind's own fields")
    signer_role: str
    paraf_roles: list[str]
    coordination: list[str]
    signer: SignerOut | None = Field(description="The snapshot taken when it was numbered")
    sign_mode: str
    signed_at: dt.datetime | None
    official_sha256: str
    verify_url: str | None = Field(description="The public verification page (QR target)")
    cancelled_at: dt.datetime | None
    cancel_reason: str
    reviews: list[ReviewOut] = Field(description="The paraf chain, every round")
    deliveries: list[DeliveryOut]


class LetterListOut(Schema):
    count: int
    items: list[LetterOut]


class NoteIn(InSchema):
    note: Note = ""


class ReturnIn(InSchema):
    note: Note


class ReasonIn(InSchema):
    reason: Note


class SignIn(InSchema):
    passphrase: Annotated[str, Field(max_length=200, pattern=NO_NUL), _NoNul] = Field(
        default="", description="The signer's certificate passphrase, when it has one"
    )


def letter_out(letter: Letter) -> LetterOut:
    return LetterOut(**_letter_fields(letter))


def _letter_fields(letter: Letter) -> dict[str, Any]:
    shown = letter_shown(letter)
    return {
        "id": letter.pk,
        "unit": letter.unit.code,
        "kind": letter.kind,
        "kind_name": letter.kind_name,
        "state": letter.state,
        "state_label": str(letter.get_state_display()),
        "hal": shown.hal,
        "number": letter.number,
        "dated": letter.dated,
        "case": shown.case or None,
        "signer_name": letter.signer_name,
        "created_at": letter.created_at,
        "restricted": shown.restricted,
    }


def letter_detail_out(
    letter: Letter, *, verify_url: str | None, reader: Any = None
) -> LetterDetailOut:
    """The letter's detail; what ``reader`` may not see of its personal data (a violator's NIK
    and address, :func:`..registry.letter_hidden`) masked."""
    signer = None
    if letter.signer_name:
        signer = SignerOut(
            title=letter.signer_title,
            name=letter.signer_name,
            pangkat=letter.signer_pangkat,
            id_line=letter.signer_id_line,
        )
    shown = letter_shown(letter)
    hidden = letter_hidden(letter, reader)
    data = letter_data_shown(letter, reader) if hidden else letter.data
    return LetterDetailOut(
        **_letter_fields(letter),
        sifat=letter.sifat,
        lampiran=letter.lampiran,
        recipient=shown.recipient,
        recipient_address=(
            hidden["recipient_address"]
            if shown.recipient_address and "recipient_address" in hidden
            else shown.recipient_address
        ),
        recipient_email=shown.recipient_email,
        body=letter.body,
        tembusan=[t.strip() for t in letter.tembusan.splitlines() if t.strip()],
        data=data if isinstance(data, dict) else {},
        signer_role=letter.signer_role,
        paraf_roles=list(letter.paraf_roles or []),
        coordination=[str(c.get("jabatan", "")) for c in letter.coordination or []],
        signer=signer,
        sign_mode=letter.sign_mode,
        signed_at=letter.signed_at,
        official_sha256=letter.official_sha256,
        verify_url=verify_url,
        cancelled_at=letter.cancelled_at,
        cancel_reason=letter.cancel_reason,
        reviews=[_review_out(r) for r in letter.reviews.all()],
        deliveries=[_delivery_out(d) for d in letter.deliveries.all()],
    )


def _review_out(r: Review) -> ReviewOut:
    return ReviewOut(
        round=r.round,
        order=r.order,
        kind=r.kind,
        role=r.role,
        jabatan=r.jabatan,
        outcome=r.outcome,
        person=r.person.full_name if r.person else None,
        at=r.at,
        note=r.note,
    )


def _delivery_out(d: Delivery) -> DeliveryOut:
    return DeliveryOut(
        method=d.method,
        received_by=d.received_by,
        received_at=d.received_at,
        place=d.place,
        photo=bool(d.photo),
    )


# -- verification --------------------------------------------------------------------------


class SignatureOut(Schema):
    signed: bool
    intact: bool = Field(description="The signed bytes are unchanged")
    trusted: bool = Field(description="The certificate chains to a unit CA Trantib knows")
    signer_name: str
    signed_at: dt.datetime | None
    problem: str


class VerifyOut(Schema):
    kind_name: str
    number: str
    dated: dt.date | None
    unit: str = Field(description="The issuing unit's name")
    signer_title: str
    state: str = Field(description="signed (sah), cancelled (dibatalkan), numbered, …")
    official_sha256: str
    uploaded_sha256: str
    same: bool = Field(description="The uploaded file is byte-identical to the official copy")
    signature: SignatureOut = Field(description="The uploaded file's own PAdES signature")


def verify_out(check: UploadCheck) -> VerifyOut:
    letter = check.letter
    sig = check.signature
    return VerifyOut(
        kind_name=letter.kind_name,
        number=letter.number,
        dated=letter.dated,
        unit=letter.unit.name,
        signer_title=letter.signer_title,
        state=letter.state,
        official_sha256=letter.official_sha256,
        uploaded_sha256=check.sha256,
        same=check.same,
        signature=SignatureOut(
            signed=sig.signed,
            intact=sig.intact,
            trusted=sig.trusted,
            signer_name=sig.signer_name,
            signed_at=sig.signed_at,
            problem=sig.problem,
        ),
    )


# -- incoming letters ----------------------------------------------------------------------


class DispositionOut(Schema):
    id: int
    from_person: str
    to_role: str
    to_person: str | None
    instruction: str
    sifat: str
    due_on: dt.date | None
    case: str | None = Field(description="The case it opened")
    created_at: dt.datetime
    done_at: dt.datetime | None
    done_by: str | None
    done_note: str


class IncomingOut(Schema):
    id: int
    unit: str
    agenda_number: str
    received_on: dt.date
    sender: str
    number: str
    dated: dt.date
    subject: str
    note: str
    scan_sha256: str = Field(description="Empty when recorded without a scan")
    recorded_by: str | None
    recorded_at: dt.datetime
    dispositions: list[DispositionOut]


class IncomingListOut(Schema):
    count: int
    items: list[IncomingOut]


class DispositionIn(InSchema):
    to_role: Code = Field(description="A position code of the letter's unit: kasi_trantib")
    to_person: Code = Field(default="", description="The login of one holder of it, or empty")
    instruction: Note
    sifat: Code = Field(default="Biasa", description="Biasa, Segera, Sangat Segera, Rahasia")
    due_on: JsonDate | None = Field(default=None, description="YYYY-MM-DD")
    open_sop: Code = Field(default="", description="Open a case of this SOP, e.g. PUR")
    open_entry: Code = Field(default="", description="The SOP's entry step, if not its first")
    case_data: JsonObject = Field(default_factory=dict, description="The first step's fields")


class DoneIn(InSchema):
    note: Note


def disposition_out(d: Disposition) -> DispositionOut:
    return DispositionOut(
        id=d.pk,
        from_person=d.from_person.full_name,
        to_role=d.to_role,
        to_person=d.to_person.full_name if d.to_person else None,
        instruction=d.instruction,
        sifat=d.sifat,
        due_on=d.due_on,
        case=d.case.number if d.case else None,
        created_at=d.created_at,
        done_at=d.done_at,
        done_by=d.done_by.full_name if d.done_by else None,
        done_note=d.done_note,
    )


def incoming_out(i: IncomingLetter) -> IncomingOut:
    return IncomingOut(
        id=i.pk,
        unit=i.unit.code,
        agenda_number=i.agenda_number,
        received_on=i.received_on,
        sender=i.sender,
        number=i.number,
        dated=i.dated,
        subject=i.subject,
        note=i.note,
        scan_sha256=i.scan_sha256,
        recorded_by=i.recorded_by.full_name if i.recorded_by else None,
        recorded_at=i.recorded_at,
        dispositions=[disposition_out(d) for d in i.dispositions.all()],
    )
