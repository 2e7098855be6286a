from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from applications.models import Membership, Organisation
from certify.admin import ReadOnlyAdmin


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    can_delete = False
    readonly_fields = ["user", "role", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    list_display = ["legal_name", "uscc", "created_at"]
    search_fields = ["legal_name", "uscc"]
    inlines = [MembershipInline]
