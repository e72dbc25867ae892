"""Tugas Saya's groups worked out in the database (``selectors.task_list_mine_grouped``) are
the groups of the rule written in Python (``views.task_sections``, which the XLSX uses): the
same tasks in each group, in the same order, with the same counts, at many moments, for plain
tasks and complaints (whose answer deadline decides), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.urls import reverse
from django.utils import timezone

from trantib.cases import panels, selectors, services, views
from trantib.cases.models import Case, CaseStatus, Task, TaskStatus
from trantib.complaints.models import Category, Complaint
from trantib.complaints.panels import complaint_case_clock_sql, complaint_case_clocks
from trantib.complaints.services import complaint_file
from trantib.demo import complaint_setup_load

from .test_views import client_for, start_pgd

pytestmark = pytest.mark.django_db

KEYS = {
    selectors.GROUP_LATE: "late",
    selectors.GROUP_TODAY: "today",
    selectors.GROUP_LATER: "later",
}


def _complaint(category: Category, days_ago: float, text: str) -> Complaint:
    return complaint_file(
        channel="web",
        category=category,
        description=text,
        kelurahan="Tamansari",
        reporter_name="Wahyu",
        reporter_phone="081229004411",
        now=timezone.now() - dt.timedelta(days=days_ago),
    )


@pytest.fixture
def many_tasks(demo_org) -> list[Case]:
    """Live tasks of the Staf of Kerjo of every kind: plain cases started long ago, yesterday
    and now, one without a due time, one claimed; complaints filed 0–12 days ago, one answered,
    one whose case is closed (no answer clock any more)."""
    now = timezone.now()
    cases = [
        start_pgd(demo_org, subject="Sebulan lalu", now=now - dt.timedelta(days=30)),
        start_pgd(demo_org, subject="Kemarin", now=now - dt.timedelta(days=1)),
        start_pgd(demo_org, subject="Baru saja"),
        start_pgd(demo_org, subject="Baru juga"),
        start_pgd(demo_org, subject="Tanpa batas waktu"),
    ]
    Task.objects.filter(case=cases[-1]).update(due_at=None)
    Case.objects.filter(pk=cases[-1].pk).update(late_from=None)  # as the services keep it
    services.task_claim(
        task=Task.objects.get(case=cases[1], status=TaskStatus.OPEN),
        actor=demo_org.person("staf.krj"),
    )
    # With the complaint setup loaded a PGD case starts from a complaint only.
    complaint_setup_load()
    hiburan = Category.objects.get(code="hiburan")
    complaints = [
        _complaint(hiburan, days, f"Pengaduan {days} hari lalu")
        for days in (0, 0.5, 1, 2, 3, 5, 6, 7, 9, 12)
    ]
    Complaint.objects.filter(pk=complaints[3].pk).update(answered_at=now)
    Case.objects.filter(pk=complaints[4].case_id).update(status=CaseStatus.CLOSED)
    return cases + [c.case for c in complaints]


def _by_python(user, moment: dt.datetime) -> dict[str, list[int]]:
    tasks = list(selectors.task_list_mine(user))
    clocks = panels.case_clocks_for([t.case for t in tasks], moment)
    return {
        key: [task.pk for task, _late in rows]
        for key, _title, rows in views.task_sections(tasks, clocks, moment)
    }


def _by_sql(user, moment: dt.datetime) -> dict[str, list[int]]:
    rows = list(selectors.task_list_mine_grouped(user, now=moment))
    found: dict[str, list[int]] = {}
    for task in rows:
        found.setdefault(KEYS[task.group], []).append(task.pk)
    # The counts the page shows: each group's size, each row's number in it, the total.
    for task in rows:
        group = found[KEYS[task.group]]
        assert task.group_count == len(group)
        assert task.group_row == group.index(task.pk) + 1
        assert task.total == len(rows)
    return found


def _moments() -> Iterator[dt.datetime]:
    now = timezone.now()
    for hours in (0, 0.2, 3, 9, 20, 30, 50, 80, 120, 170, 240, 400, 800):
        yield now + dt.timedelta(hours=hours)


def test_the_groups_counted_in_the_database_are_those_of_the_rule_in_python(
    demo_org, many_tasks
) -> None:
    user = demo_org.user("staf.krj")
    seen: set[str] = set()
    for moment in _moments():
        expected = _by_python(user, moment)
        assert _by_sql(user, moment) == expected, moment
        assert sum(len(ids) for ids in expected.values()) == len(many_tasks)
        seen |= set(expected)
    # The data reach every group at one moment or another.
    assert seen == {"late", "today", "later"}


def test_two_case_clocks_group_as_their_earliest_and_latest_say(demo_org, many_tasks) -> None:
    # A second clock registered (here the same one again): a task is late if one clock is, due
    # today if one is; the database says what Python says.
    panels.case_clock_register(
        "zz_again", clocks=complaint_case_clocks, sql=complaint_case_clock_sql
    )
    try:
        user = demo_org.user("staf.krj")
        for moment in _moments():
            assert _by_sql(user, moment) == _by_python(user, moment), moment
    finally:
        panels._CLOCKS.pop("zz_again")
        panels._CLOCKS_SQL.pop("zz_again")


def test_tugas_saya_past_its_last_page_shows_the_last_page(demo_org, many_tasks) -> None:
    client = client_for(demo_org, "staf.krj")
    first = client.get(reverse("cases:my_tasks")).content.decode()
    for asked in ("9", "0", "-1"):
        again = client.get(reverse("cases:my_tasks"), {"halaman": asked}).content.decode()
        assert again.count('class="task-card') == len(many_tasks)
        assert again.count('class="task-card') == first.count('class="task-card')
    text = client.get(reverse("cases:my_tasks"), {"halaman": "dua"}).content.decode()
    assert text.count('class="task-card') == len(many_tasks)
