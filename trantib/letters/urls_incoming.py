"""URLs of the letters app (incoming): see views_incoming.py."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
