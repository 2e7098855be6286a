from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Applications")

    def ready(self):
        from applications.models import Case, Organisation
        from applications.selectors.case import PIPELINE
        from applications.selectors.organisation import ORGANISATION_COUNT, staff_role_refusal
        from certify.cache import changed_with
        from certify.events import state_register, verb_register
        from certify.jobs import job_labels_register
        from certify.permissions import staff_role_refusal_register

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

        verb_register(
            {
                "organisation.created": _("Organisation created"),
                "organisation.profile_updated": _("Profile changed"),
                "organisation.uscc_overridden": _("Legacy code accepted by a manager"),
                "organisation.outlet_added": _("Outlet added"),
                "organisation.outlet_updated": _("Outlet changed"),
                "organisation.outlet_removed": _("Outlet removed"),
                "organisation.member_invited": _("Colleague invited"),
                "organisation.invitation_revoked": _("Invitation withdrawn"),
                "organisation.member_joined": _("Member joined"),
                "organisation.member_removed": _("Member removed"),
                "organisation.member_role_changed": _("Member's role changed"),
                "case.created": _("Application created"),
                "case.updated": _("Application changed"),
                "case.declared": _("Eligibility declared"),
                "case.material_uploaded": _("Material uploaded"),
                "case.material_removed": _("Material removed"),
                "case.submitted": _("Application submitted"),
                "case.resubmitted": _("Application resubmitted"),
                "case.withdrawn": _("Application withdrawn"),
                "case.review_started": _("Review started"),
                "case.supplement_requested": _("Supplement requested"),
                "case.accepted": _("Application accepted"),
                "case.rejected": _("Application rejected"),
                "case.contract_sent": _("Contract sent"),
                "case.contract_accepted": _("Contract accepted"),
                "case.prepayment_recorded": _("Prepayment recorded"),
                "case.review_overdue": _("Review overdue"),
                "case.supplement_overdue": _("Supplement overdue"),
                "case.decision_overdue": _("Decision overdue"),
                "case.access_granted": _("Access granted"),
                "case.access_revoked": _("Access withdrawn"),
                "fees.updated": _("Fee schedule changed"),
                "case.document_review_started": _("Document review started"),
                "case.document_revision_requested": _("Document revision requested"),
                "case.documents_revised": _("Documents revised"),
                "case.document_review_passed": _("Document review passed"),
                "case.onsite_started": _("On-site audit started"),
                "case.onsite_done": _("On-site audit done"),
                "case.rectification_started": _("Rectification started"),
                "case.decision_pending": _("Ready for the decision"),
                "self_assessment.created": _("Self-assessment started"),
                "self_assessment.finished": _("Self-assessment finished"),
                "self_assessment.revised": _("Self-assessment reopened for revision"),
            }
        )
