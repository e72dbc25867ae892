"""URLs of the letters app (incoming): see views_incoming.py."""

from django.urls import URLPattern, path

from . import views_incoming as views

urlpatterns: list[URLPattern] = [
    path("surat-masuk/", views.incoming_list, name="incoming"),
    path("surat-masuk/baru/", views.incoming_new, name="incoming_new"),
    path("surat-masuk/ekspor.csv", views.incoming_export, {"fmt": "csv"}, name="incoming_csv"),
    path("surat-masuk/ekspor.xlsx", views.incoming_export, {"fmt": "xlsx"}, name="incoming_xlsx"),
    path("surat-masuk/<posint:incoming_id>/", views.incoming_detail, name="incoming_detail"),
    path("surat-masuk/<posint:incoming_id>/pindaian/", views.incoming_scan, name="incoming_scan"),
    path(
        "surat-masuk/<posint:incoming_id>/lembar-disposisi.pdf",
        views.incoming_disposition_pdf,
        name="incoming_disposition_pdf",
    ),
    path(
        "surat-masuk/disposisi/<posint:disposition_id>/selesai/",
        views.disposition_done,
        name="disposition_done",
    ),
]
