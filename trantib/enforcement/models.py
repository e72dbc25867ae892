"""The enforcement register of a unit: its violators, the Perda it enforces with their articles
and warning ladder, and each enforcement (one finding against one violator, run as a case).

- :class:`Violator` — a person (nama, NIK, address, phone) or a business (nama usaha, NIB, jenis
  usaha, its owner as a person violator), kept once per unit and found again by NIK/NIB or by a
  similar name and address: a new finding on a known violator is a repeat.
- :class:`Perda` → :class:`Article` (the pasal violated, the administrative sanctions it
  prescribes) and :class:`LadderRung` (the warning ladder's periods, calendar or working days:
  the national pattern 15 / 7 / 3 / 3 days of Permendagri 54/2011 by default, local variants
  per Perda). The ladder's waits take their periods from here, not from the SOP file.
- :class:`Enforcement` — one finding (on patrol, in an operation, by hand) against one
  violator for one or more articles; its case walks the ladder (PPW's entry step).

NIK, phone and address are personal data: read them through :mod:`.selectors`, which masks
them for anyone but the enforcement roles of the violator's unit.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from trantib.accounts.models import OrgUnit, Person


class ViolatorKind(models.TextChoices):
    PERSON = "orang", _("Orang")
    BUSINESS = "usaha", _("Badan usaha / tempat usaha")


class Violator(models.Model):
    """A person or a business that violated a Perda, once per unit."""

    Kind = ViolatorKind

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="violators"
    )
    kind = models.CharField(_("jenis"), max_length=5, choices=ViolatorKind.choices)
    # A person's full name, or the business's name (nama usaha).
    name = models.CharField(_("nama"), max_length=200)
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    phone = models.CharField(_("nomor telepon"), max_length=20, blank=True)
    address = models.CharField(_("alamat (jalan, RT/RW)"), max_length=300, blank=True)
    desa = models.CharField(_("desa/kelurahan"), max_length=100, blank=True)
    kecamatan = models.CharField(_("kecamatan"), max_length=100, blank=True)
    # Businesses only.
    nib = models.CharField(_("NIB"), max_length=13, blank=True)
    business_type = models.CharField(_("jenis usaha"), max_length=100, blank=True)
    owner = models.ForeignKey(
        "self",
        verbose_name=_("pemilik"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="businesses",
    )
    latitude = models.FloatField(_("lintang"), null=True, blank=True)
    longitude = models.FloatField(_("bujur"), null=True, blank=True)
    note = models.TextField(_("catatan"), blank=True)
    created_at = models.DateTimeField(_("dicatat"))
    created_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("pelanggar")
        verbose_name_plural = _("pelanggar")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in ViolatorKind]), name="violator_kind_known"
            ),
            # One register entry per NIK / NIB in a unit (blank ones are not compared).
            models.UniqueConstraint(
                fields=["unit", "nik"],
                condition=~Q(nik=""),
                name="violator_unit_nik_unique",
                violation_error_message=_("Pelanggar dengan NIK ini sudah terdaftar di unit ini."),
            ),
            models.UniqueConstraint(
                fields=["unit", "nib"],
                condition=~Q(nib=""),
                name="violator_unit_nib_unique",
                violation_error_message=_("Usaha dengan NIB ini sudah terdaftar di unit ini."),
            ),
            models.CheckConstraint(
                condition=Q(kind=ViolatorKind.BUSINESS) | (Q(nib="") & Q(owner__isnull=True)),
                name="violator_person_has_no_business_fields",
            ),
        ]
        indexes = [models.Index(fields=["unit", "name"], name="violator_unit_name")]

    def __str__(self) -> str:
        return self.name


def violator_photo_path(instance: ViolatorPhoto, filename: str) -> str:
    return f"pelanggar/{instance.violator.unit_id}/{instance.violator_id}/{filename}"


class ViolatorPhoto(models.Model):
    """A photo of the violator or of the place of business."""

    violator = models.ForeignKey(Violator, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to=violator_photo_path, max_length=300)
    name = models.CharField(_("nama berkas"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class SanctionApplied(models.Model):
    """An administrative sanction carried out on one enforcement (penutupan, penyegelan …),
    as the register shows it on the violator's page. ``sanction`` is a :class:`Sanction` value."""

    enforcement = models.ForeignKey(
        "Enforcement",
        verbose_name=_("penegakan"),
        on_delete=models.PROTECT,
        related_name="sanctions_applied",
    )
    sanction = models.CharField(_("sanksi"), max_length=20)
    applied_on = models.DateField(_("tanggal"))
    reference = models.CharField(
        _("nomor surat / Berita Acara"), max_length=120, blank=True, default=""
    )
    note = models.TextField(_("catatan"), blank=True, default="")
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["applied_on", "pk"]
        verbose_name = _("sanksi yang dijatuhkan")
        verbose_name_plural = _("sanksi yang dijatuhkan")

    def __str__(self) -> str:
        return f"{self.sanction_text} ({self.applied_on:%Y-%m-%d})"

    @property
    def sanction_text(self) -> str:
        try:
            return str(Sanction(self.sanction).label)
        except ValueError:
            return self.sanction


