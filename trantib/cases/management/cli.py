"""What the ``case``, ``task`` and ``audit`` commands share: who is acting, JSON input, error
messages, plain-text tables.

Bad input is a :class:`CommandError` with exit status 2 and one line naming the field at fault
(``--unit: no unit 'XYZ'``, ``data.uraian: …``): never a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from trantib.accounts.models import OrgUnit, Person
from trantib.accounts.selectors import UserLike, person_for_user
from trantib.core.errors import ServiceError

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


def user_get(username: str) -> AbstractBaseUser:
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise fail("--as", f"no login '{username}'")
    if not user.is_active:
        raise fail("--as", f"the login '{username}' is inactive")
    return user


def actor_get(username: str) -> tuple[AbstractBaseUser, Person]:
    user = user_get(username)
    person = person_for_user(user)
    if person is None:
        raise fail("--as", f"the login '{username}' is not a person of the organisation")
    return user, person


def reader_get(username: str | None) -> UserLike:
    """The user whose units a read goes through; with no ``--as`` an operator who reads every
    unit (the person at the server's console)."""
    if username:
        return user_get(username)
    return get_user_model()(username="operator", is_superuser=True)


def unit_get(code: str) -> OrgUnit:
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is None:
        known = ", ".join(OrgUnit.objects.order_by("code").values_list("code", flat=True))
        raise fail("--unit", f"no unit '{code}' (known: {known or 'none'})")
    return unit


def json_object(text: str, option: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
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


def local(value: dt.datetime | None, unit: OrgUnit) -> str:
    if value is None:
        return "-"
    return timezone.localtime(value, unit.zone()).strftime("%Y-%m-%d %H:%M")


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
