"""The event verbs of audits, declarations, nonconformities and customer call-
backs: each written once here with the label the history shows (DESIGN.md
"How a transition is written")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Verb(models.TextChoices):
    AUDIT_PLANNED = "audit.planned", _("Audit planned")
    AUDIT_DAYS_UPDATED = "audit_days.updated", _("Audit days table changed")
    AUDIT_DAYS_CHANGED = "audit.days_changed", _("Audit days changed")
    AUDIT_TEAM_ASSIGNED = "audit.team_assigned", _("Audit team assigned")
    AUDIT_STARTED = "audit.started", _("Audit started")
    AUDIT_DOCUMENT_REVIEW_PASSED = "audit.document_review_passed", _("Document review passed")
    AUDIT_REVISIONS_REQUESTED = "audit.revisions_requested", _("Document revisions requested")
    AUDIT_CANCELLED = "audit.cancelled", _("Audit cancelled")
    AUDIT_FINDING_ADDED = "audit.finding_added", _("Finding recorded")
    AUDIT_REPORT_SUBMITTED = "audit.report_submitted", _("Audit report submitted")
    AUDIT_CLOSED = "audit.closed", _("Audit closed")
    AUDIT_SPECIAL_DEDUCTION = "audit.special_deduction", _("Special deduction recorded")
    DECLARATION_MADE = "declaration.made", _("No-conflict declaration made")
    DECLARATION_REQUESTED = "declaration.requested", _("Declaration requested")
    NONCONFORMITY_RAISED = "nonconformity.raised", _("Nonconformity raised")
    NONCONFORMITY_ANSWERED = "nonconformity.answered", _("Nonconformity answered")
    NONCONFORMITY_ACCEPTED = "nonconformity.accepted", _("Answer accepted; nonconformity closed")
    NONCONFORMITY_REJECTED = "nonconformity.rejected", _("Answer rejected; nonconformity reopened")
    NONCONFORMITY_ESCALATED = "nonconformity.escalated", _("Nonconformity escalated to major")
    NONCONFORMITY_OVERDUE = "nonconformity.overdue", _("Nonconformity answer overdue")
    CALLBACK_LIST_UPLOADED = "callback.list_uploaded", _("Customer list uploaded")
    CALLBACK_LIST_READ = "callback.list_read", _("Customer list read")
    CALLBACK_LIST_UNREADABLE = "callback.list_unreadable", _("Customer list cannot be read")
    CALLBACK_SAMPLE_DRAWN = "callback.sample_drawn", _("Call-back sample drawn")
    CALLBACK_RECORDED = "callback.recorded", _("Call-back recorded")
    CALLBACK_CORRECTED = "callback.corrected", _("Call-back corrected")
    CALLBACK_RATES_CONFIRMED = "callback.rates_confirmed", _("Call-back rates confirmed")
    CALLBACK_SURVEY_CONFIRMED = "callback.survey_confirmed", _("Enterprise survey figure confirmed")
    CALLBACK_COMPLAINT_CLOSURE_RECORDED = "callback.complaint_closure_recorded", _("Complaint closure recorded")
    CALLBACK_MONTHS_CONFIRMED = "callback.months_confirmed", _("Months in operation confirmed")
