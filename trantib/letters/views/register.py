"""The register page (buku agenda surat keluar), its exports, and "Perlu tindakan saya"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from trantib.accounts.middleware import PersonRequest
from trantib.accounts.models import Person
from trantib.accounts.selectors import assignments_active, units_for_user
from trantib.core.exports import back_to, export_refused

from ..exports import register_csv, register_pdf, register_rows, register_xlsx
from ..forms import RegisterFilterForm
from ..models import Letter, LetterState, Review
from ..selectors import letter_list_for_user
from ..services import pending_review
from .common import PAGE_SIZE
from .settings import manageable_units

TODO_LIMIT = 50


@dataclass(frozen=True)
class Todo:
    """A letter waiting for the person, and what for."""

    letter: Letter
    what: str  # "paraf", "sign", "upload", "returned"

    @property
    def label(self) -> str:
        return {
            "paraf": _("Paraf"),
            "sign": _("Tanda tangan"),
            "upload": _("Unggah salinan bertanda tangan"),
            "returned": _("Dikembalikan, perbaiki"),
        }[self.what]


def todo_for(request: PersonRequest) -> list[Todo]:
    """Letters waiting for the person: a paraf of a position they hold, a signature (or the
    signed copy of a letter they numbered), a draft of theirs returned to them."""
    person: Person | None = request.person
    if person is None:
        return []
    held = {(a.position.unit_id, a.position.code) for a in assignments_active(person)}
    wanted = Q(state=LetterState.RETURNED, created_by=person) | Q(
        state=LetterState.NUMBERED, signer=person
    )
    for unit_id, code in held:
        wanted |= Q(state=LetterState.APPROVED, unit_id=unit_id, signer_role=code)
        wanted |= Q(
            state=LetterState.REVIEW,
            unit_id=unit_id,
            reviews__role=code,
            reviews__outcome=Review.Outcome.PENDING,
        )
    letters = (
        letter_list_for_user(request.user)
        .filter(wanted)
        .distinct()
        .prefetch_related("reviews")[:TODO_LIMIT]
    )
    todo = []
    for letter in letters:
        if letter.state == LetterState.REVIEW:
            review = pending_review(letter)
            if review is not None and (letter.unit_id, review.role) in held:
                todo.append(Todo(letter, "paraf"))
        elif letter.state == LetterState.APPROVED:
            todo.append(Todo(letter, "sign"))
        elif letter.state == LetterState.NUMBERED:
            todo.append(Todo(letter, "upload"))
        else:
            todo.append(Todo(letter, "returned"))
    return todo


def _signers(request: PersonRequest) -> list[str]:
    names = (
        Letter.objects.filter(unit__in=units_for_user(request.user))
        .exclude(signer_name="")
        .order_by("signer_name")
        .values_list("signer_name", flat=True)
        .distinct()
    )
    return list(names)


def _filtered(request: PersonRequest) -> tuple[RegisterFilterForm, QuerySet[Letter]]:
    form = RegisterFilterForm(request.GET, signers=_signers(request))
    letters = letter_list_for_user(request.user, **form.filters())
    return form, letters


@login_required
def register(request: PersonRequest) -> HttpResponse:
    form, letters = _filtered(request)
    page = Paginator(letters, PAGE_SIZE).get_page(request.GET.get("halaman"))
    query = request.GET.copy()
    query.pop("halaman", None)
    context = {
        "form": form,
        "page": page,
        "rows": register_rows(page.object_list),
        "filtered": any(v not in ("", None) for v in form.filters().values()),
        "todo": todo_for(request),
        "query": query.urlencode(),
        "may_manage": bool(manageable_units(request)),
    }
    template = "letters/register.html"
    if getattr(request, "htmx", False) and not request.htmx.boosted:  # type: ignore[attr-defined]
        template += "#results"
    return render(request, template, context)


EXPORTS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "pdf": ("application/pdf", "pdf"),
}


@login_required
def register_export(request: PersonRequest, fmt: str) -> HttpResponse:
    """Every letter the filters select (not one page), as CSV, XLSX or PDF."""
    if fmt not in EXPORTS:
        raise Http404(_("Format tidak dikenal."))
    form, letters = _filtered(request)
    if fmt == "xlsx":
        back = back_to(reverse("letters:register"), request)
        refused = export_refused(request, count=letters.count(), back=back)
        if refused is not None:
            return refused
    # A book reads from its first entry: numbered letters by date and serial, drafts after.
    letters = letters.order_by(F("dated").asc(nulls_last=True), "serial", "created_at", "pk")
    rows = register_rows(letters)
    names = sorted({row.letter.unit.name for row in rows}) or [
        u.name for u in units_for_user(request.user).order_by("path")[:3]
    ]
    title = ", ".join(names)
    period = form.period_text()
    if fmt == "csv":
        content = register_csv(rows)
    elif fmt == "xlsx":
        site = request.build_absolute_uri("/")[:-1]
        content = register_xlsx(rows, title=title, period=period, site=site)
    else:
        zone = rows[0].letter.unit.zone() if rows else timezone.get_current_timezone()
        content = register_pdf(rows, units=names, period=period, zone=zone)
    kind, ext = EXPORTS[fmt]
    response = HttpResponse(content, content_type=kind)
    stamp = dt.datetime.now(tz=timezone.get_current_timezone()).strftime("%Y%m%d")
    disposition = "inline" if fmt == "pdf" else "attachment"
    response["Content-Disposition"] = (
        f'{disposition}; filename="buku-agenda-surat-keluar-{stamp}.{ext}"'
    )
    return response
