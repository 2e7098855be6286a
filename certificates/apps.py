from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Certificates")

    def ready(self):
        from certificates.models import Certificate, Complaint
        from certificates.selectors.certificate import verification_cache_name
        from certificates.verbs import Verb
        from certify.cache import changed_with
        from certify.events import state_label, state_register, verb_register
        from certify.jobs import job_labels_register
        from certify.webhooks import webhook_events_register

        job_labels_register(
            {
                "certificates.tasks.certificate_render_pdf": _("Render a certificate PDF"),
                "certificates.tasks.certificates_daily": _("Surveillance, renewal and suspension reminders"),
                "certificates.tasks.certificates_expire": _("Expire certificates at the end of validity"),
            }
        )

        webhook_events_register(
            {
                verb: label
                for verb, label in Verb.choices
                if verb.startswith("certificate.") and verb != Verb.CERTIFICATE_PDF_RENDERED
            }
        )
        changed_with(lambda certificate: verification_cache_name(certificate.token), Certificate)
        # "withdrawn" and "cancelled" already name an application's and an
        # audit's states; certificate pages label their own (certificate_tags).
        state_register([(value, label) for value, label in Certificate.Status.choices if state_label(value) == value])
        verb_register(Verb.choices)
        # "closed" (and any other code already named by another app) keeps its label.
        state_register([(value, label) for value, label in Complaint.Status.choices if state_label(value) == value])
