"""Pages of the patrols app."""

from django.urls import path

from . import exports, views

app_name = "patrols"

urlpatterns = [
    path("patroli/", views.plan_list, name="list"),
    path("patroli/kasus/<posint:case_id>/rencana/", views.plan_create, name="plan_create"),
    path("patroli/rencana/<posint:plan_id>/", views.plan_detail, name="plan"),
    path("patroli/rencana/<posint:plan_id>/laporan/", views.month_report, name="month_report"),
    path("patroli/rencana/<posint:plan_id>/laporan.pdf", views.month_report_pdf, name="month_pdf"),
    path("patroli/rencana/<posint:plan_id>/laporan.xlsx", exports.month_xlsx, name="month_xlsx"),
    path("patroli/hari/<posint:day_id>/", views.day_edit, name="day"),
    path("patroli/hari/<posint:day_id>/lapor/", views.day_report, name="day_report"),
    path("patroli/laporan/", views.report_list, name="reports"),
    path("patroli/wilayah/", views.area_list, name="areas"),
    path("patroli/wilayah/<posint:area_id>/", views.area_edit, name="area_edit"),
]
