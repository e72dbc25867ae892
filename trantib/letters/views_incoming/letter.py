"""Recording an incoming letter, its page with the lembar disposisi form, and a disposition
reported done."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trantib.accounts.middleware import PersonRequest
from trantib.accounts.models import OrgUnit, Person, Position
from trantib.cases import selectors as case_selectors
from trantib.cases import services as case_services
from trantib.core.dates import date_id, datetime_id
from trantib.core.errors import NotFound, ServiceError
from trantib.engine import runtime

from .. import selectors
from ..forms_incoming import (
    CaseFields,
    DispositionDoneForm,
    DispositionForm,
    IncomingForm,
    step_offered,
)
from ..models import IncomingLetter
from ..services import incoming as services
from .common import (
    actor_of,
    disposition_status,
    incoming_or_404,
    jabatan_names,
    recording_units,
    to_text,
)

# -- recording a letter -----------------------------------------------------------------------


@login_required
def incoming_new(request: PersonRequest) -> HttpResponse:
    units = recording_units(request)
    choices = [(u.code, u.name) for u in units]
    if request.method != "POST":
        today = units[0].today() if units else timezone.localdate()
        form = IncomingForm(units=choices, initial={"received_on": today.isoformat()})
        return render(request, "letters/incoming_form.html", {"form": form, "units": units})
    form = IncomingForm(request.POST, request.FILES, units=choices)
    context = {"form": form, "units": units}
    if not units:
        return render(request, "letters/incoming_form.html", context, status=403)
    if not form.is_valid():
        return render(request, "letters/incoming_form.html", context, status=422)
    data = form.cleaned_data
    upload = data.get("scan")
    try:
        incoming = services.incoming_record(
            unit=next(u for u in units if u.code == data["unit"]),
            actor=actor_of(request),
            received_on=data["received_on"],
            sender=data["sender"],
            number=data["number"],
            dated=data["dated"],
            subject=data["subject"],
            note=data.get("note") or "",
            scan=upload.read() if upload else None,
            scan_name=upload.name if upload else "",
        )
    except ServiceError as exc:
        _form_error(form, exc)
        return render(request, "letters/incoming_form.html", context, status=exc.status)
    messages.success(
        request,
        _("Surat masuk dicatat dengan nomor agenda %(n)s.") % {"n": incoming.agenda_number},
    )
    return redirect(reverse("letters:incoming_detail", kwargs={"incoming_id": incoming.pk}))


def _form_error(form: Any, exc: ServiceError) -> None:
    name = exc.field if exc.field in form.fields else None
    form.add_error(name, exc.message)


# -- the letter's page and its disposition ----------------------------------------------------


def _sop_choices(person: Person | None, unit: OrgUnit) -> dict[str, tuple[Any, Any]]:
    """The SOPs (at an entry step) the head may start in the unit from a disposition, by the
    value the select sends: "PUR", or "POLMAS:pos_mantap" for another entry step."""
    if person is None:
        return {}
    found: dict[str, tuple[Any, Any]] = {}
    for spec, step in case_services.entries_startable(person, unit):
        if not step_offered(step):
            continue
        main = step.id == spec.start.id
        found[spec.code if main else f"{spec.code}:{step.id}"] = (spec, step)
    return found


def _sop_label(spec: Any, step: Any) -> str:
    if len(runtime.entries(spec)) == 1:
        return f"{spec.code} — {spec.name}"
    return f"{spec.code} — {step.public or step.display_title}"


def _disposition_form(
    incoming: IncomingLetter, sops: dict[str, tuple[Any, Any]], post: Any = None
) -> DispositionForm:
    unit = incoming.unit
    roles = [
        ("", _("— pilih jabatan —")),
        *Position.objects.filter(unit=unit).order_by("pk").values_list("code", "name"),
    ]
    people = [
        (str(p.pk), f"{p.full_name} — {p.position_name}")  # type: ignore[attr-defined]
        for p in case_selectors.unit_members(unit)
    ]
    labels = [(value, _sop_label(*pair)) for value, pair in sops.items()]
    return DispositionForm(post, roles=roles, people=people, sops=labels)


def _detail_context(
    request: PersonRequest,
    incoming: IncomingLetter,
    form: DispositionForm | None = None,
    case_fields: CaseFields | None = None,
) -> dict[str, Any]:
    person = request.person
    unit = incoming.unit
    may_dispose = person is not None and services.may_dispose(person, unit)
    sops = _sop_choices(person, unit) if may_dispose else {}
    if may_dispose and form is None:
        form = _disposition_form(incoming, sops, None)
        chosen = request.GET.get("open_sop", "")
        if chosen in sops:
            form.initial["open_sop"] = chosen
            case_fields = CaseFields.build(chosen, *sops[chosen])
    dispositions = list(incoming.dispositions.all())
    names = jabatan_names(dispositions, unit)
    items = [
        {
            "d": d,
            "to": to_text(d, names),
            "created": datetime_id(d.created_at, unit.zone()),
            "due": date_id(d.due_on) if d.due_on else "",
            "late": d.done_at is None and d.due_on is not None and d.due_on < unit.today(),
            "done": datetime_id(d.done_at, unit.zone()) if d.done_at else "",
            "may_finish": person is not None
            and d.done_at is None
            and services.may_finish(person, d),
        }
        for d in dispositions
    ]
    suffix = Path(incoming.scan.name).suffix.lower() if incoming.scan else ""
    return {
        "incoming": incoming,
        "received": date_id(incoming.received_on),
        "dated": date_id(incoming.dated),
        "recorded": datetime_id(incoming.recorded_at, unit.zone()),
        "scan_kind": {".pdf": "pdf", ".jpg": "image", ".png": "image"}.get(suffix, ""),
        "status": disposition_status(incoming, unit.today()),
        "dispositions": items,
        "may_dispose": may_dispose,
        "form": form,
        "case_fields": case_fields,
        "done_form": DispositionDoneForm(),
    }


@login_required
def incoming_detail(request: PersonRequest, incoming_id: int) -> HttpResponse:
    """The letter, its scan and its dispositions; for the head, the lembar disposisi form
    (POST here). ``?open_sop=PUR`` shows that SOP's first step in the form (htmx: only it)."""
    incoming = incoming_or_404(request, incoming_id)
    if request.method != "POST":
        context = _detail_context(request, incoming)
        if getattr(request, "htmx", False) and not request.htmx.boosted:  # type: ignore[attr-defined]
            return render(request, "letters/incoming_detail.html#case-fields", context)
        return render(request, "letters/incoming_detail.html", context)
    sops = _sop_choices(request.person, incoming.unit)
    form = _disposition_form(incoming, sops, request.POST)
    chosen = request.POST.get("open_sop", "")
    case_fields = None
    if chosen in sops:
        case_fields = CaseFields.build(chosen, *sops[chosen], post=request.POST)
    context = _detail_context(request, incoming, form, case_fields)
    if not context["may_dispose"]:
        context["error"] = _(
            "Disposisi diberikan oleh pimpinan unit (Camat, Kasat, atau pejabat pengawas)."
        )
        return render(request, "letters/incoming_detail.html", context, status=403)
    if not form.is_valid() or (case_fields and case_fields.has_errors):
        return render(request, "letters/incoming_detail.html", context, status=422)
    if case_fields and request.POST.get("kasus-shown") != chosen:
        # Chosen without its first step on screen (no JavaScript): show it to be filled.
        form.add_error("open_sop", _("Isi langkah pertama SOP ini di bawah, lalu kirim lagi."))
        return render(request, "letters/incoming_detail.html", context, status=422)
    data = form.cleaned_data
    to_person = None
    if data.get("to_person"):
        to_person = Person.objects.filter(pk=int(data["to_person"])).first()
    sop_code, _sep, entry = chosen.partition(":")
    try:
        disposition = services.disposition_create(
            incoming=incoming,
            actor=actor_of(request),
            to_role=data["to_role"],
            to_person=to_person,
            instruction=data["instruction"],
            sifat=data["sifat"],
            due_on=data.get("due_on"),
            open_sop=sop_code or None,
            open_entry=entry,
            case_data=case_fields.data if case_fields else None,
        )
    except ServiceError as exc:
        field = exc.field
        if field.startswith("case_data.") and case_fields:
            if not case_fields.add_error(field.removeprefix("case_data."), exc.message):
                form.add_error("open_sop", exc.message)
        else:
            _form_error(form, exc)
        return render(request, "letters/incoming_detail.html", context, status=exc.status)
    if disposition.case is not None:
        messages.success(
            request,
            _("Disposisi dicatat; kasus %(n)s dibuka.") % {"n": disposition.case.number},
        )
    else:
        messages.success(request, _("Disposisi dicatat."))
    return redirect(reverse("letters:incoming_detail", kwargs={"incoming_id": incoming.pk}))


@login_required
@require_POST
def disposition_done(request: PersonRequest, disposition_id: int) -> HttpResponse:
    try:
        disposition = selectors.disposition_get_for_user(request.user, disposition_id)
    except NotFound:
        raise Http404(_("Disposisi tidak ditemukan.")) from None
    incoming = incoming_or_404(request, disposition.incoming_id)
    form = DispositionDoneForm(request.POST)
    try:
        services.disposition_done(
            disposition=disposition,
            actor=actor_of(request),
            note=request.POST.get("note", ""),
        )
    except ServiceError as exc:
        form.add_error("note" if exc.field == "note" else None, exc.message)
        context = _detail_context(request, incoming)
        context.update(done_form=form, done_for=disposition.pk)
        return render(request, "letters/incoming_detail.html", context, status=exc.status)
    messages.success(request, _("Disposisi dilaporkan selesai."))
    return redirect(reverse("letters:incoming_detail", kwargs={"incoming_id": incoming.pk}))
