"""The organisation: units as a tree, positions (jabatan) in units, people and who holds what.

SOP steps are assigned to positions, never to named people: a position's ``code`` is the SOP
role id it fills (``camat``, ``kasi_trantib`` …), and the people holding it on a given day —
acting officials (Plt./Plh.) included — are the ones a task is offered to.

The unit tree keeps a materialised ``path`` (``/1/5/9/``) so that "this unit and everything
below it" is one indexed ``LIKE '/1/5/%'`` query however deep or wide the tree is.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.utils import dateformat, timezone
from django.utils.translation import gettext_lazy as _

ROLE_CODE_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"  # the same as an SOP role id (engine loader)
UNIT_CODE_PATTERN = r"^[A-Z0-9][A-Z0-9-]{0,19}$"


# --- validators -------------------------------------------------------------------------------


def nip_validate(value: str) -> None:
    """An 18-digit NIP: birth date (YYYYMMDD), CPNS start (YYYYMM), gender 1/2, serial (NNN)."""
    if not re.fullmatch(r"[0-9]{18}", value or ""):
        raise ValidationError(
            _("NIP harus 18 digit angka tanpa spasi (mis. 198503122010011004)."),
            code="nip_format",
        )
    try:
        birth = dt.date(int(value[0:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        raise ValidationError(
            _("NIP: digit 1-8 (%(part)s) bukan tanggal lahir yang sah (TTTTBBHH)."),
            code="nip_birth_date",
            params={"part": value[0:8]},
        ) from None
    if birth.year < 1900:
        raise ValidationError(
            _("NIP: tahun lahir %(year)s tidak masuk akal."),
            code="nip_birth_date",
            params={"year": birth.year},
        )
    start_year, start_month = int(value[8:12]), int(value[12:14])
    if not 1 <= start_month <= 12:
        raise ValidationError(
            _("NIP: digit 13-14 (%(month)s) bukan bulan yang sah (01-12)."),
            code="nip_start_month",
            params={"month": value[12:14]},
        )
    if (start_year, start_month) <= (birth.year, birth.month):
        raise ValidationError(
            _("NIP: bulan pengangkatan CPNS (%(start)s) harus sesudah tanggal lahir."),
            code="nip_start_month",
            params={"start": value[8:14]},
        )
    if value[14] not in "12":
        raise ValidationError(
            _("NIP: digit ke-15 adalah jenis kelamin dan harus 1 (pria) atau 2 (wanita)."),
            code="nip_gender",
        )


def nrp_validate(value: str) -> None:
    """An 8-digit Polri NRP: birth year (YY), birth month (MM), serial (NNNN)."""
    if not re.fullmatch(r"[0-9]{8}", value or ""):
        raise ValidationError(
            _("NRP harus 8 digit angka (mis. 76050993)."),
            code="nrp_format",
        )
    if not 1 <= int(value[2:4]) <= 12:
        raise ValidationError(
            _("NRP: digit 3-4 (%(month)s) adalah bulan lahir dan harus 01-12."),
            code="nrp_birth_month",
            params={"month": value[2:4]},
        )


def digits_normalise(value: Any) -> Any:
    """A NIP or NRP as typed or printed (``19760214 199903 1 004``, with spaces, tabs or
    no-break spaces) → its digits only; anything that is not text is returned as is. Every entry
    point (the admin, the pages, the import, a service's ``full_clean``) goes through it before
    validation, and the stored form stays the bare digits."""
    if not isinstance(value, str):
        return value
    return re.sub(r"\s+", "", value)


class DigitsField(models.CharField):  # type: ignore[type-arg]
    """A CharField for an identity number typed with spaces (NIP, NRP): whitespace is dropped
    when a form or ``full_clean`` reads the value and when it is saved or looked up, so that
    "19760214 199903 1 004" is accepted and stored as the 18 digits the validator and the
    database constraint require.

    Migrations see a plain CharField (``deconstruct``): the database column is the same, only
    the reading of input differs."""

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs

    def to_python(self, value: Any) -> Any:
        return digits_normalise(super().to_python(value))

    def get_prep_value(self, value: Any) -> Any:
        return digits_normalise(super().get_prep_value(value))

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        return super().formfield(**{"form_class": DigitsFormField, **kwargs})


class DigitsFormField(forms.CharField):
    """The form side of :class:`DigitsField`: the input takes the number as printed (room for
    the spaces), the length is checked on the digits."""

    def to_python(self, value: Any) -> Any:
        return digits_normalise(super().to_python(value))

    def widget_attrs(self, widget: Any) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if "maxlength" in attrs:
            attrs["maxlength"] = str(int(attrs["maxlength"]) + 8)
        attrs.setdefault("inputmode", "numeric")
        return attrs


def nip_format(value: str) -> str:
    """``198503122010011004`` → ``19850312 201001 1 004``; anything else is returned as is."""
    if not re.fullmatch(r"[0-9]{18}", value or ""):
        return value
    return f"{value[0:8]} {value[8:14]} {value[14]} {value[15:18]}"


# --- org units --------------------------------------------------------------------------------


class UnitKind(models.TextChoices):
    PEMDA = "pemda", _("Pemerintah Provinsi/Kota/Kabupaten")  # the regional government
    KECAMATAN = "kecamatan", _("Kecamatan")  # a sub-district office with a Trantib section
    SATPOL_PP = "satpol_pp", _("Satuan Polisi Pamong Praja")  # enforces Perda/Perkada
    POLRES = "polres", _("Kepolisian Resor (Polres)")  # a district police command
    SATBINMAS = "satbinmas", _("Satuan Pembinaan Masyarakat (Satbinmas)")  # community policing
    OTHER = "other", _("Lainnya")  # any other unit (a bidang, a seksi, a partner agency)


class UnitTimeZone(models.TextChoices):
    """IANA names; Indonesia has three zones, Pontianak is WIB like Jakarta."""

    JAKARTA = "Asia/Jakarta", _("WIB (Asia/Jakarta)")
    PONTIANAK = "Asia/Pontianak", _("WIB (Asia/Pontianak)")
    MAKASSAR = "Asia/Makassar", _("WITA (Asia/Makassar)")
    JAYAPURA = "Asia/Jayapura", _("WIT (Asia/Jayapura)")


class PersonKind(models.TextChoices):
    ASN = "asn", _("ASN (NIP)")  # civil servant, identified by an 18-digit NIP
    POLRI = "polri", _("Polri (NRP)")  # police officer, identified by an 8-digit NRP
    OTHER = "other", _("Lainnya")  # contract staff, volunteers (Linmas) …


class ActingStatus(models.TextChoices):
    DEFINITIVE = "", _("Definitif")  # the official holder of the position
    PLT = "plt", _("Plt. (Pelaksana Tugas)")  # acting while the position is vacant
    PLH = "plh", _("Plh. (Pelaksana Harian)")  # acting while the holder is away a few days


def _position_ok(position: Any) -> bool:
    return (
        isinstance(position, list)
        and len(position) == 2
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in position)
        and -180 <= position[0] <= 180
        and -90 <= position[1] <= 90
    )


def _polygon_ok(polygon: Any) -> bool:
    return (
        isinstance(polygon, list)
        and bool(polygon)
        and all(
            isinstance(ring, list) and len(ring) >= 4 and all(_position_ok(p) for p in ring)
            for ring in polygon
        )
    )


def outline_validate(value: Any) -> None:
    """A GeoJSON Polygon or MultiPolygon of [lon, lat] positions, or nothing."""
    if value in (None, ""):
        return
    kind = value.get("type") if isinstance(value, dict) else None
    coordinates = value.get("coordinates") if isinstance(value, dict) else None
    if kind == "Polygon":
        ok = _polygon_ok(coordinates)
    elif kind == "MultiPolygon":
        ok = isinstance(coordinates, list) and bool(coordinates)
        ok = ok and all(_polygon_ok(p) for p in coordinates)  # type: ignore[union-attr]
    else:
        ok = False
    if not ok:
        raise ValidationError(
            _(
                "Batas wilayah harus geometri GeoJSON Polygon atau MultiPolygon dengan "
                "koordinat [bujur, lintang]."
            )
        )


class OrgUnit(models.Model):
    """A unit of the organisation: Pemkot/Pemkab → Kecamatan; Satpol PP; Polres → Satbinmas."""

    Kind = UnitKind
    TimeZone = UnitTimeZone

    parent = models.ForeignKey(
        "self",
        verbose_name=_("unit induk"),
        related_name="children",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    code = models.CharField(
        _("kode"),
        max_length=20,
        unique=True,
        validators=[
            RegexValidator(
                UNIT_CODE_PATTERN,
                _("Kode unit: huruf besar, angka dan tanda hubung saja (mis. KRJ, PEMKOT-TNG)."),
                code="unit_code",
            )
        ],
        help_text=_("Kode singkat yang dipakai di nomor kasus dan surat, mis. KRJ."),
    )
    name = models.CharField(_("nama"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)
    timezone = models.CharField(
        _("zona waktu"), max_length=40, choices=TimeZone.choices, default=UnitTimeZone.JAKARTA
    )
    address = models.TextField(_("alamat"), blank=True)
    kop_lines = models.TextField(
        _("baris kop surat"),
        blank=True,
        help_text=_("Satu baris per baris kop, dari atas ke bawah (PEMERINTAH …, nama unit …)."),
    )
    active = models.BooleanField(_("aktif"), default=True)
    # The unit's area as a GeoJSON Polygon/MultiPolygon geometry, drawn on maps (the outline
    # stays visible when map tiles cannot load). Optional; an approximate outline is enough.
    outline = models.JSONField(
        _("batas wilayah"),
        null=True,
        blank=True,
        validators=[outline_validate],
        help_text=_("Geometri GeoJSON (Polygon atau MultiPolygon), koordinat [bujur, lintang]."),
    )
    # The unit's heads (its supervising positions) and the administrators who hold a position
    # in it must log in with a second factor (TOTP) as well as their password.
    two_factor_required = models.BooleanField(
        _("wajib verifikasi dua langkah"),
        default=False,
        help_text=_(
            "Pimpinan unit (jabatan pengawas) dan admin yang berjabatan di unit ini harus "
            "masuk dengan kode dari aplikasi autentikator selain kata sandi."
        ),
    )
    # "/<root id>/…/<own id>/", maintained by save(); never edited by hand.
    path = models.CharField(_("jalur"), max_length=255, editable=False, db_index=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("unit organisasi")
        verbose_name_plural = _("unit organisasi")
        constraints = [
            models.CheckConstraint(
                condition=Q(timezone__in=[tz.value for tz in UnitTimeZone]),
                name="orgunit_timezone_known",
                violation_error_message=_("Zona waktu harus salah satu zona Indonesia."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in UnitKind]),
                name="orgunit_kind_known",
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="orgunit_not_own_parent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @transaction.atomic
    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save and keep ``path`` (and the paths of all descendants) consistent."""
        if self.pk is None:
            super().save(*args, **kwargs)
            # The path ends with the unit's own id, known only after the insert.
            self.path = self._path_compute()
            OrgUnit.objects.filter(pk=self.pk).update(path=self.path)
            return
        old_path, self.path = self.path, self._path_compute()
        moved = bool(old_path) and self.path != old_path
        if moved and kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "path"}
        super().save(*args, **kwargs)
        if moved:
            # The unit moved: rewrite the prefix of every descendant in one statement.
            OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                path=Concat(
                    Value(self.path),
                    Substr("path", len(old_path) + 1),
                    output_field=models.CharField(),
                )
            )

    def clean(self) -> None:
        super().clean()
        try:
            zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValidationError(
                {"timezone": _("Zona waktu tidak dikenal: %(tz)s.") % {"tz": self.timezone}}
            ) from None
        if self.parent_id is not None and self.pk is not None:
            parent = self.parent
            if parent is not None and (parent.pk == self.pk or f"/{self.pk}/" in parent.path):
                raise ValidationError(
                    {
                        "parent": _(
                            "Unit induk tidak boleh unit ini sendiri atau salah satu sub-unitnya."
                        )
                    }
                )

    def _path_compute(self) -> str:
        if self.parent_id is None:
            return f"/{self.pk}/"
        parent_path = OrgUnit.objects.filter(pk=self.parent_id).values_list("path", flat=True).get()
        if f"/{self.pk}/" in parent_path:
            raise ValidationError(
                {
                    "parent": _(
                        "Unit induk tidak boleh unit ini sendiri atau salah satu sub-unitnya."
                    )
                }
            )
        return f"{parent_path}{self.pk}/"

    @property
    def depth(self) -> int:
        """0 for a root unit."""
        return self.path.count("/") - 2

    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to the parent, read from ``path`` without a query."""
        return [int(part) for part in self.path.strip("/").split("/")[:-1]]

    def ancestors(self) -> models.QuerySet[OrgUnit]:
        """The units above this one, root first."""
        return OrgUnit.objects.filter(pk__in=self.ancestor_ids()).order_by("path")

    def descendants(self, *, include_self: bool = False) -> models.QuerySet[OrgUnit]:
        """Every unit below this one (one query, whatever the depth)."""
        qs = OrgUnit.objects.filter(path__startswith=self.path)
        return qs if include_self else qs.exclude(pk=self.pk)

    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def time_text(self, value: dt.datetime | None) -> str:
        """``22 Nov 2026 09.30 WITA``: the moment as the unit's clock shows it."""
        if value is None:
            return ""
        local = timezone.localtime(value, self.zone())
        return f"{dateformat.format(local, 'j M Y H.i')} {local.strftime('%Z')}"

    def today(self) -> dt.date:
        """Today's date in the unit's own time zone (WIB, WITA or WIT)."""
        return timezone.localdate(timezone=self.zone())

    def kop(self) -> list[str]:
        """The letterhead lines, blank lines dropped."""
        return [line.strip() for line in self.kop_lines.splitlines() if line.strip()]


