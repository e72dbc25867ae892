from django.urls import path

from . import exports, views, views_lifecycle

app_name = "sops"
urlpatterns = [
    path("", views.sop_list, name="list"),
    path("ekspor.xlsx", exports.sop_list_xlsx, name="list_xlsx"),
    # The SOP administrator's pages (before <code>/: "kelola" is no SOP code, which is capitals).
    path("kelola/", views_lifecycle.sop_manage, name="manage"),
    path("kelola/unggah/", views_lifecycle.sop_upload, name="upload"),
    path("kelola/versi-baru/", views_lifecycle.sop_new_version, name="new_version"),
    path("kelola/<str:unit>/<str:name>/", views_lifecycle.sop_file, name="file"),
    path(
        "kelola/<str:unit>/<str:name>/pratinjau/",
        views_lifecycle.sop_file_preview,
        name="file_preview",
    ),
    path("kelola/<str:unit>/<str:name>/pdf/", views_lifecycle.sop_file_pdf, name="file_pdf"),
    path(
        "kelola/<str:unit>/<str:name>/terbitkan/",
        views_lifecycle.sop_file_publish_page,
        name="publish",
    ),
    path("<str:code>/", views.sop_detail, name="detail"),
    path("<str:code>/pdf/", views.sop_pdf, name="pdf"),
    path("<str:code>/bpmn/", views.sop_bpmn, name="bpmn"),
    path("<str:code>/pelaksana/", views.sop_adoption_save, name="adopt"),
]
