"""The five seed SOPs end to end, through the REST API, as the people of the demo organisation.

Each file in ``scenarios/`` is one story: who does which step of which case, with what data,
which requirements and which decision, and what must follow (the next active steps, the case
status, the linked cases). One parametrised test plays every file against ``/api/v1/``:

- Before the named person acts, someone of the same unit who does not hold the step's
  position tries the same task (claim, then complete) and is refused with 403.
- The named person must hold the position (``holders_of``), sees the task in Tugas Saya,
  claims it, uploads the files the step records, and completes it.
- A ``members`` field (the officers of a patrol) is written in the file as the people's
  usernames; the runner sends their person ids, as the form's picker does, and the case file
  of ``GET /cases/{id}`` must then name each of them.
- A wait step is passed by the clock, the outside world: ``deadlines_sweep(now=…)`` a minute
  before its deadline fires nothing, a minute after it fires exactly that wait and the
  follow-up falls due. Nobody can complete a wait by hand (409). A wait timed from a recorded
  date (``starts_at``: seven days from "Tanggal diserahkan") must be due that long after the
  recorded day's opening hour on the SOP's calendar, not after the moment it was saved.
- At the end every case is closed, every task done with its duration, every officer's task
  completed by the person the scenario named, every wait done no earlier than its deadline
  (a wait's duration at least its standard; one timed from a recorded date fired no earlier
  than its deadline counted from that date), each case's events numbered 1..n, and every hash
  chain verifies.

``test_the_scenarios_take_every_decision_branch_of_each_seed_sop`` reads the branches from the
SOP specs, so a branch added to an SOP without a scenario that takes it fails the suite.

Scenario file keys (one action per list item):

``start: <step>``  open a case at that entry step (``subject``; ``case``: its alias, default
                   ``main``);
``step: <step>``   complete the live task of that step (``occurrence`` for a repeated step);
``wait: <step>``   let the deadline of that wait step pass (``deadline``: its standard);
``who`` the person acting; ``refused`` people of the same unit who must get 403;
``data``, ``files`` (field → file names to upload), ``requirements`` (a list or ``all``),
``decision``; in ``data`` a ``members`` field is a list of usernames
(``personil: [petugas1.pptng, petugas2.pptng]``) and ``"{today}"``, ``"{today-2}"``,
``"{today+1}"`` are dates on the unit's clock when the action runs (a delivery date two days
before it was recorded); ``expect``: ``active`` (live steps, ``step@occurrence`` for repeats),
``status``, ``children`` (alias → the ``for_each`` line that opened it). A file the product
cannot play yet names the gap under ``pending`` (a strict xfail).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from trantib.accounts.models import OrgUnit, Person
from trantib.accounts.selectors import holders_of
from trantib.cases import services
from trantib.cases.audit import chain_verify
from trantib.cases.models import Task
from trantib.demo import DEMO_PASSWORD
from trantib.demo.letters import letter_bring
from trantib.engine import runtime
from trantib.engine.spec import FieldType, SOPSpec, Step, StepKind
from trantib.sops import registry

SCENARIOS = Path(__file__).parent / "scenarios"
SEED_SOPS = ("PPW", "PPL", "PGD", "POLMAS", "PUR")
API = "/api/v1"
LIVE = ("open", "claimed")
ACTION_KINDS = ("start", "step", "wait")
TODAY = re.compile(r"^\{today(?:([+-])(\d+))?\}$")  # "{today}", "{today-2}", "{today+1}"

# The smallest files the attachment service accepts, chosen by the name's extension.
FILE_BODIES = {
    ".pdf": b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n",
    ".jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64,
    ".png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
}


def _scenario_files() -> list[Path]:
    return sorted(SCENARIOS.glob("*.yaml"))


def _load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        return dict(yaml.safe_load(fh))


def _jsonable(value: Any) -> Any:
    """YAML reads 2026-03-03 as a date; the API takes ISO text."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def _relative_dates(value: Any, today: dt.date) -> Any:
    """``"{today-2}"`` → the date two days before ``today``, anywhere in ``value``."""
    if isinstance(value, str) and (found := TODAY.match(value)):
        sign, days = found.groups()
        shift = dt.timedelta(days=int(days or 0))
        return today - shift if sign == "-" else today + shift
    if isinstance(value, dict):
        return {k: _relative_dates(v, today) for k, v in value.items()}
    if isinstance(value, list):
        return [_relative_dates(v, today) for v in value]
    return value