# --- positions --------------------------------------------------------------------------------


class Position(models.Model):
    """A jabatan in a unit; ``code`` is the SOP role id it fills."""

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), related_name="positions", on_delete=models.CASCADE
    )
    code = models.CharField(
        _("kode peran SOP"),
        max_length=64,
        validators=[
            RegexValidator(
                ROLE_CODE_PATTERN,
                _(
                    "Kode peran: huruf kecil, angka dan garis bawah, diawali huruf "
                    "(sama dengan id peran di berkas SOP, mis. kasi_trantib)."
                ),
                code="role_code",
            )
        ],
        help_text=_("Id peran (pelaksana) di berkas SOP yang diisi jabatan ini, mis. camat."),
    )
    name = models.CharField(_("nama jabatan"), max_length=200)
    supervises = models.BooleanField(
        _("jabatan pengawas"),
        default=False,
        help_text=_("Pemegang jabatan ini juga melihat semua sub-unit dari unitnya."),
    )

    class Meta:
        ordering = ["unit__path", "code"]
        verbose_name = _("jabatan")
        verbose_name_plural = _("jabatan")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "code"],
                name="position_unit_code_unique",
                violation_error_message=_("Unit ini sudah punya jabatan dengan kode peran itu."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit.code})"


# --- people -----------------------------------------------------------------------------------


