"""locust: officers of the province history reading the pages of their day.

Each simulated user is one officer (a login of the history, ``trantib-bench``) who signs in
through ``/login/``, opens every page once (so that each page is asked as soon as its officers
are in, however long signing in took on a busy machine), and then, with a short pause between
pages, opens Tugas Saya, the case list (first page, and filtered by an SOP and status), a case
of the officer's units and the complaint list at random. The users, their cases, the pause
and the bound come from the JSON file named by ``TRANTIB_LOAD_PLAN`` (written by
``bench/load_pages.py``, which starts locust).

The run ends at ``--run-time``, or earlier once every page was asked ``PLAN["each"]`` times
(0: no such bound; a smoke). A run bounded by time alone resets its statistics once every
officer has signed in and opened every page once (the warm-up: twenty sign-ins at once are
seconds of password hashing, not the pages' time); a run bounded by count keeps every
request, so that a slow sign-in never leaves a page unasked.

Run by ``bench/load_pages.py``; not an entry point of its own.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from collections import Counter
from pathlib import Path
from typing import Any

import gevent
from locust import HttpUser, between, events, task
from locust.env import Environment

PLAN = json.loads(open(os.environ["TRANTIB_LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115
_officers = itertools.cycle(PLAN["officers"])
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

TUGAS, KASUS, DISARING = "Tugas Saya", "Daftar kasus", "Daftar kasus, disaring"
HALAMAN, PENGADUAN = "Halaman kasus", "Daftar pengaduan"
PAGES = (TUGAS, KASUS, DISARING, HALAMAN, PENGADUAN)

# -- the bound by count: every page asked PLAN["each"] times ---------------------------------

_asked: Counter[str] = Counter()
_ready: list[str] = []  # the officers signed in who opened every page once
_environment: list[Environment] = []


@events.init.add_listener
def _keep(environment: Environment, **_kw: Any) -> None:
    _environment.append(environment)


@events.quit.add_listener
def _statistics(**_kw: Any) -> None:
    """The final statistics, once every user has stopped, to ``PLAN["statistics"]`` (locust's
    CSV is rewritten every second or two: a run that stops on the count would lose its last
    requests)."""
    stats = _environment[0].runner.stats  # type: ignore[union-attr]
    rows = [
        {
            "Name": entry.name if entry is not stats.total else "Aggregated",
            "Request Count": entry.num_requests,
            "Failure Count": entry.num_failures,
            **{
                f"{p:.0%}": entry.get_response_time_percentile(p) if entry.num_requests else None
                for p in (0.5, 0.95, 0.99)
            },
            "Max Response Time": entry.max_response_time,
            "Requests/s": entry.total_rps,
        }
        for entry in [*sorted(stats.entries.values(), key=lambda e: e.name), stats.total]
    ]
    failures = [
        {"Method": e.method, "Name": e.name, "Error": str(e.error), "Occurrences": e.occurrences}
        for e in stats.errors.values()
    ]
    Path(PLAN["statistics"]).write_text(json.dumps({"rows": rows, "failures": failures}))


@events.request.add_listener
def _count(name: str, **_kw: Any) -> None:
    each = int(PLAN.get("each") or 0)
    if not each or name not in PAGES:
        return
    first_time = min(_asked[page] for page in PAGES) < each
    _asked[name] += 1
    if first_time and min(_asked[page] for page in PAGES) >= each:
        runner = _environment[0].runner if _environment else None
        if runner is not None:
            # Not from this user's own greenlet: quitting stops every user, this one too.
            gevent.spawn(runner.quit)


class Officer(HttpUser):
    wait_time = between(PLAN["pause"][0], PLAN["pause"][1])

    def on_start(self) -> None:
        self.me = next(_officers)
        self.rng = random.Random(self.me["username"])
        page = self.client.get("/login/", name="(login page)")
        token = _CSRF.search(page.text)
        with self.client.post(
            "/login/",
            data={
                "username": self.me["username"],
                "password": PLAN["password"],
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": f"{self.host}/login/"},
            name="(login)",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"login of {self.me['username']} answered {answer.status_code}")
        # Every page once, first: a page is never left unasked because sign-in was slow.
        for visit in (
            self.my_tasks,
            self.cases,
            self.cases_filtered,
            self.case,
            self.complaints,
        ):
            visit()
        # The statistics count from the moment every officer is in: a sign-in hashes a
        # password for a second of CPU, and twenty of them at once are not the pages' time.
        _ready.append(self.me["username"])
        warm_up = not PLAN.get("each")  # a run bounded by count keeps every request
        if warm_up and len(_ready) == len(PLAN["officers"]) and _environment:
            _environment[0].runner.stats.reset_all()  # type: ignore[union-attr]

    @task(4)
    def my_tasks(self) -> None:
        self.client.get("/tugas/", name=TUGAS)

    @task(2)
    def cases(self) -> None:
        self.client.get("/kasus/", name=KASUS)

    @task(2)
    def cases_filtered(self) -> None:
        self.client.get(f"/kasus/?sop={self.me['sop']}&status=open", name=DISARING)

    @task(4)
    def case(self) -> None:
        self.client.get(f"/kasus/{self.rng.choice(self.me['cases'])}/", name=HALAMAN)

    @task(2)
    def complaints(self) -> None:
        self.client.get("/pengaduan/", name=PENGADUAN)
