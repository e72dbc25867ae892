"""What every list's "Unduh XLSX" shares: the bound on its rows and the words of its title rows.

A list exports exactly the rows its filters select, every page of them, through
:mod:`trantib.core.xlsx`. A list longer than ``TRANTIB_EXPORT_MAX_ROWS`` (default 50 000) is
refused before a row is read: the reader goes back to the list, filters kept, with a message
saying how many rows there are and what the bound is (a workbook that size takes minutes to
build and more to open on an office PC; a narrower filter is what the reader wants).

Title rows: the list's name; the units whose rows it holds (:func:`units_text`); the filters
that chose them and the moment of the download on the unit's clock (:func:`filters_text`).
A moment goes into a cell as the wall time of its row's unit (:func:`local_time`): a workbook
has no time zones, and a Kecamatan in WIB and a Satbinmas in WITA are each read on their own
clock, as on the pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from .dates import date_id, datetime_id

EXPORT_MAX_ROWS = 50_000


def export_max_rows() -> int:
    """The most rows one XLSX export holds (``TRANTIB_EXPORT_MAX_ROWS``)."""
    return int(getattr(settings, "TRANTIB_EXPORT_MAX_ROWS", EXPORT_MAX_ROWS))


def number_id(n: int) -> str:
    """``50.000``: a whole number with the Indonesian thousands dot."""
    return f"{n:,}".replace(",", ".")


def export_refused(request: HttpRequest, *, count: int, back: str) -> HttpResponse | None:
    """None when ``count`` rows may be exported; else back to ``back`` (the list, its filters
    kept) with a message naming the count and the bound."""
    bound = export_max_rows()
    if count <= bound:
        return None
    messages.error(
        request,
        _(
            "Daftar ini berisi %(count)s baris; unduhan XLSX paling banyak %(max)s baris. "
            "Persempit filternya (mis. rentang tanggal atau unit), lalu unduh lagi."
        )
        % {"count": number_id(count), "max": number_id(bound)},
    )
    return redirect(back)


def back_to(path: str, request: HttpRequest) -> str:
    """``path`` with the request's query string (the list the export came from)."""
    query = request.GET.copy()
    query.pop("halaman", None)
    encoded = query.urlencode()
    return f"{path}?{encoded}" if encoded else path


def local_time(value: dt.datetime | None, zone: dt.tzinfo) -> dt.datetime | None:
    """The moment as a wall time on ``zone``'s clock, without a zone (a workbook cell)."""
    if value is None:
        return None
    return timezone.localtime(value, zone).replace(tzinfo=None, microsecond=0)


def units_text(units: Sequence[Any]) -> str:
    """The units a list covers, for its title row: the top ones by name (a unit whose parent
    is in the list is said by "beserta unit di bawahnya")."""
    if not units:
        return _("Tidak ada unit")
    ids = {u.pk for u in units}
    tops = [u for u in units if u.parent_id not in ids]
    names = ", ".join(sorted(u.name for u in tops))
    if len(tops) < len(units):
        return _("%(units)s beserta unit di bawahnya") % {"units": names}
    return names


def filters_text(
    parts: Iterable[tuple[str, object]],
    *,
    zone: dt.tzinfo,
    now: dt.datetime | None = None,
    everything: str = "",
) -> str:
    """``Status: Berjalan · Jenis: PKL · diunduh 5 November 2026 10.00 WIB``: the filters with
    a value (a date written the Indonesian way), or ``everything`` ("Semua data") without
    any."""
    shown = []
    for label, value in parts:
        if value in (None, "", False):
            continue
        text = date_id(value) if isinstance(value, dt.date) else str(value)
        shown.append(f"{label}: {text}")
    moment = datetime_id(now or timezone.now(), zone)
    head = " · ".join(shown) if shown else (everything or _("Semua data"))
    return _("%(filters)s · diunduh %(moment)s") % {"filters": head, "moment": moment}


def zone_of(units: Sequence[Any]) -> dt.tzinfo:
    """The clock a list's download moment is told on: its first unit's, else the site's."""
    return units[0].zone() if units else timezone.get_current_timezone()


def form_parts(form: Any, *, skip: Iterable[str] = ()) -> list[tuple[str, object]]:
    """A filter form's valid, non-empty values as ``(label, value)`` for :func:`filters_text`:
    a choice by its label, a date as a date. The form's own labels, so a filter added to the
    form later is named in the title row without touching the export."""
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    parts: list[tuple[str, object]] = []
    for name, field in form.fields.items():
        if name in skip or name in form.errors:
            continue
        value = cleaned.get(name)
        if value in (None, "", False, [], ()):
            continue
        choices = dict(getattr(field, "choices", ()) or ())
        if value is True:
            value = _("Ya")
        elif not isinstance(value, (list, tuple)) and value in choices:
            value = choices[value]
        elif isinstance(value, str):
            value = f"“{value.strip()}”"
        parts.append((str(field.label or name), value))
    return parts


def export_filename(stem: str, zone: dt.tzinfo, now: dt.datetime | None = None) -> str:
    """``kasus-2026-11-05.xlsx``: the list's name and the day of the download."""
    day = timezone.localtime(now or timezone.now(), zone).date()
    return f"{stem}-{day.isoformat()}.xlsx"
