"""The outbox: one row per message to the outside world (an SMS, an e-mail).

A feature never talks to a gateway itself. It writes an :class:`OutboxMessage` in the same
transaction as the change that causes it (``outbox_enqueue``), so the message exists exactly
when the change does; the worker sends it later (``outbox_deliver``). See ``services.py`` for
the delivery protocol (at least once, with an idempotency key the gateway can honour).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from trantib.accounts.models import OrgUnit


def idempotency_key_new() -> str:
    return uuid.uuid4().hex


class OutboxMessage(models.Model):
    """A message to send, being sent, sent, or given up on (dead letter)."""

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")

    class Status(models.TextChoices):
        # Waiting for its turn: due when next_attempt_at has passed (new, or after a failure).
        PENDING = "pending", _("Menunggu dikirim")
        # Claimed by a worker, which is calling the gateway until lease_until. Left in this state
        # by a worker that died mid-send: after the lease it is taken again, same key.
        SENDING = "sending", _("Sedang dikirim")
        # The gateway accepted it (sent_at, gateway_ref). Final.
        SENT = "sent", _("Terkirim")
        # Dead letter: failed permanently or TRANTIB_OUTBOX_MAX_ATTEMPTS times. Nothing sends it
        # again until an administrator retries it ("Kirim ulang").
        DEAD = "dead", _("Gagal (tidak dikirim lagi)")

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("saluran"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(
        _("penerima"),
        max_length=254,
        blank=True,  # blanked after sending when redact_after_send is set
        help_text=_("Nomor ponsel (+628…) atau alamat e-mail."),
    )
    subject = models.CharField(_("subjek"), max_length=255, blank=True)
    body = models.TextField(_("isi"))
    kind = models.CharField(_("jenis"), max_length=40, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("kasus"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ref = models.CharField(_("rujukan"), max_length=64, blank=True, db_index=True)
    idempotency_key = models.CharField(
        _("kunci idempotensi"), max_length=64, unique=True, default=idempotency_key_new
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("percobaan"), default=0)
    next_attempt_at = models.DateTimeField(_("percobaan berikutnya"))
    lease_until = models.DateTimeField(_("dipegang pekerja sampai"), null=True, blank=True)
    last_error = models.TextField(_("galat terakhir"), blank=True)
    created_at = models.DateTimeField(_("dibuat"))
    sent_at = models.DateTimeField(_("terkirim pada"), null=True, blank=True)
    gateway = models.CharField(_("gateway"), max_length=200, blank=True)
    gateway_ref = models.CharField(_("rujukan gateway"), max_length=200, blank=True)
    # One file sent with an e-mail (a signed letter as PDF); SMS carries none.
    attachment = models.FileField(_("lampiran"), upload_to="outbox/", max_length=300, blank=True)
    attachment_name = models.CharField(_("nama lampiran"), max_length=200, blank=True)
    redact_after_send = models.BooleanField(
        _("hapus penerima setelah terkirim"),
        default=False,
        help_text=_("Untuk pelapor anonim: nomor/alamat tidak disimpan setelah pesan terkirim."),
    )

    class Meta:
        verbose_name = _("pesan keluar")
        verbose_name_plural = pgettext_lazy("plural", "pesan keluar")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The worker's claim: due pending messages, and sending ones whose lease expired.
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["status", "lease_until"], name="outbox_lease"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sending", "sent", "dead"]),
                name="outbox_status_known",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=["sms", "email"]), name="outbox_channel_known"
            ),
            # A sent message knows when; a sending one knows until when it is held.
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False), name="outbox_sent_at"
            ),
            models.CheckConstraint(
                condition=~Q(status="sending") | Q(lease_until__isnull=False),
                name="outbox_sending_lease",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.kind or self.ref or self.pk} ({self.status})"

    @property
    def recipient_masked(self) -> str:
        """The recipient as operators see it: enough to tell messages apart, not to know who
        reported (a confidential reporter's number is shown to the intake roles only)."""
        return recipient_mask(self.recipient)


def recipient_mask(recipient: str) -> str:
    """``+6281234567890`` → ``+62•••••••7890``; ``sri@example.com`` → ``s••@example.com``."""
    if not recipient:
        return ""
    if "@" in recipient:
        local, _at, domain = recipient.partition("@")
        return f"{local[:1]}{'•' * max(2, len(local) - 1)}@{domain}"
    return f"{recipient[:3]}{'•' * max(3, len(recipient) - 7)}{recipient[-4:]}"
