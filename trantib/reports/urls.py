"""``/laporan/``: the index of reports, the list behind a figure, and each report's pages."""

from django.urls import include, path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("rincian/", views.drill, name="drill"),
    path("", include("trantib.reports.urls_dashboard")),
    path("", include("trantib.reports.urls_recaps")),
    path("", include("trantib.reports.urls_recaps_community")),
    path("", include("trantib.reports.urls_spm")),
    path("", include("trantib.reports.urls_monitoring")),
]
