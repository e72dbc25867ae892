"""Duplicates: two complaints about the same problem.

A duplicate is linked to its original; its case stops (cancelled, the reason recorded) and its
reporter is told the original's outcome — at once when the original was already answered, or
when it is (:mod:`.answer`).
"""

from __future__ import annotations

import datetime as dt
import math

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trantib.accounts.models import Person
from trantib.cases import services as case_services
from trantib.cases.models import CaseStatus
from trantib.core.errors import Conflict, Invalid, NotAllowed

from ..models import Complaint
from .answer import duplicate_answer
from .intake import holds_intake_role


def distance_metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = 6_371_000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(h))


@transaction.atomic
def complaint_mark_duplicate(
    *, complaint: Complaint, original: Complaint, actor: Person, now: dt.datetime | None = None
) -> Complaint:
    """Link ``complaint`` to ``original`` as the same problem: its case stops (cancelled, the
    reason recorded) and its reporter is told the original's outcome — now, if the original
    was already answered, or when it is."""
    now = now or timezone.now()
    # Both cases locked, in a fixed order: the original's last step cannot be completing
    # meanwhile (its reporter answered, this reporter forgotten), and two opposite links
    # cannot deadlock.
    for case_id in sorted({complaint.case_id, original.case_id}):
        case_services.case_lock(case_id)
    complaint = Complaint.objects.select_related("case", "unit").get(pk=complaint.pk)
    original = Complaint.objects.select_related("case").get(pk=original.pk)
    if not holds_intake_role(actor, complaint.unit):
        raise NotAllowed(
            _("Hanya Staf, Kasi Trantib atau Camat unit ini yang dapat menandai duplikat."),
            field="complaint",
        )
    if original.pk == complaint.pk:
        raise Invalid(_("Pengaduan tidak dapat menjadi duplikat dirinya."), field="original")
    if original.duplicate_of_id is not None:
        raise Invalid(
            _("%(tracking)s sendiri duplikat; tautkan ke pengaduan aslinya.")
            % {"tracking": original.tracking},
            field="original",
        )
    if original.category_id != complaint.category_id or original.unit_id != complaint.unit_id:
        raise Invalid(
            _("Duplikat harus berkategori sama dan ditangani unit yang sama."), field="original"
        )
    if original.case.status == CaseStatus.CANCELLED:
        raise Invalid(_("Pengaduan asli itu dibatalkan."), field="original")
    if complaint.duplicate_of_id is not None:
        raise Conflict(_("Pengaduan ini sudah ditandai duplikat."), field="complaint")
    if complaint.case.status != CaseStatus.OPEN:
        raise Conflict(_("Kasus pengaduan ini sudah tidak berjalan."), field="complaint")
    if complaint.duplicates.exists():
        raise Invalid(_("Pengaduan ini sudah menjadi asli bagi pengaduan lain."), field="complaint")
    case_services.case_cancel(
        case=complaint.case,
        actor=actor,
        reason=_("Duplikat dari pengaduan %(tracking)s (%(number)s)")
        % {"tracking": original.tracking, "number": original.case.number},
        now=now,
    )
    complaint.duplicate_of = original
    complaint.save(update_fields=["duplicate_of"])
    if original.answered_at is not None:
        duplicate_answer(complaint, original, now)
    return complaint
