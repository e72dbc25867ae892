"""Complaints (pengaduan): what a citizen reported, through which channel, and who may see who.

A **complaint** is the citizen-facing record beside the case that handles it: the channel, the
category (the kind of Perda violation, managed by a unit), the description, the place, and the
reporter. Each complaint opens one case of its category's SOP (PGD, seed 002) in the unit the
**routing rules** choose. The public **tracking number** (``K7QM-4RTZ``) is drawn at random
from an alphabet without look-alike letters, so it can be read out on the phone and cannot be
guessed from another one.

Privacy: an **anonymous** complaint stores no name and no contact at all. A **confidential**
complaint keeps the identity, but only the intake roles (Staf, Kasi Trantib, Camat of the
handling unit) see it; every other reader gets the masked view (``selectors``). A **public**
complaint appears in the public Open311 feed (``public.py`` has the rule and the rounding);
a confidential one never does.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from trantib.accounts.models import OrgUnit, Person
from trantib.cases.models import Case


class Channel(models.TextChoices):
    COUNTER = "counter", _("Datang ke kantor")
    PHONE = "phone", _("Telepon")
    SMS = "sms", _("SMS")
    WEB = "web", _("Formulir web")
    OPEN311 = "open311", _("Open311")


class ComplaintEvent(models.TextChoices):
    """The events of a complaint's own audit chain (``core.audit``); its case keeps its own."""

    # An intake role let the complaint into the public feed, or took it out (data: before,
    # after, channel, case number).
    MADE_PUBLIC = "complaint.made_public", _("Ditampilkan untuk umum")
    MADE_PRIVATE = "complaint.made_private", _("Ditarik dari tampilan umum")


class Category(models.Model):
    """A kind of Perda violation the unit takes complaints about (Open311: a service)."""

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="categories"
    )
    # Unique across units: it is the Open311 service_code and the SMS keyword.
    code = models.SlugField(_("kode"), max_length=30, unique=True)
    name = models.CharField(_("nama"), max_length=120)
    description = models.CharField(_("keterangan"), max_length=300, blank=True)
    keywords = models.CharField(
        _("kata kunci SMS"),
        max_length=200,
        blank=True,
        help_text=_("Kata lain yang dikenali di awal SMS, dipisah koma."),
    )
    sop_code = models.CharField(_("SOP pengaduan"), max_length=20, default="PGD")
    active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["unit__code", "name"]
        verbose_name = _("kategori pengaduan")
        verbose_name_plural = pgettext_lazy("plural", "kategori pengaduan")

    def __str__(self) -> str:
        return f"{self.name} ({self.unit.code})"

    def clean(self) -> None:
        """The SOP must exist and bind both complaint contracts: its first step takes the
        complaint (``complaint_intake``) and its last answers the reporter
        (``reporter_answer``), which makes informing the reporter a closing condition."""
        from django.core.exceptions import ValidationError

        from trantib.engine.bindings import ContractName
        from trantib.sops import registry

        try:
            spec = registry.get(self.sop_code)
        except KeyError:
            raise ValidationError(
                {"sop_code": _("SOP %(code)s tidak ada di pustaka.") % {"code": self.sop_code}}
            ) from None
        missing = [
            c
            for c in (ContractName.COMPLAINT_INTAKE, ContractName.REPORTER_ANSWER)
            if spec.binding(c) is None
        ]
        if missing:
            raise ValidationError(
                {
                    "sop_code": _(
                        "SOP %(code)s tidak mengikat %(missing)s (binds:), jadi tidak dapat "
                        "dipakai untuk pengaduan: langkah pertamanya harus menerima pengaduan dan "
                        "langkah akhirnya memberi tahu pelapor."
                    )
                    % {"code": self.sop_code, "missing": ", ".join(missing)}
                }
            )


