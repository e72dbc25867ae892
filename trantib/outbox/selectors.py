"""Reads of the outbox for administrators (admin pages, ``trantib outbox``).

Messages hold other people's phone numbers and addresses: these reads are for the operator at
the server's console and for superusers in the admin, never for a unit's officers.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from trantib.core.errors import Invalid, NotFound

from .models import OutboxMessage


def outbox_message_list(*, status: str = "", limit: int = 100) -> QuerySet[OutboxMessage]:
    """Newest first; ``status`` (e.g. ``dead``) narrows it down."""
    messages = OutboxMessage.objects.select_related("unit").order_by("-created_at", "-pk")
    if status:
        if status not in OutboxMessage.Status.values:
            raise Invalid(
                _("Status tidak dikenal: '%(value)s' (%(known)s).")
                % {"value": status, "known": ", ".join(OutboxMessage.Status.values)},
                field="status",
            )
        messages = messages.filter(status=status)
    return messages[:limit]


def outbox_message_get(*, message_id: int) -> OutboxMessage:
    message = OutboxMessage.objects.select_related("unit").filter(pk=message_id).first()
    if message is None:
        raise NotFound(_("Tidak ada pesan keluar nomor %(id)s.") % {"id": message_id}, field="id")
    return message
