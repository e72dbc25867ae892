"""locust: officers of the province history reading the pages of their day.

Each simulated user is one officer (a login of the history, ``trantib-bench``) who signs in
through ``/login/`` and then, with a short pause between pages, opens Tugas Saya, the case
list (first page, and filtered by an SOP and status), a case of the officer's units and the
complaint list. The users, their cases and the pause come from the JSON file named by
``TRANTIB_LOAD_PLAN`` (written by ``bench/load_pages.py``, which starts locust).

Run by ``bench/load_pages.py``; not an entry point of its own.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re

from locust import HttpUser, between, task

PLAN = json.loads(open(os.environ["TRANTIB_LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115
_officers = itertools.cycle(PLAN["officers"])
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


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

    @task(4)
    def my_tasks(self) -> None:
        self.client.get("/tugas/", name="Tugas Saya")

    @task(2)
    def cases(self) -> None:
        self.client.get("/kasus/", name="Daftar kasus")

    @task(2)
    def cases_filtered(self) -> None:
        self.client.get(f"/kasus/?sop={self.me['sop']}&status=open", name="Daftar kasus, disaring")

    @task(4)
    def case(self) -> None:
        self.client.get(f"/kasus/{self.rng.choice(self.me['cases'])}/", name="Halaman kasus")

    @task(2)
    def complaints(self) -> None:
        self.client.get("/pengaduan/", name="Daftar pengaduan")
