from django.urls import path

from . import exports, views

app_name = "complaints"
urlpatterns = [
    path("lapor/", views.complaint_report, name="report"),
    path("lapor/terkirim/", views.complaint_filed, name="filed"),
    path("lacak/", views.complaint_track, name="track"),
    path("lacak/<str:tracking>/", views.complaint_status, name="status"),
    path("pengaduan/", views.complaint_list, name="list"),
    path("pengaduan/ekspor.csv", views.complaint_export, name="export"),
    path("pengaduan/ekspor.xlsx", exports.complaint_export_xlsx, name="export_xlsx"),
    path("pengaduan/baru/", views.complaint_new, name="new"),
    path("pengaduan/peta/", views.complaint_map, name="map"),
    path("pengaduan/peta.geojson", views.complaint_map_geojson, name="map_geojson"),
    path("pengaduan/<posint:complaint_id>/", views.complaint_detail, name="detail"),
    path("pengaduan/<posint:complaint_id>/duplikat/", views.complaint_duplicate, name="duplicate"),
    path("pengaduan/<posint:complaint_id>/publik/", views.complaint_public, name="public"),
    path(
        "pengaduan/<posint:complaint_id>/bukan-kewenangan/",
        views.complaint_not_authority,
        name="not_authority",
    ),
]
