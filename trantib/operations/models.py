"""The operation file (berkas operasi) of a case whose SOP binds ``operation_report``.

One file per case: the basis (the Surat Perintah), the day and hours, the places, the
commander, the teams and their members, the partner agencies, the readiness check against the
SOP's equipment, the incident log (append-only), the results (violators dealt with), the
seized items (barang bukti) and, for a demonstration, the crowd and its escalation levels.
Every row carries its unit through the file; every change is a service with its audit event
on the file's chain (:mod:`.services`).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from trantib.accounts.models import OrgUnit, Person


class Operation(models.Model):
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="operations")
    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="operation_file"
    )
    # The basis when the Surat Perintah was made outside Trantib (else read from the letter).
    basis_number = models.CharField(_("nomor Surat Perintah"), max_length=120, blank=True)
    basis_date = models.DateField(_("tanggal Surat Perintah"), null=True, blank=True)
    day = models.DateField(_("tanggal operasi"), null=True, blank=True)
    starts_at = models.TimeField(_("mulai"), null=True, blank=True)
    ends_at = models.TimeField(_("selesai"), null=True, blank=True)
    commander = models.ForeignKey(
        Person,
        verbose_name=_("komandan lapangan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Demonstrations (PUR) only.
    crowd_group = models.CharField(_("kelompok massa"), max_length=200, blank=True)
    crowd_estimate = models.PositiveIntegerField(_("perkiraan jumlah massa"), null=True, blank=True)
    demands = models.TextField(_("tuntutan"), blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-day", "-pk"]
        verbose_name = _("berkas operasi")
        verbose_name_plural = _("berkas operasi")

    def __str__(self) -> str:
        return str(self.case.number) if self.case_id else f"#{self.pk}"


class Place(models.Model):
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="places")
    name = models.CharField(_("nama tempat"), max_length=200)
    latitude = models.FloatField(_("lintang"), null=True, blank=True)
    longitude = models.FloatField(_("bujur"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("nama tim"), max_length=100)
    leader = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    members = models.ManyToManyField(Person, related_name="operation_teams", blank=True)
    task = models.CharField(_("tugas"), max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Partner(models.Model):
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="partners")
    agency = models.CharField(_("instansi"), max_length=200)
    contact = models.CharField(_("kontak"), max_length=200, blank=True)
    personnel = models.PositiveIntegerField(_("jumlah personel"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.agency


class ReadinessSource(models.TextChoices):
    EQUIPMENT = "peralatan", _("Peralatan/Perlengkapan SOP")
    REQUIREMENT = "kelengkapan", _("Kelengkapan langkah")


class ReadinessCheck(models.Model):
    """One item of the SOP's equipment list (or of a step's Kelengkapan), ticked."""

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="readiness")
    item = models.CharField(_("perlengkapan"), max_length=300)
    source = models.CharField(max_length=12, choices=ReadinessSource.choices)
    ready = models.BooleanField(_("siap"), default=False)
    note = models.CharField(_("catatan"), max_length=300, blank=True)
    checked_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["operation", "item"], name="readiness_item_once")
        ]

    def __str__(self) -> str:
        return self.item


class Incident(models.Model):
    """One line of the incident log. Never edited: a correction is a new line naming it."""

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="incidents")
    at = models.DateTimeField(_("waktu"))
    text = models.TextField(_("kejadian"))
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class ResultAction(models.TextChoices):
    PEMBINAAN = "pembinaan", _("Pembinaan")
    PENDATAAN = "pendataan", _("Pendataan")
    PERNYATAAN = "pernyataan", _("Surat pernyataan")
    PENERTIBAN = "penertiban", _("Penertiban")
    PANTI = "panti", _("Dibawa ke panti sosial")
    PENYITAAN = "penyitaan", _("Penyitaan barang")
    PPNS = "ppns", _("Diserahkan kepada PPNS")


class Result(models.Model):
    """A person or business dealt with in the operation, and what was done."""

    Action = ResultAction

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="results")
    violator = models.ForeignKey(
        "enforcement.Violator", on_delete=models.PROTECT, related_name="operation_results"
    )
    action = models.CharField(_("tindakan"), max_length=12, choices=ResultAction.choices)
    note = models.CharField(_("keterangan"), max_length=300, blank=True)
    enforcement = models.ForeignKey(
        "enforcement.Enforcement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=[a.value for a in ResultAction]), name="result_action_known"
            )
        ]

    def __str__(self) -> str:
        return f"{self.violator_id}: {self.action}"


class EscalationLevel(models.TextChoices):
    TERTIB = "tertib", _("Tertib")
    MEMANAS = "memanas", _("Memanas")
    RICUH = "ricuh", _("Ricuh")
    KONDUSIF = "kondusif", _("Kondusif kembali")


class Escalation(models.Model):
    """A demonstration reached ``level`` at ``at`` (append-only, in time order)."""

    Level = EscalationLevel

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="escalations")
    level = models.CharField(_("tingkat"), max_length=10, choices=EscalationLevel.choices)
    at = models.DateTimeField(_("waktu"))
    note = models.CharField(_("keterangan"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.level


class ItemState(models.TextChoices):
    HELD = "disimpan", _("Disimpan")
    RETURNED = "dikembalikan", _("Dikembalikan")
    DESTROYED = "dimusnahkan", _("Dimusnahkan")


def item_photo_path(instance: SeizedItem, filename: str) -> str:
    return f"barang-bukti/{instance.unit_id}/{instance.operation_id}/{filename}"


class SeizedItem(models.Model):
    """Barang bukti: an item seized or held in an operation, under a Berita Acara Penyitaan,
    kept at ``storage`` until returned or destroyed (each under its own Berita Acara)."""

    State = ItemState

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="seized_items")
    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="items")
    description = models.CharField(_("uraian barang"), max_length=300)
    quantity = models.PositiveIntegerField(_("jumlah"))
    measure = models.CharField(_("satuan"), max_length=40)
    owner = models.ForeignKey(
        "enforcement.Violator",
        verbose_name=_("pemilik"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="seized_items",
    )
    photo = models.FileField(_("foto"), upload_to=item_photo_path, max_length=300, blank=True)
    storage = models.CharField(_("tempat penyimpanan"), max_length=200)
    seizure_letter = models.ForeignKey(
        "letters.Letter", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=12, choices=ItemState.choices, default=ItemState.HELD)
    returned_to = models.CharField(_("dikembalikan kepada"), max_length=200, blank=True)
    ended_on = models.DateField(_("tanggal"), null=True, blank=True)
    end_how = models.CharField(_("cara pemusnahan"), max_length=300, blank=True)
    end_letter = models.ForeignKey(
        "letters.Letter", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=[s.value for s in ItemState]), name="seized_item_state_known"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="seized_item_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} {self.measure} {self.description}"
