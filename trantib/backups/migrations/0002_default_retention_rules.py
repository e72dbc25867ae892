"""The default retention schedule (JRA): starting values, one line per kind of record and per
SOP whose files differ. A unit's own JRA (set by its kepala daerah) replaces them through a
data migration of the same shape. Existing lines are never overwritten."""

from django.db import migrations

BASIS = (
    "UU No. 43 Tahun 2009 tentang Kearsipan; PP No. 28 Tahun 2012 tentang Pelaksanaan "
    "UU No. 43 Tahun 2009. Nilai awal Trantib: sesuaikan dengan JRA yang ditetapkan "
    "kepala daerah setempat."
)

# (record type, SOP code, uraian, aktif, inaktif, keterangan akhir)
DEFAULTS = [
    ("case", "", "Berkas kasus SOP lainnya", 2, 3, "dinilai_kembali"),
    ("case", "OPP", "Berkas operasi penegakan Perda dan Perkada", 2, 8, "dinilai_kembali"),
    ("case", "RTHM", "Berkas razia tempat hiburan malam", 2, 8, "dinilai_kembali"),
    ("case", "PGD", "Berkas pengamanan pelaksanaan Perda (pengaduan)", 2, 3, "dinilai_kembali"),
    ("case", "PUR", "Berkas penanganan unjuk rasa dan kerusuhan", 2, 3, "dinilai_kembali"),
    ("case", "PPW", "Laporan patroli pengawasan wilayah", 1, 2, "musnah"),
    ("case", "POLMAS", "Laporan kegiatan Polmas", 1, 2, "musnah"),
    ("case", "PPL", "Berkas pendataan kegiatan pelacuran", 2, 3, "musnah"),
    ("complaint", "", "Pengaduan masyarakat (data pelapor)", 2, 3, "musnah"),
    ("letter", "", "Naskah dinas keluar (teguran, berita acara, surat perintah)", 2, 8,
     "dinilai_kembali"),
    ("incoming_letter", "", "Surat masuk dan lembar disposisi", 2, 3, "dinilai_kembali"),
    ("audit_event", "", "Jejak audit jabatan, SOP dan rekaman lain (selain kasus)", 5, 5,
     "permanen"),
]


def seed(apps, schema_editor):
    RetentionRule = apps.get_model("backups", "RetentionRule")
    for record_type, sop_code, title, active, inactive, disposition in DEFAULTS:
        RetentionRule.objects.get_or_create(
            record_type=record_type,
            sop_code=sop_code,
            defaults={
                "title": title,
                "active_years": active,
                "inactive_years": inactive,
                "disposition": disposition,
                "legal_basis": BASIS,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("backups", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