class Person(models.Model):
    """An officer (or staff member). Not every person logs in: ``user`` may be empty."""

    Kind = PersonKind

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("akun login"),
        related_name="person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    full_name = models.CharField(
        _("nama lengkap"),
        max_length=200,
        help_text=_("Dengan gelar, seperti di blok tanda tangan: Drs. H. Ahmad Suryadi, M.Si."),
    )
    kind = models.CharField(_("jenis pegawai"), max_length=10, choices=Kind.choices)
    nip = DigitsField(
        _("NIP"),
        max_length=18,
        blank=True,
        validators=[nip_validate],
        help_text=_("18 digit; boleh diketik seperti tercetak, mis. 19760214 199903 1 004."),
    )
    nrp = DigitsField(_("NRP"), max_length=8, blank=True, validators=[nrp_validate])
    pangkat = models.CharField(
        _("pangkat/golongan"),
        max_length=100,
        blank=True,
        help_text=_("Mis. Pembina (IV/a) atau AKBP."),
    )
    phone = models.CharField(_("telepon"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    # Notices are always in the app; each person may ALSO have them sent (through the outbox).
    notify_email = models.BooleanField(_("pemberitahuan juga lewat e-mail"), default=False)
    notify_sms = models.BooleanField(_("pemberitahuan juga lewat SMS"), default=False)

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("pegawai")
        verbose_name_plural = _("pegawai")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in PersonKind]),
                name="person_kind_known",
            ),
            models.CheckConstraint(
                condition=Q(nip="") | Q(nip__regex=r"^[0-9]{18}$"),
                name="person_nip_18_digits",
                violation_error_message=_("NIP harus 18 digit angka."),
            ),
            models.CheckConstraint(
                condition=Q(nrp="") | Q(nrp__regex=r"^[0-9]{8}$"),
                name="person_nrp_8_digits",
                violation_error_message=_("NRP harus 8 digit angka."),
            ),
            models.UniqueConstraint(
                fields=["nip"],
                condition=~Q(nip=""),
                name="person_nip_unique",
                violation_error_message=_("NIP ini sudah terdaftar untuk pegawai lain."),
            ),
            models.UniqueConstraint(
                fields=["nrp"],
                condition=~Q(nrp=""),
                name="person_nrp_unique",
                violation_error_message=_("NRP ini sudah terdaftar untuk pegawai lain."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = {}
        if self.kind == self.Kind.ASN and not self.nip:
            errors["nip"] = _("NIP wajib diisi untuk ASN.")
        if self.kind == self.Kind.POLRI and not self.nrp:
            errors["nrp"] = _("NRP wajib diisi untuk anggota Polri.")
        if errors:
            raise ValidationError(errors)

    @property
    def nip_display(self) -> str:
        """The NIP as printed under a signature: ``YYYYMMDD YYYYMM G NNN``."""
        return nip_format(self.nip)

    @property
    def identity_line(self) -> str:
        """``NIP. 19850312 201001 1 004`` or ``NRP. 76050993`` (signature blocks); or ""."""
        if self.nip:
            return f"NIP. {self.nip_display}"
        if self.nrp:
            return f"NRP. {self.nrp}"
        return ""


class Assignment(models.Model):
    """A person holds a position from ``valid_from`` until ``valid_until`` (inclusive).

    An acting official (Plt./Plh.) holds the position beside — or instead of — the definitive
    holder for the period of the acting order; they sign as "Plt. Camat", "Plh. Camat".
    """

    Acting = ActingStatus

    person = models.ForeignKey(
        Person, verbose_name=_("pegawai"), related_name="assignments", on_delete=models.CASCADE
    )
    position = models.ForeignKey(
        Position,
        verbose_name=_("jabatan"),
        related_name="assignments",
        on_delete=models.PROTECT,
    )
    acting = models.CharField(
        _("status jabatan"), max_length=3, choices=Acting.choices, default="", blank=True
    )
    valid_from = models.DateField(_("berlaku mulai"))
    valid_until = models.DateField(
        _("berlaku sampai"),
        null=True,
        blank=True,
        help_text=_("Kosongkan bila tidak ditentukan; tanggal ini masih termasuk."),
    )

    class Meta:
        ordering = ["position__unit__path", "position__code", "-valid_from"]
        verbose_name = _("penugasan jabatan")
        verbose_name_plural = _("penugasan jabatan")
        indexes = [
            models.Index(fields=["position", "valid_from"], name="assignment_position_from"),
            models.Index(fields=["person", "valid_from"], name="assignment_person_from"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="assignment_period_ordered",
                violation_error_message=_(
                    "Tanggal 'berlaku sampai' tidak boleh sebelum 'berlaku mulai'."
                ),
            ),
            models.CheckConstraint(
                condition=Q(acting__in=[a.value for a in ActingStatus]),
                name="assignment_acting_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.title} ({self.position.unit.code})"

    def clean(self) -> None:
        super().clean()
        if (
            self.valid_from is not None
            and self.valid_until is not None
            and self.valid_until < self.valid_from
        ):
            raise ValidationError(
                {"valid_until": _("Tanggal 'berlaku sampai' tidak boleh sebelum 'berlaku mulai'.")}
            )

    @property
    def prefix(self) -> str:
        """``Plt.``/``Plh.`` as written before the position's name; "" for the definitive."""
        return {self.Acting.PLT: "Plt.", self.Acting.PLH: "Plh."}.get(self.Acting(self.acting), "")

    @property
    def title(self) -> str:
        """The position's name as signed: "Plh. Camat Karawaci" or "Camat Karawaci"."""
        return f"{self.prefix} {self.position.name}".strip()

    def is_active_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


# --- logins and the access log ----------------------------------------------------------------


class LoginThrottleKind(models.TextChoices):
    ACCOUNT = "account", _("Akun")  # a username as typed (case-folded), known or not
    CLIENT = "client", _("Klien")  # the client's address (an IPv6 client: its /64)


class LoginThrottle(models.Model):
    """Recent failed logins of one account or one client, and the lock they led to.

    Written only by :mod:`trantib.accounts.services.logins`; an administrator lifts a lock in
    the admin.
    """

    Kind = LoginThrottleKind

    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    subject = models.CharField(_("akun atau alamat"), max_length=150)
    failures = models.PositiveIntegerField(_("gagal"), default=0)
    window_start = models.DateTimeField(_("dihitung sejak"))
    locked_until = models.DateTimeField(_("terkunci sampai"), null=True, blank=True)

    class Meta:
        ordering = ["-locked_until", "-window_start"]
        verbose_name = _("pembatasan masuk")
        verbose_name_plural = _("pembatasan masuk")
        constraints = [
            models.UniqueConstraint(fields=["kind", "subject"], name="login_throttle_subject"),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in LoginThrottleKind]),
                name="login_throttle_kind_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.subject}"


class AccessEventType(models.TextChoices):
    LOGIN_SUCCEEDED = "login_succeeded", _("Masuk berhasil")
    LOGIN_FAILED = "login_failed", _("Masuk gagal")  # wrong password, or a wrong TOTP code
    LOGIN_LOCKED = "login_locked", _("Dikunci")  # a lockout began (account or client)
    LOGIN_REFUSED = "login_refused", _("Ditolak karena terkunci")  # an attempt while locked
    LOGIN_UNLOCKED = "login_unlocked", _("Kunci dibuka admin")
    TWO_FACTOR_ENABLED = "two_factor_enabled", _("Verifikasi dua langkah diaktifkan")
    TWO_FACTOR_DISABLED = "two_factor_disabled", _("Verifikasi dua langkah dimatikan")
    PASSWORD_CHANGED = "password_changed", _("Kata sandi diganti")
    TOKEN_CREATED = "token_created", _("Token API dibuat")
    TOKEN_REVOKED = "token_revoked", _("Token API dicabut")


class AccessDoor(models.TextChoices):
    PAGE = "page", _("Halaman")  # /login/ and the account pages
    API = "api", _("API")  # POST /api/v1/auth/token and /api/v1/auth/tokens
    ADMIN = "admin", _("Admin")  # an administrator in /admin/
    CLI = "cli", _("Konsol")  # trantib apitoken …


class AccessEvent(models.Model):
    """The access log administrators read: every login, failure, lockout, second-factor change
    and API token, with the username as typed and the client's address. Written by the
    service that makes the change, in its transaction; never changed afterwards."""

    Type = AccessEventType
    Door = AccessDoor

    at = models.DateTimeField(_("waktu"), db_index=True)
    type = models.CharField(_("peristiwa"), max_length=30, choices=Type.choices)
    door = models.CharField(_("lewat"), max_length=10, choices=Door.choices)
    username = models.CharField(_("nama pengguna"), max_length=150, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pengguna"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    client = models.CharField(_("alamat klien"), max_length=64, blank=True)
    data = models.JSONField(_("rincian"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("peristiwa akses")
        verbose_name_plural = _("peristiwa akses")
        indexes = [models.Index(fields=["username", "at"], name="access_event_username_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_type_display()} {self.username}"
