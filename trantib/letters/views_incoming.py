"""The pages of incoming letters (surat masuk): the buku agenda with its exports, recording a
letter with its scan, the letter's page with the scan and the lembar disposisi form, and the
printable lembar disposisi.

Each view: access selector (a letter of another unit is a 404) → form → one service → redirect,
or the page again with the service's message beside the input it names and the status the error
carries (422 invalid, 403 not allowed, 409 already done). Changes are POST only, under CSRF.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from trantib.accounts.middleware import PersonRequest
from trantib.accounts.models import OrgUnit, Person, Position
from trantib.accounts.selectors import assignments_active, positions_for_user
from trantib.cases import selectors as case_selectors
from trantib.cases import services as case_services
from trantib.core.dates import date_id, datetime_id
from trantib.core.errors import NotAllowed, NotFound, ServiceError
from trantib.core.printing import css_string, pdf_from_html
from trantib.engine import runtime

from . import selectors
from .forms_incoming import (
    CaseFields,
    DispositionDoneForm,
    DispositionForm,
    IncomingFilterForm,
    IncomingForm,
    step_offered,
)
from .models import Disposition, IncomingLetter
from .services import incoming as services
from .services import settings_for

PAGE_SIZE = 25
SCAN_CONTENT_TYPES = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".png": "image/png"}


# -- helpers ------------------------------------------------------------------------------


def _incoming_or_404(request: PersonRequest, incoming_id: int) -> IncomingLetter:
    try:
        return selectors.incoming_get_for_user(request.user, incoming_id)
    except NotFound:
        raise Http404(_("Surat masuk tidak ditemukan.")) from None


def _actor(request: PersonRequest) -> Person:
    if request.person is None:
        raise NotAllowed(_("Akun ini tidak terhubung dengan data pegawai."))
    return request.person


def _recording_units(request: PersonRequest) -> list[OrgUnit]:
    person = request.person
    if person is None:
        return []
    units = {p.unit.pk: p.unit for p in positions_for_user(request.user).select_related("unit")}
    return [
        u for u in sorted(units.values(), key=lambda u: u.code) if services.may_record(person, u)
    ]


@dataclass(frozen=True)
class DispositionStatus:
    """Where the letter's dispositions stand: "belum" (none yet), "proses" (one is open),
    "lewat" (one is open past its due date), "selesai" (all reported done)."""

    code: str
    label: str

    @property
    def badge(self) -> str:
        return {"selesai": "done", "proses": "open", "lewat": "danger"}.get(self.code, "")


def disposition_status(incoming: IncomingLetter, today: dt.date) -> DispositionStatus:
    dispositions = list(incoming.dispositions.all())
    if not dispositions:
        return DispositionStatus("belum", _("Belum didisposisi"))
    open_ = [d for d in dispositions if d.done_at is None]
    if not open_:
        return DispositionStatus("selesai", _("Selesai"))
    if any(d.due_on and d.due_on < today for d in open_):
        return DispositionStatus("lewat", _("Lewat batas waktu"))
    return DispositionStatus("proses", _("Didisposisi"))


def _jabatan_names(dispositions: list[Disposition], unit: OrgUnit) -> dict[str, str]:
    codes = {d.to_role for d in dispositions}
    return dict(Position.objects.filter(unit=unit, code__in=codes).values_list("code", "name"))


def _to_text(d: Disposition, names: dict[str, str]) -> str:
    jabatan = names.get(d.to_role, d.to_role)
    return f"{jabatan} ({d.to_person.full_name})" if d.to_person else jabatan


@dataclass
class Row:
    incoming: IncomingLetter
    status: DispositionStatus
    to: list[str]


def _rows(items: list[IncomingLetter]) -> list[Row]:
    names: dict[tuple[int, str], str] = {}
    units = {i.unit_id: i.unit for i in items}
    for unit in units.values():
        wanted = [d for i in items if i.unit_id == unit.pk for d in i.dispositions.all()]
        names.update({(unit.pk, k): v for k, v in _jabatan_names(wanted, unit).items()})
    today = {u.pk: u.today() for u in units.values()}
    return [
        Row(
            incoming=i,
            status=disposition_status(i, today[i.unit_id]),
            to=[
                _to_text(d, {k[1]: v for k, v in names.items() if k[0] == i.unit_id})
                for d in i.dispositions.all()
            ],
        )
        for i in items
    ]


# -- the agenda -----------------------------------------------------------------------------


@login_required
def incoming_list(request: PersonRequest) -> HttpResponse:
    """The buku agenda surat masuk of the user's units, newest received first."""
    form = IncomingFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    qs = selectors.incoming_list_for_user(request.user, **filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("halaman"))
    context = {
        "form": form,
        "page": page,
        "rows": _rows(list(page.object_list)),
        "filtered": any(filters.values()),
        "may_record": bool(_recording_units(request)),
    }
    template = "letters/incoming_list.html"
    if getattr(request, "htmx", False) and not request.htmx.boosted:  # type: ignore[attr-defined]
        template += "#results"
    return render(request, template, context)


EXPORT_HEADERS = (
    "No. agenda",
    "Tanggal terima",
    "Asal surat",
    "Nomor surat",
    "Tanggal surat",
    "Perihal",
    "Diteruskan kepada",
    "Disposisi",
    "Keterangan",
    "Unit",
)


@login_required
def incoming_export(request: PersonRequest, fmt: str) -> HttpResponse:
    """The filtered agenda (all pages) as CSV (UTF-8 with BOM) or XLSX (real date cells)."""
    form = IncomingFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    rows = _rows(list(selectors.incoming_list_for_user(request.user, **filters)))
    headers = [_(h) for h in EXPORT_HEADERS]
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="surat-masuk-{stamp}.csv"'
        response.write("\ufeff")  # spreadsheet programs read the BOM as "this is UTF-8"
        writer = csv.writer(response)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([_cell(v) for v in _export_values(row, dates_as_text=True)])
        return response
    return _xlsx(headers, rows, stamp)


