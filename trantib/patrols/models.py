"""The patrol programme of a unit: its named areas, the monthly plan and the daily reports.

- :class:`Area` — a wilayah the unit patrols (a name, optionally a polygon on the map).
- :class:`Plan` — the plan of one patrol month: one per programme case (PPW), the month taken
  from the case's first step. Its :class:`PlanDay` rows are the month's patrols: a day, a shift,
  the areas or a route, the team as people of the unit and its Danru. The SOP's schedule step
  (``patrol_schedule``) is filled from them; each day's scheduled patrol (``patrol_day``) goes
  to the day's Danru.
- :class:`Report` — the team's daily report of one day: times, the places visited
  (:class:`ReportPlace`), the result, and either "nihil" or findings (:class:`ReportFinding`),
  each of which opened its enforcement case on the day.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from trantib.accounts.models import OrgUnit, Person, outline_validate


class Area(models.Model):
    """A named patrol area (wilayah) of a unit."""

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="patrol_areas"
    )
    name = models.CharField(_("nama wilayah"), max_length=120)
    description = models.CharField(_("keterangan"), max_length=300, blank=True)
    # GeoJSON Polygon/MultiPolygon of [lon, lat], drawn on the map; optional.
    outline = models.JSONField(
        _("batas wilayah"), null=True, blank=True, validators=[outline_validate]
    )
    active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(_("dicatat"))
    created_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("wilayah patroli")
        verbose_name_plural = _("wilayah patroli")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "name"],
                name="patrol_area_unit_name_unique",
                violation_error_message=_("Wilayah dengan nama ini sudah ada di unit ini."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Plan(models.Model):
    """The patrol plan of one month: one per programme case."""

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="patrol_plans"
    )
    case = models.OneToOneField(
        "cases.Case", verbose_name=_("kasus"), on_delete=models.PROTECT, related_name="patrol_plan"
    )
    month = models.DateField(_("bulan"), help_text=_("Hari pertama bulan program."))
    created_at = models.DateTimeField(_("dibuat"))
    created_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-month", "-pk"]
        verbose_name = _("rencana patroli")
        verbose_name_plural = _("rencana patroli")
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="patrol_plan_month_first_day")
        ]

    def __str__(self) -> str:
        return f"{self.case.number} {self.month:%Y-%m}"


class PlanDay(models.Model):
    """One patrol of the month: its day and shift, where, and which team."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(
        Plan, verbose_name=_("rencana"), on_delete=models.CASCADE, related_name="days"
    )
    day = models.DateField(_("tanggal"))
    starts = models.TimeField(_("mulai"))
    ends = models.TimeField(_("selesai"))
    areas = models.ManyToManyField(
        Area, verbose_name=_("wilayah"), related_name="plan_days", blank=True
    )
    route = models.CharField(_("rute"), max_length=300, blank=True)
    danru = models.ForeignKey(
        Person, verbose_name=_("Danru"), on_delete=models.PROTECT, related_name="+"
    )
    members = models.ManyToManyField(Person, verbose_name=_("anggota regu"), related_name="+")
    # The SOP task of this day's patrol, once the schedule step is done.
    task = models.OneToOneField(
        "cases.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="patrol_day"
    )

    class Meta:
        ordering = ["day", "starts", "pk"]
        verbose_name = _("hari patroli")
        verbose_name_plural = _("hari patroli")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "day"],
                name="patrol_day_plan_day_unique",
                violation_error_message=_("Tanggal ini sudah ada dalam rencana."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d}"

    def clean(self) -> None:
        if self.starts and self.ends and self.starts == self.ends:
            raise ValidationError({"ends": _("Jam selesai harus berbeda dari jam mulai.")})


class Report(models.Model):
    """The daily report of one patrol day, by its team."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    day = models.OneToOneField(
        PlanDay, verbose_name=_("hari patroli"), on_delete=models.PROTECT, related_name="report"
    )
    started = models.TimeField(_("jam mulai"))
    ended = models.TimeField(_("jam selesai"))
    result = models.TextField(_("hasil patroli"))
    nihil = models.BooleanField(_("nihil"), default=False)
    submitted_at = models.DateTimeField(_("dilaporkan"))
    submitted_by = models.ForeignKey(
        Person, verbose_name=_("pelapor"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["day__day", "pk"]
        verbose_name = _("laporan patroli harian")
        verbose_name_plural = _("laporan patroli harian")

    def __str__(self) -> str:
        return f"{self.day.day:%Y-%m-%d}"


class ReportPlace(models.Model):
    """A place the team visited, with its point on the map where it was taken."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="places")
    name = models.CharField(_("nama tempat"), max_length=200)
    latitude = models.FloatField(_("lintang"), null=True, blank=True)
    longitude = models.FloatField(_("bujur"), null=True, blank=True)

    class Meta:
        ordering = ["report", "pk"]

    def __str__(self) -> str:
        return self.name


class ReportFinding(models.Model):
    """A finding of the report: the enforcement it opened on the day."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="findings")
    enforcement = models.OneToOneField(
        "enforcement.Enforcement", on_delete=models.PROTECT, related_name="patrol_finding"
    )

    class Meta:
        ordering = ["report", "pk"]

    def __str__(self) -> str:
        return str(self.enforcement_id)
