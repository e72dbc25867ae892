"""The reports the index page lists (``/laporan/``): one entry per report, in reading order.

Each report module's author keeps their own line(s) here; an entry whose URL name does not
resolve (a report not installed) is left out of the page rather than breaking it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ReportEntry:
    url_name: str  # "reports:spm"
    title: str | Promise
    summary: str | Promise
    group: str | Promise  # the heading it is listed under


DASHBOARD = _("Dasbor pimpinan")
MONTHLY = _("Rekap bulanan")
UPWARD = _("Laporan ke atas")

REPORTS: list[ReportEntry] = [
    # dashboard
    # recaps (patrols, enforcement, operations)
    # recaps (complaints, Polmas)
    # spm
    # monitoring
]
