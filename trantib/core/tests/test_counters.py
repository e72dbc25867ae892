"""Gap-free counters: one number after another per key, and a rolled-back number given back."""

from __future__ import annotations

import pytest
from django.db import transaction

from trantib.core.counters import counter_next, counter_peek

pytestmark = pytest.mark.django_db


def test_each_key_counts_on_its_own_from_one():
    assert [counter_next("letter:1:ST:2026") for _ in range(3)] == [1, 2, 3]
    assert counter_next("letter:1:SP:2026") == 1
    assert counter_peek("letter:1:ST:2026") == 3
    assert counter_peek("nothing-yet") == 0


def test_a_number_taken_in_a_rolled_back_transaction_is_given_again():
    counter_next("case:9:PGD:2026")
    with pytest.raises(RuntimeError), transaction.atomic():
        assert counter_next("case:9:PGD:2026") == 2
        raise RuntimeError("the start failed after its number was taken")
    assert counter_next("case:9:PGD:2026") == 2


def test_it_takes_a_number_in_one_statement():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        counter_next("case:9:PPL:2026")
        assert counter_next("case:9:PPL:2026") == 2
    assert len([q for q in queries.captured_queries if "core_counter" in q["sql"]]) == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_second_transaction_waits_for_the_first_and_gets_its_number_back_on_rollback():
    """The row stays locked until the taker's transaction ends: the other one queues behind
    it, and takes the same number when the first rolls back."""
    import threading

    from django.db import connections

    numbers = []
    started, taken = threading.Event(), threading.Event()

    def other() -> None:
        try:
            started.set()
            with transaction.atomic():
                numbers.append(counter_next("case:8:PGD:2026"))
            taken.set()
        finally:
            connections.close_all()

    with transaction.atomic():
        assert counter_next("case:8:PGD:2026") == 1
        thread = threading.Thread(target=other)
        thread.start()
        started.wait(5)
        # The other transaction blocks on the row this one holds.
        assert not taken.wait(0.5)
        transaction.set_rollback(True)
    thread.join(10)
    assert numbers == [1]
    assert counter_peek("case:8:PGD:2026") == 1
