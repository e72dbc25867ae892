from django.urls import path

from . import exports
from . import views_violators as views

urlpatterns = [
    path("penegakan/pelanggar/", views.violator_list, name="violators"),
    path("penegakan/pelanggar/ekspor.csv", views.violator_export, name="violator_export"),
    path(
        "penegakan/pelanggar/ekspor.xlsx",
        exports.violator_export_xlsx,
        name="violator_export_xlsx",
    ),
    path("penegakan/pelanggar/baru/", views.violator_new, name="violator_new"),
    path(
        "penegakan/pelanggar/pilih/cari/", views.violator_pick_search, name="violator_pick_search"
    ),
    path(
        "penegakan/pelanggar/pilih/mirip/",
        views.violator_pick_duplicates,
        name="violator_pick_duplicates",
    ),
    path(
        "penegakan/pelanggar/<posint:violator_id>/", views.violator_detail, name="violator_detail"
    ),
    path(
        "penegakan/pelanggar/<posint:violator_id>/ubah/", views.violator_edit, name="violator_edit"
    ),
    path(
        "penegakan/pelanggar/<posint:violator_id>/foto/",
        views.violator_photo_upload,
        name="violator_photo_upload",
    ),
    path(
        "penegakan/pelanggar/<posint:violator_id>/foto/<posint:photo_id>/",
        views.violator_photo,
        name="violator_photo",
    ),
    path(
        "penegakan/pelanggar/<posint:violator_id>/sanksi/",
        views.violator_sanction,
        name="violator_sanction",
    ),
    path(
        "penegakan/pelanggar/<posint:violator_id>/sidang/",
        views.violator_court,
        name="violator_court",
    ),
]
