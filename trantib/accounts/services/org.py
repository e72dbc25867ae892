"""Units, positions and people: created and changed by the unit page, the import and the admin
alike, each change validated as a whole (``full_clean``) and written with its audit event on
the record's own chain, in one transaction.

Each ``*_save`` returns what it did (:class:`Saved`): a second save of the same values changes
nothing and records nothing, which is what makes ``trantib org import`` idempotent. Contact
details (phone, e-mail) are audited as "changed", without their values.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.deletion import ProtectedError
from django.utils.translation import gettext_lazy as _

from trantib.core.audit import audit_record

from ..models import ActingStatus, Assignment, OrgUnit, Person, Position


class Saved(StrEnum):
    """What a save did."""

    CREATED = "created"  # a new row
    CHANGED = "changed"  # an existing row, at least one field different
    UNCHANGED = "unchanged"  # the same values: nothing written, nothing audited


UNIT_FIELDS = ("code", "name", "kind", "parent_id", "timezone", "address", "kop_lines", "active")
POSITION_FIELDS = ("unit_id", "code", "name", "supervises")
PERSON_FIELDS = ("full_name", "kind", "nip", "nrp", "pangkat", "phone", "email", "user_id")
_PRIVATE = frozenset({"phone", "email"})  # audited as changed, never with their values


def _state(obj: models.Model, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


def _shown(name: str, value: Any) -> Any:
    return "…" if name in _PRIVATE and value else value


def _record_save(
    obj: models.Model,
    *,
    fields: tuple[str, ...],
    kind: str,
    actor: Person | None,
    unit_id: Any,
) -> Saved:
    """Validate ``obj``, save it when new or different from its row, audit what changed."""
    obj.full_clean()
    old = type(obj)._default_manager.filter(pk=obj.pk).first() if obj.pk else None
    after = _state(obj, fields)
    if old is None:
        obj.save()
        audit_record(
            subject=obj,
            type=f"{kind}_created",
            actor_id=actor.pk if actor else None,
            unit_id=unit_id() if callable(unit_id) else unit_id,
            data={"after": {k: _shown(k, v) for k, v in after.items()}},
        )
        return Saved.CREATED
    before = _state(old, fields)
    changed = [k for k in fields if before[k] != after[k]]
    if not changed:
        return Saved.UNCHANGED
    obj.save(update_fields=[obj._meta.get_field(k).name for k in changed])
    audit_record(
        subject=obj,
        type=f"{kind}_changed",
        actor_id=actor.pk if actor else None,
        unit_id=unit_id() if callable(unit_id) else unit_id,
        data={
            "before": {k: _shown(k, before[k]) for k in changed},
            "after": {k: _shown(k, after[k]) for k in changed},
        },
    )
    return Saved.CHANGED


@transaction.atomic
def unit_save(*, unit: OrgUnit, actor: Person | None = None) -> Saved:
    """Create or change a unit (its place in the tree included)."""
    return _record_save(unit, fields=UNIT_FIELDS, kind="unit", actor=actor, unit_id=lambda: unit.pk)


@transaction.atomic
def position_save(*, position: Position, actor: Person | None = None) -> Saved:
    """Create or change a position (jabatan) of a unit."""
    return _record_save(
        position, fields=POSITION_FIELDS, kind="position", actor=actor, unit_id=position.unit_id
    )


@transaction.atomic
def position_delete(*, position: Position, actor: Person | None = None) -> None:
    """Remove a position nobody ever held (one entered by mistake); refused, naming the field,
    while an assignment or another record still refers to it."""
    if position.assignments.exists():
        raise ValidationError(
            {
                "code": _(
                    "Jabatan ini pernah dipegang seseorang; akhiri penugasannya, jangan "
                    "hapus jabatannya."
                )
            }
        )
    audit_record(
        subject=position,
        type="position_deleted",
        actor_id=actor.pk if actor else None,
        unit_id=position.unit_id,
        data={"before": _state(position, POSITION_FIELDS)},
    )
    try:
        with transaction.atomic():
            position.delete()
    except ProtectedError:
        raise ValidationError(
            {"code": _("Jabatan ini masih dipakai (mis. oleh pemetaan peran SOP).")}
        ) from None


@transaction.atomic
def person_save(*, person: Person, actor: Person | None = None) -> Saved:
    """Create or change a person (NIP/NRP as typed: the field keeps the digits)."""
    return _record_save(person, fields=PERSON_FIELDS, kind="person", actor=actor, unit_id=None)


def login_create(*, username: str, password: str, email: str = "") -> AbstractBaseUser:
    """A new login, its name unused and its password accepted by the site's validators;
    refused as a ``ValidationError`` on ``username`` or ``password``. Not audited by itself:
    the person it is made for records it (see :func:`person_register`)."""
    user_model = get_user_model()
    user = user_model(username=username.strip(), email=email)
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise ValidationError(
            {"username": [m for f, ms in exc.message_dict.items() for m in ms if f != "email"]}
        ) from None
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def person_register(
    *,
    person: Person,
    username: str = "",
    password: str = "",
    position: Position | None = None,
    acting: ActingStatus = ActingStatus.DEFINITIVE,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
    actor: Person | None = None,
) -> Person:
    """A new person, with a login when ``username`` is given, holding ``position`` from
    ``valid_from`` when one is given: one form, one transaction (nothing is kept when any part
    is refused). Errors are keyed by the form's field names."""
    from . import assignment_create

    if person.pk is not None:
        raise ValueError("person_register makes a new person")
    if username:
        if not password:
            raise ValidationError({"password": _("Isi kata sandi untuk akun login baru.")})
        person.full_clean()  # the person's own errors first, before a login is made
        person.user = login_create(username=username, password=password, email=person.email)  # type: ignore[assignment]
    person_save(person=person, actor=actor)
    if position is not None:
        if valid_from is None:
            raise ValidationError({"valid_from": _("Isi tanggal mulai memegang jabatan.")})
        assignment_create(
            person=person,
            position=position,
            acting=acting,
            valid_from=valid_from,
            valid_until=valid_until,
            actor=actor,
        )
    return person


def assignment_period_set(
    *,
    assignment: Assignment,
    valid_from: dt.date,
    valid_until: dt.date | None,
    acting: ActingStatus | None = None,
    actor: Person | None = None,
) -> Saved:
    """Change an assignment's period (and status) through ``assignment_save`` (audited with
    what it was); the same values change nothing."""
    from . import assignment_save

    new_acting = assignment.acting if acting is None else acting
    if (assignment.valid_from, assignment.valid_until, assignment.acting) == (
        valid_from,
        valid_until,
        new_acting,
    ):
        return Saved.UNCHANGED
    assignment.valid_from, assignment.valid_until = valid_from, valid_until
    assignment.acting = new_acting
    assignment_save(assignment=assignment, actor=actor)
    return Saved.CHANGED
