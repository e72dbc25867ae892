"""The outbox in the admin: what was sent, what waits, and the dead letters to look at.

Messages carry other people's phone numbers and e-mail addresses: the admin is for superusers
(the Django admin's own rule), and even they see recipients masked (a confidential reporter's
contact is for the intake roles only). Nothing here edits a message; the one action, "Kirim ulang",
goes through ``outbox_retry`` like the CLI does.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from trantib.core.errors import ServiceError

from .models import OutboxMessage
from .services import outbox_retry


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "created_at",
        "status",
        "channel",
        "kind",
        "recipient_masked",
        "unit",
        "attempts",
        "next_attempt_at",
        "short_error",
    ]
    list_filter = ["status", "channel", "kind", "unit"]
    # Not by recipient: looking a number up would tell who reported.
    search_fields = ["ref", "idempotency_key", "kind"]
    date_hierarchy = "created_at"
    list_select_related = ["unit"]
    ordering = ["-created_at", "-pk"]
    actions = ["retry"]

    @admin.display(description=_("nomor"), ordering="pk")
    def number(self, obj: OutboxMessage) -> int:
        return obj.pk

    fieldsets = [
        (None, {"fields": ["status", "channel", "recipient_masked", "subject", "body"]}),
        (_("Asal"), {"fields": ["unit", "case", "kind", "ref", "redact_after_send"]}),
        (
            _("Pengiriman"),
            {
                "fields": [
                    "idempotency_key",
                    "attempts",
                    "next_attempt_at",
                    "lease_until",
                    "last_error",
                    "gateway",
                    "gateway_ref",
                    "created_at",
                    "sent_at",
                ]
            },
        ),
    ]

    def get_readonly_fields(
        self, request: HttpRequest, obj: OutboxMessage | None = None
    ) -> list[str]:
        # The record of what was sent is not edited by hand: retry is the only change.
        return [*(f.name for f in OutboxMessage._meta.fields), "recipient_masked"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # messages come from the features that cause them

    def has_delete_permission(self, request: HttpRequest, obj: OutboxMessage | None = None) -> bool:
        return False

    @admin.display(description=_("penerima"))
    def recipient_masked(self, obj: OutboxMessage) -> str:
        return obj.recipient_masked

    @admin.display(description=_("galat terakhir"))
    def short_error(self, obj: OutboxMessage) -> str:
        return obj.last_error if len(obj.last_error) <= 80 else obj.last_error[:79] + "…"

    @admin.action(description=_("Kirim ulang"))
    def retry(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        done = 0
        for message in queryset:
            try:
                outbox_retry(message=message, actor_user=request.user)
            except ServiceError as exc:
                self.message_user(request, f"#{message.pk}: {exc.message}", messages.WARNING)
                continue
            self.log_change(request, message, str(_("Kirim ulang")))
            done += 1
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(n)d pesan dijadwalkan untuk dikirim ulang.",
                    "%(n)d pesan dijadwalkan untuk dikirim ulang.",
                    done,
                )
                % {"n": done},
                messages.SUCCESS,
            )
