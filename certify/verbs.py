"""The event verbs of accounts, the body's profile, the calendar, e-mail and
background work: each written once here with the label the history shows
(DESIGN.md "How a transition is written")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Verb(models.TextChoices):
    USER_REGISTERED = "user.registered", _("Registered")
    USER_EMAIL_VERIFIED = "user.email_verified", _("E-mail address verified")
    USER_PASSWORD_RESET = "user.password_reset", _("Password reset")
    USER_STAFF_CREATED = "user.staff_created", _("Staff account created")
    USER_ROLES_CHANGED = "user.roles_changed", _("Roles changed")
    USER_SECOND_FACTOR_ENROLLED = "user.second_factor_enrolled", _("Second factor set up")
    USER_RECOVERY_CODE_USED = "user.recovery_code_used", _("Recovery code used")
    USER_SECOND_FACTOR_RESET = "user.second_factor_reset", _("Second factor reset")
    API_TOKEN_CREATED = "api_token.created", _("API token created")
    API_TOKEN_REVOKED = "api_token.revoked", _("API token revoked")
    WEBHOOK_CREATED = "webhook.created", _("Webhook registered")
    WEBHOOK_DISABLED = "webhook.disabled", _("Webhook disabled")
    WEBHOOK_RESENT = "webhook.resent", _("Webhook delivery sent again")
    BODY_PROFILE_UPDATED = "body_profile.updated", _("Body profile updated")
    CALENDAR_OVERRIDE_SET = "calendar.override_set", _("Working day entered")
    CALENDAR_OVERRIDE_REMOVED = "calendar.override_removed", _("Working day removed")
    EMAIL_SENT = "email.sent", _("E-mail sent")
    BACKGROUND_JOB_RETRIED = "background.job_retried", _("Background job tried again")
    BACKGROUND_RUN_RETRIED = "background.run_retried", _("Periodic job run again")
