from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0008_certificate_status_replaced_label"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="sites",
            field=models.JSONField(blank=True, default=list, verbose_name="certified sites"),
        ),
        migrations.AddField(
            model_name="certificate",
            name="first_issued_on",
            field=models.DateField(null=True, verbose_name="first issued on"),
        ),
        migrations.AddField(
            model_name="certificate",
            name="valid_from",
            field=models.DateField(null=True, verbose_name="valid from"),
        ),
    ]
