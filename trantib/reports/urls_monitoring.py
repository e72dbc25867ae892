"""URLs of the reports (monitoring and the yearly evaluation of SOPs), relative to /laporan/."""

from django.urls import URLPattern, URLResolver, path

from .monitoring import evaluation, views

urlpatterns: list[URLPattern | URLResolver] = [
    path("monitoring/", views.monitoring_list, name="monitoring"),
    path("monitoring/baru/", views.monitoring_new, name="monitoring_new"),
    path("monitoring/baru.pdf", views.monitoring_new_pdf, name="monitoring_new_pdf"),
    path("monitoring/baru.xlsx", views.monitoring_new_xlsx, name="monitoring_new_xlsx"),
    path("monitoring/pengaturan/", views.monitoring_settings, name="monitoring_settings"),
    path("monitoring/<posint:pk>/", views.monitoring_form, name="monitoring_form"),
    path("monitoring/<posint:pk>.pdf", views.monitoring_form_pdf, name="monitoring_form_pdf"),
    path("monitoring/<posint:pk>.xlsx", views.monitoring_form_xlsx, name="monitoring_form_xlsx"),
    path("evaluasi/", evaluation.evaluation_list, name="evaluation"),
    path("evaluasi/baru/", evaluation.evaluation_new, name="evaluation_new"),
    path("evaluasi/<posint:pk>/", evaluation.evaluation_detail, name="evaluation_detail"),
    path("evaluasi/<posint:pk>.pdf", evaluation.evaluation_pdf, name="evaluation_pdf"),
    path("evaluasi/<posint:pk>.xlsx", evaluation.evaluation_xlsx, name="evaluation_xlsx"),
    path(
        "evaluasi/<posint:pk>/draf.yaml",
        evaluation.evaluation_draft_yaml,
        name="evaluation_draft_yaml",
    ),
]
