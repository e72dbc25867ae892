"""/api/v1/letters: letters (naskah dinas) and incoming letters, schema in, one selector or
service call, schema out.

Reads go through ``letter_get_for_user`` / ``incoming_get_for_user`` (another unit's letter is
a 404, as if it did not exist); changes go through one service each, acting as the Person
behind the token (a login without a Person may read but not change: 403). Errors are raised,
never returned: :mod:`trantib.api.errors` maps them to ``{"message", "field"}``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Path, Query, Router, Status, UploadedFile

from trantib.accounts.middleware import PersonRequest
from trantib.accounts.selectors import UserLike, person_for_username, units_for_user
from trantib.api.types import (
    E400,
    E401,
    E403,
    E404,
    E409,
    E422,
    MAX_ID,
    MAX_OFFSET,
    NO_NUL,
    QUERY_INT,
    ErrorOut,
    IsoDate,
    api_actor,
    api_user,
)
from trantib.core.errors import Invalid, NotFound

from . import selectors, services
from .models import Delivery, Letter
from .qr import verify_url
from .rendering import letter_docx as render_docx
from .rendering import letter_pdf as render_pdf
from .schemas import (
    KIND_PATTERN,
    KIND_VALUES,
    STATE_PATTERN,
    STATE_VALUES,
    DispositionIn,
    DispositionOut,
    DoneIn,
    IncomingListOut,
    IncomingOut,
    LetterDetailOut,
    LetterListOut,
    NoteIn,
    ReasonIn,
    ReturnIn,
    SignIn,
    VerifyOut,
    disposition_out,
    incoming_out,
    letter_detail_out,
    letter_out,
    verify_out,
)
from .services import letter_filename
from .uploads import size_check
from .verification import upload_check, verify_rate_take

letters_router = Router(tags=["letters"])
E429 = {429: ErrorOut}  # the verification's per-client limit

LetterId = Annotated[int, Path(ge=1, le=MAX_ID, description="Letter id")]
IncomingId = Annotated[int, Path(ge=1, le=MAX_ID, description="Incoming letter id")]
DispositionId = Annotated[int, Path(ge=1, le=MAX_ID, description="Disposition id")]
SearchText = Annotated[str, Query(max_length=200, pattern=NO_NUL)]

PDF_RESPONSE = {
    "200": {
        "description": "The PDF",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    }
}
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCX_RESPONSE = {
    "200": {
        "description": "The Word file",
        "content": {DOCX_TYPE: {"schema": {"type": "string", "format": "binary"}}},
    }
}


def _letter(user: UserLike, letter_id: int) -> Letter:
    try:
        return selectors.letter_get_for_user(user, letter_id)
    except NotFound:
        raise NotFound(_("Surat tidak ditemukan."), field="id") from None


def _detail(request: HttpRequest, letter_id: int) -> LetterDetailOut:
    user = api_user(request)
    letter = _letter(user, letter_id)
    url = verify_url(letter.verify_code) if letter.verify_code else None
    return letter_detail_out(letter, verify_url=url, reader=user)


# -- incoming letters (first: "/incoming" is not a letter id) ---------------------------------


@letters_router.get(
    "/incoming", response={200: IncomingListOut, **E401, **E422}, summary="Daftar surat masuk"
)
def incoming_list(
    request: HttpRequest,
    received_from: Annotated[IsoDate | None, Query()] = None,
    received_to: Annotated[IsoDate | None, Query()] = None,
    q: SearchText = "",
    limit: Annotated[int, Query(ge=1, le=100), QUERY_INT] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET), QUERY_INT] = 0,
) -> IncomingListOut:
    qs = selectors.incoming_list_for_user(
        api_user(request), since=received_from, until=received_to, query=q
    )
    items = [incoming_out(i) for i in qs[offset : offset + limit]]
    return IncomingListOut(count=qs.count(), items=items)


@letters_router.post(
    "/incoming",
    response={201: IncomingOut, **E400, **E401, **E403, **E404, **E422},
    summary="Catat surat masuk",
)
def incoming_create(
    request: PersonRequest,
    unit: Annotated[
        str, Form(min_length=1, max_length=40, pattern=NO_NUL, description="Unit code")
    ],
    received_on: Annotated[IsoDate, Form()],
    dated: Annotated[IsoDate, Form(description="The letter's own date")],
    sender: Annotated[str, Form(min_length=1, max_length=300, pattern=NO_NUL)],
    number: Annotated[str, Form(min_length=1, max_length=120, pattern=NO_NUL)],
    subject: Annotated[str, Form(min_length=1, max_length=500, pattern=NO_NUL)],
    note: Annotated[str, Form(max_length=2000, pattern=NO_NUL)] = "",
    scan: Annotated[UploadedFile | None, File(description="PDF, JPEG or PNG, ≤ 10 MB")] = None,
) -> Status[IncomingOut]:
    user = api_user(request)
    org_unit = units_for_user(user).filter(code=unit).first()
    if org_unit is None:
        raise NotFound(_("Unit %(unit)s tidak ditemukan.") % {"unit": unit}, field="unit")
    if scan is not None:
        size_check(scan.size, field="scan", name=scan.name or "")
    incoming = services.incoming_record(
        unit=org_unit,
        actor=api_actor(request),
        received_on=received_on,
        sender=sender,
        number=number,
        dated=dated,
        subject=subject,
        note=note,
        scan=scan.read() if scan is not None else None,
        scan_name=(scan.name or "") if scan is not None else "",
    )
    return Status(201, incoming_out(selectors.incoming_get_for_user(user, incoming.pk)))


def _incoming(user: UserLike, incoming_id: int) -> Any:
    try:
        return selectors.incoming_get_for_user(user, incoming_id)
    except NotFound:
        raise NotFound(_("Surat masuk tidak ditemukan."), field="id") from None


@letters_router.get(
    "/incoming/{posint:id}",
    response={200: IncomingOut, **E401, **E404, **E422},
    summary="Surat masuk",
)
def incoming_detail(request: HttpRequest, id: IncomingId) -> IncomingOut:
    return incoming_out(_incoming(api_user(request), id))


@letters_router.post(
    "/incoming/{posint:id}/dispositions",
    response={201: DispositionOut, **E400, **E401, **E403, **E404, **E409, **E422},
    summary="Disposisi surat masuk",
)
def disposition_create(
    request: PersonRequest, payload: DispositionIn, id: IncomingId
) -> Status[DispositionOut]:
    """The head's disposition; ``open_sop`` also starts a case of that SOP (its first step
    done with ``case_data``)."""
    user = api_user(request)
    incoming = _incoming(user, id)
    to_person = None
    if payload.to_person:
        to_person = person_for_username(payload.to_person)
        if to_person is None:
            raise Invalid(
                _("Pengguna %(name)s tidak ditemukan.") % {"name": payload.to_person},
                field="to_person",
            )
    disposition = services.disposition_create(
        incoming=incoming,
        actor=api_actor(request),
        to_role=payload.to_role,
        to_person=to_person,
        instruction=payload.instruction,
        sifat=payload.sifat,
        due_on=payload.due_on,
        open_sop=payload.open_sop or None,
        open_entry=payload.open_entry,
        case_data=payload.case_data,
    )
    return Status(201, disposition_out(selectors.disposition_get_for_user(user, disposition.pk)))


@letters_router.post(
    "/incoming/dispositions/{posint:id}/done",
    response={200: DispositionOut, **E400, **E401, **E403, **E404, **E409, **E422},
    summary="Laporkan disposisi selesai",
)
def disposition_done(request: PersonRequest, payload: DoneIn, id: DispositionId) -> DispositionOut:
    user = api_user(request)
    try:
        disposition = selectors.disposition_get_for_user(user, id)
    except NotFound:
        raise NotFound(_("Disposisi tidak ditemukan."), field="id") from None
    done = services.disposition_done(
        disposition=disposition, actor=api_actor(request), note=payload.note
    )
    return disposition_out(selectors.disposition_get_for_user(user, done.pk))


# -- verification ----------------------------------------------------------------------------


@letters_router.post(
    "/verify",
    response={200: VerifyOut, **E400, **E401, **E404, **E422, **E429},
    summary="Periksa berkas PDF terhadap surat",
)
def letter_verify(
    request: HttpRequest,
    code: Annotated[
        str, Form(min_length=1, max_length=32, pattern=NO_NUL, description="The QR's code")
    ],
    file: Annotated[UploadedFile, File(description="The PDF to check")],
) -> VerifyOut:
    """Whether a PDF is the official copy of the letter behind a verification code (as the
    public /verifikasi/ page), and whether its PAdES signature validates. Counted against the
    page's per-client limit."""
    verify_rate_take(request)
    letter = selectors.letter_by_code(code)
    if letter is None:
        raise NotFound(_("Kode verifikasi tidak dikenal."), field="code")
    size_check(file.size, field="file", name=file.name or "")
    return verify_out(upload_check(letter, file.read(), name=file.name or ""))


