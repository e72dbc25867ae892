"""Helpers that were written several times have one definition left, used everywhere:
the control-character check, the phone normaliser, the key digest, the table printer and the
person behind a request. Read from the source (``ast``); tests and migrations left out."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

import trantib

ROOT = Path(trantib.__file__).parent


def _sources() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT.parent).parts
        if "tests" in parts or "migrations" in parts:
            continue
        yield "/".join(parts), ast.parse(path.read_text(encoding="utf-8"))


def _where(predicate: type[ast.AST], test: object) -> set[str]:
    found = set()
    for name, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, predicate) and test(node):  # type: ignore[operator]
                found.add(name)
    return found


def _call_to(node: ast.Call, name: str) -> bool:
    func = node.func
    return (isinstance(func, ast.Attribute) and func.attr == name) or (
        isinstance(func, ast.Name) and func.id == name
    )


def test_control_characters_are_defined_once() -> None:
    control = {chr(c) for c in (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)}
    places = _where(
        ast.Constant,
        lambda n: isinstance(n.value, str) and bool(control & set(n.value)),
    )
    assert places == {"trantib/core/text.py"}


def test_phone_numbers_are_normalised_in_one_module() -> None:
    places = _where(
        ast.FunctionDef,
        lambda n: any(word in n.name for word in ("phone", "mobile", "msisdn")),
    )
    assert places == {"trantib/core/phones.py"}
    # Nor a pattern of Indonesian numbers (+62, 08…) compiled anywhere else.
    patterns = _where(
        ast.Call,
        lambda n: _call_to(n, "compile") and "62" in ast.unparse(n),
    )
    assert patterns == {"trantib/core/phones.py"}


def test_keys_are_digested_in_one_function() -> None:
    places = _where(
        ast.Call,
        lambda n: (
            _call_to(n, "encode")
            and any(isinstance(a, ast.Constant) and a.value == "surrogatepass" for a in n.args)
        ),
    )
    assert places == {"trantib/core/keys.py"}
    assert _where(ast.Call, lambda n: _call_to(n, "token_urlsafe")) == {"trantib/core/keys.py"}


def test_plain_text_tables_are_printed_by_one_function() -> None:
    assert _where(ast.Call, lambda n: _call_to(n, "ljust")) == {"trantib/core/cli.py"}
    assert _where(ast.Call, lambda n: _call_to(n, "rjust")) <= {"trantib/core/cli.py"}
    # Columns padded by a format spec ({x:<8}) are a table printed by hand.
    padded = _where(
        ast.FormattedValue,
        lambda n: n.format_spec is not None and re.search(r"[<>^]\d", ast.unparse(n.format_spec)),
    )
    assert padded <= {"trantib/core/cli.py"}


def test_the_person_behind_a_request_is_found_in_one_place() -> None:
    def from_request(node: ast.Call) -> bool:
        text = ast.unparse(node)
        return _call_to(node, "person_for_user") and ("request" in text or "self.user" in text)

    assert _where(ast.Call, from_request) == {"trantib/accounts/middleware.py"}
    assert "trantib.accounts.middleware.PersonMiddleware" in settings.MIDDLEWARE


def test_absolute_links_are_made_by_one_function() -> None:
    """The public-or-served address of a link that leaves the site (citizen status pages,
    notices by e-mail or SMS, Open311) is read in one place."""
    places = _where(
        ast.Constant,
        lambda n: n.value in ("TRANTIB_PUBLIC_URL", "TRANTIB_SERVED_URL"),
    )
    assert places <= {"trantib/core/links.py", "trantib/core/management/commands/serve.py"}
    assert "trantib/core/links.py" in places
