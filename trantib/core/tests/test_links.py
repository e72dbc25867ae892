"""``path_to`` writes the same path as Django's ``reverse``, with any id, prefix and count."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix

from trantib.core.links import path_to

CASES = [
    ("reports:drill", ()),
    ("cases:detail", (1,)),
    ("cases:detail", (9_876_543,)),
    ("community:activity", (42,)),
    ("enforcement:violator_photo", (7, 70)),
]


@pytest.mark.parametrize(("name", "ids"), CASES)
def test_the_same_path_as_reverse(name, ids):
    assert path_to(name, *ids) == reverse(name, args=ids)
    assert path_to(name, *ids) == reverse(name, args=ids)  # remembered, still right


def test_each_id_lands_in_its_own_place():
    first = path_to("enforcement:violator_photo", 12, 345)
    assert first == reverse("enforcement:violator_photo", args=[12, 345])
    assert "/12/" in first and "/345/" in first
    assert path_to("enforcement:violator_photo", 345, 12) != first


def test_a_script_prefix_is_kept_apart():
    plain = path_to("cases:detail", 5)
    set_script_prefix("/trantib/")
    try:
        assert path_to("cases:detail", 5) == "/trantib" + plain
    finally:
        clear_script_prefix()
    assert path_to("cases:detail", 5) == plain


def test_an_unknown_name_is_refused_as_reverse_refuses_it():
    with pytest.raises(NoReverseMatch):
        path_to("reports:no_such_page")
