"""URLs of the reports (recaps_community), relative to /laporan/."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
