"""``manage.py check``: every channel's gateway can be built from the settings, so a wrong
gateway name or a missing SMS URL stops the deploy instead of dead-lettering messages."""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from .gateways import gateways_configured


@checks.register()
def outbox_gateways_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    try:
        gateways_configured()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="trantib.outbox.E001")]
    return []
