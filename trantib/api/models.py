"""API tokens: a user's key for ``Authorization: Bearer …``.

Only the SHA-256 digest of a token is stored: a copy of the database gives no working keys. The
token itself is shown once, when it is created (``POST /api/v1/auth/token`` or
``trantib apitoken create``). Every token expires (``TRANTIB_API_TOKEN_DAYS`` by default) and
can be revoked by its owner (``/akun/``, ``DELETE /api/v1/auth/tokens/{id}``) or an
administrator.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pengguna"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("nama"), max_length=100, blank=True)
    digest = models.CharField(_("sidik SHA-256"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("dibuat"))
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True)
    # A token stops working at its expiry or when its owner or an administrator revokes it;
    # the row stays, for the access log and the admin's list.
    expires_at = models.DateTimeField(_("berlaku sampai"))
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dicabut oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("token API")
        verbose_name_plural = _("token API")

    def __str__(self) -> str:
        return f"{self.user} — {self.name or self.pk}"