def _label(task: dict[str, Any]) -> str:
    occurrence = task.get("occurrence") or ""
    return f"{task['step']}@{occurrence}" if occurrence not in ("", "1") else task["step"]


def _actions(scenario: dict[str, Any]) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, action in enumerate(scenario["actions"], start=1):
        yield number, dict(action)


# -- the API, as a person -----------------------------------------------------------------


@dataclass
class Api:
    client: Client
    tokens: dict[str, str] = field(default_factory=dict)

    def token(self, username: str) -> str:
        if username not in self.tokens:
            response = self.client.post(
                f"{API}/auth/token",
                {"username": username, "password": DEMO_PASSWORD},
                content_type="application/json",
            )
            assert response.status_code == 201, (username, response.content)
            self.tokens[username] = response.json()["token"]
        return self.tokens[username]

    def _headers(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(username)}"}

    def get(self, username: str, path: str, *, status: int = 200) -> Any:
        response = self.client.get(f"{API}{path}", headers=self._headers(username))
        assert response.status_code == status, (username, "GET", path, response.content)
        return response.json()

    def post(self, username: str, path: str, body: Any = None, *, status: int = 200) -> Any:
        response = self.client.post(
            f"{API}{path}",
            json.dumps(body if body is not None else {}),
            content_type="application/json",
            headers=self._headers(username),
        )
        assert response.status_code == status, (username, "POST", path, body, response.content)
        return response.json()

    def upload(self, username: str, case_id: int, name: str, task_id: int) -> int:
        body = FILE_BODIES[Path(name).suffix.lower()]
        response = self.client.post(
            f"{API}/cases/{case_id}/attachments",
            {"file": SimpleUploadedFile(name, body), "task": str(task_id)},
            headers=self._headers(username),
        )
        assert response.status_code == 201, (username, "upload", name, response.content)
        return int(response.json()["id"])


# -- the runner ---------------------------------------------------------------------------


