"""The large-history generator (``bench/history.py``) writes rows the product accepts: run on a
small size and a short window on its own PostgreSQL database, every event chain verifies with
the product's own ``chain_verify``, every row keeps the rules the services keep (the foreign
keys are checked again when the generator puts them back), and the counts are those asked.
No timing is asserted: the numbers belong in docs/PERFORMANCE.md."""

from __future__ import annotations

import os
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

from bench import history

pytestmark = pytest.mark.postgres

SOPS = {"PGD", "PPW", "PPL", "PUR", "POLMAS"}


@pytest.fixture
def history_url():
    base = os.environ["DATABASE_URL"]
    url = urlunsplit(urlsplit(base)._replace(path=f"/trantib_history_test_{uuid.uuid4().hex[:8]}"))
    yield url
    history.database_drop(url)


def test_the_generator_writes_a_consistent_history_and_reuses_it(history_url, tmp_path):
    var = str(tmp_path / "var")
    size = 2500
    made = history.ensure(
        url=history_url, size=size, first_day="2026-09-01", var_dir=var, log=lambda _: None
    )

    assert made["reused"] is False
    checked = history.verify(url=history_url, var_dir=var)

    # Every case's chain recomputes with the product's own hashing; none is broken.
    assert checked["problems_total"] == 0, checked["chain_problems"]
    assert checked["chain_events"] == checked["totals"]["cases_event"] > 0
    assert checked["chain_cases"] == checked["totals"]["cases_case"]
    # Every rule the services keep holds on every row.
    assert checked["inconsistent"] == dict.fromkeys(history.CONSISTENCY, 0)
    # What was asked: 30 units, cases of every seed SOP, about ``size`` cases (the planned
    # starts are rounded at random per day), more events than cases, the COPY counts kept.
    assert checked["units"] == 30
    assert set(checked["by_sop"]) == SOPS
    assert 0.85 * size <= checked["totals"]["cases_case"] <= 1.15 * size
    assert checked["totals"]["cases_event"] > 5 * checked["totals"]["cases_case"]
    for table in ("cases_case", "cases_task", "cases_event", "complaints_complaint"):
        assert made["rows"][table] == checked["totals"][table]
    assert checked["totals"]["complaints_complaint"] == checked["by_sop"]["PGD"]

    # A second run with the same version, size, seed and window finds it and keeps it.
    again = history.ensure(
        url=history_url, size=size, first_day="2026-09-01", var_dir=var, log=lambda _: None
    )
    assert again["reused"] is True

    # The load run (bench/load_pages.py) works on it end to end: officers sign in and read
    # the pages through gunicorn under locust; no timing is asserted, only that it ran. Each
    # officer opens every page once after signing in, and the run stops once every page was
    # asked 3 times (at most 60 s): a slow sign-in on a busy machine leaves no page unasked.
    from bench import load_pages

    out = tmp_path / "PERFORMANCE.md"
    argv = ["--url", history_url, "--size", str(size), "--first-day", "2026-09-01"]
    argv += ["--users", "2", "--spawn-rate", "2", "--pause", "0.05,0.1"]
    argv += ["--each", "3", "--run-time", "60"]
    assert load_pages.main([*argv, "--output", str(out)]) == 0
    text = out.read_text()
    assert load_pages.TITLE in text
    assert "until every page was asked 3 times, at most 60 s" in text
    rows = {line.split(" | ")[0].strip("| "): line for line in text.splitlines() if " | " in line}
    for page in load_pages.PAGES:
        requests, failed = rows[page].split(" | ")[1:3]
        assert int(requests) > 0 and int(failed) == 0, rows[page]
    assert again["rows"] == made["rows"]
