"""URLs of the reports (dashboard), relative to /laporan/."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
