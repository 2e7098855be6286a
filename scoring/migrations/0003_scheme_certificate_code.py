from django.db import migrations, models


def fill(apps, schema_editor):
    from scoring.catalogue import certificate_codes_fill

    certificate_codes_fill(apps)


class Migration(migrations.Migration):
    dependencies = [("scoring", "0002_shipped_schemes")]

    operations = [
        migrations.AddField(
            model_name="scheme",
            name="certificate_code",
            field=models.CharField(
                blank=True,
                help_text="Short letters for the scheme in certificate numbers, e.g. AS.",
                max_length=8,
                verbose_name="code in certificate numbers",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
