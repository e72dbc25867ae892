"""URLs of the reports (spm), relative to /laporan/."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