@dataclass
class Runner:
    api: Api
    name: str
    scenario: dict[str, Any]
    spec: SOPSpec = field(init=False)
    unit: OrgUnit = field(init=False)
    cases: dict[str, int] = field(default_factory=dict)  # alias -> case id
    readers: dict[str, str] = field(default_factory=dict)  # alias -> someone who may read it
    completed_by: dict[int, str] = field(default_factory=dict)  # task id -> username
    wait_due: dict[int, dt.datetime] = field(default_factory=dict)  # wait id -> its deadline
    where: str = ""

    def __post_init__(self) -> None:
        self.spec = registry.get(self.scenario["sop"])
        self.unit = OrgUnit.objects.get(code=self.scenario["unit"])

    # reading

    def case(self, alias: str, username: str = "") -> dict[str, Any]:
        assert alias in self.cases, f"{self.where}: no case called {alias!r} yet"
        return self.api.get(username or self.readers[alias], f"/cases/{self.cases[alias]}")

    def live(self, case: dict[str, Any]) -> list[dict[str, Any]]:
        return [t for t in case["tasks"] if t["status"] in LIVE]

    def live_task(self, alias: str, username: str, action: dict[str, Any], key: str) -> Any:
        step, occurrence = action[key], str(action.get("occurrence", ""))
        found = [
            t
            for t in self.live(self.case(alias, username))
            if t["step"] == step and (not occurrence or t["occurrence"] == occurrence)
        ]
        assert len(found) == 1, f"{self.where}: live tasks of {step} {occurrence}: {found}"
        return found[0]

    # checks of the people named

    def holders(self, role: str) -> set[str]:
        return {p.user.username for p in holders_of(self.unit, role) if p.user}

    def check_people(self, action: dict[str, Any], role: str) -> list[str]:
        holders = self.holders(role)
        assert action["who"] in holders, (
            f"{self.where}: {action['who']} does not hold {role} in {self.unit.code}"
        )
        refused = list(action.get("refused") or [])
        assert refused, f"{self.where}: name someone of the unit who must be refused"
        for username in refused:
            assert username not in holders, f"{self.where}: {username} holds {role}"
        return refused

    # actions

    def run(self) -> None:
        for number, action in _actions(self.scenario):
            kinds = [k for k in ACTION_KINDS if k in action]
            assert len(kinds) == 1, f"{self.name} action {number}: one of {ACTION_KINDS}"
            alias = str(action.get("case", "main"))
            self.where = f"{self.name} action {number} ({alias}: {action[kinds[0]]})"
            getattr(self, f"do_{kinds[0]}")(alias, action)
            self.expect(alias, action.get("expect") or {})
        self.finish()

    def do_start(self, alias: str, action: dict[str, Any]) -> None:
        step = self.spec.step(action["start"])
        assert step in runtime.entries(self.spec), f"{self.where}: {step.id} is not an entry"
        assert alias not in self.cases, f"{self.where}: {alias} already started"
        role = services.acting_role(self.spec, step)
        body = {
            "sop": self.spec.code,
            "unit": self.unit.code,
            "subject": action["subject"],
            "data": self.data(step, action),
            "requirements": self.requirements(action, list(step.requirements)),
        }
        if step is not self.spec.start:
            body["entry"] = step.id
        for username in self.check_people(action, role):
            self.api.post(username, "/cases", body, status=403)
        case = self.api.post(action["who"], "/cases", body, status=201)
        self.cases[alias], self.readers[alias] = case["id"], action["who"]
        assert case["sop"] == self.spec.code and case["unit"] == self.unit.code, self.where
        (first,) = [t for t in case["tasks"] if t["step"] == step.id]
        if first["status"] != "done":  # held for its letter (PPW's Surat Tugas): write, then do
            assert step.letter is not None and step.letter.needs, self.where
            letter_bring(Task.objects.get(pk=first["id"]), now=timezone.now(), data=body["data"])
            done = {k: body[k] for k in ("data", "requirements")}
            first = self.api.post(action["who"], f"/tasks/{first['id']}/complete", done)
        assert first["status"] == "done" and first["completed_by"] == action["who"], self.where
        self.completed_by[first["id"]] = action["who"]
        self.check_members_shown(alias, step, first["id"], action)

    def do_step(self, alias: str, action: dict[str, Any]) -> None:
        who = action["who"]
        self.readers.setdefault(alias, who)
        task = self.live_task(alias, who, action, "step")
        assert task["kind"] == "work", f"{self.where}: {task['step']} is a {task['kind']}"
        refused = self.check_people(action, task["role"])
        mine = {t["id"] for t in self.api.get(who, "/tasks/mine")}
        assert task["id"] in mine, f"{self.where}: not in the Tugas Saya of {who}"
        body = {
            "data": self.data(self.spec.step(task["step"]), action),
            "decision": str(action.get("decision", "")),
            "requirements": self.requirements(action, list(task["step_requirements"])),
            "attachments": [],
        }
        path = f"/tasks/{task['id']}"
        for username in refused:
            assert task["id"] not in {t["id"] for t in self.api.get(username, "/tasks/mine")}
            self.api.post(username, f"{path}/claim", status=403)
            self.api.post(username, f"{path}/complete", body, status=403)
        claimed = self.api.post(who, f"{path}/claim")
        assert (claimed["status"], claimed["assignee"]) == ("claimed", who), self.where
        for name, files in (action.get("files") or {}).items():
            body["data"][name] = [
                self.api.upload(who, self.cases[alias], f, task["id"]) for f in files
            ]
        # A step that waits for its letter: the officers write, initial and sign it first
        # (the letters' own scenarios are in trantib/letters/tests).
        letter_bring(
            Task.objects.get(pk=task["id"]),
            now=timezone.now(),
            data=body["data"],
            decision=body["decision"],
        )
        done = self.api.post(who, f"{path}/complete", body)
        assert (done["status"], done["completed_by"]) == ("done", who), self.where
        if "decision" in action:
            assert done["decision"].casefold() == str(action["decision"]).casefold(), self.where
        assert done["duration_seconds"] is not None, self.where
        assert sorted(done["requirements_checked"]) == sorted(body["requirements"]), self.where
        self.completed_by[task["id"]] = who
        self.check_members_shown(alias, self.spec.step(task["step"]), task["id"], action)
        # Once done, the task is nobody's to complete again.
        self.api.post(who, f"{path}/complete", body, status=409)

    def do_wait(self, alias: str, action: dict[str, Any]) -> None:
        who = action["who"]
        self.readers.setdefault(alias, who)
        task = self.live_task(alias, who, action, "wait")
        assert task["kind"] == "wait", f"{self.where}: {task['step']} is a {task['kind']}"
        assert task["standard"] == action["deadline"], (self.where, task["standard"])
        assert who in self.holders(task["role"]), f"{self.where}: {who} does not watch the wait"
        # Nobody completes a wait by hand, not even the holder of its position.
        self.api.post(who, f"/tasks/{task['id']}/complete", {"data": {}}, status=409)
        due = dt.datetime.fromisoformat(task["due_at"])
        if self.spec.step(task["step"]).starts_at:
            self.wait_due[task["id"]] = self.check_wait_due(alias, task, due)
        before = services.deadlines_sweep(now=due - dt.timedelta(minutes=1))
        assert before.fired == 0, f"{self.where}: a wait fired before its deadline"
        still = [t for t in self.case(alias, who)["tasks"] if t["id"] == task["id"]]
        assert still[0]["status"] in LIVE, self.where
        after = services.deadlines_sweep(now=due + dt.timedelta(minutes=1))
        assert after.fired == 1, f"{self.where}: {after.fired} waits fired, expected this one"
        fired = [t for t in self.case(alias, who)["tasks"] if t["id"] == task["id"]]
        assert fired[0]["status"] == "done" and fired[0]["completed_by"] is None, self.where

    def check_wait_due(self, alias: str, task: dict[str, Any], due: dt.datetime) -> dt.datetime:
        """A wait timed from a recorded date (``starts_at``) is due from that day's opening
        hour on the SOP's calendar, never from the moment the date was saved."""
        step = self.spec.step(task["step"])
        assert step.deadline is not None, self.where
        offered = Task.objects.get(pk=task["id"]).created_at  # the API does not show it
        source, name = step.starts_at.split(".")
        records = [r for r in self.case(alias)["file"] if r["step"] == source]
        assert records, f"{self.where}: nothing recorded at {source} for {step.starts_at}"
        (value,) = [f["value"] for f in records[-1]["fields"] if f["name"] == name]
        zone = self.unit.zone()
        start = dt.datetime.combine(dt.date.fromisoformat(value), self.spec.calendar.opens, zone)
        expected = self.spec.calendar.due(start, step.deadline, zone)
        assert expected is not None and due == expected, (self.where, due, expected)
        from_offer = self.spec.calendar.due(offered, step.deadline, zone)
        assert due != from_offer, f"{self.where}: record a delivery day before today"
        return expected

    def data(self, step: Step, action: dict[str, Any]) -> dict[str, Any]:
        """The action's data as the API takes it: dates relative to the unit's today filled
        in, the usernames of a ``members`` field turned into person ids."""
        today = timezone.localdate(timezone.now(), self.unit.zone())
        data = _jsonable(_relative_dates(action.get("data") or {}, today))
        for f in step.records:
            if f.type is FieldType.MEMBERS and f.name in data:
                data[f.name] = [self.person(u, f.name).pk for u in data[f.name]]
        return dict(data)

    def person(self, username: str, field_name: str) -> Person:
        found = Person.objects.filter(user__username=username).first()
        assert found is not None, f"{self.where}: {field_name}: no user {username!r}"
        return found

    def check_members_shown(
        self, alias: str, step: Step, task_id: int, action: dict[str, Any]
    ) -> None:
        """The case file names each person a ``members`` field recorded."""
        wanted = {
            f.name: [self.person(u, f.name).full_name for u in (action.get("data") or {})[f.name]]
            for f in step.records
            if f.type is FieldType.MEMBERS and f.name in (action.get("data") or {})
        }
        if not wanted:
            return
        (record,) = [r for r in self.case(alias)["file"] if r["task"] == task_id]
        shown = {f["name"]: f for f in record["fields"]}
        for name, people in wanted.items():
            assert shown[name]["type"] == "members", (self.where, shown[name])
            for person in people:
                assert person in shown[name]["text"], (self.where, person, shown[name]["text"])

    def requirements(self, action: dict[str, Any], of_step: list[str]) -> list[str]:
        wanted = action.get("requirements") or []
        return of_step if wanted == "all" else list(wanted)

    # expectations

    def expect(self, alias: str, expect: dict[str, Any]) -> None:
        if not expect:
            return
        case = self.case(alias)
        if "active" in expect:
            active = sorted(_label(t) for t in self.live(case))
            assert active == sorted(expect["active"]), (self.where, active)
        if "status" in expect:
            assert case["status"] == expect["status"], (self.where, case["status"])
        if "children" in expect:
            self.adopt(case, dict(expect["children"]))

    def adopt(self, parent: dict[str, Any], wanted: dict[str, str]) -> None:
        """Name the linked cases a sub-procedure opened, by the line that opened each."""
        reader = self.readers[next(a for a, i in self.cases.items() if i == parent["id"])]
        assert len(parent["children"]) == len(wanted), (self.where, parent["children"])
        children = [self.api.get(reader, f"/cases/{c['id']}") for c in parent["children"]]
        for alias, item in wanted.items():
            found = [c for c in children if c["subject"].endswith(f"— {item}")]
            assert len(found) == 1, f"{self.where}: no linked case for {item!r}"
            child = found[0]
            assert child["parent"] == parent["number"] and child["status"] == "open", self.where
            assert child["sop"] == self.spec.code, self.where
            self.cases[alias], self.readers[alias] = child["id"], reader

    # the end

    def finish(self) -> None:
        self.where = f"{self.name} at the end"
        for alias in self.cases:
            case = self.case(alias)
            assert case["status"] == "closed" and case["closed_at"], (self.where, alias)
            for task in case["tasks"]:
                what = (self.where, alias, task["step"], task["occurrence"])
                assert task["status"] == "done", what
                assert task["completed_at"] and task["duration_seconds"] is not None, what
                if task["kind"] == "work":
                    assert task["completed_by"] == self.completed_by.get(task["id"]), what
                elif task["kind"] == "wait":
                    step = self.spec.step(task["step"])
                    assert step.deadline is not None, what
                    if step.starts_at:  # no earlier than its deadline from the recorded day
                        fired = dt.datetime.fromisoformat(task["completed_at"])
                        assert fired >= self.wait_due[task["id"]], what
                    else:
                        minutes = step.deadline.upper_minutes
                        assert task["duration_seconds"] >= minutes * 60, what
            events = self.api.get(self.readers[alias], f"/cases/{case['id']}/events")
            assert [e["seq"] for e in events] == list(range(1, len(events) + 1)), self.where
        verified = chain_verify()
        assert verified.ok, [str(p) for p in verified.problems]


