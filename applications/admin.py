from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from applications.models import Invitation, Membership, Organisation, ServiceOutlet
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
