"""locust: officers completing their tasks and citizens filing complaints, spread over several
``trantib serve`` instances that share one PostgreSQL and one Redis.

Two kinds of simulated user, each bound to one instance (user *i* to instance *i* mod the
number of instances):

- an **officer** of Kecamatan Kerjo (the Staf, the Kasi Trantib, the Camat) signs in through
  ``POST /api/v1/auth/token`` and then, with a short pause between rounds, reads Tugas Saya
  (``GET /api/v1/tasks/mine``) and completes the complaint steps there that are its share
  (several users of one login split the tasks by id, so two never race for the same task),
  with the step's fields; for "Bukti penyelesaian" it first uploads the proof to the case;
- a **citizen** files a complaint, through ``POST /api/v1/complaints`` (taken by the Staf's
  token, as at the counter or on the phone) or through the SMS webhook, each a new complaint
  (the bodies are the intake benchmark's, ``bench.harness``).

Every user stops after its share of ``max_requests`` (the run is bounded by count as well as
by time). The plan (hosts, logins, tokens, pause) is the JSON file named by
``TRANTIB_LOAD_PLAN``, written by ``bench/load_cluster.py``, which starts locust; not an entry
point of its own.
"""

from __future__ import annotations

import itertools
import json
import os
import sys
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task
from locust.env import Environment
from locust.exception import StopUser

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench.harness import PDF, _intake_ok, _intake_request

PLAN = json.loads(Path(os.environ["TRANTIB_LOAD_PLAN"]).read_text(encoding="utf-8"))
HOSTS: list[str] = PLAN["hosts"]
_officers = itertools.cycle(enumerate(PLAN["officers"]))
_citizens = itertools.cycle(enumerate(PLAN["citizens"]))
_CITIZEN_DOOR = {"api": "POST /api/v1/complaints", "sms": "POST /sms/masuk/"}

# What each complaint step records (PGD v2); a step not named here is left alone.
STEP_DATA: dict[str, dict[str, Any]] = {
    "staf_sampaikan": {},
    "kasi_teruskan": {},
    "camat_arahkan": {"arahan": "Tindak lanjuti bersama Danru; laporkan hasilnya."},
    "koordinasi_tindak": {
        "instansi_terkait": "Polsek Kerjo",
        "tindakan": "Pelanggar diberi pembinaan dan membongkar lapaknya sendiri.",
    },
    "bukti_penyelesaian": {},  # the proof is uploaded first (a file field)
    "lapor_camat": {},
    "informasi_pelapor": {"saluran": "SMS", "isi": "Pengaduan Anda sudah ditindaklanjuti."},
}
ROUND = 3  # completions at most per look at Tugas Saya
_environment: list[Environment] = []


@events.init.add_listener
def _keep(environment: Environment, **_kw: Any) -> None:
    _environment.append(environment)


@events.quit.add_listener
def _statistics(**_kw: Any) -> None:
    """The final statistics, once every user has stopped (locust's CSV is written before the
    last requests of the stopping users are counted), to ``PLAN["statistics"]``."""
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


class _Bounded(HttpUser):
    abstract = True
    wait_time = between(PLAN["pause"][0], PLAN["pause"][1])

    def on_start(self) -> None:
        self.sent = 0

    def _count(self) -> None:
        self.sent += 1
        if self.sent >= PLAN["max_requests_per_user"]:
            raise StopUser()


class Officer(_Bounded):
    fixed_count = len(PLAN["officers"])

    def on_start(self) -> None:
        super().on_start()
        index, self.me = next(_officers)
        self.base = HOSTS[index % len(HOSTS)]
        with self.client.post(
            f"{self.base}/api/v1/auth/token",
            json={
                "username": self.me["username"],
                "password": PLAN["password"],
                "name": f"load {index}",
            },
            name="POST /api/v1/auth/token (sign in)",
            catch_response=True,
        ) as answer:
            if answer.status_code != 201:
                answer.failure(f"sign-in of {self.me['username']}: {answer.status_code}")
                raise StopUser()
            self.auth = {"Authorization": f"Bearer {answer.json()['token']}"}

    @task
    def work(self) -> None:
        with self.client.get(
            f"{self.base}/api/v1/tasks/mine",
            headers=self.auth,
            name="GET /api/v1/tasks/mine",
            catch_response=True,
        ) as answer:
            if answer.status_code != 200:
                answer.failure(f"{answer.status_code}: {answer.text[:200]}")
                return
            mine = [
                t
                for t in answer.json()
                if t["step"] in STEP_DATA
                and t["status"] in ("open", "claimed")
                and t["id"] % self.me["of"] == self.me["slot"]
            ]
        self._count()
        for t in sorted(mine, key=lambda t: t["id"])[:ROUND]:
            self._complete(t)

    def _complete(self, t: dict[str, Any]) -> None:
        data = dict(STEP_DATA[t["step"]])
        if t["step"] == "bukti_penyelesaian":
            with self.client.post(
                f"{self.base}/api/v1/cases/{t['case']}/attachments",
                headers=self.auth,
                data={"task": str(t["id"])},
                files={"file": ("bukti.pdf", PDF, "application/pdf")},
                name="POST /api/v1/cases/{id}/attachments",
                catch_response=True,
            ) as answer:
                if answer.status_code != 201:
                    answer.failure(f"{answer.status_code}: {answer.text[:200]}")
                    return
                data["bukti"] = [answer.json()["id"]]
            self._count()
        with self.client.post(
            f"{self.base}/api/v1/tasks/{t['id']}/complete",
            headers=self.auth,
            json={"data": data, "requirements": t["step_requirements"]},
            name="POST /api/v1/tasks/{id}/complete",
            catch_response=True,
        ) as answer:
            if answer.status_code != 200:
                answer.failure(f"{t['step']}: {answer.status_code}: {answer.text[:200]}")
        self._count()


class Citizen(_Bounded):
    fixed_count = len(PLAN["citizens"])

    def on_start(self) -> None:
        super().on_start()
        index, self.me = next(_citizens)
        self.base = HOSTS[index % len(HOSTS)]
        self.label = f"c{index}"
        self.n = itertools.count()
        credential = self.me["credential"]
        self.headers = (
            {"Authorization": f"Bearer {credential}"}
            if self.me["door"] == "api"
            else {"X-Trantib-Secret": credential}
        )

    @task
    def complain(self) -> None:
        door = self.me["door"]
        path, body, content_type = _intake_request(door, next(self.n), self.label)
        with self.client.post(
            f"{self.base}{path}",
            data=body,
            headers={**self.headers, "Content-Type": content_type},
            name=_CITIZEN_DOOR[door],
            catch_response=True,
        ) as answer:
            if not _intake_ok(door, answer.status_code, answer.content):
                answer.failure(f"{answer.status_code}: {answer.text[:200]}")
        self._count()