@pytest.fixture
def api(demo_org: Any) -> Api:
    return Api(Client())


def _runnable(path: Path) -> Any:
    """A scenario the product cannot play yet says why under ``pending``: it must fail (a
    strict xfail), so the marker goes the day the gap is closed."""
    pending = str(_load(path).get("pending") or "")
    marks = [pytest.mark.xfail(strict=True, raises=AssertionError, reason=pending)]
    return pytest.param(path, id=path.stem, marks=marks if pending else [])


@pytest.mark.django_db
@pytest.mark.parametrize("path", [_runnable(p) for p in _scenario_files()])
def test_the_scenario_runs_through_the_api_as_the_right_people(api: Api, path: Path) -> None:
    Runner(api=api, name=path.name, scenario=_load(path)).run()


# -- coverage -----------------------------------------------------------------------------


def _branches_taken(code: str) -> set[tuple[str, str]]:
    taken: set[tuple[str, str]] = set()
    for path in _scenario_files():
        scenario = _load(path)
        if scenario["sop"] != code:
            continue
        for _number, action in _actions(scenario):
            if "decision" in action:
                taken.add((str(action["step"]), str(action["decision"]).casefold()))
    return taken


def _branches_of(spec: SOPSpec) -> set[tuple[str, str]]:
    return {
        (step.id, branch.label.casefold())
        for step in spec.steps
        if step.kind is StepKind.DECISION
        for branch in step.branches
    }


