"""The retention schedule (JRA, Jadwal Retensi Arsip): how long each kind of record stays
active and inactive, and what happens after. Data, not code, so that a unit's own JRA
(a Peraturan Kepala Daerah) can be loaded without a release. Nothing acts on it by itself:
``trantib retention report`` lists what is past its period; disposal is the archive
procedure's business (usul musnah, penyerahan to the Lembaga Kearsipan), done by people."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RecordType(models.TextChoices):
    """What a rule covers, and the moment its period starts from (the record is finished)."""

    CASE = "case", _("Berkas kasus")  # from the case's end (closed or cancelled)
    COMPLAINT = "complaint", _("Pengaduan")  # from the end of its case
    LETTER = "letter", _("Naskah dinas keluar")  # from signing (or cancelling)
    INCOMING_LETTER = "incoming_letter", _("Surat masuk")  # from the day it was received
    AUDIT_EVENT = "audit_event", _("Peristiwa audit (selain kasus)")  # from the event itself


class Disposition(models.TextChoices):
    """What the JRA says happens once the inactive period is over (always done by people)."""

    MUSNAH = "musnah", _("Musnah")  # destroyed, after the usul musnah is approved
    PERMANEN = "permanen", _("Permanen")  # handed over to the Lembaga Kearsipan, kept forever
    DINILAI_KEMBALI = "dinilai_kembali", _("Dinilai kembali")  # appraised again, then decided


class RetentionRule(models.Model):
    """One line of the JRA. A case rule names an SOP code; the case rule with no code covers
    every SOP without a line of its own."""

    RecordType = RecordType
    Disposition = Disposition

    record_type = models.CharField(_("jenis arsip"), max_length=20, choices=RecordType.choices)
    sop_code = models.CharField(
        _("kode SOP"),
        max_length=20,
        blank=True,
        help_text=_("Hanya untuk berkas kasus; kosong: semua SOP tanpa baris sendiri."),
    )
    title = models.CharField(_("uraian"), max_length=200)
    active_years = models.PositiveSmallIntegerField(_("retensi aktif (tahun)"))
    inactive_years = models.PositiveSmallIntegerField(_("retensi inaktif (tahun)"))
    disposition = models.CharField(
        _("keterangan akhir"), max_length=20, choices=Disposition.choices
    )
    legal_basis = models.TextField(_("dasar hukum"))

    class Meta:
        ordering = ["record_type", "sop_code"]
        verbose_name = _("aturan retensi arsip")
        verbose_name_plural = pgettext_lazy("plural", "jadwal retensi arsip")
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "sop_code"], name="retention_rule_type_sop"
            ),
            models.CheckConstraint(
                condition=models.Q(sop_code="") | models.Q(record_type="case"),
                name="retention_rule_sop_only_for_cases",
            ),
        ]

    def __str__(self) -> str:
        code = f" {self.sop_code}" if self.sop_code else ""
        return f"{self.get_record_type_display()}{code}: {self.years} tahun"

    @property
    def years(self) -> int:
        return self.active_years + self.inactive_years
