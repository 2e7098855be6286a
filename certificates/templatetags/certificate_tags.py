from django import template

from certificates.models import Certificate

register = template.Library()


@register.filter
def certificate_status_label(status):
    """A certificate status in the national terms; codes such as "withdrawn"
    mean something else on an application, so the shared label is not used."""
    try:
        return Certificate.Status(status).label
    except ValueError:
        return status
