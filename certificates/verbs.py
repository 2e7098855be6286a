"""The event verbs of decisions, certificates, surveillance, renewal,
complaints, appeals and the public pages: each written once here with the
label the history shows (DESIGN.md "How a transition is written")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Verb(models.TextChoices):
    CERTIFICATE_ISSUED = "certificate.issued", _("Certificate issued")
    CERTIFICATE_SUSPENDED = "certificate.suspended", _("Certificate suspended")
    CERTIFICATE_REINSTATED = "certificate.reinstated", _("Certificate reinstated")
    CERTIFICATE_WITHDRAWN = "certificate.withdrawn", _("Certificate withdrawn")
    CERTIFICATE_CANCELLED = "certificate.cancelled", _("Certificate cancelled")
    CERTIFICATE_EXPIRED = "certificate.expired", _("Certificate expired")
    CERTIFICATE_SUPERSEDED = "certificate.superseded", _("Certificate superseded")
    CERTIFICATE_REVISED = "certificate.revised", _("Certificate revised")
    CERTIFICATE_WITHDRAWAL_PROPOSED = "certificate.withdrawal_proposed", _("Withdrawal proposed")
    CERTIFICATE_RENEWAL_WINDOW_OPENED = "certificate.renewal_window_opened", _("Renewal window opened")
    CERTIFICATE_RENEWAL_APPLIED = "certificate.renewal_applied", _("Renewal applied for")
    SURVEILLANCE_AUDIT_CREATED = "surveillance.audit_created", _("Surveillance audit created")
    SURVEILLANCE_OVERDUE = "surveillance.overdue", _("Surveillance overdue")
    SURVEILLANCE_SUSPENSION_CANDIDATE = "surveillance.suspension_candidate", _("Suspension candidate")
    SURVEILLANCE_OUTCOME_RECORDED = "surveillance.outcome_recorded", _("Surveillance outcome recorded")
    CERTIFICATE_PDF_RENDERED = "certificate.pdf_rendered", _("Certificate PDF stored")
    REASON_CODE_SAVED = "reason_code.saved", _("Reason code saved")
    COMPLAINT_FILED = "complaint.filed", _("Complaint filed")
    COMPLAINT_ACKNOWLEDGED = "complaint.acknowledged", _("Complaint acknowledged")
    COMPLAINT_INVESTIGATING = "complaint.investigating", _("Complaint investigation started")
    COMPLAINT_DECIDED = "complaint.decided", _("Complaint decided")
    COMPLAINT_CLOSED = "complaint.closed", _("Complaint closed")
    COMPLAINT_CERTIFICATE_LINKED = "complaint.certificate_linked", _("Certificate linked")
    APPEAL_FILED = "appeal.filed", _("Appeal filed")
    APPEAL_ACKNOWLEDGED = "appeal.acknowledged", _("Appeal acknowledged")
    APPEAL_INVESTIGATING = "appeal.investigating", _("Appeal investigation started")
    APPEAL_DECIDED = "appeal.decided", _("Appeal decided")
    APPEAL_CLOSED = "appeal.closed", _("Appeal closed")
    PUBLIC_PAGE_UPDATED = "public_page.updated", _("Public page updated")
