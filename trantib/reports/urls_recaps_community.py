"""URLs of the monthly recaps of complaints and Polmas, relative to /laporan/."""

from django.urls import URLPattern, URLResolver, path

from .recaps import complaints, polmas

urlpatterns: list[URLPattern | URLResolver] = [
    path("rekap/pengaduan/", complaints.recap_complaints, name="recap_complaints"),
    path("rekap/polmas/", polmas.recap_polmas, name="recap_polmas"),
    path("rekap/polmas/permasalahan/", polmas.recap_polmas_issues, name="recap_polmas_issues"),
]
