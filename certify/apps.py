from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertifyConfig(AppConfig):
    name = "certify"
    verbose_name = _("Certify")

    def ready(self):
        # Registers the path converters every app's urls use.
        from certify import converters  # noqa: F401
        from certify.cache import changed_with
        from certify.events import verb_register
        from certify.jobs import job_labels_register
        from certify.models import BodyProfile, WebhookEndpoint
        from certify.selectors import BODY_PROFILE
        from certify.verbs import Verb
        from certify.webhooks import ENDPOINTS

        job_labels_register(
            {
                "certify.tasks.email_send": _("Send an e-mail"),
                "certify.tasks.outbox_sweep": _("Hand waiting jobs to the worker"),
                "certify.tasks.housekeeping": _("Prune records past their retention"),
                "certify.tasks.webhook_deliver": _("Send a webhook delivery"),
            }
        )

        verb_register(Verb.choices)
        changed_with(BODY_PROFILE, BodyProfile)
        changed_with(ENDPOINTS, WebhookEndpoint)
