"""Twenty signings in one register at the same moment, each on its own PostgreSQL connection:
twenty distinct, consecutive numbers (the register's counter row is locked by the signing
transaction, so they queue; none shares a number and none is skipped)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from trantib.accounts.models import OrgUnit, Person
from trantib.demo import demo_org_load
from trantib.letters.models import Letter, LetterState
from trantib.letters.services import letter_draft, letter_number, letter_submit

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

N = 20


def _together(n: int, work: Callable[[int], Any]) -> list[Any]:
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
        t.join(timeout=120)
    return results


def test_twenty_simultaneous_signings_take_twenty_consecutive_numbers() -> None:
    assert connection.vendor == "postgresql"
    demo_org_load()
    unit = OrgUnit.objects.get(code="CPD")
    camat = Person.objects.get(user__username="camat.cpd")
    ids = []
    for i in range(N):
        letter = letter_draft(
            unit=unit,
            kind="surat_pemberitahuan",
            actor=camat,
            hal=f"Pemberitahuan {i}",
            signer_role="camat",
            recipient=f"Warga {i}",
            body="Bersama ini kami beritahukan jadwal penertiban.",
        )
        ids.append(letter_submit(letter=letter, actor=camat).pk)

    def sign(i: int) -> str:
        return letter_number(letter=Letter.objects.get(pk=ids[i]), actor=camat).number

    results = _together(N, sign)
    assert all(isinstance(r, str) for r in results), results
    assert len(set(results)) == N
    rows = Letter.objects.filter(pk__in=ids)
    assert {r.state for r in rows} == {LetterState.NUMBERED}
    assert sorted(r.serial for r in rows) == list(range(1, N + 1))
    assert {r.register_id for r in rows} == {rows[0].register_id}
