"""Letters (naskah dinas): the unit's letter settings, its registers, each letter with its paraf
chain and deliveries, and the incoming letters with their dispositions.

A letter's life (:class:`LetterState`): drafted from a case (or by hand) → sent for paraf →
each reviewer initials it or returns it with a note → approved → at signing it takes its number
from the unit's register (never before) → signed: the official PDF is fixed with its SHA-256
and a random verification code → delivered (tanda terima). A cancelled letter keeps its number
and says why. Every change is a service in :mod:`trantib.letters.services` with its audit
event (the letter's own hash chain, :func:`trantib.core.audit.audit_record`).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from trantib.accounts.models import OrgUnit, Person

from .kinds import KINDS


class Paper(models.TextChoices):
    A4 = "A4", _("A4 (210 × 297 mm)")
    F4 = "F4", _("F4 (215 × 330 mm)")


class Font(models.TextChoices):
    # Arial and Bookman Old Style are not free: the metric-compatible Liberation Sans prints in
    # Arial's place, DejaVu Serif in Bookman's (fonts-liberation2, fonts-dejavu-core).
    ARIAL = "arial", _("Arial (Liberation Sans)")
    BOOKMAN = "bookman", _("Bookman Old Style (DejaVu Serif)")


class SignMode(models.TextChoices):
    WET = "basah", _("Tanda tangan basah (cetak, tanda tangani, unggah pindaian)")
    ELECTRONIC = "elektronik", _("Tanda tangan elektronik di Trantib (PAdES)")
    EXTERNAL = "tte_luar", _("TTE di luar Trantib (BSrE/SRIKANDI): ekspor lalu impor kembali")


class LetterSettings(models.Model):
    """How one unit's letters look and are signed: settings, not code."""

    unit = models.OneToOneField(
        OrgUnit, on_delete=models.CASCADE, related_name="letter_settings", verbose_name=_("unit")
    )
    logo = models.ImageField(_("logo (lambang daerah)"), upload_to="letters/logos/", blank=True)
    kop_lines = models.TextField(
        _("baris kop"),
        blank=True,
        help_text=_(
            "Satu baris per baris, dari atas: PEMERINTAH …, nama unit. Kosong: baris kop unit."
        ),
    )
    address_lines = models.TextField(
        _("baris alamat kop"),
        blank=True,
        help_text=_("Mis. Jalan … Kode Pos …; Telepon …; Laman … Pos-el …"),
    )
    place = models.CharField(
        _("tempat penandatanganan"), max_length=100, blank=True, help_text=_("Mis. Karanganyar")
    )
    font = models.CharField(_("huruf"), max_length=10, choices=Font.choices, default=Font.ARIAL)
    font_size = models.PositiveSmallIntegerField(_("ukuran huruf (pt)"), default=12)
    paper = models.CharField(_("kertas"), max_length=2, choices=Paper.choices, default=Paper.F4)
    margin_top = models.PositiveSmallIntegerField(_("margin atas (mm)"), default=20)
    margin_right = models.PositiveSmallIntegerField(_("margin kanan (mm)"), default=20)
    margin_bottom = models.PositiveSmallIntegerField(_("margin bawah (mm)"), default=20)
    margin_left = models.PositiveSmallIntegerField(_("margin kiri (mm)"), default=25)
    sign_mode = models.CharField(
        _("cara penandatanganan"), max_length=12, choices=SignMode.choices, default=SignMode.WET
    )

    class Meta:
        verbose_name = _("pengaturan naskah dinas")
        verbose_name_plural = _("pengaturan naskah dinas")
        constraints = [
            models.CheckConstraint(
                condition=Q(font_size__gte=8) & Q(font_size__lte=16), name="lettersettings_font"
            ),
            models.CheckConstraint(
                condition=Q(margin_top__lte=60)
                & Q(margin_right__lte=60)
                & Q(margin_bottom__lte=60)
                & Q(margin_left__lte=60),
                name="lettersettings_margins",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.code}: {self.get_paper_display()}"

    def kop(self) -> list[str]:
        lines = [line.strip() for line in self.kop_lines.splitlines() if line.strip()]
        return lines or self.unit.kop() or [self.unit.name.upper()]

    def address(self) -> list[str]:
        return [line.strip() for line in self.address_lines.splitlines() if line.strip()]


DEFAULT_PATTERN = "{klasifikasi}/{urut}/{unit}/{tahun}"
PATTERN_TOKENS = ("klasifikasi", "urut", "unit", "bulan_romawi", "bulan", "tahun")


class Register(models.Model):
    """A buku agenda surat keluar: the unit's numbers for one kind of letter (or for every kind
    without a register of its own: ``kind`` blank). Serial per register per year, gap-free."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="letter_registers")
    kind = models.CharField(
        _("jenis naskah"),
        max_length=40,
        blank=True,
        choices=[(k.code, k.name) for k in KINDS.values()],
        help_text=_("Kosong: register umum untuk jenis yang tidak punya register sendiri."),
    )
    name = models.CharField(_("nama register"), max_length=120)
    klasifikasi = models.CharField(
        _("kode klasifikasi"),
        max_length=20,
        blank=True,
        help_text=_("Permendagri 83/2022, mis. 300.1.2. Kosong: kode bawaan jenis naskah."),
    )
    unit_code = models.CharField(
        _("kode unit di nomor"), max_length=40, help_text=_("Mis. SATPOLPP atau Trantib")
    )
    pattern = models.CharField(
        _("pola nomor"),
        max_length=120,
        default=DEFAULT_PATTERN,
        help_text=_("Token: {klasifikasi} {urut} {unit} {bulan_romawi} {bulan} {tahun}"),
    )
    serial_digits = models.PositiveSmallIntegerField(_("digit nomor urut"), default=4)

    class Meta:
        ordering = ["unit__path", "kind"]
        verbose_name = _("register surat keluar")
        verbose_name_plural = _("register surat keluar")
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind"], name="register_unit_kind_unique"),
            models.CheckConstraint(
                condition=Q(serial_digits__gte=1) & Q(serial_digits__lte=6),
                name="register_serial_digits",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.code}: {self.name}"

    def clean(self) -> None:
        from trantib.core.errors import Invalid

        from .classification import klasifikasi_check
        from .numbering import pattern_check

        try:
            klasifikasi_check(self.klasifikasi)
            pattern_check(self.pattern, unit_code=self.unit_code, klasifikasi=self.klasifikasi)
        except Invalid as exc:
            raise ValidationError({exc.field: exc.message}) from None


# Sifat of a letter (Permendagri 1/2023 and SRIKANDI's list).
SIFAT = ("Biasa", "Penting", "Segera", "Terbatas", "Rahasia", "Sangat Rahasia")
# A letter of these sifat is read only by the people who work on it (selectors.py).
CONFIDENTIAL = ("Rahasia", "Sangat Rahasia")


class LetterState(models.TextChoices):
    DRAFT = "draft", _("Konsep")  # being written; editable by its drafter
    REVIEW = "review", _("Menunggu paraf")  # in the paraf chain
    RETURNED = "returned", _("Dikembalikan")  # a reviewer returned it with a note: edit again
    APPROVED = "approved", _("Siap ditandatangani")  # every paraf given
    NUMBERED = "numbered", _("Bernomor, menunggu tanda tangan")  # numbered; the signed copy
    # (a wet-signed scan or an outside TTE PDF) is awaited
    SIGNED = "signed", _("Ditandatangani")  # official PDF fixed; number and verification code
    CANCELLED = "cancelled", _("Dibatalkan")  # keeps its number (if any) and the reason


class Letter(models.Model):
    State = LetterState

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="letters")
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="letters"
    )
    key = models.CharField(max_length=64, blank=True)  # the SOP's letter key within the case
    step_id = models.CharField(max_length=64, blank=True)  # the step that drafted it
    kind = models.CharField(
        _("jenis naskah"), max_length=40, choices=[(k.code, k.name) for k in KINDS.values()]
    )
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.DRAFT)
    # The header (korespondensi) and the text, as the drafter wrote them.
    hal = models.CharField(_("hal"), max_length=300)
    sifat = models.CharField(_("sifat"), max_length=40, default="Biasa")
    lampiran = models.CharField(_("lampiran"), max_length=100, blank=True, default="-")
    recipient = models.TextField(_("kepada Yth."), blank=True)
    recipient_address = models.TextField(_("alamat tujuan"), blank=True)
    recipient_email = models.EmailField(_("e-mail tujuan"), blank=True)
    body = models.TextField(_("isi"), blank=True)
    tembusan = models.TextField(_("tembusan"), blank=True, help_text=_("Satu per baris"))
    data = models.JSONField(default=dict, blank=True)  # the kind's own fields (kinds.py)
    # Who signs, as the SOP names it (a position code of the unit), and the paraf chain.
    signer_role = models.CharField(_("penanda tangan (jabatan)"), max_length=64)
    paraf_roles = models.JSONField(default=list, blank=True)  # paraf hierarki, ≤ 3, in order
    coordination = models.JSONField(default=list, blank=True)  # paraf koordinasi: [{jabatan}]
    # Fixed at signing (a snapshot: the jabatan and name as signed, whatever happens later).
    register = models.ForeignKey(
        Register, null=True, blank=True, on_delete=models.PROTECT, related_name="letters"
    )
    number = models.CharField(_("nomor"), max_length=120, blank=True)
    serial = models.PositiveIntegerField(null=True, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    dated = models.DateField(_("tanggal surat"), null=True, blank=True)
    sign_mode = models.CharField(max_length=12, choices=SignMode.choices, blank=True)
    signer = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="letters_signed"
    )
    signer_title = models.CharField(max_length=250, blank=True)  # "Plh. Camat Kerjo"
    signer_name = models.CharField(max_length=200, blank=True)
    signer_pangkat = models.CharField(max_length=100, blank=True)
    signer_id_line = models.CharField(max_length=40, blank=True)  # "NIP. 19850312 201001 1 004"
    signed_at = models.DateTimeField(null=True, blank=True)
    official_pdf = models.FileField(upload_to="letters/", max_length=300, blank=True)
    official_sha256 = models.CharField(max_length=64, blank=True)
    verify_code = models.CharField(max_length=32, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="letters_drafted"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("naskah dinas")
        verbose_name_plural = _("naskah dinas")
        indexes = [
            models.Index(fields=["unit", "state", "created_at"], name="letter_unit_state"),
            models.Index(fields=["number"], name="letter_number"),
            # The letters a unit dated in a month (the patrol and enforcement recaps).
            models.Index(fields=["unit", "dated"], name="letter_unit_dated"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "key"],
                condition=Q(case__isnull=False) & ~Q(key=""),
                name="letter_case_key_unique",
            ),
            # One number, one letter, in a unit: two registers printing the same number (the
            # general register's Teguran 0001 and a Teguran register's 0001) are refused.
            models.UniqueConstraint(
                fields=["unit", "number"], condition=~Q(number=""), name="letter_unit_number"
            ),
            models.UniqueConstraint(
                fields=["register", "year", "serial"],
                condition=Q(serial__isnull=False),
                name="letter_register_serial_unique",
            ),
            models.UniqueConstraint(
                fields=["verify_code"], condition=~Q(verify_code=""), name="letter_verify_code"
            ),
            models.CheckConstraint(
                condition=Q(state__in=[s.value for s in LetterState]), name="letter_state_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind_name} {self.number or _('(konsep)')}"

    @property
    def kind_spec(self) -> Any:
        return KINDS[self.kind]

    @property
    def kind_name(self) -> str:
        name = KINDS[self.kind].name if self.kind in KINDS else self.kind
        if self.kind == "surat_teguran" and self.data.get("tingkat") in {"1", "2", "3"}:
            return f"{name} { {'1': 'I', '2': 'II', '3': 'III'}[self.data['tingkat']] }"
        return name

    @property
    def is_editable(self) -> bool:
        return self.state in {LetterState.DRAFT, LetterState.RETURNED}

    @property
    def delivered(self) -> bool:
        return any(True for _ in self.deliveries.all())


class ReviewKind(models.TextChoices):
    HIERARCHY = "hierarki", _("Paraf hierarki")
    COORDINATION = "koordinasi", _("Paraf koordinasi")


class ReviewOutcome(models.TextChoices):
    PENDING = "", _("Menunggu")
    INITIALLED = "paraf", _("Diparaf")
    RETURNED = "kembali", _("Dikembalikan")


class Review(models.Model):
    """One paraf of one round: a reviewer initials the letter or returns it with a note. A
    returned letter starts a new round (``round``) when its drafter sends it again."""

    Kind = ReviewKind
    Outcome = ReviewOutcome

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="reviews")
    round = models.PositiveSmallIntegerField(default=1)
    order = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.HIERARCHY)
    role = models.CharField(max_length=64)  # position code in the letter's unit
    jabatan = models.CharField(max_length=250)  # the position's name as printed in the table
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default="", blank=True)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["letter", "round", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "round", "order"], name="review_letter_round_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.jabatan}: {self.get_outcome_display()}"


class Delivery(models.Model):
    """A tanda terima: who received the letter, when and where (with a photo), or an e-mail."""

    class Method(models.TextChoices):
        HAND = "langsung", _("Diserahkan langsung")
        POST = "pos", _("Pos")
        EMAIL = "email", _("E-mail")

    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="deliveries")
    method = models.CharField(max_length=10, choices=Method.choices, default=Method.HAND)
    received_by = models.CharField(_("diterima oleh"), max_length=200)
    received_at = models.DateTimeField(_("waktu diterima"))
    place = models.CharField(_("tempat"), max_length=300, blank=True)
    photo = models.FileField(upload_to="letters/deliveries/", max_length=300, blank=True)
    recorded_by = models.ForeignKey(Person, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["letter", "received_at"]

    def __str__(self) -> str:
        return f"{self.received_by} ({self.received_at:%Y-%m-%d %H:%M})"


class IncomingLetter(models.Model):
    """A line of the buku agenda surat masuk, with the scan."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="incoming_letters")
    agenda_number = models.CharField(_("nomor agenda"), max_length=40)
    agenda_serial = models.PositiveIntegerField()
    received_on = models.DateField(_("tanggal terima"))
    sender = models.CharField(_("asal surat"), max_length=300)
    number = models.CharField(_("nomor surat"), max_length=120)
    dated = models.DateField(_("tanggal surat"))
    subject = models.CharField(_("perihal"), max_length=500)
    note = models.TextField(_("keterangan"), blank=True)
    scan = models.FileField(upload_to="letters/incoming/", max_length=300, blank=True)
    scan_sha256 = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(Person, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_on", "-agenda_serial"]
        verbose_name = _("surat masuk")
        verbose_name_plural = _("surat masuk")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "agenda_number"], name="incoming_unit_agenda_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agenda_number}: {self.subject}"


class Disposition(models.Model):
    """A lembar disposisi: the head's instruction on an incoming letter to an officer, with a
    due date; it may open a case of a chosen SOP."""

    incoming = models.ForeignKey(
        IncomingLetter, on_delete=models.PROTECT, related_name="dispositions"
    )
    from_person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    to_role = models.CharField(_("diteruskan kepada (jabatan)"), max_length=64)
    to_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="dispositions"
    )
    instruction = models.TextField(_("isi disposisi"))
    sifat = models.CharField(_("sifat"), max_length=40, blank=True)
    due_on = models.DateField(_("batas waktu"), null=True, blank=True)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_note = models.TextField(blank=True)

    class Meta:
        ordering = ["incoming", "created_at"]

    def __str__(self) -> str:
        return f"{self.to_role}: {self.instruction[:60]}"


