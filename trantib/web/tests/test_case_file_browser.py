"""Each seed SOP walked through the pages in a real Chromium, one story per SOP: whatever an
officer records at a step is on the case page, in the form of the next step (the facts at the
point of decision), and in ``GET /api/v1/cases/{id}``.

The stories are the scenario files the API suite plays (``cases/tests/scenarios``): here the
named person starts the case from the start page and completes each task from the case page,
filling the inputs the step's spec draws (``data.<field>``, a place's parts, the requirement
checkboxes, the decision buttons, files). A wait passes by the clock, the outside world
(``deadlines_sweep(now=…)``). After each action the test reads every value recorded so far,
as the case file writes it, on the page and in the API.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from trantib.accounts.models import OrgUnit, Person
from trantib.cases import services
from trantib.cases.models import Case, Task, TaskStatus
from trantib.cases.tests.test_scenarios import FILE_BODIES, SCENARIOS, _load, _relative_dates
from trantib.core.dates import date_id
from trantib.demo import DEMO_PASSWORD
from trantib.demo.letters import letter_bring
from trantib.engine.spec import FieldType, RecordField, SOPSpec, Step
from trantib.sops import registry

pytestmark = pytest.mark.browser

# One story per seed SOP: the shortest that still passes a decision or a repeated step.
STORIES = {
    "PPW": "PPW-patroli-tanpa-temuan.yaml",
    "PPL": "PPL-tanpa-koreksi.yaml",
    "PGD": "PGD-pengaduan-ditindaklanjuti.yaml",
    "POLMAS": "POLMAS-pos-mantap-satria-khidmat.yaml",
    "PUR": "PUR-tanpa-koreksi.yaml",
}
MIME = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".png": "image/png"}


def texts_of(f: RecordField, value: Any) -> list[str]:
    """The words of a recorded value a reader must find: the text of each part, dates the
    Indonesian way ("5 Maret 2026"), a yes as "Ya", the unit's people by name."""
    if f.type is FieldType.MEMBERS:
        return [Person.objects.get(user__username=u).full_name for u in value]
    if f.type is FieldType.BOOLEAN:
        return ["Ya"] if value else ["Tidak"]
    if f.type is FieldType.DATE:
        return [date_id(dt.date.fromisoformat(str(value)[:10]))]
    if f.type is FieldType.DATETIME:
        return [date_id(dt.date.fromisoformat(str(value)[:10]))]
    if f.type is FieldType.LOCATION:
        return [value["address"]] if isinstance(value, dict) else [str(value)]
    if f.type is FieldType.PERSON:
        return [value["nama"]] if isinstance(value, dict) else [str(value)]
    if isinstance(value, list):  # a patrol schedule's dates the Indonesian way too
        return [date_id(v) if isinstance(v, dt.date) else str(v) for v in value]
    return [str(value)]


def raw_of(f: RecordField, value: Any) -> list[str]:
    """The value as the API carries it: ISO dates, each part of a place or a person."""
    if f.type is FieldType.BOOLEAN:
        return []
    if f.type is FieldType.MEMBERS:
        return [Person.objects.get(user__username=u).full_name for u in value]
    if f.type in (FieldType.DATE, FieldType.DATETIME):
        return [str(value)[:10]]
    if isinstance(value, dict):
        return [str(v) for k, v in value.items() if k in ("address", "nama")]
    if isinstance(value, list):
        return [str(v) for v in value]
    return [json.dumps(value, ensure_ascii=False).strip('"')]


@dataclass
class Record:
    """What the story recorded at one step of one case."""

    step: str
    texts: list[str]  # as a reader finds them on the page
    raw: list[str]  # as the API carries them


