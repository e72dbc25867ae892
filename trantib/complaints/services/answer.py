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
from trantib.engine.bindings import AnswerChannel, ContractName
from trantib.engine.spec import Binding, SOPSpec, Step

from ..clock import complaint_answer_stamp
from ..models import Category, Complaint
from .messages import reporter_send
from .tracking import untracked

# The answer's channels the outbox sends by itself.
_OUTBOX_CHANNELS = {AnswerChannel.SMS: "sms", AnswerChannel.EMAIL: "email"}


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
    """The step that binds ``reporter_answer`` (PGD v2 row 7, "Menginformasikan kepada
    pelapor") answers the reporter; see the module docstring. The SOP names the fields and
    what each channel label means (its ``binds:``); nothing here knows a label."""

    def prepare(
        self,
        *,
        spec: SOPSpec,
        case: Case,
        task: Task,
        step: Step,
        binding: Binding,
        data: dict[str, Any],
        actor: Person | None,
        now: dt.datetime,
    ) -> dict[str, Any]:
        complaint = Complaint.objects.filter(case_id=case.pk).first()
        if complaint is None:
            return data
        channel_field, text_field = _field(binding, "channel"), _field(binding, "text")
        time_field = binding.field("time")
        at_fault = f"data.{channel_field}"
        unreachable = _label(binding, AnswerChannel.UNREACHABLE)
        in_person = _label(binding, AnswerChannel.IN_PERSON)
        label = str(data.get(channel_field) or "").strip()
        meaning = binding.meaning("channel", label) if label else None
        if not complaint.has_contact:
            if not label:
                label, meaning = unreachable, AnswerChannel.UNREACHABLE
            if meaning not in (AnswerChannel.UNREACHABLE, AnswerChannel.IN_PERSON):
                raise Invalid(
                    _(
                        "Pelapor tidak meninggalkan kontak; pilih “%(none)s” (atau “%(direct)s” "
                        "bila pelapor datang sendiri)."
                    )
                    % {"none": unreachable, "direct": in_person},
                    field=at_fault,
                )
            data[channel_field] = label
            if meaning == AnswerChannel.UNREACHABLE and not str(data.get(text_field) or "").strip():
                # No tracking number here: this text is forwarded to duplicates' reporters.
                data[text_field] = _(
                    "Pelapor anonim tanpa kontak: hasil penanganan dapat dilihat di halaman "
                    "status dengan nomor pelacakan pengaduan."
                )
        elif meaning == AnswerChannel.UNREACHABLE:
            raise Invalid(
                _(
                    "Pelapor meninggalkan kontak: beri tahu pelapor lewat SMS, e-mail, telepon "
                    "atau langsung sebelum kasus ditutup."
                ),
                field=at_fault,
            )
        elif meaning == AnswerChannel.SMS and not mobile_number(complaint.reporter_phone or ""):
            raise Invalid(
                _("Pelapor tidak meninggalkan nomor ponsel untuk SMS; hubungi lewat telepon."),
                field=at_fault,
            )
        elif meaning == AnswerChannel.EMAIL and not complaint.reporter_email:
            raise Invalid(_("Pelapor tidak meninggalkan alamat e-mail."), field=at_fault)
        if time_field is None:
            return data
        if meaning in _OUTBOX_CHANNELS or meaning == AnswerChannel.UNREACHABLE:
            data[time_field] = timezone.localtime(now, case.unit.zone()).strftime("%Y-%m-%dT%H:%M")
        elif not str(data.get(time_field) or "").strip():
            raise Invalid(
                _("Isi waktu pelapor diberi tahu (telepon, langsung atau surat)."),
                field=f"data.{time_field}",
            )
        return data

    def completed(
        self,
        *,
        spec: SOPSpec,
        case: Case,
        task: Task,
        step: Step,
        binding: Binding,
        recorded: dict[str, Any],
        actor: Person | None,
        now: dt.datetime,
    ) -> None:
        complaint = Complaint.objects.filter(case_id=case.pk).first()
        channel_field = _field(binding, "channel")
        if complaint is None or channel_field not in recorded:
            return
        label = str(recorded.get(channel_field) or "")
        text = str(recorded.get(_field(binding, "text")) or "")
        meaning = binding.meaning("channel", label)
        if meaning in _OUTBOX_CHANNELS:
            reporter_send(
                complaint,
                body=text,
                kind="complaint_answer",
                now=now,
                channel=_OUTBOX_CHANNELS[AnswerChannel(meaning)],
            )
        complaint.answered_at = now
        complaint.answer_channel = label
        complaint.answer_text = text
        complaint.save(
            update_fields=[
                "answered_at",
                "answer_channel",
                "answer_text",
                *complaint_answer_stamp(complaint),
            ]
        )
        for duplicate in complaint.duplicates.select_related("unit", "case"):
            if duplicate.answered_at is None:
                duplicate_answer(duplicate, complaint, now)


def _field(binding: Binding, role: str) -> str:
    name = binding.field(role)
    if name is None:  # the loader refuses such an SOP; a guard for the type checker
        raise Invalid(_("SOP tidak mengikat isian “%(role)s”.") % {"role": role}, field="sop")
    return name


def _label(binding: Binding, meaning: AnswerChannel) -> str:
    """The SOP's label for ``meaning`` (the meaning's own name when the SOP has none)."""
    return binding.choice("channel", meaning) or str(meaning)


def answer_binding(case: Case) -> Binding | None:
    """The ``reporter_answer`` binding of the SOP version ``case`` runs on, if it has one."""
    found = case_services.case_spec(case).binding(ContractName.REPORTER_ANSWER)
    return found[1] if found else None


def answer_send(
    complaint: Complaint,
    *,
    body: str,
    actor: Person | None,
    now: dt.datetime,
    details: dict[str, Any] | None = None,
) -> int | None:
    """Send ``body`` to the reporter outside a step (SMS, else e-mail, else nobody to reach),
    keep it as the complaint's answer under the channel label its SOP records, and write
    ``reporter_informed`` on its case. The outbox message's id, or None when unreachable."""
    message = reporter_send(complaint, body=body, kind="complaint_answer", now=now)
    if not message:
        meaning = AnswerChannel.UNREACHABLE
    elif complaint.reporter_phone and mobile_number(complaint.reporter_phone):
        meaning = AnswerChannel.SMS
    else:
        meaning = AnswerChannel.EMAIL
    # The label the complaint's own SOP records for that channel (stored, never translated).
    binding = answer_binding(complaint.case)
    complaint.answered_at = now
    complaint.answer_channel = _label(binding, meaning) if binding else str(meaning)
    complaint.answer_text = body
    complaint.save(
        update_fields=[
            "answered_at",
            "answer_channel",
            "answer_text",
            *complaint_answer_stamp(complaint),
        ]
    )
    case_services.case_event_record(
        case=case_services.case_lock(complaint.case_id),
        type=EventType.REPORTER_INFORMED,
        actor=actor,
        at=now,
        data={
            "channel": complaint.answer_channel,
            "message": message,
            **(details or {}),
            "text": body,
        },
    )
    return message or None


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
    answer_send(
        duplicate,
        body=body,
        actor=None,
        now=now,
        details={"original": original.case.number},
    )
