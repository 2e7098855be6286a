from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = _("Audits")

    def ready(self):
        from audits.models import NONCONFORMITY_VERBS, Audit, Nonconformity
        from audits.services._base import CALLBACK_VERBS
        from certify.events import state_register, verb_register
        from certify.jobs import job_labels_register

        job_labels_register(
            {
                "audits.tasks.audits_cancel_withdrawn": _("Cancel the audits of withdrawn applications"),
                "audits.tasks.audit_report_render": _("Render an audit report PDF"),
                "audits.tasks.nonconformity_reminders": _("Remind of nonconformity deadlines"),
            }
        )
        state_register(Audit.Status.choices)
        state_register(Nonconformity.Status.choices)
        verb_register(NONCONFORMITY_VERBS)
        verb_register(CALLBACK_VERBS)
        verb_register(
            {
                "audit.planned": _("Audit planned"),
                "audit_days.updated": _("Audit days table changed"),
                "audit.days_changed": _("Audit days changed"),
                "audit.team_assigned": _("Audit team assigned"),
                "audit.started": _("Audit started"),
                "audit.document_review_passed": _("Document review passed"),
                "audit.revisions_requested": _("Document revisions requested"),
                "audit.cancelled": _("Audit cancelled"),
                "audit.finding_added": _("Finding recorded"),
                "audit.report_submitted": _("Audit report submitted"),
                "audit.closed": _("Audit closed"),
                "audit.special_deduction": _("Special deduction recorded"),
                "declaration.made": _("No-conflict declaration made"),
                "declaration.requested": _("Declaration requested"),
            }
        )