@dataclass
class Story:
    page: Page
    base: str
    name: str
    user: str = ""
    tokens: dict[str, str] = field(default_factory=dict)
    cases: dict[str, Case] = field(default_factory=dict)  # alias -> case
    records: dict[str, list[Record]] = field(default_factory=dict)  # alias -> what it recorded

    def __post_init__(self) -> None:
        self.scenario = _load(SCENARIOS / self.name)
        self.spec: SOPSpec = registry.get(self.scenario["sop"])

    # the browser and the API, as a person

    def as_user(self, username: str) -> None:
        if username == self.user:
            return
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        context = self.page.context
        context.clear_cookies()
        cookie = client.cookies["sessionid"].value
        context.add_cookies([{"name": "sessionid", "value": cookie, "url": self.base}])
        self.user = username

    def api_case(self, case: Case) -> str:
        client = Client()
        if self.user not in self.tokens:
            answer = client.post(
                "/api/v1/auth/token",
                {"username": self.user, "password": DEMO_PASSWORD},
                content_type="application/json",
            )
            assert answer.status_code == 201, answer.content
            self.tokens[self.user] = answer.json()["token"]
        response = client.get(
            f"/api/v1/cases/{case.pk}",
            headers={"Authorization": f"Bearer {self.tokens[self.user]}"},
        )
        assert response.status_code == 200, response.content
        return json.dumps(response.json(), ensure_ascii=False)

    # filling a step's inputs

    def fill(self, form: Locator, step: Step, action: dict[str, Any]) -> Record:
        unit = OrgUnit.objects.get(code=self.scenario["unit"])
        today = timezone.localdate(timezone.now(), unit.zone())
        data = dict(_relative_dates(action.get("data") or {}, today))
        record = Record(step=step.id, texts=[], raw=[])
        filled = services.step_filled(step)  # a letter's number: shown, not asked (issue 11)
        for f in step.records:
            if f.name in filled:
                continue
            if f.name in (action.get("files") or {}):
                files = action["files"][f.name]
                form.locator(f'[name="data.{f.name}"]').set_input_files(
                    [
                        {
                            "name": n,
                            "mimeType": MIME[Path(n).suffix],
                            "buffer": FILE_BODIES[Path(n).suffix],
                        }
                        for n in files
                    ]
                )
                record.texts += files
                continue
            if f.name not in data:
                continue
            value = data[f.name]
            self.fill_one(form, f, value)
            record.texts += texts_of(f, value)
            record.raw += raw_of(f, value)
        wanted = action.get("requirements") or []
        for box in form.locator('input[name="requirements"]').all():
            if wanted == "all" or box.get_attribute("value") in wanted:
                box.check()
        return record

    def fill_one(self, form: Locator, f: RecordField, value: Any) -> None:
        name = f"data.{f.name}"
        if f.type is FieldType.MEMBERS:  # the unit's people, ticked by their person id
            for username in value:
                person = Person.objects.get(user__username=username)
                form.locator(f'[name="{name}"][value="{person.pk}"]').check()
        elif f.type is FieldType.BOOLEAN:
            if value:
                form.locator(f'[name="{name}"]').check()
        elif f.type is FieldType.CHOICE:
            form.locator(f'[name="{name}"]').select_option(label=str(value))
        elif f.type in (FieldType.LOCATION, FieldType.PERSON):
            parts = value if isinstance(value, dict) else {"address": value, "nama": value}
            for key, part in parts.items():
                box = form.locator(f'[name="{name}.{key}"]')
                if box.count():
                    box.fill(str(part))
        elif f.type is FieldType.LIST:
            lines = value if isinstance(value, list) else [value]
            form.locator(f'[name="{name}"]').fill("\n".join(str(v) for v in lines))
        elif f.type is FieldType.DATETIME:
            moment = dt.datetime.fromisoformat(str(value))
            box = form.locator(f'[name="{name}"]')
            if box.get_attribute("type") == "datetime-local":
                box.fill(moment.strftime("%Y-%m-%dT%H:%M"))
            else:
                box.fill(f"{moment.day}/{moment.month}/{moment.year} {moment:%H.%M}")
        elif f.type is FieldType.DATE:
            day = dt.date.fromisoformat(str(value))
            box = form.locator(f'[name="{name}"]')
            if box.get_attribute("type") == "date":
                box.fill(day.isoformat())
            else:
                box.fill(f"{day.day}/{day.month}/{day.year}")
        else:
            form.locator(f'[name="{name}"]').fill(str(value))

    # the actions

    def start(self, alias: str, action: dict[str, Any]) -> None:
        step = self.spec.step(action["start"])
        self.as_user(action["who"])
        entry = "" if step is self.spec.start else f"&entry={step.id}"
        unit = self.scenario["unit"]
        self.page.goto(f"{self.base}/kasus/baru/?sop={self.spec.code}&unit={unit}{entry}")
        form = self.page.locator("form.start-form")
        form.locator('[name="subject"]').fill(action["subject"])
        record = self.fill(form, step, action)
        form.locator('button[type="submit"].primary').click()
        self.page.wait_for_url(f"{self.base}/kasus/*/")
        case = Case.objects.get(pk=int(self.page.url.rstrip("/").rsplit("/", 1)[1]))
        assert case.sop_code == self.spec.code
        self.cases[alias], self.records[alias] = case, [record]
        held = Task.objects.filter(case=case, step_id=step.id, status=TaskStatus.OPEN).first()
        if held is not None:
            # The first step waits for its letter (PPW v3's Surat Tugas): the letter is written,
            # then the step is done from the case page, its form showing the start's values.
            letter_bring(held, now=timezone.now(), data=action.get("data"))
            self.page.goto(f"{self.base}/kasus/{case.pk}/?tugas={held.pk}")
            panel = self.page.locator(f"#tugas-{held.pk}")
            panel.locator('form.step-form button[type="submit"].primary').click()
            self.page.wait_for_url(f"{self.base}/kasus/{case.pk}/*")
            held.refresh_from_db()
            assert held.status == TaskStatus.DONE, (self.name, step.id, self.page.url)

    def live(self, case: Case, step_id: str, occurrence: str = "") -> Task:
        tasks = Task.objects.filter(
            case=case, step_id=step_id, status__in=[TaskStatus.OPEN, TaskStatus.CLAIMED]
        )
        if occurrence:
            tasks = tasks.filter(occurrence=occurrence)
        (task,) = tasks
        return task

    def step(self, alias: str, action: dict[str, Any]) -> None:
        case = self.cases[alias]
        task = self.live(case, action["step"], str(action.get("occurrence", "")))
        self.as_user(action["who"])
        self.page.goto(f"{self.base}/kasus/{case.pk}/?tugas={task.pk}")
        panel = self.page.locator(f"#tugas-{task.pk}")
        # The facts at the point of decision: every earlier step's values in the form's panel
        # (another occurrence of the same repeated step runs beside it, not before it), and
        # the values of the step just before it open, visible.
        earlier = [r for r in self.records[alias] if r.step != task.step_id]
        if earlier:
            for text in earlier[-1].texts:
                expect(panel).to_contain_text(text)
        shown = panel.text_content() or ""
        for record in earlier:
            for text in record.texts:
                assert text in shown, (self.name, record.step, text, f"not in {task.step_id}")
        form = panel.locator("form.step-form")
        record = self.fill(form, self.spec.step(task.step_id), action)
        # A step that waits for its letter: the officers write, initial and sign it first.
        letter_bring(
            task,
            now=timezone.now(),
            data=action.get("data"),
            decision=str(action.get("decision", "")),
        )
        if "decision" in action:
            form.locator(f'button[name="decision"][value="{action["decision"]}" i]').click()
        else:
            form.locator('button[type="submit"].primary').click()
        self.page.wait_for_url(f"{self.base}/kasus/{case.pk}/*")
        task.refresh_from_db()
        assert task.status == TaskStatus.DONE, (self.name, task.step_id, self.page.url)
        self.records[alias].append(record)

    def wait(self, alias: str, action: dict[str, Any]) -> None:
        task = self.live(self.cases[alias], action["wait"])
        assert task.due_at is not None
        fired = services.deadlines_sweep(now=task.due_at + dt.timedelta(minutes=1))
        assert fired.fired == 1

    def check(self, alias: str) -> None:
        """Every value recorded so far in the case: on its page and in the API."""
        case = self.cases[alias]
        self.page.goto(f"{self.base}/kasus/{case.pk}/")
        text = self.page.locator("#berkas").text_content() or ""
        api = self.api_case(case)
        for record in self.records[alias]:
            for value in record.texts:
                assert value in text, (self.name, record.step, value, "not in the case file")
            for value in record.raw:
                assert value in api, (self.name, record.step, value, "not in GET /cases/{id}")

    def run(self) -> list[Case]:
        for action in self.scenario["actions"]:
            alias = str(action.get("case", "main"))
            if "start" in action:
                self.start(alias, action)
            elif "step" in action:
                self.step(alias, action)
            else:
                self.wait(alias, action)
            self.check(alias)
        return list(self.cases.values())


