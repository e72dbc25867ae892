"""Printed reports: the unit's kop, the title and period, the body, and the head's signature.

A report the unit head signs prints only the report: its figures as computed, the head's
jabatan, name and NIP/NRP under the space for the signature. The product's own marks (when it
was printed, the page numbers) stay in the footer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from trantib.accounts.models import OrgUnit, Position
from trantib.accounts.selectors import holders_of
from trantib.core.dates import date_id, datetime_id
from trantib.core.printing import css_string, pdf_from_html
from trantib.letters.models import LetterSettings

from .periods import Period
from .scope import Scope


@dataclass(frozen=True)
class Signer:
    jabatan: str
    name: str
    number: str  # "NIP. 19850312 201001 1 004", "NRP. 76050993" or ""
    acting: str = ""  # "Plt." / "Plh." before the jabatan


def report_signer(unit: OrgUnit) -> Signer:
    """Who signs the unit's reports: today's holder of its first supervising position (the
    Camat, the Kasat); blanks when the position is empty, so the head signs by hand."""
    position = Position.objects.filter(unit=unit, supervises=True).order_by("pk").first()
    if position is None:
        return Signer(jabatan="", name="", number="")
    holder = holders_of(unit, position.code).first()
    if holder is None:
        return Signer(jabatan=position.name, name="", number="")
    acting = getattr(holder, "acting_rank", "") or ""
    prefix = {"plt": "Plt.", "plh": "Plh."}.get(acting, "")
    return Signer(
        jabatan=position.name, name=holder.full_name, number=holder.identity_line, acting=prefix
    )


def report_pdf(template: str, context: dict[str, Any], *, scope: Scope, period: Period) -> bytes:
    """The PDF of ``template`` (which extends ``reports/pdf_base.html``)."""
    now = timezone.now()
    # The unit's letterhead and place as its letters print them, when it has letter settings.
    letters = LetterSettings.objects.filter(unit=scope.unit).select_related("unit").first()
    full = {
        "unit": scope.unit,
        "scope": scope,
        "period": period,
        "kop": letters.kop() if letters else (scope.unit.kop() or [scope.unit.name.upper()]),
        "place": letters.place if letters else "",
        "signer": report_signer(scope.unit),
        "signed_on": date_id(now.astimezone(scope.zone).date()),
        "printed_css": css_string(
            _("Dicetak %(when)s dari Trantib") % {"when": datetime_id(now, scope.zone)}
        ),
        "page_css": css_string(_("Halaman")),
        **context,
    }
    return pdf_from_html(render_to_string(template, full))
