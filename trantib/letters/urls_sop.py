"""URLs of the letters app (sop): see views_sop.py."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
