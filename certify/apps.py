from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertifyConfig(AppConfig):
    name = "certify"
    verbose_name = _("Certify")

    def ready(self):
        # Registers the path converters every app's urls use.
        from certify import converters  # noqa: F401
        from certify.events import verb_register
        from certify.jobs import job_labels_register

        job_labels_register(
            {
                "certify.tasks.email_send": _("Send an e-mail"),
                "certify.tasks.outbox_sweep": _("Hand waiting jobs to the worker"),
                "certify.tasks.housekeeping": _("Prune records past their retention"),
            }
        )

        verb_register(
            {
                "user.registered": _("Registered"),
                "user.email_verified": _("E-mail address verified"),
                "user.password_reset": _("Password reset"),
                "user.staff_created": _("Staff account created"),
                "user.roles_changed": _("Roles changed"),
                "user.second_factor_enrolled": _("Second factor set up"),
                "user.recovery_code_used": _("Recovery code used"),
                "user.second_factor_reset": _("Second factor reset"),
                "body_profile.updated": _("Body profile updated"),
                "calendar.override_set": _("Working day entered"),
                "calendar.override_removed": _("Working day removed"),
                "email.sent": _("E-mail sent"),
                "background.job_retried": _("Background job tried again"),
                "background.run_retried": _("Periodic job run again"),
            }
        )
