from django.db import migrations


def load(apps, schema_editor):
    from certificates.catalogue_pages import load_public_pages

    load_public_pages(apps)


class Migration(migrations.Migration):
    dependencies = [("certificates", "0004_historicalpublicpage_publicpage_complaint")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
