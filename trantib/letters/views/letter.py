"""A letter's page: its header facts and state, the paraf chain, the PDF preview and downloads,
the audit history and the actions the visitor may take; and the files (PDF, DOCX, photo)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin

from trantib.accounts.middleware import PersonRequest
from trantib.accounts.models import Person, Position
from trantib.cases.services import supervises
from trantib.core.audit import audit_events
from trantib.core.errors import Conflict

from .. import rendering
from ..forms import DeliveryForm
from ..models import Letter, LetterState, Review, SignMode
from ..registry import letter_shown_copy
from ..services import (
    letter_emails,
    letter_filename,
    may_attach,
    may_edit,
    may_sign,
    pending_review,
    sign_mode_for,
)
from ..services.outgoing_mail import pdf_filename
from .common import letter_or_404, member_of

EVENT_LABELS = {
    "letter_drafted": gettext_lazy("Konsep dibuat"),
    "letter_edited": gettext_lazy("Konsep diubah"),
    "letter_submitted": gettext_lazy("Diajukan untuk paraf"),
    "letter_initialled": gettext_lazy("Diparaf"),
    "letter_returned": gettext_lazy("Dikembalikan"),
    "letter_numbered": gettext_lazy("Diberi nomor"),
    "letter_signed": gettext_lazy("Ditandatangani"),
    "letter_cancelled": gettext_lazy("Dibatalkan"),
    "letter_delivered": gettext_lazy("Tanda terima dicatat"),
    "letter_sent": gettext_lazy("Dikirim lewat e-mail"),
}


@dataclass(frozen=True)
class HistoryRow:
    at: Any
    who: str
    label: str
    detail: str


@dataclass(frozen=True)
class ReturnNote:
    """The reviewer's note on a returned letter: who returned it, when, and what to correct."""

    who: str
    at: Any
    note: str


def last_return(letter: Letter, events: list[Any] | None = None) -> ReturnNote | None:
    """The latest "kembali" of a letter that is back with its drafter (state returned)."""
    if letter.state != LetterState.RETURNED:
        return None
    if events is None:
        events = list(audit_events(letter).filter(type="letter_returned").select_related("actor"))
    found = next((e for e in reversed(events) if e.type == "letter_returned"), None)
    if found is None:
        return None
    who = found.actor.full_name if found.actor else ""
    return ReturnNote(who=who, at=found.at, note=str(found.data.get("note", "")))


@dataclass
class LetterPage:
    """What the letter page shows the visitor, and which actions it offers."""

    letter: Letter
    rounds: list[tuple[int, list[Review]]]
    history: list[HistoryRow]
    returned: ReturnNote | None = None
    mode: str = ""
    may_edit: bool = False
    may_submit: bool = False
    may_initial: bool = False
    next_review: Review | None = None
    may_return: bool = False
    may_number: bool = False
    may_sign_electronic: bool = False
    may_attach: bool = False
    may_deliver: bool = False
    may_email: bool = False
    may_cancel: bool = False
    has_docx: bool = False
    emails: list[Any] = field(default_factory=list)
    signer_jabatan: str = ""
    paraf_jabatan: list[str] = field(default_factory=list)
    verify_url: str = ""

    @property
    def any_action(self) -> bool:
        return any(
            (
                self.may_edit,
                self.may_submit,
                self.may_initial,
                self.may_return,
                self.may_number,
                self.may_sign_electronic,
                self.may_attach,
                self.may_deliver,
                self.may_email,
                self.may_cancel,
            )
        )


FIELD_LABELS = {
    "hal": gettext_lazy("hal"),
    "sifat": gettext_lazy("sifat"),
    "lampiran": gettext_lazy("lampiran"),
    "recipient": gettext_lazy("tujuan"),
    "recipient_address": gettext_lazy("alamat tujuan"),
    "recipient_email": gettext_lazy("e-mail tujuan"),
    "body": gettext_lazy("isi"),
    "tembusan": gettext_lazy("tembusan"),
    "coordination": gettext_lazy("paraf koordinasi"),
    "data": gettext_lazy("isian"),
}


def _detail(type_: str, data: dict[str, Any]) -> str:
    if type_ == "letter_edited":
        names = ", ".join(str(FIELD_LABELS.get(n, n)) for n in sorted(data.get("changes", {})))
        return _("mengubah %(n)s") % {"n": names} if names else ""
    if type_ in ("letter_returned",):
        return str(data.get("note", ""))
    if type_ == "letter_initialled":
        return str(data.get("note", ""))
    if type_ == "letter_numbered":
        return str(data.get("number", ""))
    if type_ == "letter_signed":
        return " ".join(
            p for p in (str(data.get("number", "")), str(data.get("signed_by", ""))) if p
        )
    if type_ == "letter_cancelled":
        return str(data.get("reason", ""))
    if type_ == "letter_delivered":
        return str(data.get("received_by", ""))
    if type_ == "letter_sent":
        return str(data.get("to", ""))
    return ""


