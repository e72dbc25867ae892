"""The letters of a case on the case pages: drafting a step's letter from its task, the letter
panel inside a live task's card, and the list of the case's letters above its steps.

The panels are registered with the cases app (``apps.py``); the case page has already fetched
the case through its access selector, so they read the case's letters without another check.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trantib.accounts.middleware import PersonRequest
from trantib.accounts.models import Person
from trantib.accounts.selectors import person_holds_role
from trantib.cases import selectors as case_selectors
from trantib.cases import services as case_services
from trantib.cases.models import Case, Task
from trantib.core.dates import date_id
from trantib.core.errors import NotAllowed, NotFound, ServiceError
from trantib.engine.spec import Step

from .models import Delivery, Letter, LetterState
from .services import case_letter, letter_draft_for_task, letter_reached
from .sop import NEED_TEXT, ladder_deadline
from .sop_fill import kind_title


def _url(name: str, *args: Any) -> str:
    """A page of the letters app, or "" while that page is not mounted (parts land apart)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@login_required
@require_POST
def draft_for_task(request: PersonRequest, task_id: int) -> HttpResponse:
    """ "Buat konsep … dari kasus": the draft is written, then edited on its own page."""
    try:
        task = case_selectors.task_get_for_user(request.user, task_id)
    except NotFound:
        raise Http404(_("Tugas tidak ditemukan.")) from None
    back = reverse("cases:detail", args=[task.case_id]) + f"#tugas-{task.pk}"
    try:
        if request.person is None:
            raise NotAllowed(_("Akun ini tidak terhubung dengan data pegawai."), field="task")
        letter = letter_draft_for_task(task=task, actor=request.person)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(
        request,
        _("Konsep %(kind)s dibuat dari kasus; periksa dan lengkapi isinya.")
        % {"kind": letter.kind_name},
    )
    return redirect(_url("letters:edit", letter.pk) or back)


# -- the panels --------------------------------------------------------------------------------


def task_letter_context(task: Task, step: Step, person: Person | None) -> dict[str, Any] | None:
    """The letter panel of a live task whose step writes or waits for a letter."""
    if step.letter is None:
        return None
    case = task.case
    spec = case_services.case_spec(case)
    found = spec.letter_source(step.letter.key)
    if found is None:
        return None
    _source, block = found
    letter = case_letter(case, block.key)
    usable = letter is not None and letter.state != LetterState.CANCELLED
    need = step.letter.needs
    may_draft = (
        not usable
        and task.is_live
        and person is not None
        and person_holds_role(person, case.unit, task.role)
    )
    deadline = ladder_deadline(spec, block, letter) if letter is not None else None
    position = case_services.role_position(spec, case.unit, step.role)
    return {
        "letter": letter if usable else None,
        "cancelled": letter if letter is not None and not usable else None,
        "title": letter.kind_name if usable and letter else kind_title(block),
        "need_text": str(NEED_TEXT[need]) if need else "",
        "reached": bool(usable and need and letter and letter_reached(letter, need, position)),
        "may_draft": may_draft,
        "draft_url": reverse("letters:draft_for_task", args=[task.pk]),
        "link": _url("letters:letter", letter.pk) if usable and letter else "",
        "dated": date_id(letter.dated) if usable and letter and letter.dated else "",
        "deadline": date_id(timezone.localtime(deadline, case.unit.zone())) if deadline else "",
    }


def case_letters_context(case: Case, person: Person | None) -> dict[str, Any] | None:
    """The case's letters above its steps: kind, number, date, state, signer, delivery."""
    letters = list(
        Letter.objects.filter(case=case)
        .prefetch_related(Prefetch("deliveries", queryset=Delivery.objects.order_by("received_at")))
        .order_by("created_at", "pk")
    )
    if not letters:
        return None
    rows = []
    for letter in letters:
        deliveries = list(letter.deliveries.all())
        rows.append(
            {
                "letter": letter,
                "dated": date_id(letter.dated) if letter.dated else "",
                "delivered": date_id(
                    timezone.localtime(deliveries[0].received_at, case.unit.zone())
                )
                if deliveries
                else "",
                "link": _url("letters:letter", letter.pk),
            }
        )
    return {"letters": rows}
