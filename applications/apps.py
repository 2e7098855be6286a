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
                "self_assessment.created": _("Self-assessment started"),
                "self_assessment.finished": _("Self-assessment finished"),
                "self_assessment.revised": _("Self-assessment reopened for revision"),
            }
        )
