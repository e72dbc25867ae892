"""Reads of the organisation: who a user is, what they hold, which units they may see.

"Active on a day" means ``valid_from <= day <= valid_until`` (an empty ``valid_until`` is open).
When no day is given, "today" is taken in each unit's own time zone, so a Plh. in a WIT unit
starts and ends at midnight WIT, not WIB. Every selector here runs a fixed number of queries,
whatever the number of units, positions or people.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from .models import Assignment, OrgUnit, Person, Position

UserLike = AbstractBaseUser | AnonymousUser


def _unit_today(unit_field: str) -> Case:
    """SQL for "today in the time zone of the unit at ``unit_field``" (four known zones)."""
    now = timezone.now()
    whens = [
        When(
            **{f"{unit_field}__timezone": tz.value},
            then=Value(timezone.localdate(now, zoneinfo.ZoneInfo(tz.value))),
        )
        for tz in OrgUnit.TimeZone
    ]
    return Case(*whens, default=Value(timezone.localdate(now)), output_field=DateField())


def _active_on(day: dt.date | F) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_until__isnull=True) | Q(valid_until__gte=day))


def _assignments_on(on: dt.date | None) -> QuerySet[Assignment]:
    """Assignments active on ``on``; with no day, on today in each position's unit's zone."""
    if on is None:
        return Assignment.objects.alias(unit_today=_unit_today("position__unit")).filter(
            _active_on(F("unit_today"))
        )
    return Assignment.objects.filter(_active_on(on))


def person_for_user(user: UserLike) -> Person | None:
    """The person behind a login, or None (anonymous, or a login with no person)."""
    if not user.is_authenticated:
        return None
    return Person.objects.filter(user_id=user.pk).first()


def assignments_active(person: Person, *, on: dt.date | None = None) -> QuerySet[Assignment]:
    """The person's assignments active on ``on`` (default: today in each unit's zone)."""
    return _assignments_on(on).filter(person=person).select_related("position__unit")


def positions_for_user(user: UserLike, *, on: dt.date | None = None) -> QuerySet[Position]:
    """The positions the user holds on ``on``, definitive or acting (Plt./Plh.)."""
    if not user.is_authenticated:
        return Position.objects.none()
    held = _assignments_on(on).filter(person__user_id=user.pk, position_id=OuterRef("pk"))
    return Position.objects.filter(Exists(held)).select_related("unit")


def units_for_user(user: UserLike, *, on: dt.date | None = None) -> QuerySet[OrgUnit]:
    """The units whose data the user may see.

    The units of the user's active positions; for a supervising position (Camat, Sekda …) also
    every unit below it. A superuser sees every unit. One query when evaluated, and usable as a
    subquery: ``Case.objects.filter(unit__in=units_for_user(user))``. Inactive units are
    included: their history stays readable to the people who held positions there.
    """
    if not user.is_authenticated:
        return OrgUnit.objects.none()
    if getattr(user, "is_superuser", False):
        return OrgUnit.objects.all()
    own_unit = Q(position__unit_id=OuterRef("pk"))
    # The outer unit's path starts with the supervised unit's path: it is that unit or below it.
    below_supervised = Q(
        position__supervises=True, outer_path__startswith=F("position__unit__path")
    )
    grants = (
        _assignments_on(on)
        .alias(outer_path=ExpressionWrapper(OuterRef("path"), output_field=CharField()))
        .filter(own_unit | below_supervised, person__user_id=user.pk)
    )
    return OrgUnit.objects.filter(Exists(grants))


def assignments_holding(
    unit: OrgUnit, role_code: str, *, on: dt.date | None = None
) -> QuerySet[Assignment]:
    """The assignments by which people hold ``role_code`` in ``unit`` on ``on`` (default: today
    in the unit's zone), definitive first. ``Assignment.title`` gives "Plh. Camat …"."""
    day = unit.today() if on is None else on
    return (
        _assignments_on(day)
        .filter(position__unit=unit, position__code=role_code)
        .select_related("person__user", "position__unit")
        .order_by("acting", "valid_from", "pk")
    )


def holders_to_notify(
    unit: OrgUnit, role_code: str, *, on: dt.date | None = None
) -> QuerySet[Person]:
    """The holders of ``role_code`` in ``unit`` on ``on`` (as :func:`holders_of`), with only
    what a notice needs: the person and the channels they chose. One plain query, no ordering:
    it runs on every completion that offers a task."""
    day = unit.today() if on is None else on
    held = _assignments_on(day).filter(position__unit_id=unit.pk, position__code=role_code)
    return Person.objects.filter(pk__in=held.values("person_id")).only(
        "pk", "email", "phone", "notify_email", "notify_sms"
    )


def holders_of(unit: OrgUnit, role_code: str, *, on: dt.date | None = None) -> QuerySet[Person]:
    """The people holding the position ``role_code`` in ``unit`` on ``on`` (default: today in
    the unit's zone), acting officials (Plt./Plh.) included: the people a task for that SOP role
    is offered to. Each person once; definitive holders first. People without a login
    (``person.user`` is None) are included: the caller decides what to do with them."""
    held = assignments_holding(unit, role_code, on=on).filter(person_id=OuterRef("pk"))
    return (
        Person.objects.filter(Exists(held))
        .annotate(acting_rank=Subquery(held.values("acting")[:1]))
        .select_related("user")
        .order_by("acting_rank", "full_name", "pk")
    )


def person_holds_role(
    person: Person, unit: OrgUnit, role_code: str, *, on: dt.date | None = None
) -> bool:
    """Whether ``person`` holds ``role_code`` in ``unit`` on ``on`` (default: today in the
    unit's zone), definitive or acting. One small EXISTS query: it runs on every task action."""
    day = unit.today() if on is None else on
    return (
        Assignment.objects.filter(
            _active_on(day),
            person_id=person.pk,
            position__unit_id=unit.pk,
            position__code=role_code,
        )
        .order_by()
        .exists()
    )


def positions_held(person: Person) -> frozenset[tuple[int, str]]:
    """The ``(unit id, position code)`` pairs ``person`` holds today, each in its unit's own
    zone, definitive or acting: one query, for a service that asks :func:`person_holds_role`
    about several roles and units (taking a complaint asks two questions of the same rows)."""
    # Every assignment the person ever had (a handful), told apart here rather than by
    # ``_unit_today``'s CASE: this runs on every complaint taken in.
    with connection.cursor() as cursor:
        cursor.execute(_positions_held_sql(), [person.pk])
        rows = cursor.fetchall()
    now = timezone.now()
    days: dict[str, dt.date] = {}
    held = set()
    for unit_id, code, zone, start, end in rows:
        if zone not in days:
            days[zone] = _today_in(zone, now)
        day = days[zone]
        if start <= day and (end is None or end >= day):
            held.add((unit_id, code))
    return frozenset(held)


@functools.cache
def _positions_held_sql() -> str:
    """Every assignment of the person ``%s``: (unit id, position code, the unit's zone, from,
    until). Written out: compiling it through the ORM cost more than running it, on every
    complaint taken in."""
    q = connection.ops.quote_name
    a, p, u = (q(m._meta.db_table) for m in (Assignment, Position, OrgUnit))
    return (
        f"SELECT p.{q('unit_id')}, p.{q('code')}, u.{q('timezone')}, a.{q('valid_from')},"  # noqa: S608 — quoted names
        f" a.{q('valid_until')} FROM {a} a JOIN {p} p ON p.{q('id')} = a.{q('position_id')}"
        f" JOIN {u} u ON u.{q('id')} = p.{q('unit_id')} WHERE a.{q('person_id')} = %s"
    )


def _today_in(zone: str, now: dt.datetime) -> dt.date:
    """The date at ``now`` in a unit's zone, as ``_unit_today`` takes it (a zone outside the
    four known ones: the server's)."""
    if zone in OrgUnit.TimeZone.values:
        return timezone.localdate(now, zoneinfo.ZoneInfo(zone))
    return timezone.localdate(now)


def person_for_username(username: str) -> Person | None:
    """The person behind a login name, or None. Whether they may be given a task is the
    service's question, not this one's."""
    if not username:
        return None
    return Person.objects.filter(user__username=username).select_related("user").first()


def unit_get_for_user(user: UserLike, code: str) -> OrgUnit | None:
    """The unit ``code`` when the user may see it (:func:`units_for_user`), else None: the
    page answers 404 alike for a unit that does not exist and one the user may not see."""
    return units_for_user(user).filter(code=code).select_related("parent").first()


def unit_manageable(user: UserLike, unit: OrgUnit) -> bool:
    """Whether the user may change ``unit``'s positions and who holds them: a superuser, an
    administrator with the right to change assignments, or a holder today (definitive or
    Plt./Plh.) of a supervising position (the unit's head) of this unit or a unit above it."""
    if not user.is_authenticated:
        return False
    if getattr(user, "is_superuser", False) or user.has_perm("accounts.change_assignment"):  # type: ignore[union-attr,attr-defined]
        return True
    return (
        _assignments_on(None)
        .filter(
            person__user_id=user.pk,
            position__supervises=True,
            position__unit_id__in=[*unit.ancestor_ids(), unit.pk],
        )
        .exists()
    )


def unit_positions(unit: OrgUnit) -> list[Position]:
    """The unit's positions, each with ``holders`` (assignments active today or later, definitive
    first) and ``past`` (ended ones, latest first): two queries."""
    positions = list(Position.objects.filter(unit=unit).order_by("-supervises", "name", "pk"))
    today = unit.today()
    by_position: dict[int, list[Assignment]] = {p.pk: [] for p in positions}
    for assignment in (
        Assignment.objects.filter(position__unit=unit)
        .select_related("person__user")
        .order_by("acting", "valid_from", "pk")
    ):
        by_position[assignment.position_id].append(assignment)
    for position in positions:
        rows = by_position[position.pk]
        for a in rows:
            a.position = position  # no query for the title
        position.holders = [  # type: ignore[attr-defined]
            a for a in rows if a.valid_until is None or a.valid_until >= today
        ]
        position.past = sorted(  # type: ignore[attr-defined]
            (a for a in rows if a.valid_until is not None and a.valid_until < today),
            key=lambda a: a.valid_until,  # type: ignore[arg-type,return-value]
            reverse=True,
        )
    return positions


def unit_people(unit: OrgUnit) -> QuerySet[Person]:
    """The people who hold or held a position in ``unit`` or a unit below it: the choices when
    a holder is added (anyone else is found by NIP, NRP or login)."""
    held = Assignment.objects.filter(
        person_id=OuterRef("pk"), position__unit__path__startswith=unit.path
    )
    return Person.objects.filter(Exists(held)).order_by("full_name", "pk")


def person_find(identity: str) -> Person | None:
    """The person with this NIP (spaces allowed), NRP or login name, or None."""
    text = identity.strip()
    digits = re.sub(r"\s+", "", text)
    if not text:
        return None
    return (
        Person.objects.filter(Q(nip=digits) | Q(nrp=digits) | Q(user__username=text))
        .order_by("pk")
        .first()
    )
