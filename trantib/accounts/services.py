"""Changes to the organisation that pages, the API and the CLI share.

Each service validates the whole row (field validators, ``clean()``, constraints) before it
writes, so a bad input comes back as a ``ValidationError`` keyed by field name, never as a
database error.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import ActingStatus, Assignment, Person, Position


@transaction.atomic
def assignment_create(
    *,
    person: Person,
    position: Position,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    acting: ActingStatus = ActingStatus.DEFINITIVE,
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
    return assignment


@transaction.atomic
def assignment_end(*, assignment: Assignment, on: dt.date) -> Assignment:
    """End an assignment: ``on`` is the last day the person holds the position."""
    if on < assignment.valid_from:
        raise ValidationError(
            {"valid_until": _("Tanggal akhir tidak boleh sebelum tanggal mulai penugasan.")}
        )
    if assignment.valid_until is not None and assignment.valid_until < on:
        raise ValidationError(
            {"valid_until": _("Penugasan ini sudah berakhir sebelum tanggal itu.")}
        )
    assignment.valid_until = on
    assignment.save(update_fields=["valid_until"])
    return assignment