class RoutingRule(models.Model):
    """Which unit handles a complaint: the first rule (lowest priority number) whose every
    condition holds — category, kelurahan/desa, a latitude/longitude box; a condition left
    empty always holds. Without a matching rule the category's own unit handles it."""

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit penanganan"), on_delete=models.PROTECT, related_name="+"
    )
    priority = models.PositiveIntegerField(_("urutan"), default=100)
    category = models.ForeignKey(
        Category,
        verbose_name=_("kategori"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rules",
    )
    kelurahan = models.CharField(_("kelurahan/desa"), max_length=100, blank=True)
    min_lat = models.DecimalField(
        _("lintang minimum"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    max_lat = models.DecimalField(
        _("lintang maksimum"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    min_lon = models.DecimalField(
        _("bujur minimum"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    max_lon = models.DecimalField(
        _("bujur maksimum"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    class Meta:
        ordering = ["priority", "pk"]
        verbose_name = _("aturan penerusan")
        verbose_name_plural = pgettext_lazy("plural", "aturan penerusan")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(min_lat__isnull=True, max_lat__isnull=True)
                    | Q(
                        min_lat__isnull=False,
                        max_lat__isnull=False,
                        min_lat__lte=models.F("max_lat"),
                    )
                )
                & (
                    Q(min_lon__isnull=True, max_lon__isnull=True)
                    | Q(
                        min_lon__isnull=False,
                        max_lon__isnull=False,
                        min_lon__lte=models.F("max_lon"),
                    )
                ),
                name="routing_box_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.priority}: → {self.unit.code}"


class Complaint(models.Model):
    Channel = Channel
    # Not a column: the receipt ``complaint_file`` queued for the reporter ("" when none could
    # be), which the SMS door repeats as its reply.
    receipt_text: str = ""

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="complaints"
    )
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="complaint")
    tracking = models.CharField(_("nomor pelacakan"), max_length=9, unique=True)
    channel = models.CharField(_("saluran"), max_length=10, choices=Channel.choices)
    received_at = models.DateTimeField(_("diterima"))
    category = models.ForeignKey(
        Category, verbose_name=_("kategori"), on_delete=models.PROTECT, related_name="complaints"
    )
    description = models.TextField(_("uraian"))
    latitude = models.DecimalField(
        _("lintang"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("bujur"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    address = models.CharField(_("alamat"), max_length=300, blank=True)
    kelurahan = models.CharField(_("kelurahan/desa"), max_length=100, blank=True)
    # The reporter: all blank when anonymous (the constraint below holds it).
    anonymous = models.BooleanField(_("anonim"), default=False)
    confidential = models.BooleanField(_("rahasia"), default=False)
    # In the public Open311 feed (rounded point, street and desa only). Set at intake from the
    # channel (``public.public_by_default``); changed by ``services.complaint_public_set``.
    public = models.BooleanField(_("tampil untuk umum"), default=False)
    reporter_name = models.CharField(_("nama pelapor"), max_length=120, blank=True)
    reporter_phone = models.CharField(_("telepon pelapor"), max_length=20, blank=True)
    reporter_email = models.EmailField(_("e-mail pelapor"), blank=True)
    # The officer who took it at the counter or on the phone (None: a public channel).
    taken_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The channel's own id of the message that brought it (SMS gateway id, Open311 device).
    source_ref = models.CharField(max_length=100, blank=True)
    # The answer to the reporter (the SOP's last step): what was told, how and when.
    answered_at = models.DateTimeField(_("pelapor diberi tahu"), null=True, blank=True)
    answer_channel = models.CharField(_("saluran pemberitahuan"), max_length=40, blank=True)
    answer_text = models.TextField(_("isi pemberitahuan"), blank=True)
    # The answer clock, stamped when its facts are known (``clock.py``): the promised moment
    # and the first late moment at receipt, the working days waited at the answer.
    answer_due_at = models.DateTimeField(_("jawaban jatuh tempo"), null=True, blank=True)
    answer_late_from = models.DateTimeField(_("terlambat sejak"), null=True, blank=True)
    answer_days = models.PositiveSmallIntegerField(
        _("hari kerja sampai diberi tahu"), null=True, blank=True
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplikat dari"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("pengaduan")
        verbose_name_plural = pgettext_lazy("plural", "pengaduan")
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymous=False)
                | Q(reporter_name="", reporter_phone="", reporter_email=""),
                name="complaint_anonymous_keeps_no_identity",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=[c.value for c in Channel]), name="complaint_channel_known"
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="complaint_point_complete",
            ),
            models.CheckConstraint(
                condition=Q(confidential=False) | Q(public=False),
                name="complaint_confidential_never_public",
            ),
        ]
        indexes = [
            # A unit's complaints received in a period (the recap, the dashboard's months),
            # with the answer's clock they are counted by: PostgreSQL reads the index only.
            models.Index(
                fields=["unit", "received_at"],
                include=["answered_at", "answer_late_from", "answer_days", "id"],
                name="complaint_unit_received",
            ),
            models.Index(fields=["category", "received_at"], name="complaint_cat_received"),
            # The complaints still running at a moment (not answered, or answered after it):
            # the SPM's quarter, without reading every complaint ever received; with what the
            # SPM counts them by, so PostgreSQL reads the index only.
            models.Index(
                fields=["unit", "answered_at"],
                include=["received_at", "answer_late_from", "case_id", "id"],
                name="complaint_unit_answered",
            ),
            # The complaint list, newest first (the model's order): read in order and stopped at
            # the page, not every complaint sorted (0.7 s on a province's 650,000).
            models.Index(fields=["-received_at", "-id"], name="complaint_received_desc"),
            # The public feed: the public complaints of a period, newest first.
            models.Index(
                fields=["-received_at", "-id"],
                condition=Q(public=True),
                name="complaint_public_received",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking} — {self.category.name}"

    @property
    def has_contact(self) -> bool:
        return bool(self.reporter_phone or self.reporter_email)

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class SmsInbound(models.Model):
    """One message the SMS gateway delivered to the webhook, kept once per gateway id: a second
    delivery of the same id finds this row and changes nothing (idempotency)."""

    class Result(models.TextChoices):
        COMPLAINT = "complaint", _("Pengaduan dibuat")
        STATUS = "status", _("Permintaan status")
        HELP = "help", _("Balasan bantuan")

    gateway_id = models.CharField(max_length=100, unique=True)
    sender = models.CharField(max_length=20, blank=True)  # blank: an anonymous sender
    text = models.TextField()
    received_at = models.DateTimeField()
    result = models.CharField(max_length=10, choices=Result.choices)
    complaint = models.ForeignKey(
        Complaint, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reply = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("SMS masuk")
        verbose_name_plural = pgettext_lazy("plural", "SMS masuk")

    def __str__(self) -> str:
        return f"{self.gateway_id} ({self.result})"


class Open311Client(models.Model):
    """An application allowed to POST requests to /open311/v2/ (its ``api_key``). Only the
    SHA-256 digest of the key is kept."""

    name = models.CharField(_("nama aplikasi"), max_length=100, unique=True)
    key_digest = models.CharField(max_length=64, unique=True)
    active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]
        verbose_name = _("aplikasi Open311")
        verbose_name_plural = pgettext_lazy("plural", "aplikasi Open311")

    def __str__(self) -> str:
        return self.name
