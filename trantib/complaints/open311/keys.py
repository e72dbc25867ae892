"""Open311 client keys: create, revoke, and the lookup of the ``api_key`` a POST carries.

Posting needs an ``api_key`` of an :class:`Open311Client`; only its SHA-256 digest is stored,
so a key is shown once, when it is created (the ``open311`` management command).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trantib.core.errors import Conflict, Invalid, NotFound
from trantib.core.keys import key_digest, key_new
from trantib.core.text import XML_INVALID

from ..models import Open311Client
from .render import Open311Error

KEY_PREFIX = "o311_"


@transaction.atomic
def open311_client_create(
    *, name: str, now: dt.datetime | None = None
) -> tuple[Open311Client, str]:
    """A new client: the row (only the key's digest) and the key, which cannot be shown again."""
    name = (name or "").strip()
    if not name or len(name) > 100 or XML_INVALID.search(name):
        raise Invalid(
            _("Nama aplikasi 1 sampai 100 karakter, tanpa karakter kendali."), field="name"
        )
    if Open311Client.objects.filter(name=name).exists():
        raise Conflict(_("Aplikasi “%(name)s” sudah ada.") % {"name": name}, field="name")
    key = KEY_PREFIX + key_new()
    client = Open311Client.objects.create(
        name=name, key_digest=key_digest(key), active=True, created_at=now or timezone.now()
    )
    return client, key


@transaction.atomic
def open311_client_revoke(*, name: str) -> Open311Client:
    """Stop a client's key from working (the row stays: its complaints name it)."""
    client = Open311Client.objects.select_for_update().filter(name=(name or "").strip()).first()
    if client is None:
        raise NotFound(_("Aplikasi “%(name)s” tidak ada.") % {"name": name}, field="name")
    if client.active:
        client.active = False
        client.save(update_fields=["active"])
    return client


def client_for(key: str) -> Open311Client:
    key = (key or "").strip()
    client = (
        Open311Client.objects.filter(key_digest=key_digest(key), active=True).first()
        if key
        else None
    )
    if client is None:
        raise Open311Error(403, _("api_key tidak ada atau tidak sah."))
    return client
