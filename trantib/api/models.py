"""API tokens: a user's key for ``Authorization: Bearer …``.

Only the SHA-256 digest of a token is stored: a copy of the database gives no working keys. The
token itself is shown once, when it is created (``POST /api/v1/auth/token`` or
``trantib apitoken create``).
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

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("token API")
        verbose_name_plural = _("token API")

    def __str__(self) -> str:
        return f"{self.user} — {self.name or self.pk}"
