"""Simultaneous actions on PostgreSQL, each from its own real database connection.

Threads start together at a barrier; each opens its own connection (Django gives every thread
one) and calls the service. The case row lock decides: exactly one completion wins, the others
are told who completed it; concurrent starts take distinct, gap-free numbers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from trantib.accounts.models import OrgUnit, Person
from trantib.cases import services
from trantib.cases.models import Case, Event, Task, TaskStatus
from trantib.core.errors import Conflict
from trantib.demo import demo_org_load

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

N = 8


def _together(n: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(i)`` in ``n`` threads released at the same moment; results or exceptions."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def _pgd_case() -> tuple[Case, Task]:
    case = services.case_start(
        sop_code="PGD",
        unit=OrgUnit.objects.get(code="KRJ"),
        actor=Person.objects.get(user__username="staf.krj"),
        subject="Pengaduan warga",
        data={"saluran": "Telepon", "uraian": "Pedagang berjualan di trotoar"},
    )
    return case, Task.objects.get(case=case, status=TaskStatus.OPEN)


def test_exactly_one_of_many_simultaneous_completions_wins() -> None:
    assert connection.vendor == "postgresql"
    demo_org_load()
    case, task = _pgd_case()
    staf = Person.objects.get(user__username="staf.krj")

    def complete(i: int) -> Task:
        return services.task_complete(task=Task.objects.get(pk=task.pk), actor=staf)

    results = _together(N, complete)
    wins = [r for r in results if isinstance(r, Task)]
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(wins) == 1, results
    assert len(conflicts) == N - 1, results
    assert all(
        "sudah diselesaikan oleh" in c.message and staf.full_name in c.message for c in conflicts
    )
    # The case moved exactly one step: one completion event, one next task.
    assert Event.objects.filter(case=case, type="task_completed").count() == 2  # start + this
    live = Task.objects.filter(case=case, status__in=["open", "claimed"])
    assert [t.step_id for t in live] == ["kasi_teruskan"]


def test_simultaneous_starts_take_distinct_gap_free_numbers() -> None:
    demo_org_load()
    unit = OrgUnit.objects.get(code="KRJ")
    staf = Person.objects.get(user__username="staf.krj")

    def start(i: int) -> str:
        return services.case_start(
            sop_code="PGD",
            unit=unit,
            actor=staf,
            subject=f"Pengaduan {i}",
            data={"saluran": "SMS", "uraian": f"Laporan {i}"},
        ).number

    results = _together(N, start)
    assert all(isinstance(r, str) for r in results), results
    serials = sorted(int(n.rsplit("/", 1)[1]) for n in results)
    assert serials == list(range(1, N + 1))
