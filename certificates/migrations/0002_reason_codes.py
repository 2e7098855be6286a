from django.db import migrations


def load(apps, schema_editor):
    from certificates.catalogue import load_reason_codes

    load_reason_codes(apps)


class Migration(migrations.Migration):
    dependencies = [("certificates", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
