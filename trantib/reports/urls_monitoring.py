"""URLs of the reports (monitoring), relative to /laporan/."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
