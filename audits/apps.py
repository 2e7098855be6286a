from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = _("Audits")

    def ready(self):
        from audits.models import Audit
        from certify.events import state_register, verb_register

        state_register(Audit.Status.choices)

        verb_register(
            {
                "audit.planned": _("Audit planned"),
                "audit.days_changed": _("Audit days changed"),
                "audit.team_assigned": _("Audit team assigned"),
                "audit.started": _("Audit started"),
                "audit.document_review_passed": _("Document review passed"),
                "audit.revisions_requested": _("Document revisions requested"),
                "audit.cancelled": _("Audit cancelled"),
                "declaration.made": _("No-conflict declaration made"),
                "declaration.requested": _("Declaration requested"),
            }
        )
