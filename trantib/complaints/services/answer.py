"""The answer to the reporter: the closing condition of a complaint's case.

The SOP's last step is the answer to the reporter. :class:`ReporterAnswerHook` (registered in
``apps.py``) makes it a closing condition: it refuses a channel the reporter cannot be reached
on, fills the time of an answer the outbox sends, writes that message, and passes the outcome
on to the reporters of linked duplicates (:func:`duplicate_answer`).
:func:`complaint_sop_guard` keeps a complaint SOP from being started without a complaint.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from trantib.accounts.models import Person
from trantib.cases import services as case_services
from trantib.cases.models import Case, EventType, Task
from trantib.core.errors import Invalid
from trantib.core.phones import mobile_number
from trantib.engine.spec import SOPSpec, Step, StepKind

from ..models import Category, Complaint
from .messages import reporter_send
from .tracking import untracked

# The answer step's choice values that this module acts on (the SOP's labels, stored as written).
NO_CONTACT = "Tidak dapat dihubungi"
_OUTBOX_CHANNEL = {"SMS": "sms", "E-mail": "email"}


def complaint_sop_guard(spec: SOPSpec) -> str | None:
    """The generic case start refuses an SOP that complaint categories use: such a case is
    opened by ``complaint_file`` only, or it would have no complaint — no tracking number, no
    routing, no answer to the reporter."""
    if not Category.objects.filter(sop_code=spec.code, active=True).exists():
        return None
    return _(
        "SOP %(code)s dijalankan dari pengaduan: catat laporan warga di Pengaduan › Catat "
        "pengaduan (/pengaduan/baru/), bukan dari Mulai kasus."
    ) % {"code": spec.code}


class ReporterAnswerHook:
    """The last step of a complaint's case is the answer to the reporter (seed 002 row 7,
    "Menginformasikan kepada pelapor"); see the module docstring."""

    def _complaint(self, case: Case, step: Step) -> Complaint | None:
        if step.kind is not StepKind.END:
            return None
        return Complaint.objects.filter(case_id=case.pk).first()

    def prepare(
        self,
        *,
        spec: SOPSpec,
        case: Case,
        task: Task,
        step: Step,
        data: dict[str, Any],
        actor: Person | None,
        now: dt.datetime,
    ) -> dict[str, Any]:
        complaint = self._complaint(case, step)
        if complaint is None:
            return data
        fields = {f.name for f in step.records}
        if not {"saluran", "isi"} <= fields:
            return data  # a complaint SOP whose last step records no answer: nothing to add
        channel = str(data.get("saluran") or "").strip()
        if not complaint.has_contact:
            if not channel:
                channel = NO_CONTACT
            if channel not in (NO_CONTACT, "Langsung"):
                raise Invalid(
                    _(
                        "Pelapor tidak meninggalkan kontak; pilih “%(none)s” (atau “Langsung” "
                        "bila pelapor datang sendiri)."
                    )
                    % {"none": NO_CONTACT},
                    field="data.saluran",
                )
            data["saluran"] = channel
            if channel == NO_CONTACT and not str(data.get("isi") or "").strip():
                # No tracking number here: this text is forwarded to duplicates' reporters.
                data["isi"] = _(
                    "Pelapor anonim tanpa kontak: hasil penanganan dapat dilihat di halaman "
                    "status dengan nomor pelacakan pengaduan."
                )
        elif channel == NO_CONTACT:
            raise Invalid(
                _(
                    "Pelapor meninggalkan kontak: beri tahu pelapor lewat SMS, e-mail, telepon "
                    "atau langsung sebelum kasus ditutup."
                ),
                field="data.saluran",
            )
        elif channel == "SMS" and not mobile_number(complaint.reporter_phone or ""):
            raise Invalid(
                _("Pelapor tidak meninggalkan nomor ponsel untuk SMS; hubungi lewat telepon."),
                field="data.saluran",
            )
        elif channel == "E-mail" and not complaint.reporter_email:
            raise Invalid(_("Pelapor tidak meninggalkan alamat e-mail."), field="data.saluran")
        if channel in _OUTBOX_CHANNEL or channel == NO_CONTACT:
            data["waktu"] = timezone.localtime(now, case.unit.zone()).strftime("%Y-%m-%dT%H:%M")
        elif "waktu" in fields and not str(data.get("waktu") or "").strip():
            raise Invalid(
                _("Isi waktu pelapor diberi tahu (telepon, langsung atau surat)."),
                field="data.waktu",
            )
        return data

    def completed(
        self,
        *,
        spec: SOPSpec,
        case: Case,
        task: Task,
        step: Step,
        recorded: dict[str, Any],
        actor: Person | None,
        now: dt.datetime,
    ) -> None:
        complaint = self._complaint(case, step)
        if complaint is None or "saluran" not in recorded:
            return
        channel = str(recorded.get("saluran") or "")
        text = str(recorded.get("isi") or "")
        if channel in _OUTBOX_CHANNEL:
            reporter_send(
                complaint,
                body=text,
                kind="complaint_answer",
                now=now,
                channel=_OUTBOX_CHANNEL[channel],
            )
        complaint.answered_at = now
        complaint.answer_channel = channel
        complaint.answer_text = text
        complaint.save(update_fields=["answered_at", "answer_channel", "answer_text"])
        for duplicate in complaint.duplicates.select_related("unit", "case"):
            if duplicate.answered_at is None:
                duplicate_answer(duplicate, complaint, now)


# -- duplicates' reporters -------------------------------------------------------------------------


def duplicate_answer(duplicate: Complaint, original: Complaint, now: dt.datetime) -> None:
    """Tell a duplicate's reporter the original's outcome (recorded on the duplicate's case).
    A confidential original's answer was written to that reporter alone: the other reporter
    hears only that the problem was handled."""
    if original.confidential:
        outcome = _("pengaduan itu telah selesai ditindaklanjuti oleh %(unit)s.") % {
            "unit": original.unit.name
        }
    else:
        outcome = untracked(original.answer_text, original.tracking, duplicate.tracking)
    body = _(
        "Pengaduan %(tracking)s sama dengan pengaduan %(original)s yang telah ditangani. "
        "Hasilnya: %(answer)s"
    ) % {
        "tracking": duplicate.tracking,
        # The case number, not the tracking number: that one opens the other reporter's page.
        "original": original.case.number,
        "answer": outcome,
    }
    message = reporter_send(duplicate, body=body, kind="complaint_answer", now=now)
    duplicate.answered_at = now
    duplicate.answer_channel = (
        # The SOP's own choice values (stored, never translated).
        (
            "SMS"
            if duplicate.reporter_phone and mobile_number(duplicate.reporter_phone)
            else "E-mail"
        )
        if message
        else NO_CONTACT
    )
    duplicate.answer_text = body
    duplicate.save(update_fields=["answered_at", "answer_channel", "answer_text"])
    case = case_services.case_lock(duplicate.case_id)
    case_services.case_event_record(
        case=case,
        type=EventType.REPORTER_INFORMED,
        actor=None,
        at=now,
        data={
            "channel": duplicate.answer_channel,
            "message": message,
            "original": original.case.number,
            "text": body,
        },
    )
