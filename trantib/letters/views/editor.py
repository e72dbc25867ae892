"""The draft editor (the header, the kind's own fields and the body, with a PDF preview beside
them) and the form that drafts a letter by hand.

A returned letter shows its reviewer's note at the top of the editor. The body is the text the
letter prints; "Susun ulang isi dari isian" replaces it with the kind's standard wording made
from the fields as posted (the old text stays in the letter's audit).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from trantib.accounts.middleware import PersonRequest
from trantib.accounts.models import OrgUnit, Position
from trantib.accounts.selectors import units_for_user
from trantib.cases.selectors import unit_members
from trantib.core.errors import ServiceError

from .. import services
from ..forms import EditorField, NewLetterForm, editor_changes, editor_fields
from ..models import Letter
from ..registry import letter_hidden
from ..wording import FROM_FIELDS, GAP, body_default
from .common import actor_of, letter_or_404
from .letter import last_return


def _members(letter: Letter) -> list[tuple[int, str]]:
    return [
        (p.pk, f"{p.full_name} — {p.position_name}" if p.position_name else p.full_name)  # type: ignore[attr-defined]
        for p in unit_members(letter.unit)
    ]


def _render_editor(
    request: PersonRequest,
    letter: Letter,
    fields: list[EditorField],
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    texts = ("body", "tembusan", "coordination")
    context = {
        "letter": letter,
        "fields": fields,
        "header": [f for f in fields if not f.is_data and f.name not in texts],
        "kind_fields": [f for f in fields if f.is_data],
        "text_fields": [f for f in fields if f.name in texts],
        "error": error,
        "returned": last_return(letter),
        "rebuild": letter.kind in FROM_FIELDS,
        "gaps": GAP in letter.body,
        "gap": GAP,
        "pdf_version": int(letter.updated_at.timestamp()),
    }
    return render(request, "letters/letter_edit.html", context, status=status)


def _place_error(fields: list[EditorField], exc: ServiceError) -> str:
    """Put the error beside its input; the message for the page when no input is named."""
    for f in fields:
        if f.name == exc.field:
            f.error = exc.message
            return ""
    return exc.message


def _shown(fields: list[EditorField], hidden: dict[str, str]) -> list[EditorField]:
    """The editor's inputs without those the reader may not see."""
    if not hidden:
        return fields
    return [f for f in fields if f.name.removeprefix("data.") not in hidden]


def _kept(letter: Letter, changes: dict[str, Any], hidden: dict[str, str]) -> dict[str, Any]:
    """The posted changes with the hidden values kept as stored."""
    for name in hidden:
        if name in changes.get("data", {}):
            changes["data"][name] = letter.data.get(name, "")
        elif name in changes:
            changes[name] = getattr(letter, name, "")
    return changes


@login_required
def letter_edit(request: PersonRequest, letter_id: int) -> HttpResponse:
    letter = letter_or_404(request, letter_id)
    person = request.person
    if person is None or not services.may_edit(person, letter):
        if letter.is_editable:
            messages.error(request, _("Hanya pembuat konsep yang dapat mengubah surat ini."))
        else:
            messages.error(
                request,
                _("Surat ini tidak lagi dapat diubah (%(state)s).")
                % {"state": letter.get_state_display()},
            )
        return redirect("letters:letter", letter_id=letter.pk)
    members = _members(letter)
    # What the drafter may not see (a violator's NIK and address, letters.registry) is neither
    # shown nor posted: the stored values stay.
    hidden = letter_hidden(letter, request.user)
    if request.method != "POST":
        return _render_editor(request, letter, _shown(editor_fields(letter, members), hidden))
    then = request.POST.get("then", "save")
    try:
        changes = _kept(letter, editor_changes(letter, request.POST), hidden)
        if then == "rebuild":
            data = services.data_clean(
                letter.kind_spec, {**letter.data, **changes["data"]}, strict=False
            )
            changes["body"] = body_default(letter.kind, data)
        letter = services.letter_edit(letter=letter, actor=actor_of(request), changes=changes)
    except ServiceError as exc:
        fields = _shown(editor_fields(letter, members, request.POST), hidden)
        return _render_editor(
            request, letter, fields, error=_place_error(fields, exc), status=exc.status
        )
    edit_url = reverse("letters:edit", kwargs={"letter_id": letter.pk})
    if then == "submit":
        try:
            services.letter_submit(letter=letter, actor=actor_of(request))
        except ServiceError as exc:
            fields = _shown(editor_fields(letter, members), hidden)
            page_error = _place_error(fields, exc)
            lead = _("Tersimpan, tetapi belum dapat diajukan.")
            return _render_editor(
                request,
                letter,
                fields,
                error=f"{lead} {page_error}" if page_error else lead,
                status=exc.status,
            )
        messages.success(request, _("Surat disimpan dan diajukan."))
        return redirect("letters:letter", letter_id=letter.pk)
    if then == "rebuild":
        messages.success(request, _("Isi surat disusun ulang dari isian dan disimpan."))
        return redirect(f"{edit_url}#f-body")
    messages.success(request, _("Konsep disimpan."))
    if then == "preview":
        return redirect(f"{edit_url}#pratinjau")
    return redirect(edit_url)


# -- a new letter --------------------------------------------------------------------------------


def _units(request: PersonRequest) -> list[OrgUnit]:
    return list(units_for_user(request.user).filter(active=True).order_by("path"))


@login_required
def letter_new(request: PersonRequest) -> HttpResponse:
    """Draft a letter by hand: its kind, unit, signer and paraf chain; then the editor."""
    units = _units(request)
    posted = request.method == "POST" and "ganti" not in request.POST
    params: Any = request.POST if request.method == "POST" else request.GET
    unit = next((u for u in units if u.code == params.get("unit")), units[0] if units else None)
    positions = list(Position.objects.filter(unit=unit).order_by("-supervises", "name"))
    head = next((p.code for p in positions if p.supervises), "")
    form = NewLetterForm(
        request.POST if posted else None,
        initial={
            "unit": unit.code if unit else "",
            "kind": params.get("kind", ""),
            "hal": params.get("hal", ""),
            "signer_role": params.get("signer_role") or head,
        },
        units=[(u.code, u.name) for u in units],
        positions=[(p.code, p.name) for p in positions],
    )
    status = 200
    if posted and unit is not None:
        status = 422
        if form.is_valid():
            try:
                letter = services.letter_draft(
                    unit=unit,
                    kind=form.cleaned_data["kind"],
                    actor=actor_of(request),
                    hal=form.cleaned_data["hal"],
                    signer_role=form.cleaned_data["signer_role"],
                    paraf_roles=form.paraf_roles(),
                    coordination=form.coordination_lines(),
                )
            except ServiceError as exc:
                field = {"paraf_roles": "paraf_1"}.get(exc.field, exc.field)
                form.add_error(field if field in form.fields else None, exc.message)
                status = exc.status
            else:
                messages.success(request, _("Konsep dibuat. Lengkapi isinya."))
                return redirect("letters:edit", letter_id=letter.pk)
    return render(request, "letters/letter_new.html", {"form": form, "units": units}, status=status)
