"""Demo complaints, from ``data/complaint_setup.yaml`` (categories, routing rules) and
``data/complaints.yaml`` (complaints filed through ``complaint_file``, some moved on).

Both loads are idempotent: categories are keyed on their code, a unit's routing rules are made
only when it has none, and a complaint is keyed on its description.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from django.db import transaction
from django.utils import timezone

from trantib.accounts.models import OrgUnit
from trantib.complaints.models import Category, Complaint, RoutingRule
from trantib.complaints.services import complaint_file, complaint_public_set

from .steps import Step, person_get, step_parse, step_run
from .when import Anchors, When, default_zone, when_parse
from .yamlfile import DemoDataError, Entry, read

SETUP_FILE = "complaint_setup.yaml"
COMPLAINTS_FILE = "complaints.yaml"
BOX = ("min_lat", "max_lat", "min_lon", "max_lon")
# The fields of a demo complaint that go to complaint_file as they are.
FIELDS = frozenset(
    {
        "channel",
        "description",
        "kelurahan",
        "address",
        "latitude",
        "longitude",
        "reporter_name",
        "reporter_phone",
        "reporter_email",
        "confidential",
        "anonymous",
    }
)


def unit_get(code: str, where: str) -> OrgUnit:
    try:
        return OrgUnit.objects.get(code=code)
    except OrgUnit.DoesNotExist:
        raise DemoDataError(f"{where}: unknown unit {code!r}") from None


def category_get(code: str, where: str) -> Category:
    try:
        return Category.objects.get(code=code)
    except Category.DoesNotExist:
        raise DemoDataError(f"{where}: unknown category {code!r}") from None


# -- categories and routing rules ---------------------------------------------------------------


@dataclass(frozen=True)
class CategorySpec:
    where: str
    unit: str
    code: str
    name: str
    keywords: str


@dataclass(frozen=True)
class Rule:
    where: str
    unit: str
    priority: int
    desa: tuple[str, ...]
    box: tuple[Decimal, Decimal, Decimal, Decimal] | None


@cache
def _setup() -> tuple[list[CategorySpec], list[Rule]]:
    shown, raw = read(SETUP_FILE)
    top = Entry(raw, shown, keys={"categories", "routing"})
    categories = []
    for n, item in enumerate(top.items("categories"), start=1):
        entry = Entry(item, f"{shown}: category {n}", keys={"unit", "code", "name", "keywords"})
        code = entry.text("code")
        entry = Entry(item, f"{shown}: category {code!r}", keys=set(entry.raw))
        categories.append(
            CategorySpec(
                where=entry.where,
                unit=entry.text("unit"),
                code=code,
                name=entry.text("name"),
                keywords=entry.text("keywords", ""),
            )
        )
    rules = []
    for n, item in enumerate(top.items("routing"), start=1):
        entry = Entry(item, f"{shown}: routing rule {n}", keys={"unit", "priority", "desa", "box"})
        box = None
        if entry.has("box"):
            corners = Entry(entry.mapping("box"), f"{entry.where}, box", keys=set(BOX))
            try:
                box = tuple(Decimal(corners.text(k)) for k in BOX)
            except InvalidOperation:
                raise corners.error("the corners must be decimal degrees") from None
        if bool(entry.texts("desa")) == (box is not None):
            raise entry.error("give either 'desa' or 'box'")
        rules.append(
            Rule(
                where=entry.where,
                unit=entry.text("unit"),
                priority=entry.number("priority"),
                desa=tuple(entry.texts("desa")),
                box=box,  # type: ignore[arg-type]
            )
        )
    return categories, rules


@transaction.atomic
def complaint_setup_load() -> int:
    """Make the demo categories and rules that do not exist yet; returns how many were made."""
    categories, rules = _setup()
    made = 0
    for spec in categories:
        _, created = Category.objects.get_or_create(
            code=spec.code,
            defaults={
                "unit": unit_get(spec.unit, spec.where),
                "name": spec.name,
                "keywords": spec.keywords,
            },
        )
        made += created
    new: list[RoutingRule] = []
    units = {rule.unit: unit_get(rule.unit, rule.where) for rule in rules}
    ruled = set(RoutingRule.objects.filter(unit__in=units.values()).values_list("unit", flat=True))
    for rule in rules:
        unit = units[rule.unit]
        if unit.pk in ruled:
            continue
        new += [RoutingRule(unit=unit, priority=rule.priority, kelurahan=d) for d in rule.desa]
        if rule.box is not None:
            min_lat, max_lat, min_lon, max_lon = rule.box
            new.append(
                RoutingRule(
                    unit=unit,
                    priority=rule.priority,
                    min_lat=min_lat,
                    max_lat=max_lat,
                    min_lon=min_lon,
                    max_lon=max_lon,
                )
            )
    RoutingRule.objects.bulk_create(new)
    return made + len(new)


# -- complaints -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoComplaint:
    where: str
    key: str
    at: When
    by: str  # the officer who takes it at the counter or on the phone; "" for sms and web
    category: str
    advance: int  # how many of the shared steps its case goes through
    public: bool  # the officer who took it marks it public (counter and phone)
    fields: dict[str, Any]


@cache
def _complaints() -> tuple[list[DemoComplaint], list[Step]]:
    shown, raw = read(COMPLAINTS_FILE)
    top = Entry(raw, shown, keys={"steps", "complaints"})
    steps = [step_parse(item, f"{shown}: step {n}") for n, item in enumerate(top.items("steps"), 1)]
    complaints = []
    keys = FIELDS | {"key", "at", "by", "advance", "category", "public"}
    for n, item in enumerate(top.items("complaints"), start=1):
        entry = Entry(item, f"{shown}: complaint {n}", keys=keys)
        key = entry.text("key")
        entry = Entry(item, f"{shown}: complaint {key!r}", keys=keys)
        entry.text("description")  # both required; complaint_file checks the rest
        entry.text("channel")
        advance = entry.number("advance", 0)
        if not 0 <= advance <= len(steps):
            raise entry.error(f"'advance' must be 0 to {len(steps)}")
        public = entry.flag("public")
        if public and not entry.text("by", ""):
            raise entry.error("'public' needs 'by': the officer who marks it public")
        complaints.append(
            DemoComplaint(
                where=entry.where,
                key=key,
                at=when_parse(entry.raw.get("at"), allowed=frozenset({"now"}), where=entry.where),
                by=entry.text("by", ""),
                category=entry.text("category"),
                advance=advance,
                public=public,
                fields={k: v for k, v in item.items() if k in FIELDS},
            )
        )
    return complaints, steps


def demo_complaints() -> list[DemoComplaint]:
    return _complaints()[0]


DEMO_COMPLAINTS = demo_complaints()


def demo_complaints_load(*, now: dt.datetime | None = None) -> list[Complaint]:
    """File the demo complaints that are not there yet (matched by their description), each
    through the same service as the real channels, and move some of them on."""
    now = now or timezone.now()
    complaint_setup_load()
    complaints, steps = _complaints()
    made = []
    for story in complaints:
        if Complaint.objects.filter(description=story.fields["description"]).exists():
            continue
        anchors = Anchors(now=now, zone=default_zone())
        at = anchors.moment(story.at, story.where)
        extra: dict[str, Any] = {}
        if story.by:
            extra["actor"] = person_get(story.by, story.where)
        with transaction.atomic():
            complaint = complaint_file(
                category=category_get(story.category, story.where),
                now=at,
                **story.fields,
                **extra,
            )
            if story.public:
                complaint = complaint_public_set(
                    complaint=complaint, actor=extra["actor"], public=True, now=at
                )
            anchors = replace(anchors, zone=complaint.case.unit.zone(), start=at, prev=at)
            for step in steps[: story.advance]:
                done = step_run(step, complaint.case, anchors)
                anchors = replace(anchors, prev=done or anchors.prev)
        made.append(complaint)
    return made