@pytest.fixture
def library_for(tmp_path: Any, settings: Any) -> Any:
    """The library a story runs on. PPW's story types its schedule and its patrols, as the
    months started before issue 12 do (version 2): version 3 fills them from the month's
    patrol plan and the team's daily reports, a story of its own in
    ``trantib/patrols/tests/test_browser.py``."""
    import shutil
    from pathlib import Path

    import trantib

    def use(code: str) -> None:
        if code != "PPW":
            return
        copy = tmp_path / "library"
        shutil.copytree(Path(trantib.__file__).parent / "sops" / "library", copy)
        (copy / "patroli" / "PPW.v3.yaml").unlink()
        settings.TRANTIB_SOP_LIBRARY = copy
        registry.reload()
        assert registry.get("PPW").version == 2

    yield use
    registry.library.cache_clear()


@pytest.mark.parametrize("code", sorted(STORIES))
def test_what_each_step_records_is_on_the_case_page_in_the_next_form_and_in_the_api(
    browser_page: Page, live_server: LiveServer, demo_org: Any, code: str, library_for: Any
) -> None:
    library_for(code)
    cases = Story(browser_page, live_server.url, STORIES[code]).run()
    assert cases
    for case in cases:
        case.refresh_from_db()
        assert case.status == "closed", case.number