def letter_page(letter: Letter, person: Person | None) -> LetterPage:
    reviews = list(letter.reviews.all())
    rounds: dict[int, list[Review]] = {}
    for review in reviews:
        rounds.setdefault(review.round, []).append(review)
    events = list(audit_events(letter).select_related("actor"))
    history = [
        HistoryRow(
            at=e.at,
            who=e.actor.full_name if e.actor else _("Sistem"),
            label=str(EVENT_LABELS.get(e.type, e.type)),
            detail=_detail(e.type, e.data),
        )
        for e in events
    ]
    page = LetterPage(letter=letter, rounds=sorted(rounds.items()), history=history)
    page.returned = last_return(letter, events)
    page.has_docx = rendering.docx_allowed(letter)
    jabatan = dict(Position.objects.filter(unit=letter.unit).values_list("code", "name"))
    page.signer_jabatan = jabatan.get(letter.signer_role, letter.signer_role)
    page.paraf_jabatan = [jabatan.get(role, role) for role in letter.paraf_roles]
    if letter.verify_code and letter.state in (LetterState.SIGNED, LetterState.CANCELLED):
        page.verify_url = reverse("letters:verify", args=[letter.verify_code])
    if letter.state not in (LetterState.DRAFT, LetterState.RETURNED, LetterState.CANCELLED):
        page.mode = sign_mode_for(letter) if not letter.sign_mode else letter.sign_mode
    if person is None:
        return page
    _actions(page, letter, person)
    return page


def _actions(page: LetterPage, letter: Letter, person: Person) -> None:
    state = letter.state
    signer = may_sign(person, letter)
    member = member_of(person, letter.unit)
    if letter.is_editable:
        page.may_edit = may_edit(person, letter)
        page.may_submit = page.may_edit  # only the drafter sends it for paraf
    if state == LetterState.REVIEW:
        review = pending_review(letter)
        page.next_review = review
        if review is not None:
            from ..services.lifecycle import holds

            page.may_initial = holds(person, letter.unit, review.role) is not None
            page.may_return = page.may_initial
    if state == LetterState.APPROVED and signer:
        page.may_return = True
        if page.mode == SignMode.ELECTRONIC:
            page.may_sign_electronic = True
        else:
            page.may_number = True
    if state == LetterState.NUMBERED:
        page.may_attach = may_attach(person, letter)
    if state == LetterState.SIGNED:
        page.may_deliver = member
        page.may_email = member and bool(letter.recipient_email) and bool(letter.official_pdf)
        page.emails = letter_emails(letter) if letter.recipient_email else []
    if state != LetterState.CANCELLED:
        own_draft = letter.created_by_id == person.pk and state in (
            LetterState.DRAFT,
            LetterState.RETURNED,
            LetterState.REVIEW,
        )
        page.may_cancel = signer or own_draft or supervises(person, letter.unit)


def render_letter(
    request: PersonRequest,
    letter_id: int,
    *,
    errors: dict[str, dict[str, str]] | None = None,
    values: dict[str, Any] | None = None,
    delivery_form: DeliveryForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The letter page; ``errors`` (per form, per input) and ``values`` keep what was posted."""
    letter = letter_or_404(request, letter_id)
    page = letter_page(letter, request.person)
    zone = letter.unit.zone()
    if delivery_form is None:
        from django.utils import timezone

        now = timezone.localtime(timezone.now(), zone)
        delivery_form = DeliveryForm(
            initial={"tanggal": now.date(), "jam": now.strftime("%H:%M"), "method": "langsung"}
        )
    context = {
        "letter": letter,
        "page": page,
        "errors": errors or {},
        "page_errors": [e["all"] for e in (errors or {}).values() if "all" in e],
        "values": values or {},
        "delivery_form": delivery_form,
        "pdf_version": int(letter.updated_at.timestamp()),
    }
    return render(request, "letters/letter_detail.html", context, status=status)


@login_required
def letter_detail(request: PersonRequest, letter_id: int) -> HttpResponse:
    return render_letter(request, letter_id)


@login_required
@xframe_options_sameorigin
def letter_pdf(request: PersonRequest, letter_id: int) -> HttpResponse | FileResponse:
    """The official PDF once signed (the scan, or the PDF signed by TTE); before that the PDF
    rendered from the draft (with "KONSEP" until it is numbered)."""
    letter = letter_or_404(request, letter_id)
    attachment = request.GET.get("unduh") == "1"
    if letter.official_pdf:
        try:
            content = letter.official_pdf.open("rb")
        except FileNotFoundError:
            raise Http404(_("Berkas surat resmi tidak ada lagi di penyimpanan.")) from None
        response: HttpResponse | FileResponse = FileResponse(
            content,
            content_type="application/pdf",
            filename=pdf_filename(letter),
            as_attachment=attachment,
        )
    else:
        # A draft's preview: what the reader may not see (a violator's NIK and address) masked.
        shown = letter_shown_copy(letter, request.user)
        response = HttpResponse(rendering.letter_pdf(shown), content_type="application/pdf")
        disposition = "attachment" if attachment else "inline"
        response["Content-Disposition"] = f'{disposition}; filename="{pdf_filename(letter)}"'
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
def letter_docx(request: PersonRequest, letter_id: int) -> HttpResponse:
    """The Word working copy of a draft ("KONSEP", no QR); once numbered, the PDF is the
    document and the page says so (409)."""
    letter = letter_or_404(request, letter_id)
    try:
        content = rendering.letter_docx(letter_shown_copy(letter, request.user))
    except Conflict as exc:
        return render_letter(request, letter_id, errors={"docx": {"all": exc.message}}, status=409)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="{letter_filename(letter, "docx")}"'
    return response


@login_required
def delivery_photo(request: PersonRequest, letter_id: int, delivery_id: int) -> FileResponse:
    letter = letter_or_404(request, letter_id)
    delivery = next((d for d in letter.deliveries.all() if d.pk == delivery_id), None)
    if delivery is None or not delivery.photo:
        raise Http404(_("Foto tidak ditemukan."))
    try:
        content = delivery.photo.open("rb")
    except FileNotFoundError:
        raise Http404(_("Foto tidak ada lagi di penyimpanan.")) from None
    kind = "image/png" if delivery.photo.name.endswith(".png") else "image/jpeg"
    return FileResponse(content, content_type=kind)
