"""Readable labels for the events and states of complaints, appeals and the
public pages. Imported once, from CertificatesConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from certificates.models import Complaint
from certify.events import state_label, state_register, verb_register

verb_register(
    {
        "complaint.filed": _("Complaint filed"),
        "complaint.acknowledged": _("Complaint acknowledged"),
        "complaint.investigating": _("Complaint investigation started"),
        "complaint.decided": _("Complaint decided"),
        "complaint.closed": _("Complaint closed"),
        "complaint.certificate_linked": _("Certificate linked"),
        "appeal.filed": _("Appeal filed"),
        "appeal.acknowledged": _("Appeal acknowledged"),
        "appeal.investigating": _("Appeal investigation started"),
        "appeal.decided": _("Appeal decided"),
        "appeal.closed": _("Appeal closed"),
        "public_page.updated": _("Public page updated"),
    }
)
# "closed" (and any other code already named by another app) keeps its label.
state_register([(value, label) for value, label in Complaint.Status.choices if state_label(value) == value])
