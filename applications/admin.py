from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from applications.models import (
    Case,
    Contract,
    Invitation,
    Material,
    MaterialType,
    Membership,
    Organisation,
    ServiceOutlet,
)
from certify.admin import ReadOnlyAdmin


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    can_delete = False
    readonly_fields = ["user", "role", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


class ServiceOutletInline(admin.TabularInline):
    model = ServiceOutlet
    extra = 0
    can_delete = False
    readonly_fields = ["name", "address", "headcount"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    list_display = ["legal_name", "uscc", "created_at"]
    search_fields = ["legal_name", "uscc"]
    inlines = [MembershipInline, ServiceOutletInline]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["email", "organisation", "role", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_select_related = ["organisation"]
    search_fields = ["email", "organisation__legal_name"]
    # The token is the invitee's proof; it is not shown, even to managers.
    exclude = ["token"]


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 0
    can_delete = False
    fields = ["material_type", "number", "original_name", "uploaded_at", "review"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["reference", "organisation", "status", "kind", "review_due", "created_at"]
    list_filter = ["status", "kind", "version__scheme"]
    list_select_related = ["organisation", "version__scheme"]
    search_fields = ["reference", "organisation__legal_name", "organisation__uscc"]
    inlines = [MaterialInline]


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin):
    list_display = ["number", "case", "certification_fee", "sent_at", "accepted_at", "prepayment_recorded_at"]
    list_select_related = ["case"]
    search_fields = ["number", "case__reference"]


@admin.register(MaterialType)
class MaterialTypeAdmin(ReadOnlyAdmin):
    list_display = ["code", "name_zh", "scheme", "required"]
    list_filter = ["scheme", "required"]
