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
