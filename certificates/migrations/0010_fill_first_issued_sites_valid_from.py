"""Fill the certificates issued before these fields existed: the first
issue date from the predecessor chain, the validity's start from the date
certification was granted in the cycle (a revision keeps it), the sites
from the case's outlets as they are now (the nearest record there is)."""

from django.db import migrations


def fill(apps, schema_editor):
    Certificate = apps.get_model("certificates", "Certificate")
    Case = apps.get_model("applications", "Case")
    first_issued = {}
    outlets = {}
    # A predecessor is always created before its successor.
    for certificate in Certificate.objects.order_by("id").iterator(chunk_size=2000):
        first = first_issued.get(certificate.predecessor_id, certificate.issued_on)
        first_issued[certificate.pk] = first
        if certificate.case_id not in outlets:
            case = Case.objects.get(pk=certificate.case_id)
            outlets[certificate.case_id] = [
                {"name": outlet.name, "address": outlet.address}
                for outlet in case.scope_outlets.order_by("name", "id")
            ]
        Certificate.objects.filter(pk=certificate.pk).update(
            first_issued_on=first,
            valid_from=certificate.granted_on,
            sites=outlets[certificate.case_id],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0009_certificate_first_issued_sites_valid_from"),
        ("applications", "0008_case_scope"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
