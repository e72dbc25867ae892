"""URLs of the reports (SPM Trantibum), relative to /laporan/."""

from django.urls import URLPattern, URLResolver, path

from .spm import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("spm/", views.spm, name="spm"),
    path("spm/penerima/", views.recipients, name="spm_recipients"),
]
