"""The history's complaints (PGD): a kecamatan's past months of citizens' reports, each filed
through ``complaint_file`` on its channel and handled through the SOP's seven steps to the
answer, as its Staf, Kasi and Camat would have.

The plan (:func:`complaints_plan`) is made from the templates of ``data/history.yaml`` and a
fixed seed, without the database: the same day gives the same complaints. Most are answered
within the working-day standard, some late; the unit's last ``running`` complaints, received in
the last two working days, wait for the Kasi's action (a step with no deadline), so none of
them adds to the red of the first screen. A complaint is keyed on its description.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, replace
from typing import Any

from django.db import transaction
from django.utils import timezone

from trantib.complaints.models import Complaint
from trantib.complaints.services import complaint_file
from trantib.engine.timing import Calendar
from trantib.sops import registry

from ..complaints import category_get, complaint_setup_load, unit_get
from ..yamlfile import DemoDataError
from .pace import (
    Pace,
    act,
    at_clock,
    live,
    months_before,
    notices_read,
    office,
    person,
    seeded,
    uploads,
    workdays_later,
)

SOP = "PGD"
CHANNELS = (("counter", 30), ("phone", 20), ("sms", 32), ("web", 18))
LAST = dt.timedelta(hours=3)  # the last action of a closed complaint is this long before the load


@dataclass(frozen=True)
class Planned:
    """One complaint of the history, as planned."""

    received: dt.datetime
    channel: str
    category: str
    description: str
    desa: str
    point: tuple[str, str]
    reporter: dict[str, str]  # name / phone / email as filed; {} for an anonymous report
    anonymous: bool
    direction: str
    action: str
    partner: str
    handle_days: int  # working days from the Camat's direction to the action
    running: bool  # still waiting for the action when the demo loads


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def _received(
    rng: random.Random, day: dt.date, channel: str, calendar: Calendar, zone: dt.tzinfo
) -> dt.datetime:
    """A counter or a phone call comes in office hours on a working day; an SMS or a web
    report at any waking hour."""
    if channel in ("counter", "phone"):
        day = workdays_later(day, 0, calendar)
        return at_clock(day, rng.randint(8, 14), rng.randint(0, 59), zone)
    return at_clock(day, rng.randint(6, 22), rng.randint(0, 59), zone)


def complaints_plan(
    code: str, conf: dict[str, Any], now: dt.datetime, zone: dt.tzinfo, seed: int
) -> list[Planned]:
    """The unit's complaints over the history's months and this month's first days, and the
    few of its last days still being handled; oldest first.

    Each month's complaints come from a generator seeded with the month: a month holds the
    same complaints whatever day the demo loads, so a later load adds only what has passed
    since (a new month, this month's later days), never a second copy of a month."""
    unit_conf = conf["complaints"][code]
    calendar = registry.get(SOP).calendar
    today = timezone.localtime(now, zone).date()
    cut = today  # received by the 4th working day before the load: answered before it
    for _ in range(4):
        cut = _workday_before(cut, calendar)
    low, high = unit_conf["per_month"]
    planned: list[Planned] = []
    for month in [*months_before(now, zone, int(conf["months"])), today.replace(day=1)]:
        rng = seeded(seed, "complaints", code, f"{month:%Y-%m}")
        end = (month + dt.timedelta(days=32)).replace(day=1)
        seen: set[str] = set()
        for _ in range(rng.randint(low, high)):
            day = month + dt.timedelta(days=rng.randrange((end - month).days))
            item = _item(rng, code, conf, day, zone, seen)
            if item.received.date() > cut:
                continue
            # Room for the other steps before the load: three working days.
            room = calendar.working_days_between(item.received.date(), today) - 3
            planned.append(replace(item, handle_days=max(min(item.handle_days, room), 0)))
    # The last days: a few taken at the counter or on the phone in the mornings of the last
    # working days, still waiting for the action. Their texts are fixed: loaded once.
    rng = seeded(seed, "complaints", code, "running")
    day = today
    for raw in unit_conf["running"]:
        day = _workday_before(day, calendar)
        received = at_clock(day, rng.randint(8, 10), rng.randint(0, 59), zone)
        channel = rng.choice(("counter", "phone"))
        reporter, _anonymous = _reporter(rng, channel, conf["reporters"][code])
        point = unit_conf["desa"][raw["desa"]]
        planned.append(
            Planned(
                received=min(received, now - dt.timedelta(hours=1)),
                channel=channel,
                category=raw["category"],
                description=raw["text"],
                desa=raw["desa"],
                point=(f"{point[0]:.6f}", f"{point[1]:.6f}"),
                reporter=reporter,
                anonymous=False,
                direction=rng.choice(conf["directions"]),
                action="",
                partner="",
                handle_days=0,
                running=True,
            )
        )
    planned.sort(key=lambda p: p.received)
    return planned


def _item(
    rng: random.Random,
    code: str,
    conf: dict[str, Any],
    day: dt.date,
    zone: dt.tzinfo,
    seen: set[str],
) -> Planned:
    """One complaint of ``day``, every field drawn from ``rng`` in a fixed order."""
    unit_conf = conf["complaints"][code]
    calendar = registry.get(SOP).calendar
    desa = list(unit_conf["desa"].items())
    categories = list(unit_conf["reports"].items())
    channel = _pick(rng, CHANNELS)
    category, reports = categories[rng.randrange(len(categories))]
    name, point = desa[rng.randrange(len(desa))]
    for _ in range(50):
        report = rng.choice(reports)
        text = (
            f"{report['text']} {rng.choice(unit_conf['places'])}, "
            f"{unit_conf['area']} {name}. {rng.choice(conf['details'])}"
        )
        if text not in seen:
            break
    else:
        raise DemoDataError(f"data/history.yaml: too few report texts for {code}")
    seen.add(text)
    received = _received(rng, day, channel, calendar, zone)
    reporter, anonymous = _reporter(rng, channel, conf["reporters"][code])
    late_answer = rng.random() < 0.12
    return Planned(
        received=received,
        channel=channel,
        category=category,
        description=text,
        desa=name,
        point=(
            f"{point[0] + rng.uniform(-0.002, 0.002):.6f}",
            f"{point[1] + rng.uniform(-0.002, 0.002):.6f}",
        ),
        reporter=reporter,
        anonymous=anonymous,
        direction=rng.choice(conf["directions"]),
        action=report["action"],
        partner=rng.choice(unit_conf["partners"]),
        handle_days=rng.randint(5, 7) if late_answer else rng.choice((0, 1, 1, 2, 2, 3)),
        running=False,
    )


def _workday_before(day: dt.date, calendar: Calendar) -> dt.date:
    day -= dt.timedelta(days=1)
    while not calendar.is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def _reporter(
    rng: random.Random, channel: str, reporters: list[dict[str, str]]
) -> tuple[dict[str, str], bool]:
    """Who reported, as the channel knows them: an SMS gives only the number, the web form a
    name and an e-mail (or nothing: anonymous), the counter and the phone a name."""
    if channel == "sms":
        return {"phone": rng.choice([r for r in reporters if r.get("phone")])["phone"]}, False
    if channel == "web":
        if rng.random() < 0.5:
            return {}, True
        who = rng.choice([r for r in reporters if r.get("email")])
        return {"name": who["name"], "email": who["email"]}, False
    pool = reporters if channel == "counter" else [r for r in reporters if r.get("phone")]
    who = rng.choice(pool)
    return {k: v for k, v in who.items() if k in ("name", "phone")}, False


# -- the load -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComplaintsLoaded:
    unit: str
    planned: int
    created: int
    running: int


def complaints_load(code: str, conf: dict[str, Any], pace: Pace, seed: int) -> ComplaintsLoaded:
    complaint_setup_load()
    unit = unit_get(code, "data/history.yaml")
    unit_conf = conf["complaints"][code]
    plan = complaints_plan(code, conf, pace.now, unit.zone(), seed)
    # A complaint is keyed on its description and the moment it came in (one still being
    # handled on its description alone: a later load does not add the last days' again).
    known = set(
        Complaint.objects.filter(
            unit=unit, description__in=[p.description for p in plan]
        ).values_list("description", "received_at")
    )
    texts = {text for text, _received in known}
    created = 0
    # One transaction for the unit's history: all of it or none (and one commit, not hundreds).
    with transaction.atomic():
        for item in plan:
            if (item.description, item.received) in known or (
                item.running and item.description in texts
            ):
                continue
            _handle(item, unit_conf, pace)
            created += 1
    return ComplaintsLoaded(code, len(plan), created, sum(p.running for p in plan))


def _handle(item: Planned, unit_conf: dict[str, Any], pace: Pace) -> None:
    staf, kasi, camat = unit_conf["staf"], unit_conf["kasi"], unit_conf["camat"]
    extra: dict[str, Any] = {}
    if item.channel in ("counter", "phone"):
        extra["actor"] = person(staf)
    complaint = complaint_file(
        channel=item.channel,
        category=category_get(item.category, "data/history.yaml"),
        description=item.description,
        kelurahan=item.desa,
        latitude=item.point[0],
        longitude=item.point[1],
        reporter_name=item.reporter.get("name", ""),
        reporter_phone=item.reporter.get("phone", ""),
        reporter_email=item.reporter.get("email", ""),
        anonymous=item.anonymous,
        now=item.received,
        **extra,
    )
    case = complaint.case
    calendar = registry.get(SOP).calendar
    zone = case.unit.zone()
    at = item.received
    # A running complaint's first steps are done on time: it waits only for the action.
    on_time = False if item.running else None
    for step, login, data, took in (
        ("staf_sampaikan", staf, None, None),
        ("kasi_teruskan", kasi, None, dt.timedelta(minutes=40)),
        ("camat_arahkan", camat, {"arahan": item.direction}, None),
    ):
        task = live(case, step)
        at = pace.when(
            task, after=at, calendar=calendar, took=took or dt.timedelta(minutes=30), late=on_time
        )
        act(task, login, at, data=data)
    if item.running:
        return
    task = live(case, "koordinasi_tindak")
    day = workdays_later(timezone.localtime(at, zone).date(), item.handle_days, calendar)
    acted = at_clock(day, pace.rng.randint(9, 14), pace.rng.randint(0, 59), zone)
    # Never past the load (the plan leaves room; this only guards it).
    at = min(office(max(acted, at + dt.timedelta(hours=1)), calendar, zone), pace.now - LAST)
    act(task, kasi, at, data={"instansi_terkait": item.partner, "tindakan": item.action})
    task = live(case, "bukti_penyelesaian")
    at = pace.when(task, after=task.created_at, calendar=calendar, took=dt.timedelta(hours=2))
    act(task, kasi, at, files=uploads(bukti=("bukti-penyelesaian.png", "photo")))
    task = live(case, "lapor_camat")
    at = pace.when(task, after=at, calendar=calendar)
    act(task, kasi, at)
    task = live(case, "informasi_pelapor")
    at = pace.when(task, after=at, calendar=calendar)
    act(task, staf, at, data=_answer(complaint, item, at, zone))
    notices_read([case.pk], pace.now)


def _answer(
    complaint: Complaint, item: Planned, at: dt.datetime, zone: dt.tzinfo
) -> dict[str, Any]:
    """What the Staf records: the channel the reporter can be reached on, and what was done."""
    text = f"Terima kasih atas laporan Anda. Tindak lanjut: {item.action}"
    when = timezone.localtime(at, zone).strftime("%Y-%m-%dT%H:%M")
    if item.anonymous:
        return {"saluran": "Tidak dapat dihubungi", "isi": text}
    if item.channel == "phone":
        return {"saluran": "Telepon", "waktu": when, "isi": text}
    if complaint.reporter_phone:
        return {"saluran": "SMS", "isi": text}
    if complaint.reporter_email:
        return {"saluran": "E-mail", "isi": text}
    return {"saluran": "Langsung", "waktu": when, "isi": text}
