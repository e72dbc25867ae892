"""URLs of the reports (recaps), relative to /laporan/."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
