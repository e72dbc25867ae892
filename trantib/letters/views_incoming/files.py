"""The scan of an incoming letter and the printable lembar disposisi (PDF)."""

from __future__ import annotations

import re
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin

from trantib.accounts.middleware import PersonRequest
from trantib.accounts.models import OrgUnit, Person
from trantib.accounts.selectors import assignments_active
from trantib.core.dates import date_id, datetime_id
from trantib.core.printing import css_string, pdf_from_html

from ..rendering.context import logo_data_uri
from ..services import incoming as services
from ..services import settings_for
from .common import (
    SCAN_CONTENT_TYPES,
    incoming_or_404,
    jabatan_names,
    to_text,
)

# -- files ------------------------------------------------------------------------------------


@login_required
@xframe_options_sameorigin
def incoming_scan(request: PersonRequest, incoming_id: int) -> FileResponse:
    """The scan, shown inline (framed in the letter's page: same origin only) with its own
    content type."""
    incoming = incoming_or_404(request, incoming_id)
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
    incoming = incoming_or_404(request, incoming_id)
    unit = incoming.unit
    settings = settings_for(unit)
    dispositions = list(incoming.dispositions.all())
    names = jabatan_names(dispositions, unit)
    heads: dict[int, str] = {}
    for d in dispositions:
        heads.setdefault(d.from_person_id, _head_title(d.from_person, unit))
    logo = logo_data_uri(settings)
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
                    "to": to_text(d, names),
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
