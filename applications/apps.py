from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Applications")

    def ready(self):
        from certify.events import verb_register

        verb_register(
            {
                "organisation.created": _("Organisation created"),
                "self_assessment.created": _("Self-assessment started"),
                "self_assessment.finished": _("Self-assessment finished"),
                "self_assessment.revised": _("Self-assessment reopened for revision"),
            }
        )
