"""URLs of the letters app (verify): see views_verify.py."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