# -- letters ---------------------------------------------------------------------------------


@letters_router.get("", response={200: LetterListOut, **E401, **E422}, summary="Daftar surat")
def letter_list(
    request: HttpRequest,
    kind: Annotated[str, Query(pattern=KIND_PATTERN, description=KIND_VALUES)] = "",
    state: Annotated[str, Query(pattern=STATE_PATTERN, description=STATE_VALUES)] = "",
    q: Annotated[str, Query(max_length=200, pattern=NO_NUL, description="Number, hal")] = "",
    limit: Annotated[int, Query(ge=1, le=100), QUERY_INT] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET), QUERY_INT] = 0,
) -> LetterListOut:
    qs = selectors.letter_list_for_user(api_user(request), kind=kind, state=state, query=q)
    return LetterListOut(
        count=qs.count(), items=[letter_out(x) for x in qs[offset : offset + limit]]
    )


@letters_router.get(
    "/{posint:id}", response={200: LetterDetailOut, **E401, **E404, **E422}, summary="Surat"
)
def letter_detail(request: HttpRequest, id: LetterId) -> LetterDetailOut:
    return _detail(request, id)


@letters_router.get(
    "/{posint:id}/pdf",
    response={**E401, **E404, **E422},
    summary="PDF surat",
    openapi_extra={"responses": PDF_RESPONSE},
)
def letter_pdf(request: HttpRequest, id: LetterId) -> HttpResponse | FileResponse:
    """The official copy once signed; before that the letter as it prints now (a draft shows
    "KONSEP" and no number)."""
    letter = _letter(api_user(request), id)
    if letter.official_pdf:
        try:
            handle = letter.official_pdf.open("rb")
        except FileNotFoundError:
            raise NotFound(_("Berkas resmi surat tidak ditemukan."), field="id") from None
        return FileResponse(
            handle, content_type="application/pdf", filename=letter_filename(letter, "pdf")
        )
    response = HttpResponse(render_pdf(letter), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{letter_filename(letter, "pdf")}"'
    return response


@letters_router.get(
    "/{posint:id}/docx",
    response={**E401, **E404, **E422},
    summary="Word (DOCX) surat",
    openapi_extra={"responses": DOCX_RESPONSE},
)
def letter_docx(request: HttpRequest, id: LetterId) -> HttpResponse:
    letter = _letter(api_user(request), id)
    response = HttpResponse(render_docx(letter), content_type=DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{letter_filename(letter, "docx")}"'
    return response


_CHANGE = {200: LetterDetailOut, **E400, **E401, **E403, **E404, **E409, **E422}


@letters_router.post("/{posint:id}/submit", response=_CHANGE, summary="Ajukan untuk paraf")
def letter_submit(request: PersonRequest, id: LetterId) -> LetterDetailOut:
    letter = _letter(api_user(request), id)
    services.letter_submit(letter=letter, actor=api_actor(request))
    return _detail(request, id)


@letters_router.post("/{posint:id}/initial", response=_CHANGE, summary="Paraf")
def letter_initial(request: PersonRequest, payload: NoteIn, id: LetterId) -> LetterDetailOut:
    letter = _letter(api_user(request), id)
    services.letter_initial(letter=letter, actor=api_actor(request), note=payload.note)
    return _detail(request, id)


@letters_router.post("/{posint:id}/return", response=_CHANGE, summary="Kembalikan dengan catatan")
def letter_return(request: PersonRequest, payload: ReturnIn, id: LetterId) -> LetterDetailOut:
    letter = _letter(api_user(request), id)
    services.letter_return(letter=letter, actor=api_actor(request), note=payload.note)
    return _detail(request, id)


@letters_router.post(
    "/{posint:id}/number", response=_CHANGE, summary="Beri nomor (tanda tangan basah/TTE luar)"
)
def letter_number(request: PersonRequest, id: LetterId) -> LetterDetailOut:
    letter = _letter(api_user(request), id)
    services.letter_number(letter=letter, actor=api_actor(request))
    return _detail(request, id)


@letters_router.post(
    "/{posint:id}/signed-copy", response=_CHANGE, summary="Unggah salinan bertanda tangan"
)
def letter_signed_copy(
    request: PersonRequest,
    id: LetterId,
    file: Annotated[UploadedFile, File(description="The signed PDF (scan or TTE), ≤ 10 MB")],
    signed_by: Annotated[str, Form(max_length=200, pattern=NO_NUL)] = "",
) -> LetterDetailOut:
    letter = _letter(api_user(request), id)
    size_check(file.size, field="file", name=file.name or "")
    services.letter_signed_copy_attach(
        letter=letter,
        actor=api_actor(request),
        content=file.read(),
        filename=file.name or "",
        signed_by=signed_by,
    )
    return _detail(request, id)


@letters_router.post(
    "/{posint:id}/sign", response=_CHANGE, summary="Tandatangani secara elektronik"
)
def letter_sign(request: PersonRequest, payload: SignIn, id: LetterId) -> LetterDetailOut:
    letter = _letter(api_user(request), id)
    services.letter_sign_electronic(
        letter=letter, actor=api_actor(request), passphrase=payload.passphrase
    )
    return _detail(request, id)


@letters_router.post("/{posint:id}/deliver", response=_CHANGE, summary="Catat tanda terima")
def letter_deliver(
    request: PersonRequest,
    id: LetterId,
    received_by: Annotated[str, Form(min_length=1, max_length=200, pattern=NO_NUL)],
    received_at: Annotated[
        str,
        Form(min_length=1, max_length=40, pattern=NO_NUL, description="ISO 8601 with its offset"),
    ],
    place: Annotated[str, Form(max_length=300, pattern=NO_NUL)] = "",
    method: Annotated[
        str, Form(max_length=10, pattern=NO_NUL, description=", ".join(Delivery.Method.values))
    ] = Delivery.Method.HAND,
    photo: Annotated[UploadedFile | None, File(description="JPEG or PNG, ≤ 10 MB")] = None,
) -> LetterDetailOut:
    letter = _letter(api_user(request), id)
    try:
        at = dt.datetime.fromisoformat(received_at)
    except ValueError:
        raise Invalid(
            _("Waktu diterima ditulis ISO 8601, mis. 2026-12-03T14:05+07:00."),
            field="received_at",
        ) from None
    if photo is not None:
        size_check(photo.size, field="photo", name=photo.name or "")
    services.letter_deliver(
        letter=letter,
        actor=api_actor(request),
        received_by=received_by,
        received_at=at,
        place=place,
        method=method,
        photo=photo.read() if photo is not None else None,
        photo_name=(photo.name or "") if photo is not None else "",
    )
    return _detail(request, id)


@letters_router.post("/{posint:id}/cancel", response=_CHANGE, summary="Batalkan surat")
def letter_cancel(request: PersonRequest, payload: ReasonIn, id: LetterId) -> LetterDetailOut:
    letter = _letter(api_user(request), id)
    services.letter_cancel(letter=letter, actor=api_actor(request), reason=payload.reason)
    return _detail(request, id)