class Attendance(models.TextChoices):
    PRESENT = "hadir", _("Hadir")
    ABSENT = "verstek", _("Verstek (tidak hadir)")


class CourtRecord(models.Model):
    """A tipiring hearing of one enforcement: the court, the hearing day, whether the violator
    came (hadir) or was tried in absence (verstek), the verdict, the fine and when it was paid."""

    Attendance = Attendance

    enforcement = models.ForeignKey(
        "Enforcement",
        verbose_name=_("penegakan"),
        on_delete=models.PROTECT,
        related_name="court_records",
    )
    hearing_on = models.DateField(_("tanggal sidang"))
    court = models.CharField(_("pengadilan"), max_length=200)
    attendance = models.CharField(_("kehadiran"), max_length=7, choices=Attendance.choices)
    verdict = models.TextField(_("putusan"), blank=True, default="")
    fine = models.PositiveBigIntegerField(_("denda (Rp)"), null=True, blank=True)
    paid_on = models.DateField(_("tanggal denda dibayar"), null=True, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["hearing_on", "pk"]
        verbose_name = _("sidang tipiring")
        verbose_name_plural = _("sidang tipiring")
        constraints = [
            models.CheckConstraint(
                condition=Q(attendance__in=["hadir", "verstek"]), name="court_attendance_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.court} ({self.hearing_on:%Y-%m-%d})"


class RegulationKind(models.TextChoices):
    PERDA = "perda", _("Peraturan Daerah")
    PERKADA = "perkada", _("Peraturan Kepala Daerah")


class Perda(models.Model):
    """A Perda or Perkada that the unit enforces, with its articles and warning ladder."""

    Kind = RegulationKind

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="perda"
    )
    kind = models.CharField(
        _("jenis"), max_length=7, choices=RegulationKind.choices, default=RegulationKind.PERDA
    )
    number = models.CharField(_("nomor"), max_length=20)
    year = models.PositiveSmallIntegerField(_("tahun"))
    title = models.CharField(_("tentang"), max_length=300)
    active = models.BooleanField(_("berlaku"), default=True)

    class Meta:
        ordering = ["-year", "number"]
        verbose_name = _("Perda/Perkada")
        verbose_name_plural = _("Perda/Perkada")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "kind", "number", "year"],
                name="perda_unit_number_unique",
                violation_error_message=_("Peraturan ini sudah ada di katalog unit."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in RegulationKind]), name="perda_kind_known"
            ),
        ]

    def __str__(self) -> str:
        word = "Perda" if self.kind == RegulationKind.PERDA else "Perkada"
        return f"{word} {self.number}/{self.year} tentang {self.title}"


