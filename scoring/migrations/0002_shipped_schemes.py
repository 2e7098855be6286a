from django.db import migrations


def load(apps, schema_editor):
    from scoring.catalogue import load_shipped_schemes

    load_shipped_schemes(apps)


class Migration(migrations.Migration):
    dependencies = [("scoring", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