class SigningCredential(models.Model):
    """A certificate to sign letters electronically (PAdES), or a CA certificate to trust.

    The embedded default (``source`` embedded): per unit a CA made by Trantib (``role`` ca,
    ``person`` empty) and per person a signing certificate it issues, their PKCS#12 encrypted
    with a password derived from the ``SECRET_KEY``. An institution's certificate (BSrE, a
    Pemda CA) is imported as it came (``source`` imported): its PKCS#12 opens only with the
    passphrase the signer types at signing, which Trantib never stores; an imported CA
    certificate without a key (``pkcs12`` empty) is only trusted. A replaced credential is
    retired, not deleted: a retired CA stays trusted for the letters it already signed.
    """

    class Role(models.TextChoices):
        CA = "ca", _("Otoritas sertifikat (CA)")  # issues the people's certificates / trusted
        SIGNER = "signer", _("Sertifikat penanda tangan")  # a person's, or the unit's (no person)

    class Source(models.TextChoices):
        EMBEDDED = "embedded", _("Dibuat oleh Trantib (CA lokal)")
        IMPORTED = "imported", _("Sertifikat instansi (diimpor)")

    unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="signing_credentials",
        verbose_name=_("unit"),
    )
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signing_credentials",
        verbose_name=_("pegawai"),
    )
    role = models.CharField(_("peran"), max_length=10, choices=Role.choices)
    source = models.CharField(_("asal"), max_length=10, choices=Source.choices)
    pkcs12 = models.BinaryField(blank=True, default=b"")  # key + certificate + chain, encrypted
    certificate = models.BinaryField()  # DER, readable without a passphrase
    subject = models.CharField(_("subjek"), max_length=500)
    serial = models.CharField(_("nomor seri"), max_length=64)  # hex
    not_after = models.DateTimeField(_("berlaku sampai"))
    created_at = models.DateTimeField(_("dibuat"))
    retired_at = models.DateTimeField(_("diganti"), null=True, blank=True)

    class Meta:
        ordering = ["unit", "role", "-created_at"]
        verbose_name = _("sertifikat tanda tangan elektronik")
        verbose_name_plural = _("sertifikat tanda tangan elektronik")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="ca") | Q(person__isnull=True), name="signing_ca_has_no_person"
            ),
            # One embedded CA per unit, and one embedded certificate per person per unit, in
            # use at a time (the rest retired).
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(role="ca", source="embedded", retired_at__isnull=True),
                name="signing_one_embedded_ca",
            ),
            models.UniqueConstraint(
                fields=["unit", "person"],
                condition=Q(role="signer", source="embedded", retired_at__isnull=True),
                name="signing_one_embedded_signer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.code}: {self.subject}"