class Sanction(models.TextChoices):
    """The administrative sanctions a Perda article may prescribe."""

    PENGHENTIAN = "penghentian", _("Penghentian sementara kegiatan")
    PENUTUPAN = "penutupan", _("Penutupan")
    PENYEGELAN = "penyegelan", _("Penyegelan")
    PEMBONGKARAN = "pembongkaran", _("Pembongkaran")
    PENYITAAN = "penyitaan", _("Penyitaan barang")
    PENCABUTAN_IZIN = "pencabutan_izin", _("Pencabutan izin")
    DENDA = "denda", _("Denda administratif")


class Article(models.Model):
    """One pasal (with ayat) of a Perda, as the finding cites it."""

    perda = models.ForeignKey(
        Perda, verbose_name=_("peraturan"), on_delete=models.CASCADE, related_name="articles"
    )
    label = models.CharField(_("pasal"), max_length=60, help_text=_("Mis. Pasal 12 ayat (1)"))
    text = models.TextField(_("isi larangan/kewajiban"), blank=True)
    # Sanction values (:class:`Sanction`) the article prescribes, in the article's order.
    sanctions = models.JSONField(_("sanksi administratif"), default=list, blank=True)
    fine_max = models.PositiveBigIntegerField(_("denda paling banyak (Rp)"), null=True, blank=True)

    class Meta:
        ordering = ["perda", "pk"]
        verbose_name = _("pasal")
        verbose_name_plural = _("pasal")
        constraints = [
            models.UniqueConstraint(
                fields=["perda", "label"],
                name="article_perda_label_unique",
                violation_error_message=_("Pasal ini sudah ada pada peraturan itu."),
            ),
        ]

    def __str__(self) -> str:
        word = "Perda" if self.perda.kind == RegulationKind.PERDA else "Perkada"
        return f"{self.label} {word} {self.perda.number}/{self.perda.year}"


class Rung(models.TextChoices):
    """The rungs of the warning ladder, in order; each has a compliance period."""

    PERNYATAAN = "pernyataan", _("Surat Pernyataan")
    TEGURAN_1 = "teguran_1", _("Surat Teguran I")
    TEGURAN_2 = "teguran_2", _("Surat Teguran II")
    TEGURAN_3 = "teguran_3", _("Surat Teguran III")


# Permendagri 54/2011 (SOP Penegakan Perda): the national pattern, in calendar days.
DEFAULT_LADDER: tuple[tuple[str, int], ...] = (
    (Rung.PERNYATAAN, 15),
    (Rung.TEGURAN_1, 7),
    (Rung.TEGURAN_2, 3),
    (Rung.TEGURAN_3, 3),
)


class LadderRung(models.Model):
    """One rung's compliance period under a Perda: ``days`` calendar or working days."""

    perda = models.ForeignKey(Perda, on_delete=models.CASCADE, related_name="rungs")
    rung = models.CharField(_("tingkat"), max_length=12, choices=Rung.choices)
    days = models.PositiveSmallIntegerField(_("jangka waktu (hari)"))
    working_days = models.BooleanField(_("hari kerja"), default=False)

    class Meta:
        ordering = ["perda", "rung"]
        constraints = [
            models.UniqueConstraint(fields=["perda", "rung"], name="ladder_rung_unique"),
            models.CheckConstraint(condition=Q(days__gte=1), name="ladder_rung_days_positive"),
            models.CheckConstraint(
                condition=Q(rung__in=[r.value for r in Rung]), name="ladder_rung_known"
            ),
        ]

    def __str__(self) -> str:
        unit = _("hari kerja") if self.working_days else _("hari")
        return f"{self.get_rung_display()}: {self.days} {unit}"


class FindingSource(models.TextChoices):
    PATROL = "patroli", _("Patroli")
    OPERATION = "operasi", _("Operasi")
    COMPLAINT = "pengaduan", _("Pengaduan")
    MANUAL = "manual", _("Dicatat langsung")


class EnforcementStatus(models.TextChoices):
    """Where one enforcement stands. OPEN: on the ladder; the others are its end."""

    OPEN = "berjalan", _("Berjalan")
    COMPLIED = "taat", _("Pelanggar mentaati")
    ENFORCED = "ditertibkan", _("Ditertibkan")
    CANCELLED = "batal", _("Dibatalkan")


