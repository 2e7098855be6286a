"""The managers' housekeeping. Lifecycle states are never edited here: every
state change goes through a service function and leaves an event."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_celery_beat import models as beat_models
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from certify.models import Event, Notification, OutboxMessage, User, WorkingDayOverride

admin.site.site_header = _("Certify housekeeping")
admin.site.site_title = _("Certify housekeeping")
admin.site.index_title = _("Records (read-only; every change goes through the pages)")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ["email", "full_name", "is_applicant", "is_auditor", "is_manager", "is_active"]
    list_filter = ["is_applicant", "is_auditor", "is_manager", "is_active"]
    search_fields = ["email", "full_name"]
    exclude = ["password"]


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "verb", "actor", "content_type", "object_id", "to_state"]
    list_filter = ["verb", "content_type"]
    list_select_related = ["actor", "content_type"]
    date_hierarchy = "created_at"


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "title", "read_at"]
    list_select_related = ["recipient"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "task_name", "published_at", "attempts", "last_error"]


@admin.register(WorkingDayOverride)
class WorkingDayOverrideAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    list_display = ["date", "is_working_day", "note"]


# Second-factor devices hold the secret keys an authenticator computes codes
# from: nobody reads them, a manager resets them on the person's page.
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)

# The schedule is code (settings.CELERY_BEAT_SCHEDULE); a periodic task edited
# or run from the admin would be work nobody reviewed. Each run is recorded on
# the managers' background-work page instead. Stored e-mails are not
# registered at all: until sent they may hold a secret link.
for model in (
    beat_models.PeriodicTask,
    beat_models.IntervalSchedule,
    beat_models.CrontabSchedule,
    beat_models.SolarSchedule,
    beat_models.ClockedSchedule,
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