@pytest.mark.parametrize("code", SEED_SOPS)
def test_each_seed_sop_has_a_scenario(code: str) -> None:
    assert any(_load(p)["sop"] == code for p in _scenario_files()), code


@pytest.mark.parametrize("code", SEED_SOPS)
def test_the_scenarios_take_every_decision_branch_of_each_seed_sop(code: str) -> None:
    spec = registry.get(code)
    missing = _branches_of(spec) - _branches_taken(code)
    assert not missing, f"{code}: no scenario takes {sorted(missing)}"
    unknown = _branches_taken(code) - _branches_of(spec)
    assert not unknown, f"{code}: scenarios take branches the SOP does not have: {unknown}"


def _steps_taken(code: str) -> set[str]:
    return {
        str(action[kind])
        for path in _scenario_files()
        if (scenario := _load(path))["sop"] == code
        for _number, action in _actions(scenario)
        for kind in ACTION_KINDS
        if kind in action
    }


@pytest.mark.parametrize("code", SEED_SOPS)
def test_the_scenarios_do_every_step_and_start_at_every_entry_of_each_seed_sop(code: str) -> None:
    spec = registry.get(code)
    missing = [s.id for s in spec.steps if s.id not in _steps_taken(code)]
    assert not missing, f"{code}: no scenario does {missing}"
    started = {
        str(action["start"])
        for path in _scenario_files()
        if (scenario := _load(path))["sop"] == code
        for _number, action in _actions(scenario)
        if "start" in action
    }
    assert {s.id for s in runtime.entries(spec)} <= started, f"{code}: started at {started}"


def test_every_scenario_file_names_a_seed_sop_and_known_steps() -> None:
    for path in _scenario_files():
        scenario = _load(path)
        assert path.name.startswith(f"{scenario['sop']}-"), path.name
        spec = registry.get(scenario["sop"])
        for number, action in _actions(scenario):
            (kind,) = [k for k in ACTION_KINDS if k in action]
            step = spec.step(str(action[kind]))  # KeyError names an unknown step
            assert action.get("who"), (path.name, number)
            if kind == "wait":
                assert step.kind is StepKind.WAIT, (path.name, number)
            elif kind == "step":
                assert step.kind is not StepKind.WAIT, (path.name, number)
