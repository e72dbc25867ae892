"""Property: whatever is done to a valid SOP file, the loader either loads it or raises
SOPValidationError whose every problem names a line and a field — never anything else."""

from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trantib.engine.errors import SOPValidationError
from trantib.engine.loader import load_text

from .sop_text import VALID

LIBRARY = Path(__file__).resolve().parents[2] / "sops" / "library"
SOURCES = [VALID] + [p.read_text(encoding="utf-8") for p in sorted(LIBRARY.rglob("*.yaml"))]
YAML_NOISE = st.text(alphabet=":-[]{}&*!|>'\"%@`#,? \t\n\\0aZ9é\x00\x85\u2028", max_size=12)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_loads_or_explains(text: str) -> None:
    try:
        spec, warnings = load_text(text, "mutant.yaml")
    except SOPValidationError as exc:
        assert exc.errors, "a validation error must carry at least one error"
        for problem in exc.problems:
            assert problem.line >= 1
            assert problem.field
            assert problem.message
        return
    assert spec.steps and spec.roles
    for warning in warnings:
        assert warning.line >= 1


@st.composite
def text_mutants(draw: st.DrawFn) -> str:
    lines = draw(st.sampled_from(SOURCES)).splitlines(keepends=True)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        if not lines:
            break
        i = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "indent", "cut"]))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "insert":
            pos = draw(st.integers(min_value=0, max_value=len(lines[i])))
            lines[i] = lines[i][:pos] + draw(YAML_NOISE) + lines[i][pos:]
        elif op == "indent":
            lines[i] = draw(st.sampled_from([" ", "  ", "\t", ""])) + lines[i].lstrip()
        else:
            lines = lines[:i]
    return "".join(lines)


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 10**6) | st.text(max_size=15) | st.dates(),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            found += _paths(child, (*prefix, i))
    return found


@st.composite
def data_mutants(draw: st.DrawFn) -> str:
    data = yaml.safe_load(draw(st.sampled_from(SOURCES)))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(_paths(data)[1:]))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(JSONISH)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@SETTINGS
@given(text_mutants())
def test_text_mutations_of_valid_files_only_ever_raise_validation_errors(text):
    assert_loads_or_explains(text)


@SETTINGS
@given(data_mutants())
def test_data_mutations_of_valid_files_only_ever_raise_validation_errors(text):
    assert_loads_or_explains(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_only_ever_raises_validation_errors(text):
    assert_loads_or_explains(text)