def _export_values(row: Row, *, dates_as_text: bool) -> list[Any]:
    i = row.incoming
    return [
        i.agenda_number,
        i.received_on.isoformat() if dates_as_text else i.received_on,
        i.sender,
        i.number,
        i.dated.isoformat() if dates_as_text else i.dated,
        i.subject,
        "; ".join(row.to),
        row.status.label,
        i.note,
        i.unit.name,
    ]


def _cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula (=, +, -, @) is written as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _xlsx(headers: list[str], rows: list[Row], stamp: str) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = _("Surat masuk")
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell(v) for v in _export_values(row, dates_as_text=False)])
    for column in ("B", "E"):
        for cell in sheet[column][1:]:
            cell.number_format = "DD/MM/YYYY"
    widths = (14, 14, 32, 24, 14, 48, 32, 18, 32, 28)
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="surat-masuk-{stamp}.xlsx"'
    return response


# -- recording a letter -----------------------------------------------------------------------


@login_required
def incoming_new(request: PersonRequest) -> HttpResponse:
    units = _recording_units(request)
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
            actor=_actor(request),
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
    names = _jabatan_names(dispositions, unit)
    items = [
        {
            "d": d,
            "to": _to_text(d, names),
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
    incoming = _incoming_or_404(request, incoming_id)
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
            actor=_actor(request),
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
    incoming = _incoming_or_404(request, disposition.incoming_id)
    form = DispositionDoneForm(request.POST)
    try:
        services.disposition_done(
            disposition=disposition,
            actor=_actor(request),
            note=request.POST.get("note", ""),
        )
    except ServiceError as exc:
        form.add_error("note" if exc.field == "note" else None, exc.message)
        context = _detail_context(request, incoming)
        context.update(done_form=form, done_for=disposition.pk)
        return render(request, "letters/incoming_detail.html", context, status=exc.status)
    messages.success(request, _("Disposisi dilaporkan selesai."))
    return redirect(reverse("letters:incoming_detail", kwargs={"incoming_id": incoming.pk}))


# -- files ------------------------------------------------------------------------------------


@login_required
@xframe_options_sameorigin
def incoming_scan(request: PersonRequest, incoming_id: int) -> FileResponse:
    """The scan, shown inline (framed in the letter's page: same origin only) with its own
    content type."""
    incoming = _incoming_or_404(request, incoming_id)
    if not incoming.scan:
        raise Http404(_("Surat ini tidak punya pindaian."))
    suffix = Path(incoming.scan.name).suffix.lower()
    try:
        handle = incoming.scan.open("rb")
    except FileNotFoundError:
        raise Http404(_("Berkas pindaian tidak ditemukan.")) from None
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", incoming.agenda_number).strip("-")
    response = FileResponse(
        handle,
        content_type=SCAN_CONTENT_TYPES.get(suffix, "application/octet-stream"),
        filename=f"surat-masuk-{name}{suffix}",
    )
    response["Content-Disposition"] = f'inline; filename="surat-masuk-{name}{suffix}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _head_title(person: Person, unit: OrgUnit) -> str:
    """The jabatan the head disposed as ("Camat Cipondoh", "Plh. Camat …")."""
    held = list(assignments_active(person).select_related("position__unit"))
    for wanted in (
        lambda a: a.position.unit_id == unit.pk and a.position.supervises,
        lambda a: a.position.unit_id == unit.pk,
        lambda a: a.position.supervises,
    ):
        for assignment in held:
            if wanted(assignment):
                return str(assignment.title)
    return ""


@login_required
def incoming_disposition_pdf(request: PersonRequest, incoming_id: int) -> HttpResponse:
    """The lembar disposisi as an A4 PDF: the letter's facts, each disposition with the head's
    name and a space for the paraf; blank rows for a head who writes by hand."""
    incoming = _incoming_or_404(request, incoming_id)
    unit = incoming.unit
    settings = settings_for(unit)
    dispositions = list(incoming.dispositions.all())
    names = _jabatan_names(dispositions, unit)
    heads: dict[int, str] = {}
    for d in dispositions:
        heads.setdefault(d.from_person_id, _head_title(d.from_person, unit))
    logo = ""
    if settings.logo:
        try:
            logo = Path(settings.logo.path).as_uri()
        except (NotImplementedError, ValueError):
            logo = ""
    html = render_to_string(
        "letters/incoming_disposition.html",
        {
            "incoming": incoming,
            "kop": settings.kop(),
            "address": settings.address(),
            "logo": logo,
            "received": date_id(incoming.received_on),
            "dated": date_id(incoming.dated),
            "sifat_boxes": [
                (s, any(d.sifat == s for d in dispositions)) for s in services.DISPOSITION_SIFAT
            ],
            "rows": [
                {
                    "d": d,
                    "to": _to_text(d, names),
                    "at": date_id(timezone.localtime(d.created_at, unit.zone()).date()),
                    "due": date_id(d.due_on) if d.due_on else "",
                    "head_title": heads[d.from_person_id],
                }
                for d in dispositions
            ],
            "blank_rows": range(max(0, 2 - len(dispositions))),
            "printed": datetime_id(timezone.now(), unit.zone()),
            "agenda_css": css_string(incoming.agenda_number),
        },
        request=request,
    )
    pdf = pdf_from_html(html, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", incoming.agenda_number).strip("-")
    response["Content-Disposition"] = f'inline; filename="lembar-disposisi-{name}.pdf"'
    return response
