"""The Polmas register (seed 003): a standing programme of Pos activities and their records.

A :class:`Rule` says that a Bhabinkamtibmas holds one Pos activity (Sapta, Mantap, Satria,
Khidmat) in one desa/kelurahan on some days of the week (or every day) at a time and place.
The scheduler opens one :class:`Activity` per rule and due date — a POLMAS case at the Pos's
entry step, its task taken by the rule's officer — and the officer records what happened on
it (attendance, topics, the Pos's Kelengkapan and the SOP's Peralatan ticked, the Peringatan
kept, photos on the case). Each :class:`Issue` residents raise can open a complaint in the
unit the complaints routing names. An activity not recorded by the end of its day is missed.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from trantib.accounts.models import OrgUnit, Person


class Pos(models.TextChoices):
    """The four Pos activities of SOP POLMAS; each value is the SOP step's id."""

    SAPTA = "pos_sapta", _("Pos Sapta")  # Saturday-morning face-to-face visits (sambang)
    MANTAP = "pos_mantap", _("Pos Mantap")  # joint security with residents
    SATRIA = "pos_satria", _("Pos Satria")  # standby, every day
    KHIDMAT = "pos_khidmat", _("Pos Khidmat")  # the Friday-prayer sermon (pesan kamtibmas)


# Monday = 0 … Sunday = 6 (``date.weekday()``).
WEEKDAYS = (
    _("Senin"),
    _("Selasa"),
    _("Rabu"),
    _("Kamis"),
    _("Jumat"),
    _("Sabtu"),
    _("Minggu"),
)

# What the seed's activity texts say about each Pos's days (rows 1, 3, 4; Pos Mantap names
# none): the form's suggestion, never a constraint.
POS_DAYS_HINT = {
    Pos.SAPTA: "5",
    Pos.SATRIA: "",
    Pos.KHIDMAT: "4",
    Pos.MANTAP: "",
}


class Rule(models.Model):
    """One line of the standing programme: who, which Pos, where, on which days, at what time."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="polmas_rules")
    officer = models.ForeignKey(
        Person,
        verbose_name=_("Bhabinkamtibmas"),
        on_delete=models.PROTECT,
        related_name="polmas_rules",
    )
    desa = models.CharField(_("desa/kelurahan"), max_length=100)
    pos = models.CharField(_("kegiatan"), max_length=20, choices=Pos.choices)
    # The weekdays as digits (0 = Senin … 6 = Minggu); empty = every day.
    days = models.CharField(_("hari"), max_length=7, blank=True)
    starts_at = models.TimeField(_("jam mulai"))
    place = models.CharField(_("tempat"), max_length=200)
    active = models.BooleanField(_("aktif"), default=True)
    created_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    # The last day the scheduler went through for this rule (its last run); the next run also
    # opens the due days after it that a stopped worker skipped. None: a new or changed rule.
    opened_through = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["desa", "pos", "starts_at", "pk"]
        verbose_name = _("jadwal Polmas")
        verbose_name_plural = _("jadwal Polmas")
        constraints = [
            models.CheckConstraint(
                condition=Q(pos__in=[p.value for p in Pos]), name="polmas_rule_pos_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_pos_display()} {self.desa}"

    @property
    def weekdays(self) -> list[int]:
        return sorted({int(c) for c in self.days if c.isdigit() and int(c) < 7})

    def due_on(self, day: dt.date) -> bool:
        return not self.days or day.weekday() in self.weekdays

    @property
    def days_text(self) -> str:
        if not self.days:
            return str(_("Setiap hari"))
        return ", ".join(str(WEEKDAYS[d]) for d in self.weekdays)


class ActivityStatus(models.TextChoices):
    """Where an activity stands."""

    PLANNED = "planned", _("Direncanakan")  # opened on its day; not recorded yet
    HELD = "held", _("Dilaksanakan")  # recorded by its officer; its POLMAS task completed
    MISSED = "missed", _("Tidak dilaksanakan")  # its day ended without a record


class Activity(models.Model):
    """One occurrence of a rule on one day, with its POLMAS case and, once held, its record."""

    Status = ActivityStatus

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="polmas_activities")
    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, related_name="activities")
    day = models.DateField(_("tanggal"))
    # Copied from the rule when opened: a later change of the rule does not rewrite history.
    officer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="polmas_activities")
    pos = models.CharField(_("kegiatan"), max_length=20, choices=Pos.choices)
    desa = models.CharField(_("desa/kelurahan"), max_length=100)
    place = models.CharField(_("tempat"), max_length=200)
    starts_at = models.TimeField(_("jam mulai"))
    case = models.OneToOneField(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    opened_at = models.DateTimeField()
    # The record.
    held_at = models.DateTimeField(_("dilaksanakan pada"), null=True, blank=True)
    held_place = models.CharField(_("tempat pelaksanaan"), max_length=200, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    attendance = models.PositiveIntegerField(_("jumlah hadir"), default=0)
    attendees = models.JSONField(_("yang hadir"), default=list, blank=True)  # lines of text
    topics = models.JSONField(_("topik"), default=list, blank=True)  # lines of text
    kelengkapan = models.JSONField(default=list, blank=True)  # the Pos's items ticked
    peralatan = models.JSONField(default=list, blank=True)  # the SOP's items ticked
    warnings_kept = models.BooleanField(_("peringatan dipatuhi"), default=False)
    notes = models.TextField(_("catatan"), blank=True)
    recorded_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    missed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["day", "starts_at", "pk"]
        verbose_name = _("kegiatan Polmas")
        verbose_name_plural = _("kegiatan Polmas")
        constraints = [
            # The scheduler's idempotence: one activity per rule and day, however often it runs.
            models.UniqueConstraint(fields=["rule", "day"], name="polmas_activity_one_per_day"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ActivityStatus]),
                name="polmas_activity_status_known",
            ),
        ]
        indexes = [models.Index(fields=["unit", "day"], name="polmas_activity_unit_day")]

    def __str__(self) -> str:
        return f"{self.get_pos_display()} {self.desa} {self.day.isoformat()}"


class Issue(models.Model):
    """A matter residents raised at an activity; it may open a complaint in the right unit."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="polmas_issues")
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="issues")
    text = models.TextField(_("uraian"))
    desa = models.CharField(_("desa/kelurahan"), max_length=100, blank=True)
    place = models.CharField(_("tempat"), max_length=300, blank=True)
    resident_name = models.CharField(_("nama warga"), max_length=120, blank=True)
    resident_contact = models.CharField(_("kontak warga"), max_length=30, blank=True)
    complaint = models.OneToOneField(
        "complaints.Complaint", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("permasalahan warga")
        verbose_name_plural = _("permasalahan warga")

    def __str__(self) -> str:
        return self.text[:60]
