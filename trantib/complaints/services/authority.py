"""A complaint outside the unit's authority: closed as "bukan kewenangan" with the reason told
to the reporter, or handed over to another unit (``cases.services.case_handover``: the
complaint row follows its case through :func:`complaint_follows_case`)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from trantib.accounts.models import OrgUnit, Person
from trantib.cases import services as case_services
from trantib.cases.models import Case, CaseStatus
from trantib.core.errors import Conflict, Invalid, NotAllowed
from trantib.core.text import has_control_characters

from ..clock import complaint_clock_stamp
from ..models import Complaint
from .answer import answer_send, duplicate_answer
from .intake import holds_intake_role

NOT_AUTHORITY = "not_authority"  # the mark on the case_cancelled event


@transaction.atomic
def complaint_not_authority(
    *, complaint: Complaint, actor: Person, reason: str, now: dt.datetime | None = None
) -> Complaint:
    """Close the complaint's case as "bukan kewenangan" (cancelled, the reason recorded and
    marked) and tell the reporter why, through the outbox; reporters of its duplicates hear the
    same. Staf, Kasi Trantib or the unit head of the handling unit."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Alasan bukan kewenangan wajib diisi."), field="reason")
    if len(reason) > 500:
        raise Invalid(_("Alasan paling panjang 500 karakter."), field="reason")
    if has_control_characters(reason):  # NUL breaks PostgreSQL; no other control is meant
        raise Invalid(
            _("Alasan berisi karakter kendali (mis. NUL) yang tidak dapat disimpan."),
            field="reason",
        )
    case = case_services.case_lock(complaint.case_id)
    complaint = Complaint.objects.select_related("unit", "case").get(pk=complaint.pk)
    if not (
        holds_intake_role(actor, complaint.unit) or case_services.supervises(actor, complaint.unit)
    ):
        raise NotAllowed(
            _("Hanya Staf, Kasi Trantib atau pimpinan unit ini yang dapat menutup pengaduan."),
            field="complaint",
        )
    if case.status != CaseStatus.OPEN:
        raise Conflict(_("Kasus pengaduan ini sudah tidak berjalan."), field="complaint")
    # The record and the citizen's message are in the unit's language, whatever language
    # the officer's interface speaks.
    with translation.override(settings.LANGUAGE_CODE):
        recorded = _("Bukan kewenangan %(unit)s: %(reason)s") % {
            "unit": complaint.unit.name,
            "reason": reason,
        }
        body = _(
            "Pengaduan %(tracking)s bukan kewenangan %(unit)s, sehingga tidak kami tindak "
            "lanjuti. Alasannya: %(reason)s"
        ) % {"tracking": complaint.tracking, "unit": complaint.unit.name, "reason": reason}
    case_services.case_cancel(
        case=case,
        actor=actor,
        reason=recorded,
        children="keep",
        extra={NOT_AUTHORITY: True},
        now=now,
    )
    answer_send(complaint, body=body, actor=actor, now=now)
    for duplicate in complaint.duplicates.select_related("unit", "case"):
        if duplicate.answered_at is None:
            duplicate_answer(duplicate, complaint, now)
    return complaint


def complaint_follows_case(case: Case, from_unit: OrgUnit, to_unit: OrgUnit) -> None:
    """A complaint's case was handed over: the complaint is now the new unit's (registered
    with ``case_handover_listener_register`` in ``apps.py``)."""
    for complaint in Complaint.objects.filter(case_id=case.pk).select_related("case"):
        complaint.unit = to_unit  # its clock runs in the new unit's zone
        complaint.save(update_fields=["unit", *complaint_clock_stamp(complaint)])
