# Case numbers move to the shared gap-free counters (core.Counter): each CaseCounter row is
# copied to the key the cases app now asks for, then the table goes.

from django.db import migrations


def _copy(apps, schema_editor):
    CaseCounter = apps.get_model("cases", "CaseCounter")
    Counter = apps.get_model("core", "Counter")
    Counter.objects.bulk_create(
        [
            Counter(key=f"case:{c.unit_id}:{c.sop_code}:{c.year}", last=c.last)
            for c in CaseCounter.objects.all()
        ]
    )


def _back(apps, schema_editor):
    CaseCounter = apps.get_model("cases", "CaseCounter")
    Counter = apps.get_model("core", "Counter")
    copied = Counter.objects.filter(key__startswith="case:")
    for counter in copied:
        _, unit_id, sop_code, year = counter.key.split(":")
        CaseCounter.objects.create(
            unit_id=int(unit_id), sop_code=sop_code, year=int(year), last=counter.last
        )
    copied.delete()  # or migrating forward again would copy onto them


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_reporter_informed"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(_copy, _back),
        migrations.DeleteModel(name="CaseCounter"),
    ]
