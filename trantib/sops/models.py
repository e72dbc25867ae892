from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from trantib.engine.spec import SopStatus


class SopVersion(models.Model):
    """One version of one SOP as it was loaded from the library.

    Cases (issue 3) pin the version they started on. A published version's document never
    changes: ``sop_library_sync`` refuses a file whose published content differs from the row,
    unless only its bindings (the product's contracts, not the signed document) differ.
    """

    class Status(models.TextChoices):
        # The engine's statuses (SopStatus), with their labels.
        DRAFT = SopStatus.DRAFT.value, _("Draf")  # may still change; cases may not start on it
        PUBLISHED = SopStatus.PUBLISHED.value, _("Berlaku")  # frozen; a change is a new version

    code = models.CharField(_("kode"), max_length=20)
    version = models.PositiveIntegerField(_("versi"))
    name = models.CharField(_("nama"), max_length=300)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    content = models.TextField(_("isi berkas"), help_text=_("berkas YAML sebagaimana dimuat"))
    sha256 = models.CharField(_("sidik SHA-256"), max_length=64)
    path = models.CharField(_("berkas"), max_length=500, blank=True)
    loaded_at = models.DateTimeField(_("dimuat"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="sop_version_unique"),
        ]
        ordering = ["code", "-version"]
        verbose_name = _("versi SOP")
        verbose_name_plural = _("versi SOP")

    def __str__(self) -> str:
        return f"{self.code} v{self.version} — {self.name}"
