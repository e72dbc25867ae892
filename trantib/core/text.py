"""Text checks every input door shares: the pages, the API, the SMS and Open311 doors and the
engine's step data. Pure Python (the engine uses it too), no Django.

Two strengths, one definition:

- **control characters** (the default): C0 controls but tab, newline and carriage return, DEL,
  NUL and lone surrogates — what a person cannot have meant to type into a field;
- **unstorable only** (``unstorable_only=True``): NUL, which PostgreSQL cannot store in text,
  and lone surrogates, which are not UTF-8. Step data keeps other controls as typed.

``XML_INVALID`` is what XML 1.0 cannot carry at all (the BPMN and Open311 XML writers).
"""

from __future__ import annotations

import re
from typing import Any

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# The same rule as a JSON-schema pattern, for the API's OpenAPI document (pydantic checks it).
NO_NUL_PATTERN = r"^[^\x00]*$"


def has_control_characters(value: Any, *, unstorable_only: bool = False) -> bool:
    """True when any string in ``value`` (a string, or a dict's keys and values, or a list,
    nested) holds a control character (see the module docstring for the two strengths)."""
    pattern = UNSTORABLE if unstorable_only else CONTROL
    if isinstance(value, str):
        return pattern.search(value) is not None
    if isinstance(value, dict):
        return any(
            has_control_characters(k, unstorable_only=unstorable_only)
            or has_control_characters(v, unstorable_only=unstorable_only)
            for k, v in value.items()
        )
    if isinstance(value, list | tuple):
        return any(has_control_characters(v, unstorable_only=unstorable_only) for v in value)
    return False
