"""The demo's history: the past months of closed work in a few units, so that the reports
show a unit's real months (``data/history.yaml``; see its header).

``demo_history_load()`` runs after the stories, through the same services, with the clock set
back. It is deterministic (a fixed seed: two loads on the same day make the same history) and
idempotent (each item is keyed, as the stories are: a second load makes nothing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.utils import timezone

from ..yamlfile import Entry, read
from .complaints import ComplaintsLoaded, complaints_load
from .orders import OrdersLoaded, orders_load
from .pace import Pace, seeded
from .patrols import WALKS, PatrolsLoaded, patrols_load
from .polmas import PolmasLoaded, polmas_load

FILE = "history.yaml"


TOP_KEYS = frozenset(
    {"seed", "months", "late", "complaints", "directions", "details", "reporters"}
    | {"orders", "patrols", "polmas"}
)
UNIT_KEYS = frozenset(
    {"staf", "kasi", "camat", "per_month", "running", "area", "desa", "places", "reports"}
    | {"partners"}
)
STORY_KEYS = {
    "PPL": frozenset({"subject", "kelurahan", "place", "point", "source", "report", "result"}),
    "PUR": frozenset({"subject", "place", "point", "crowd", "coordination", "result"}),
}
FINDING_KEYS = frozenset({"violator", "article", "place", "point", "description", "walk"})


@cache
def history_conf() -> dict[str, Any]:
    """``data/history.yaml``, checked once: a mistake names the file and the entry."""
    shown, raw = read(FILE)
    top = Entry(raw, shown, keys=TOP_KEYS)
    top.number("seed")
    top.number("months")
    Entry(top.mapping("late"), f"{shown}: late", keys={"share", "bad_week", "bad_share"})
    reporters = top.mapping("reporters")
    for code, item in top.mapping("complaints").items():
        unit = Entry(item, f"{shown}: complaints {code}", keys=UNIT_KEYS)
        if code not in reporters:
            raise unit.error("no reporters for this unit under 'reporters'")
        for category, reports in unit.mapping("reports").items():
            for n, report in enumerate(reports, start=1):
                Entry(report, f"{unit.where}, {category} {n}", keys={"text", "action"})
        for n, running in enumerate(unit.items("running"), start=1):
            entry = Entry(running, f"{unit.where}, running {n}", keys={"category", "desa", "text"})
            if entry.text("desa") not in unit.mapping("desa"):
                raise entry.error(f"unknown desa {entry.text('desa')!r}")
    orders = Entry(
        top.mapping("orders"), f"{shown}: orders", keys={"unit", "per_month", "PPL", "PUR"}
    )
    for sop, keys in STORY_KEYS.items():
        for n, story in enumerate(orders.items(sop), start=1):
            Entry(story, f"{orders.where}, {sop} {n}", keys=keys | {"correction"})
    patrols = Entry(
        top.mapping("patrols"), f"{shown}: patrols", keys={"unit", "findings_per_month", "findings"}
    )
    for n, finding in enumerate(patrols.items("findings"), start=1):
        entry = Entry(finding, f"{patrols.where}, finding {n}", keys=FINDING_KEYS)
        if entry.text("walk") not in WALKS:
            raise entry.error(f"'walk' must be one of {', '.join(WALKS)}")
    Entry(top.mapping("polmas"), f"{shown}: polmas", keys={"weeks", "issues", "missed_every"})
    return raw


@dataclass
class HistoryLoaded:
    complaints: list[ComplaintsLoaded] = field(default_factory=list)
    orders: OrdersLoaded | None = None
    patrols: PatrolsLoaded | None = None
    polmas: PolmasLoaded | None = None

    @property
    def created(self) -> int:
        made = sum(c.created for c in self.complaints)
        made += self.orders.created if self.orders else 0
        made += self.patrols.created if self.patrols else 0
        return made + (self.polmas.held + self.polmas.missed if self.polmas else 0)


def demo_history_load(
    *, now: dt.datetime | None = None, progress: Callable[[str], None] | None = None
) -> HistoryLoaded:
    """Load what the history lacks; ``progress`` hears one line per part as it is done."""
    now = now or timezone.now()
    conf = history_conf()
    seed = int(conf["seed"])
    late = conf["late"]
    pace = Pace(
        now=now,
        rng=seeded(seed, "pace"),
        share=float(late["share"]),
        bad_week=int(late["bad_week"]),
        bad_share=float(late["bad_share"]),
    )
    say = progress or (lambda line: None)
    loaded = HistoryLoaded()
    for code in conf["complaints"]:
        part = complaints_load(code, conf, pace, seed)
        loaded.complaints.append(part)
        say(
            f"  {code} complaints (PGD): {part.created} new of {part.planned}, "
            f"{part.running} still being handled"
        )
    loaded.orders = orders_load(conf, pace, seed)
    say(f"  CPD orders (PPL, PUR): {loaded.orders.created} new of {loaded.orders.planned}")
    loaded.patrols = patrols = patrols_load(conf, pace, seed)
    walks = ", ".join(f"{n} {w}" for w, n in sorted(patrols.walks.items()))
    say(
        f"  PPTNG patrol months (PPW): {patrols.created} new of {patrols.months}, "
        f"{patrols.reports} daily reports, {patrols.findings} findings ({walks or '-'})"
    )
    loaded.polmas = polmas = polmas_load(conf, pace)
    say(
        f"  BINMAS Polmas: {polmas.days} days, {polmas.opened} activities opened, "
        f"{polmas.held} held, {polmas.missed} missed, {polmas.issues} issues"
    )
    return loaded
