"""Reading the demo's YAML files, with errors that name the file and the entry.

A demo file is plain YAML (safe loading) plus a few tags for times that depend on when the demo
loads (``!time``, ``!date``, ``!month``, ``!days``, ``!text``; see ``when.py``). Each entry is
read through ``Entry``, which refuses unknown keys and wrong types, so a typo fails with
``trantib/demo/data/cases.yaml: case 'pgd_closed', step 3: unknown key 'dat'`` rather than
with a KeyError deep inside a service.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"
TAGS = ("time", "date", "month", "days", "text")


class DemoDataError(ValueError):
    """A demo file is wrong; the message starts with the file and the entry."""


@dataclass(frozen=True)
class Tagged:
    """A ``!tag value`` scalar, resolved when the demo loads (see ``when.resolve``)."""

    tag: str
    value: str


class _Loader(yaml.SafeLoader):
    pass


def _tag_constructor(tag: str) -> Any:
    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> Tagged:
        if not isinstance(node, yaml.ScalarNode):
            raise yaml.constructor.ConstructorError(
                None, None, f"!{tag} takes one plain value", node.start_mark
            )
        return Tagged(tag, str(loader.construct_scalar(node)))

    return construct


for _tag in TAGS:
    _Loader.add_constructor(f"!{_tag}", _tag_constructor(_tag))


def display(path: Path) -> str:
    """The path as people see it in the repository (``trantib/demo/data/cases.yaml``)."""
    try:
        return str(path.relative_to(DATA_DIR.parents[2]))
    except ValueError:
        return str(path)


@cache
def read(name: str) -> tuple[str, dict[str, Any]]:
    """The file ``data/<name>`` as (displayed path, top-level mapping); read once."""
    path = DATA_DIR / name
    shown = display(path)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 (a SafeLoader)
    except OSError as exc:
        raise DemoDataError(f"{shown}: cannot read it: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise DemoDataError(f"{shown}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise DemoDataError(f"{shown}: expected a mapping at the top")
    return shown, raw


class Entry:
    """One mapping of a demo file and where it is (``file: case 'x', step 3``)."""

    def __init__(self, raw: Any, where: str, *, keys: set[str] | frozenset[str]) -> None:
        if not isinstance(raw, dict):
            raise DemoDataError(f"{where}: expected a mapping, not {raw!r}")
        unknown = sorted(str(k) for k in raw if k not in keys)
        if unknown:
            raise DemoDataError(f"{where}: unknown key {unknown[0]!r}")
        self.raw: dict[str, Any] = raw
        self.where = where

    def error(self, message: str) -> DemoDataError:
        return DemoDataError(f"{self.where}: {message}")

    def has(self, key: str) -> bool:
        return key in self.raw

    def text(self, key: str, default: str | None = None) -> str:
        value = self.raw.get(key, default)
        if value is None:
            raise self.error(f"'{key}' is missing")
        if not isinstance(value, str):
            raise self.error(f"'{key}' must be text (quote numbers), not {value!r}")
        return value

    def flag(self, key: str) -> bool:
        value = self.raw.get(key, False)
        if not isinstance(value, bool):
            raise self.error(f"'{key}' must be true or false, not {value!r}")
        return value

    def number(self, key: str, default: int | None = None) -> int:
        value = self.raw.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(f"'{key}' must be a whole number, not {value!r}")
        return value

    def texts(self, key: str) -> list[str]:
        value = self.raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(f"'{key}' must be a list of texts")
        return value

    def mapping(self, key: str) -> dict[str, Any]:
        value = self.raw.get(key, {})
        if not isinstance(value, dict):
            raise self.error(f"'{key}' must be a mapping")
        return value

    def items(self, key: str) -> list[Any]:
        value = self.raw.get(key, [])
        if not isinstance(value, list):
            raise self.error(f"'{key}' must be a list")
        return value
