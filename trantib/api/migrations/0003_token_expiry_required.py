from django.db import migrations, models


class Migration(migrations.Migration):
    # Apart from 0002's data migration: PostgreSQL refuses to alter a table with the updates
    # of the same transaction still pending.
    dependencies = [("api", "0002_token_expiry_and_revocation")]

    operations = [
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="berlaku sampai"),
        ),
    ]
