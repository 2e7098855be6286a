from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = _("Audits")

    def ready(self):
        from audits.models import Audit, Nonconformity
        from audits.verbs import Verb
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
        verb_register(Verb.choices)
