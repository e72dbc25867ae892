"""JSON from outside, read with a bound on its nesting.

Python's decoder recurses once per level of nesting: a 2-KB body of ``[`` a thousand deep
raises ``RecursionError`` (not a ``ValueError``), which every door that catches only
``ValueError`` answers with a 500, and what survives the decoder can still exhaust the stack
of a recursive walk later. Every door that reads JSON from outside (the API's parser, the SMS
webhook, the Open311 POST, a page field holding JSON, the CLI's ``--data``, a gateway's
answer) reads it through :func:`json_loads`, which measures the nesting first, without
recursing, and refuses more than :data:`MAX_DEPTH` levels with :class:`JsonTooDeep`, a
``ValueError``: the door's existing "not valid JSON" answer (400) covers it, and
:attr:`JsonTooDeep.message` says why in the user's language.

The measure counts ``[`` and ``{`` outside string literals in one pass over the text; it is
not a validator (the decoder still is), so broken JSON may be measured loosely, never read.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.utils.translation import gettext as _

# The deepest nesting any input of the product needs is a GeoJSON MultiPolygon in a
# FeatureCollection (8 levels); step data holds at most 4. Far more than either, far less
# than the interpreter's recursion limit.
MAX_DEPTH = 32

# A string literal with its escapes, unrolled so that the match is linear; for bytes and text.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_STRING_TEXT = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_A_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
_NOT_A_BRACKET_TEXT = re.compile(r"[^\[\]{}]+")
_OPENERS = frozenset(b"[{") | frozenset("[{")


class JsonTooDeep(ValueError):
    """The text nests arrays and objects deeper than the limit."""

    def __init__(self, limit: int = MAX_DEPTH) -> None:
        super().__init__(f"JSON nested deeper than {limit} levels")
        self.limit = limit

    @property
    def message(self) -> str:
        return _("JSON bersarang terlalu dalam: paling banyak %(n)s tingkat.") % {"n": self.limit}


def json_depth_exceeds(data: str | bytes, limit: int = MAX_DEPTH) -> bool:
    """True when ``data`` nests arrays and objects more than ``limit`` levels deep."""
    brackets: str | bytes
    if isinstance(data, str):
        brackets = _NOT_A_BRACKET_TEXT.sub("", _STRING_TEXT.sub("", data))
    else:
        brackets = _STRING.sub(b"", bytes(data)).translate(None, _NOT_A_BRACKET)
    if len(brackets) <= limit:
        return False
    depth = 0
    for char in brackets:
        if char in _OPENERS:
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def json_loads(data: str | bytes, *, max_depth: int = MAX_DEPTH, **options: Any) -> Any:
    """``json.loads`` for text from outside: :class:`JsonTooDeep` past ``max_depth`` levels,
    ``ValueError`` (``json.JSONDecodeError``, ``UnicodeDecodeError``) for anything not JSON."""
    if json_depth_exceeds(data, max_depth):
        raise JsonTooDeep(max_depth)
    return json.loads(data, **options)
