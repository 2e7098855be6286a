from django.db import migrations


def load(apps, schema_editor):
    from applications.catalogue import load_material_types

    load_material_types(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0004_case"),
        ("scoring", "0002_shipped_schemes"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
