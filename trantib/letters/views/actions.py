"""The actions on a letter's page, each a POST to a thin view that calls one service: submit,
paraf, return, number, attach the signed copy, sign electronically, record the tanda terima,
e-mail, cancel. A refusal shows the letter page again with the message beside the input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trantib.accounts.middleware import PersonRequest
from trantib.accounts.models import Person
from trantib.core.errors import Invalid, ServiceError

from .. import services
from ..forms import DeliveryForm
from ..models import Letter
from .common import actor_of, errors_for, letter_or_404, read_upload
from .letter import render_letter

Act = Callable[[Letter, Person], Any]


def _run(
    request: PersonRequest,
    letter_id: int,
    act: Act,
    *,
    form: str,
    fields: tuple[str, ...] = (),
    done: str,
) -> HttpResponse:
    """Call ``act`` on the letter as the person; on a refusal show the page again with the
    message in ``form`` beside the input it names (``fields``)."""
    letter = letter_or_404(request, letter_id)
    try:
        act(letter, actor_of(request))
    except ServiceError as exc:
        values = {k: v for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken",)}
        return render_letter(
            request,
            letter.pk,
            errors={form: errors_for(exc, fields)},
            values={form: values},
            status=exc.status,
        )
    if done:
        messages.success(request, done)
    return redirect("letters:letter", letter_id=letter.pk)


@login_required
@require_POST
def letter_submit(request: PersonRequest, letter_id: int) -> HttpResponse:
    return _run(
        request,
        letter_id,
        lambda letter, actor: services.letter_submit(letter=letter, actor=actor),
        form="submit",
        done=_("Surat diajukan."),
    )


@login_required
@require_POST
def letter_initial(request: PersonRequest, letter_id: int) -> HttpResponse:
    note = request.POST.get("note", "")
    return _run(
        request,
        letter_id,
        lambda letter, actor: services.letter_initial(letter=letter, actor=actor, note=note),
        form="review",
        fields=("note",),
        done=_("Surat diparaf."),
    )


@login_required
@require_POST
def letter_return(request: PersonRequest, letter_id: int) -> HttpResponse:
    note = request.POST.get("note", "")
    return _run(
        request,
        letter_id,
        lambda letter, actor: services.letter_return(letter=letter, actor=actor, note=note),
        form="return",
        fields=("note",),
        done=_("Surat dikembalikan kepada pembuatnya."),
    )


@login_required
@require_POST
def letter_number(request: PersonRequest, letter_id: int) -> HttpResponse:
    def act(letter: Letter, actor: Person) -> None:
        numbered = services.letter_number(letter=letter, actor=actor)
        messages.success(
            request,
            _("Surat diberi nomor %(n)s. Cetak, tandatangani, lalu unggah pindaiannya.")
            % {"n": numbered.number},
        )

    return _run(request, letter_id, act, form="number", done="")


@login_required
@require_POST
def letter_signed_copy(request: PersonRequest, letter_id: int) -> HttpResponse:
    def act(letter: Letter, actor: Person) -> None:
        upload = read_upload(request, "file")
        if upload is None:
            raise Invalid(_("Pilih berkas PDF salinan bertanda tangan."), field="file")
        content, name = upload
        services.letter_signed_copy_attach(
            letter=letter,
            actor=actor,
            content=content,
            filename=name,
            signed_by=request.POST.get("signed_by", ""),
        )

    return _run(
        request,
        letter_id,
        act,
        form="attach",
        fields=("file", "signed_by"),
        done=_("Salinan bertanda tangan disimpan sebagai surat resmi."),
    )


@login_required
@require_POST
def letter_sign(request: PersonRequest, letter_id: int) -> HttpResponse:
    def act(letter: Letter, actor: Person) -> None:
        services.letter_sign_electronic(
            letter=letter, actor=actor, passphrase=request.POST.get("passphrase", "")
        )

    return _run(
        request,
        letter_id,
        act,
        form="sign",
        fields=("passphrase",),
        done=_("Surat ditandatangani secara elektronik."),
    )


@login_required
@require_POST
def letter_deliver(request: PersonRequest, letter_id: int) -> HttpResponse:
    letter = letter_or_404(request, letter_id)
    form = DeliveryForm(request.POST, request.FILES)
    status = 422
    if form.is_valid():
        try:
            photo = read_upload(request, "photo")
            services.letter_deliver(
                letter=letter,
                actor=actor_of(request),
                received_by=form.cleaned_data["received_by"],
                received_at=form.received_at(letter.unit.zone()),
                place=form.cleaned_data["place"],
                method=form.cleaned_data["method"],
                photo=photo[0] if photo else None,
                photo_name=photo[1] if photo else "",
            )
        except ServiceError as exc:
            field = {"received_at": "tanggal"}.get(exc.field, exc.field)
            form.add_error(field if field in form.fields else None, exc.message)
            status = exc.status
        else:
            messages.success(request, _("Tanda terima dicatat."))
            return redirect("letters:letter", letter_id=letter.pk)
    return render_letter(request, letter.pk, delivery_form=form, status=status)


@login_required
@require_POST
def letter_email(request: PersonRequest, letter_id: int) -> HttpResponse:
    return _run(
        request,
        letter_id,
        lambda letter, actor: services.letter_email_send(letter=letter, actor=actor),
        form="email",
        done=_("Surat masuk antrean e-mail; terkirim sebentar lagi."),
    )


@login_required
@require_POST
def letter_cancel(request: PersonRequest, letter_id: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _run(
        request,
        letter_id,
        lambda letter, actor: services.letter_cancel(letter=letter, actor=actor, reason=reason),
        form="cancel",
        fields=("reason",),
        done=_("Surat dibatalkan."),
    )
