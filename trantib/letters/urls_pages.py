"""URLs of the letters app (pages): see views_pages.py."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
