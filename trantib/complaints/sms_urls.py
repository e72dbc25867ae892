"""The SMS gateway's webhook, included at ``/sms/`` (see ``sms.py``)."""

from django.urls import URLPattern, URLResolver, path

from . import sms

urlpatterns: list[URLPattern | URLResolver] = [
    path("masuk/", sms.sms_webhook, name="sms-webhook"),
]
