from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Certificates")

    def ready(self):
        from certificates.models import Certificate
        from certify.events import state_label, state_register, verb_register
        from certify.jobs import job_labels_register

        job_labels_register(
            {
                "certificates.tasks.certificate_render_pdf": _("Render a certificate PDF"),
                "certificates.tasks.certificates_daily": _("Surveillance, renewal and suspension reminders"),
                "certificates.tasks.certificates_expire": _("Expire certificates at the end of validity"),
            }
        )

        # "withdrawn" and "cancelled" already name an application's and an
        # audit's states; certificate pages label their own (certificate_tags).
        state_register([(value, label) for value, label in Certificate.Status.choices if state_label(value) == value])
        verb_register(
            {
                "case.decided": _("Certification decided"),
                "certificate.issued": _("Certificate issued"),
                "certificate.suspended": _("Certificate suspended"),
                "certificate.reinstated": _("Certificate reinstated"),
                "certificate.withdrawn": _("Certificate withdrawn"),
                "certificate.cancelled": _("Certificate cancelled"),
                "certificate.expired": _("Certificate expired"),
                "certificate.superseded": _("Certificate superseded"),
                "certificate.revised": _("Certificate revised"),
                "certificate.withdrawal_proposed": _("Withdrawal proposed"),
                "certificate.renewal_window_opened": _("Renewal window opened"),
                "certificate.renewal_applied": _("Renewal applied for"),
                "surveillance.audit_created": _("Surveillance audit created"),
                "surveillance.overdue": _("Surveillance overdue"),
                "surveillance.suspension_candidate": _("Suspension candidate"),
                "surveillance.outcome_recorded": _("Surveillance outcome recorded"),
                "certificate.pdf_rendered": _("Certificate PDF stored"),
                "reason_code.saved": _("Reason code saved"),
            }
        )
        import certificates.labels_complaints  # noqa: F401 - registers the complaints' labels
