"""The SOP monitoring forms (Permenpan RB 35/2012, Tabel 7) and yearly evaluations.

What is kept is what an assessor (penilai) writes: the judgement of each procedure row, the
notes, the actions, the initials, and — once the form is final — the figures Trantib had
pre-filled, frozen as they were. While a form is a draft its figures are computed again on each
view; a final form is archived: read-only, one per unit, SOP and period.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from trantib.accounts.models import OrgUnit, Person
from trantib.sops.models import SopVersion

__all__ = [
    "Assessment",
    "FormStatus",
    "MonitoringForm",
    "MonitoringRow",
    "MonitoringSettings",
    "SopEvaluation",
]


class FormStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")  # the assessor is still writing it; its figures are live
    FINAL = "final", _("Final")  # archived: read-only, its figures frozen
    REPLACED = "replaced", _("Diganti")  # a draft that a newer draft replaced; kept for the trail


class Assessment(models.TextChoices):
    BAIK = "baik", _("Berjalan dengan baik")
    TIDAK_BAIK = "tidak_baik", _("Tidak berjalan dengan baik")


class MonitoringSettings(models.Model):
    """Who assesses a unit's SOPs, and the share within the Mutu Baku that Trantib calls
    "berjalan dengan baik". No row (or no role): the unit's supervising positions assess."""

    unit = models.OneToOneField(
        OrgUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+"
    )
    # Position codes of the unit (SOP role ids) whose holders assess; empty = the supervisors.
    assessor_roles = models.JSONField(_("jabatan penilai"), default=list, blank=True)
    threshold = models.PositiveSmallIntegerField(
        _("ambang dalam Mutu Baku (%)"),
        default=80,
        help_text=_(
            "Baris dinilai berjalan dengan baik bila sekurang-kurangnya persentase ini "
            "dari langkah yang selesai diselesaikan dalam Mutu Baku waktu."
        ),
    )
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("pengaturan monitoring SOP")
        verbose_name_plural = _("pengaturan monitoring SOP")
        constraints = [
            models.CheckConstraint(
                condition=Q(threshold__gte=1, threshold__lte=100), name="monitoring_threshold_pct"
            ),
        ]

    def __str__(self) -> str:
        return str(self.unit)


class _Assessed(models.Model):
    """What a monitoring form and an evaluation share: who made it and when, who finalised it,
    the assessor as printed (frozen when final), and the newer draft that replaced it."""

    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    finalised_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    finalised_at = models.DateTimeField(null=True, blank=True)
    assessor_name = models.CharField(max_length=200, blank=True)
    assessor_jabatan = models.CharField(max_length=200, blank=True)
    assessor_number = models.CharField(max_length=40, blank=True)
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True


class MonitoringForm(_Assessed):
    """One Formulir Monitoring Pelaksanaan SOP: a unit, an SOP, a period."""

    Status = FormStatus

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    sop_code = models.CharField(_("kode SOP"), max_length=20)
    sop_version = models.ForeignKey(
        SopVersion,
        verbose_name=_("versi SOP yang barisnya dinilai"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    sop_name = models.CharField(_("nama SOP"), max_length=300)
    sop_nomor = models.CharField(_("nomor SOP"), max_length=200, blank=True)
    period = models.CharField(_("periode"), max_length=10)  # "2026-S1", "2026-T3", "2026"
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # Frozen when final: the versions whose cases the figures counted, the threshold used.
    versions = models.JSONField(default=list, blank=True)
    threshold = models.PositiveSmallIntegerField(default=80)
    unmatched = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-period", "sop_code", "-pk"]
        verbose_name = _("formulir monitoring SOP")
        verbose_name_plural = _("formulir monitoring SOP")
        constraints = [
            # One draft or final form per unit, SOP and period: a final one is never replaced,
            # a draft is replaced (status REPLACED) before a new one is saved.
            models.UniqueConstraint(
                fields=["unit", "sop_code", "period"],
                condition=Q(status__in=["draft", "final"]),
                name="monitoring_one_form_per_period",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "final", "replaced"]),
                name="monitoring_form_status_known",
            ),
        ]
        indexes = [models.Index(fields=["unit", "period"], name="monitoring_unit_period")]

    def __str__(self) -> str:
        return f"{self.sop_code} {self.period} ({self.unit.code})"

    @property
    def is_final(self) -> bool:
        return self.status == FormStatus.FINAL


class MonitoringRow(models.Model):
    """One procedure row of a form: the six columns of Tabel 7 and Trantib's pre-fill."""

    form = models.ForeignKey(MonitoringForm, on_delete=models.CASCADE, related_name="rows")
    position = models.PositiveSmallIntegerField()  # document order
    no = models.CharField(_("No"), max_length=20)
    procedure = models.TextField(_("Prosedur"))
    standard = models.CharField(_("Mutu Baku waktu"), max_length=200, blank=True)
    assessment = models.CharField(
        _("penilaian"), max_length=12, choices=Assessment.choices, blank=True
    )
    # The note: Trantib's factual note (kept or not) and the assessor's own text.
    keep_prefill = models.BooleanField(_("pakai catatan dari data kasus"), default=True)
    note = models.TextField(_("catatan hasil penilaian"), blank=True)
    action = models.TextField(_("tindakan yang harus diambil"), blank=True)
    paraf_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    paraf_initials = models.CharField(max_length=20, blank=True)
    paraf_at = models.DateTimeField(null=True, blank=True)
    # Frozen when final: RowFigures.to_json() (the pre-filled assessment and note among them).
    figures = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["form", "position"]
        constraints = [
            models.UniqueConstraint(fields=["form", "position"], name="monitoring_row_position"),
        ]

    def __str__(self) -> str:
        return f"{self.form} · {self.no}"


class SopEvaluation(_Assessed):
    """The yearly Evaluasi Penerapan SOP AP: seven yes/no criteria with notes, and whether the
    SOP needs a revision (which opens a draft version when the evaluation is final)."""

    Status = FormStatus

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    sop_code = models.CharField(_("kode SOP"), max_length=20)
    sop_name = models.CharField(_("nama SOP"), max_length=300)
    sop_nomor = models.CharField(_("nomor SOP"), max_length=200, blank=True)
    sop_version = models.PositiveIntegerField(_("versi yang dievaluasi"))
    year = models.PositiveSmallIntegerField(_("tahun"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # Seven entries, in the standard's order: {"answer": "ya" | "tidak" | "", "note": "…"}.
    answers = models.JSONField(default=list)
    needs_revision = models.BooleanField(_("perlu revisi"), null=True, blank=True)
    revision_reason = models.TextField(_("alasan revisi"), blank=True)
    draft_version = models.ForeignKey(
        SopVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-year", "sop_code", "-pk"]
        verbose_name = _("evaluasi SOP")
        verbose_name_plural = _("evaluasi SOP")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "sop_code", "year"],
                condition=Q(status__in=["draft", "final"]),
                name="evaluation_one_per_year",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "final", "replaced"]),
                name="evaluation_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sop_code} {self.year} ({self.unit.code})"

    @property
    def is_final(self) -> bool:
        return self.status == FormStatus.FINAL

    @property
    def score(self) -> int:
        return sum(1 for a in self.answers if a.get("answer") == "ya")
