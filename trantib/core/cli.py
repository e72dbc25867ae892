"""What every management command shares: error lines, JSON input, attached files, durations,
plain-text tables. (Who is acting — ``--as``, units — is in :mod:`trantib.accounts.cli`.)

Bad input is a :class:`CommandError` with exit status 2 and one line naming the field at fault
(``--unit: no unit 'XYZ'``, ``data.uraian: …``): never a traceback.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from .errors import ServiceError
from .jsoninput import JsonTooDeep, json_loads

BAD_INPUT = 2
_ATTACH = re.compile(r"^(?P<field>[A-Za-z_][A-Za-z0-9_]*)=(?P<path>.+)$")


def fail(field: str, message: str) -> CommandError:
    return CommandError(f"{field}: {message}", returncode=BAD_INPUT)


@contextmanager
def service_errors() -> Iterator[None]:
    """A service's refusal becomes one line: ``field: message``."""
    try:
        yield
    except ServiceError as exc:
        raise fail(exc.field or "error", exc.message) from None


def add_as(parser: CommandParser, *, required: bool = False) -> None:
    parser.add_argument(
        "--as",
        dest="username",
        required=required,
        metavar="USER",
        help="the login acting (reads go through that user's units)",
    )


def json_object(text: str, option: str) -> dict[str, Any]:
    try:
        value = json_loads(text)
    except JsonTooDeep as exc:
        raise fail(option, str(exc)) from None
    except json.JSONDecodeError as exc:
        raise fail(option, f"not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise fail(option, 'must be a JSON object, like \'{"uraian": "…"}\'')
    return value


def data_load(data: str | None, data_file: str | None) -> dict[str, Any]:
    """``--data-file`` values, then ``--data`` values over them."""
    merged: dict[str, Any] = {}
    if data_file:
        path = Path(data_file)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise fail("--data-file", f"cannot read {path}: {exc}") from None
        merged.update(json_object(text, "--data-file"))
    if data:
        merged.update(json_object(data, "--data"))
    return merged


def attach_arg(text: str, *, field_required: bool = False) -> tuple[str, Path]:
    """``bukti=foto.jpg`` → ("bukti", foto.jpg); ``foto.jpg`` → ("", foto.jpg)."""
    match = _ATTACH.match(text)
    field, path = (match["field"], Path(match["path"])) if match else ("", Path(text))
    if field_required and not field:
        raise fail("--attach", f"name the step's file field: FIELD={text}")
    if not path.is_file():
        raise fail("--attach", f"no such file '{path}'")
    return field, path


def duration(seconds: int | None) -> str:
    """``45s``, ``12m``, ``3h05m``, ``2d04h``: short and the same in every language."""
    if seconds is None:
        return "-"
    if seconds < 60:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h{minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d{hours:02d}h"


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """Rows as aligned plain-text columns under a header and a rule."""
    cells = [list(headers), *([str(c) for c in row] for row in rows)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines
