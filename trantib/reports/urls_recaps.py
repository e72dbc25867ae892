"""URLs of the reports (recaps), relative to /laporan/: the monthly recaps of patrols,
enforcement and operations (``?unit=…&periode=2026-10``; ``&format=pdf`` / ``xlsx``)."""

from django.urls import URLPattern, URLResolver, path

from .recaps import enforcement, operations, patrols
from .recaps.common import recap_view

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "rekap/patroli/",
        recap_view(patrols.patrol_recap, patrols.URL_NAME, "patroli"),
        name="recap_patrols",
    ),
    path(
        "rekap/penegakan/",
        recap_view(enforcement.enforcement_recap, enforcement.URL_NAME, "penegakan"),
        name="recap_enforcement",
    ),
    path(
        "rekap/operasi/",
        recap_view(operations.operation_recap, operations.URL_NAME, "operasi"),
        name="recap_operations",
    ),
]
