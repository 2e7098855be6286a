from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0010_fill_first_issued_sites_valid_from"),
    ]

    operations = [
        migrations.AlterField(
            model_name="certificate",
            name="first_issued_on",
            field=models.DateField(verbose_name="first issued on"),
        ),
        migrations.AlterField(
            model_name="certificate",
            name="valid_from",
            field=models.DateField(verbose_name="valid from"),
        ),
    ]
