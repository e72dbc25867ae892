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


class SopAdoption(models.Model):
    """An SOP version adopted by a unit: each of the SOP's roles (its Pelaksana columns) mapped
    to a position of the unit (``SopRoleMapping``), so that "Kasi" can mean the Kasi Trantib in
    one kecamatan and the Kasi Pemerintahan in another.

    Its mapping serves the version it names and the later versions the unit has not adopted
    (a revision keeps its columns as a rule); a role it does not map is filled by the position
    whose code is the role's id, as it is when the unit adopted nothing. Changing the mapping
    applies to the tasks offered from then on (decision 0015)."""

    unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="sop_adoptions",
    )
    sop_version = models.ForeignKey(
        SopVersion, verbose_name=_("versi SOP"), on_delete=models.PROTECT, related_name="adoptions"
    )
    adopted_by = models.ForeignKey(
        "accounts.Person",
        verbose_name=_("ditetapkan oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    adopted_at = models.DateTimeField(_("ditetapkan"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "sop_version"], name="sop_adoption_unique"),
        ]
        verbose_name = _("penetapan SOP di unit")
        verbose_name_plural = _("penetapan SOP di unit")

    def __str__(self) -> str:
        return f"{self.sop_version.code} v{self.sop_version.version} @ {self.unit_id}"


class SopRoleMapping(models.Model):
    """One role of an adopted SOP version and the position of the unit that fills it."""

    adoption = models.ForeignKey(
        SopAdoption, verbose_name=_("penetapan"), on_delete=models.CASCADE, related_name="roles"
    )
    role = models.CharField(_("peran SOP"), max_length=64)
    position = models.ForeignKey(
        "accounts.Position",
        verbose_name=_("jabatan"),
        on_delete=models.PROTECT,
        related_name="sop_roles",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["adoption", "role"], name="sop_role_mapping_unique"),
        ]
        verbose_name = _("pemetaan peran SOP")
        verbose_name_plural = _("pemetaan peran SOP")

    def __str__(self) -> str:
        return f"{self.role} → {self.position_id}"
