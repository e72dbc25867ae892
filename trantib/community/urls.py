"""Pages of the community app (the Polmas register)."""

from django.urls import path

from . import exports, views

app_name = "community"

urlpatterns = [
    path("polmas/", views.programme, name="programme"),
    path("polmas/jadwal/baru/", views.rule_edit, name="rule_new"),
    path("polmas/jadwal/<posint:rule_id>/", views.rule_edit, name="rule_edit"),
    path("polmas/kegiatan/", views.activity_list, name="activities"),
    path("polmas/kegiatan/ekspor.xlsx", exports.activity_list_xlsx, name="activities_xlsx"),
    path("polmas/kegiatan/<posint:activity_id>/", views.activity_detail, name="activity"),
    path("polmas/kegiatan/<posint:activity_id>/catat/", views.activity_record, name="record"),
    path("polmas/kegiatan/<posint:activity_id>/masalah/", views.issue_add, name="issue"),
    path("polmas/rekap/", views.recap, name="recap"),
    path("polmas/rekap.xlsx", views.recap_xlsx, name="recap_xlsx"),
]
