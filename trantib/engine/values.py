"""How a recorded date or date-and-time is written, read and written back in one place.

A ``date`` field holds ``YYYY-MM-DD``; a ``datetime`` field holds
``YYYY-MM-DDTHH:MM`` with optional seconds (and fraction) and an optional offset (``Z`` or
``+07:00``), as ISO 8601 and RFC 3339 write it. Nothing else is read: not a week date
(``2026-W49-4``), not the basic form (``20261203T0930``), not an hour alone (``T09``), not a
space for the ``T``, not trailing text, not a number. :func:`date_read` and
:func:`datetime_read` are the one reader of these values, wherever they come from: the engine
checks every step's data with them (the page, the API and the CLI all go through it), the
API's date parameters use :func:`date_read`, and the page writes what an officer typed
(``3 Desember 2026 14.05``, read by ``trantib.core.dateinput``) with :func:`date_write` and
:func:`datetime_write`, so that what it sends is what the reader takes.

Limits: the plausible years (``runtime.YEAR_MIN``, ``YEAR_MAX``) are the engine's check, not
the reader's; a datetime without an offset is the unit's local time (``runtime.step_start``).
"""

from __future__ import annotations

import re
from datetime import date, datetime

# ASCII digits only: \d would take any script's digits, which fromisoformat refuses anyway.
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?"
    r"(?:Z|[+-][0-9]{2}:[0-9]{2})?"
)

DATE_EXAMPLE = "2026-11-22"
DATETIME_EXAMPLE = "2026-11-22T09:30"


def date_read(value: object) -> date:
    """The day ``YYYY-MM-DD`` names; ValueError for any other value or a day that does not
    exist (``2026-02-30``)."""
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"not a date like {DATE_EXAMPLE}")


def datetime_read(value: object) -> datetime:
    """The moment ``YYYY-MM-DDTHH:MM[:SS[.ffffff]][Z|±HH:MM]`` names (naive without an
    offset); ValueError for any other value or a time that does not exist (``99:99``)."""
    if isinstance(value, str) and _DATETIME.fullmatch(value):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"not a date and time like {DATETIME_EXAMPLE}")


def date_write(day: date) -> str:
    return day.isoformat()


def datetime_write(moment: datetime) -> str:
    """To the minute when the moment has no seconds (what a person types), else in full."""
    whole_minute = moment.second == 0 and moment.microsecond == 0
    return moment.isoformat(timespec="minutes" if whole_minute else "auto")
