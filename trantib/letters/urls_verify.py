"""URLs of the letters app (verify): the public page the QR code opens (views_verify.py)."""

from django.urls import URLPattern, path

from . import views_verify

urlpatterns: list[URLPattern] = [
    path("verifikasi/<str:code>/", views_verify.letter_verify, name="verify"),
]
