from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from certificates.models import Certificate, Decision, Surveillance
from certify.admin import ReadOnlyAdmin


class SurveillanceInline(admin.TabularInline):
    model = Surveillance
    extra = 0
    can_delete = False
    fields = ["number", "due_on", "audit", "overdue_at", "suspension_candidate_at", "outcome", "outcome_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["number", "status_label", "holder_name", "level_name_zh", "issued_on", "expires_on"]
    list_filter = ["status", "scheme_code"]
    search_fields = ["number", "holder_name", "holder_uscc"]
    # The token is public (QR code, register) but unguessable, so nobody can
    # walk through every certificate's page; the admin has no use for it.
    exclude = ["token"]
    inlines = [SurveillanceInline]

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, certificate):
        # A certificate replaced by a revision reads 注销（变更换证）, which the
        # status field's own choices cannot tell.
        return certificate.get_status_display()


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["case", "outcome", "level_code", "decided_by", "decided_at"]
    list_select_related = ["case", "decided_by"]
    list_filter = ["outcome"]
    search_fields = ["case__reference", "case__organisation__legal_name"]
