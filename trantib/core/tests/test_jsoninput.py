"""JSON from outside is measured before it is decoded: past the limit it is refused with a
ValueError, never decoded into a RecursionError."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trantib.core.jsoninput import MAX_DEPTH, JsonTooDeep, json_depth_exceeds, json_loads


def test_a_thousand_levels_are_refused_as_a_value_error_not_a_recursion_error():
    with pytest.raises(ValueError) as refused:
        json_loads("[" * 1000 + "]" * 1000)
    assert isinstance(refused.value, JsonTooDeep) and refused.value.limit == MAX_DEPTH
    with pytest.raises(JsonTooDeep):
        json_loads(b"[" * 100_000)  # unbalanced: measured all the same


def test_the_limit_itself_is_read():
    assert json_loads("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None
    with pytest.raises(JsonTooDeep):
        json_loads("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))


def test_brackets_inside_strings_are_text_not_nesting():
    text = json.dumps({"a": "[" * 1000, "b": '\\"' + "{" * 1000})
    assert json_loads(text)["a"] == "[" * 1000


def test_what_is_not_json_is_still_a_value_error():
    for text in ("{", "[1,]", '"\\u', b"\xff"):
        with pytest.raises(ValueError):
            json_loads(text)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='[]{}"\\ab,:'),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=20,
)


def _depth(value: object) -> int:
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    return 0


@given(json_values, st.integers(min_value=0, max_value=6))
def test_the_measure_agrees_with_the_nesting_of_the_value(value, limit):
    text = json.dumps(value)
    assert json_depth_exceeds(text, limit) == (_depth(value) > limit)
    assert json_depth_exceeds(text.encode(), limit) == (_depth(value) > limit)