class Enforcement(models.Model):
    """One finding against one violator for one or more articles, and the case that walks its
    warning ladder. ``repeat``: the violator already had an enforcement in the unit."""

    Source = FindingSource
    Status = EnforcementStatus

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="enforcements"
    )
    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("kasus"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enforcement",
    )
    violator = models.ForeignKey(
        Violator, verbose_name=_("pelanggar"), on_delete=models.PROTECT, related_name="enforcements"
    )
    perda = models.ForeignKey(
        Perda,
        verbose_name=_("peraturan"),
        on_delete=models.PROTECT,
        related_name="enforcements",
        help_text=_("Peraturan yang tangga tegurannya berlaku (pasal pertama yang dilanggar)."),
    )
    articles = models.ManyToManyField(Article, verbose_name=_("pasal"), related_name="+")
    source = models.CharField(_("sumber"), max_length=10, choices=FindingSource.choices)
    place = models.CharField(_("lokasi"), max_length=300, blank=True)
    latitude = models.FloatField(_("lintang"), null=True, blank=True)
    longitude = models.FloatField(_("bujur"), null=True, blank=True)
    description = models.TextField(_("uraian temuan"), blank=True)
    found_at = models.DateTimeField(_("waktu temuan"))
    found_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    repeat = models.BooleanField(_("pelanggaran berulang"), default=False)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=EnforcementStatus.choices,
        default=EnforcementStatus.OPEN,
    )
    closed_at = models.DateTimeField(_("selesai"), null=True, blank=True)

    class Meta:
        ordering = ["-found_at", "-pk"]
        verbose_name = _("penegakan")
        verbose_name_plural = _("penegakan")
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=[s.value for s in FindingSource]),
                name="enforcement_source_known",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in EnforcementStatus]),
                name="enforcement_status_known",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "status", "found_at"], name="enforcement_unit_status"),
            # The month's enforcements of some units, by when they were found or closed (the
            # enforcement recap), without reading every enforcement of the province.
            models.Index(fields=["unit", "found_at"], name="enforcement_unit_found"),
            models.Index(fields=["unit", "closed_at"], name="enforcement_unit_closed"),
            # The enforcements still on the ladder (the board, the dashboard's ladder): a few
            # thousand of a province's hundreds of thousands, read without the others.
            models.Index(
                fields=["unit"],
                include=["case"],
                condition=Q(status=EnforcementStatus.OPEN),
                name="enforcement_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.violator} ({self.found_at:%Y-%m-%d})"


class ComplianceCheck(models.Model):
    """A visit to the violator during the ladder: did they comply? Complied ends the ladder
    early; not complied at or after the deadline escalates to the next rung."""

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    enforcement = models.ForeignKey(
        Enforcement, verbose_name=_("penegakan"), on_delete=models.PROTECT, related_name="checks"
    )
    rung = models.CharField(_("tingkat"), max_length=12, blank=True)
    visited_at = models.DateTimeField(_("waktu kunjungan"))
    visited_by = models.ForeignKey(
        Person, verbose_name=_("petugas"), on_delete=models.PROTECT, related_name="+"
    )
    complied = models.BooleanField(_("pelanggar mentaati"))
    note = models.TextField(_("catatan"))
    latitude = models.FloatField(_("lintang"), null=True, blank=True)
    longitude = models.FloatField(_("bujur"), null=True, blank=True)
    # The photo is kept among the case's attachments (the case's file checks and access).
    photo = models.ForeignKey(
        "cases.Attachment",
        verbose_name=_("foto"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # What the visit did to the case: "ended_early", "decided", "escalated", "" (recorded only).
    effect = models.CharField(_("akibat"), max_length=20, blank=True)
    recorded_at = models.DateTimeField(_("dicatat"))

    class Meta:
        ordering = ["-visited_at", "-pk"]
        verbose_name = _("pemeriksaan kepatuhan")
        verbose_name_plural = _("pemeriksaan kepatuhan")

    def __str__(self) -> str:
        return f"{self.enforcement} @ {self.visited_at:%Y-%m-%d}"
