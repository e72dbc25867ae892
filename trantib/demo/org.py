"""The demo organisation, from ``data/organisation.yaml``: units, positions, people, logins and
acting assignments.

``demo_org_load()`` is idempotent: rows are keyed on unit codes, (unit, role code) and user
names, so a second run creates nothing and repairs edited rows. Existing users keep their
password. Units, positions and people have no service: they are written through the models,
validated with ``full_clean()``; assignments are made by ``assignment_create``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from trantib.accounts.models import (
    ActingStatus,
    Assignment,
    OrgUnit,
    Person,
    PersonKind,
    Position,
    UnitKind,
    outline_validate,
)
from trantib.accounts.services import assignment_create

from .when import Anchors, When, when_parse
from .yamlfile import Entry, read

FILE = "organisation.yaml"
ModelT = TypeVar("ModelT", bound=models.Model)


@dataclass(frozen=True)
class DemoLogin:
    """One line of the demo-login table."""

    username: str
    password: str
    person: str
    position: str
    unit: str


@dataclass(frozen=True)
class Holder:
    username: str
    full_name: str
    kind: PersonKind
    pangkat: str
    nip: str  # as displayed, with spaces
    nrp: str


@dataclass(frozen=True)
class PositionSpec:
    unit: str
    code: str  # the SOP role id
    name: str
    supervises: bool
    holders: tuple[Holder, ...]


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    kind: UnitKind
    parent: str | None
    timezone: str
    address: str
    kop: tuple[str, ...]
    outline: dict[str, Any] | None = None  # a GeoJSON Polygon


@dataclass(frozen=True)
class ActingSpec:
    username: str
    unit: str
    role: str
    acting: ActingStatus
    valid_from: When
    valid_until: When
    where: str


@dataclass(frozen=True)
class Organisation:
    password: str
    admin: str
    since: dt.date  # definitive assignments start here
    email_domain: str
    units: tuple[UnitSpec, ...]
    positions: tuple[PositionSpec, ...]
    acting: tuple[ActingSpec, ...]


def _choice(entry: Entry, key: str, choices: Any) -> Any:
    value = entry.text(key, "")
    if value not in choices.values:
        raise entry.error(f"unknown {key} {value!r} (one of {', '.join(choices.values)})")
    return choices(value)


def _outline(unit: Entry) -> dict[str, Any] | None:
    """``outline: [[lon, lat], …]`` → a closed GeoJSON Polygon, checked like the admin does."""
    ring = unit.items("outline")
    if not ring:
        return None
    ring = [list(p) if isinstance(p, list) else p for p in ring]
    if ring[0] != ring[-1]:
        ring.append(ring[0])
    polygon = {"type": "Polygon", "coordinates": [ring]}
    try:
        outline_validate(polygon)
    except ValidationError as exc:
        raise unit.error(f"'outline': {' '.join(exc.messages)}") from None
    return polygon


@cache
def organisation() -> Organisation:
    """The organisation file, read and checked once."""
    shown, raw = read(FILE)
    top = Entry(raw, shown, keys={"logins", "units", "acting"})
    logins = Entry(
        top.mapping("logins"),
        f"{shown}: logins",
        keys={"password", "admin", "since", "email_domain"},
    )
    try:
        since = dt.date.fromisoformat(logins.text("since"))
    except ValueError:
        raise logins.error("'since' must be a date, YYYY-MM-DD (quoted)") from None
    units: list[UnitSpec] = []
    positions: list[PositionSpec] = []
    users: set[str] = {logins.text("admin")}
    unit_keys = {
        "code",
        "name",
        "kind",
        "parent",
        "timezone",
        "address",
        "kop",
        "positions",
        "outline",
    }
    for n, item in enumerate(top.items("units"), start=1):
        unit = Entry(item, f"{shown}: unit {n}", keys=unit_keys)
        code = unit.text("code")
        unit = Entry(item, f"{shown}: unit '{code}'", keys=unit_keys)
        parent = unit.text("parent", "") or None
        if parent is not None and parent not in {u.code for u in units}:
            raise unit.error(f"unknown parent {parent!r} (a parent comes before its units)")
        units.append(
            UnitSpec(
                code=code,
                name=unit.text("name"),
                kind=_choice(unit, "kind", UnitKind),
                parent=parent,
                timezone=unit.text("timezone"),
                address=unit.text("address"),
                kop=tuple(unit.texts("kop")),
                outline=_outline(unit),
            )
        )
        for item2 in unit.items("positions"):
            pos = Entry(
                item2,
                f"{unit.where}, position {item2.get('role') if isinstance(item2, dict) else '?'}",
                keys={"role", "name", "supervises", "holders"},
            )
            holders = []
            for item3 in pos.items("holders"):
                holder = Entry(
                    item3,
                    f"{pos.where}, holder",
                    keys={"login", "name", "kind", "pangkat", "nip", "nrp"},
                )
                username = holder.text("login")
                holder = Entry(item3, f"{pos.where}, holder '{username}'", keys=set(holder.raw))
                if username in users:
                    raise holder.error("this login is used twice")
                users.add(username)
                holders.append(
                    Holder(
                        username=username,
                        full_name=holder.text("name"),
                        kind=_choice(holder, "kind", PersonKind),
                        pangkat=holder.text("pangkat"),
                        nip=holder.text("nip", ""),
                        nrp=holder.text("nrp", ""),
                    )
                )
            positions.append(
                PositionSpec(
                    unit=code,
                    code=pos.text("role"),
                    name=pos.text("name"),
                    supervises=pos.flag("supervises"),
                    holders=tuple(holders),
                )
            )
    acting = []
    days = frozenset({"today"})
    for n, item in enumerate(top.items("acting"), start=1):
        entry = Entry(
            item, f"{shown}: acting {n}", keys={"login", "unit", "role", "as", "from", "until"}
        )
        spec = ActingSpec(
            username=entry.text("login"),
            unit=entry.text("unit"),
            role=entry.text("role"),
            acting=_choice(entry, "as", ActingStatus),
            valid_from=when_parse(entry.raw.get("from"), allowed=days, where=entry.where),
            valid_until=when_parse(entry.raw.get("until"), allowed=days, where=entry.where),
            where=entry.where,
        )
        if spec.username not in users:
            raise entry.error(f"unknown user {spec.username!r}")
        if not any(p.unit == spec.unit and p.code == spec.role for p in positions):
            raise entry.error(f"unknown position {spec.role!r} of unit {spec.unit!r}")
        acting.append(spec)
    return Organisation(
        password=logins.text("password"),
        admin=logins.text("admin"),
        since=since,
        email_domain=logins.text("email_domain"),
        units=tuple(units),
        positions=tuple(positions),
        acting=tuple(acting),
    )


def _upsert(model: type[ModelT], lookup: dict[str, Any], values: dict[str, Any]) -> ModelT:
    """The row matching ``lookup``, made or repaired to hold ``values``, validated first."""
    obj = model._default_manager.filter(**lookup).first() or model(**lookup)
    for name, value in values.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    return obj


def _assignment(
    person: Person, position: Position, acting: ActingStatus, start: dt.date, end: dt.date | None
) -> Assignment:
    found = Assignment.objects.filter(person=person, position=position, acting=acting).first()
    if found is None:
        return assignment_create(
            person=person, position=position, valid_from=start, valid_until=end, acting=acting
        )
    if (found.valid_from, found.valid_until) != (start, end):
        found.valid_from, found.valid_until = start, end
        found.full_clean()
        found.save(update_fields=["valid_from", "valid_until"])
    return found


@transaction.atomic
def demo_org_load() -> list[DemoLogin]:
    """Create or update the demo organisation; return the logins, administrator first."""
    org = organisation()
    hashed: list[str] = []  # hashing is slow on purpose: hash once, only if a user is new

    def user_get(username: str, *, superuser: bool = False) -> AbstractUser:
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(
            username=username,
            defaults={
                "email": f"{username}@{org.email_domain}",
                "is_staff": superuser,
                "is_superuser": superuser,
            },
        )
        if created:
            if not hashed:
                hashed.append(make_password(org.password))
            user.password = hashed[0]
            user.save(update_fields=["password"])
        return user  # type: ignore[return-value]

    logins = [DemoLogin(org.admin, org.password, "—", "Administrator (superuser)", "—")]
    user_get(org.admin, superuser=True)

    units: dict[str, OrgUnit] = {}
    for u in org.units:
        units[u.code] = _upsert(
            OrgUnit,
            {"code": u.code},
            {
                "name": u.name,
                "kind": u.kind,
                "parent": units[u.parent] if u.parent else None,
                "timezone": u.timezone,
                "address": u.address,
                "kop_lines": "\n".join(u.kop),
                "outline": u.outline,
                "active": True,
            },
        )

    people: dict[str, Person] = {}
    positions: dict[tuple[str, str], Position] = {}
    for p in org.positions:
        position = _upsert(
            Position,
            {"unit": units[p.unit], "code": p.code},
            {"name": p.name, "supervises": p.supervises},
        )
        positions[p.unit, p.code] = position
        for h in p.holders:
            person = _upsert(
                Person,
                {"user": user_get(h.username)},
                {
                    "full_name": h.full_name,
                    "kind": h.kind,
                    "nip": h.nip.replace(" ", ""),
                    "nrp": h.nrp,
                    "pangkat": h.pangkat,
                    "email": f"{h.username}@{org.email_domain}",
                },
            )
            people[h.username] = person
            assignment = _assignment(person, position, ActingStatus.DEFINITIVE, org.since, None)
            logins.append(
                DemoLogin(h.username, org.password, h.full_name, assignment.title, p.unit)
            )

    for a in org.acting:
        unit = units[a.unit]
        anchors = Anchors(now=timezone.now(), zone=unit.zone())
        assignment = _assignment(
            people[a.username],
            positions[a.unit, a.role],
            a.acting,
            anchors.day(a.valid_from, a.where),
            anchors.day(a.valid_until, a.where),
        )
        logins.append(
            DemoLogin(
                a.username,
                org.password,
                people[a.username].full_name,
                f"{assignment.title} ({assignment.valid_from:%d-%m-%Y} s.d. "
                f"{assignment.valid_until:%d-%m-%Y})",
                a.unit,
            )
        )
    return logins


DEMO_PASSWORD: str = organisation().password
DEMO_ADMIN: str = organisation().admin
