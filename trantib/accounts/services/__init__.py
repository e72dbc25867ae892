"""Changes to the organisation that pages, the admin, the API and the CLI share.

Each service validates the whole row (field validators, ``clean()``, constraints) before it
writes, so a bad input comes back as a ``ValidationError`` keyed by field name, never as a
database error. Who holds which position decides who may act on a case, so every change to an
assignment (definitive or Plt./Plh.) is an audit event on the assignment's own chain, in the
same transaction (:func:`trantib.core.audit.audit_record`).

Units, positions and people (and a login made with a person) are in :mod:`.org`, the import
of a whole organisation from CSV/XLSX in :mod:`.org_import`; both re-exported here.

Logins — the password and its throttle, the second factor, the access log — are in
:mod:`.logins`, re-exported here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from trantib.core.audit import audit_record
from trantib.core.errors import Invalid
from trantib.core.phones import mobile_number

from ..models import ActingStatus, Assignment, Person, Position
from .logins import (
    CodeThrottled,
    LockedOut,
    access_event_record,
    login_failed,
    login_lock_until,
    login_password_check,
    login_succeeded,
    login_unlock,
    password_set,
    two_factor_device,
    two_factor_disable,
    two_factor_enrol_begin,
    two_factor_enrol_confirm,
    two_factor_required,
    two_factor_verify,
    wait_text,
)

__all__ = [
    "CodeThrottled",
    "LockedOut",
    "access_event_record",
    "assignment_create",
    "assignment_delete",
    "assignment_end",
    "assignment_period_set",
    "assignment_save",
    "login_failed",
    "login_lock_until",
    "login_password_check",
    "login_succeeded",
    "login_unlock",
    "password_set",
    "person_notify_channels_set",
    "person_register",
    "person_save",
    "position_delete",
    "position_save",
    "two_factor_device",
    "two_factor_disable",
    "two_factor_enrol_begin",
    "two_factor_enrol_confirm",
    "two_factor_required",
    "two_factor_verify",
    "unit_save",
    "wait_text",
]

_AUDITED = ("person_id", "position_id", "acting", "valid_from", "valid_until")


def _state(assignment: Assignment) -> dict[str, Any]:
    return {name: getattr(assignment, name) for name in _AUDITED}


def _audit(assignment: Assignment, type: str, actor: Person | None, **data: Any) -> None:
    audit_record(
        subject=assignment,
        type=type,
        actor_id=actor.pk if actor else None,
        unit_id=assignment.position.unit_id,
        data=data,
    )


@transaction.atomic
def assignment_create(
    *,
    person: Person,
    position: Position,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    acting: ActingStatus = ActingStatus.DEFINITIVE,
    actor: Person | None = None,
) -> Assignment:
    """Let ``person`` hold ``position`` for a period (as Plt./Plh. when ``acting``)."""
    assignment = Assignment(
        person=person,
        position=position,
        acting=acting,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    assignment.full_clean()
    assignment.save()
    _audit(assignment, "assignment_created", actor, after=_state(assignment))
    return assignment


@transaction.atomic
def assignment_end(
    *, assignment: Assignment, on: dt.date, actor: Person | None = None
) -> Assignment:
    """End an assignment: ``on`` is the last day the person holds the position."""
    if on < assignment.valid_from:
        raise ValidationError(
            {"valid_until": _("Tanggal akhir tidak boleh sebelum tanggal mulai penugasan.")}
        )
    if assignment.valid_until is not None and assignment.valid_until < on:
        raise ValidationError(
            {"valid_until": _("Penugasan ini sudah berakhir sebelum tanggal itu.")}
        )
    before = assignment.valid_until
    assignment.valid_until = on
    assignment.save(update_fields=["valid_until"])
    _audit(
        assignment,
        "assignment_ended",
        actor,
        before={"valid_until": before},
        after={"valid_until": on},
    )
    return assignment


@transaction.atomic
def assignment_save(*, assignment: Assignment, actor: Person | None = None) -> Assignment:
    """Create or change an assignment as a whole (the admin's form): validated, saved and
    audited with what it was before."""
    assignment.full_clean()
    old = Assignment.objects.filter(pk=assignment.pk).first() if assignment.pk else None
    assignment.save()
    if old is None:
        _audit(assignment, "assignment_created", actor, after=_state(assignment))
    else:
        before, after = _state(old), _state(assignment)
        if before != after:
            changed = [k for k in _AUDITED if before[k] != after[k]]
            _audit(
                assignment,
                "assignment_changed",
                actor,
                before={k: before[k] for k in changed},
                after={k: after[k] for k in changed},
            )
    return assignment


@transaction.atomic
def assignment_delete(*, assignment: Assignment, actor: Person | None = None) -> None:
    """Remove an assignment entered by mistake; its chain keeps what it was."""
    _audit(assignment, "assignment_deleted", actor, before=_state(assignment))
    assignment.delete()


@transaction.atomic
def person_notify_channels_set(
    *, person: Person, email: bool, sms: bool, actor: Person | None = None
) -> Person:
    """Choose how ``person`` gets notices besides the app: e-mail and/or SMS. Refused, naming
    the field, when the address the channel needs is not on file (the admin records it)."""
    if email and not person.email:
        raise Invalid(
            gettext("Alamat e-mail Anda belum tercatat; minta admin mengisinya dulu."),
            field="email",
        )
    if sms and mobile_number(person.phone or "") is None:
        raise Invalid(
            gettext("Nomor ponsel Anda belum tercatat atau tidak sah; minta admin mengisinya."),
            field="sms",
        )
    before = {"notify_email": person.notify_email, "notify_sms": person.notify_sms}
    person.notify_email, person.notify_sms = email, sms
    after = {"notify_email": email, "notify_sms": sms}
    if before != after:
        person.save(update_fields=["notify_email", "notify_sms"])
        audit_record(
            subject=person,
            type="person_notify_channels_changed",
            actor_id=actor.pk if actor else None,
            data={"before": before, "after": after},
        )
    return person


from .org import (  # noqa: E402 — they use the assignment services above
    Saved,
    assignment_period_set,
    person_register,
    person_save,
    position_delete,
    position_save,
    unit_save,
)

__all__ += ["Saved"]
