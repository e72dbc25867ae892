"""``Case.late_from``: the first moment a case is late, kept by the services as the steps run.

(Every database test also checks it against the tasks afterwards: ``trantib/conftest.py``.)"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from trantib.cases.models import Case, Task, TaskStatus
from trantib.cases.services import case_cancel
from trantib.cases.tests.test_views import complete, live, start_pgd

pytestmark = pytest.mark.django_db


def _late_from(case: Case) -> dt.datetime | None:
    return Case.objects.values_list("late_from", flat=True).get(pk=case.pk)


def test_a_step_open_sets_it_to_its_due_time_done_in_time_clears_it(demo_org) -> None:
    start = timezone.now() - dt.timedelta(days=20)
    case = start_pgd(demo_org, now=start)
    first = live(case)
    assert first.due_at is not None
    assert _late_from(case) == first.due_at  # late from then, if not done by then
    done = complete(demo_org, case, "staf.krj", now=start + dt.timedelta(minutes=1))
    assert done.completed_at is not None and done.completed_at <= first.due_at
    second = live(case)
    assert _late_from(case) == second.due_at  # the next step's due time now


def test_a_step_done_late_keeps_the_case_late_from_its_due_time(demo_org) -> None:
    start = timezone.now() - dt.timedelta(days=40)
    case = start_pgd(demo_org, now=start)
    first = live(case)
    assert first.due_at is not None
    late = first.due_at + dt.timedelta(days=3)
    complete(demo_org, case, "staf.krj", now=late)
    assert _late_from(case) == first.due_at  # earlier than any later step's due time
    assert Task.objects.get(pk=first.pk).status == TaskStatus.DONE


def test_a_cancelled_case_is_late_only_by_what_was_done_late(demo_org) -> None:
    case = start_pgd(demo_org, now=timezone.now() - dt.timedelta(days=2))
    assert _late_from(case) is not None  # its open step
    case_cancel(case=case, actor=demo_org.person("camat.krj"), reason="Salah catat")
    assert _late_from(case) is None  # the open step was cancelled: nothing counts
