"""The SMS gateway's webhook, included at ``/sms/`` (see ``views.py``)."""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("masuk/", views.sms_webhook, name="sms-webhook"),
]
