from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Applications")

    def ready(self):
        from applications.models import Case, Organisation
        from applications.selectors.case import PIPELINE
        from applications.selectors.organisation import ORGANISATION_COUNT, staff_role_refusal
        from applications.verbs import Verb
        from certify.cache import changed_with
        from certify.events import state_register, verb_register
        from certify.jobs import job_labels_register
        from certify.permissions import staff_role_refusal_register
        from certify.webhooks import webhook_events_register

        job_labels_register(
            {
                "applications.tasks.contract_render_pdf": _("Render a contract PDF"),
                "applications.tasks.supplement_notice_render": _("Render a supplement notice PDF"),
                "applications.tasks.case_deadlines": _("Flag overdue reviews and supplements"),
            }
        )

        changed_with(PIPELINE, Case)
        changed_with(ORGANISATION_COUNT, Organisation)
        staff_role_refusal_register(staff_role_refusal)

        state_register(Case.Status.choices)

        verb_register(Verb.choices)
        webhook_events_register(
            {
                verb: label
                for verb, label in Verb.choices
                if verb.startswith("case.") and not verb.startswith(("case.material_", "case.access_", "case.updated"))
            }
        )
