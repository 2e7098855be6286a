from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from certify.views import (
    accounts,
    background,
    body,
    calendar,
    health,
    notifications,
    second_factor,
    staff,
    webhooks,
)

urlpatterns = [
    path("", accounts.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("healthz/live", health.healthz_live, name="healthz_live"),
    path("accounts/register/", accounts.register, name="register"),
    path("accounts/verify/<signed:token>/", accounts.email_verify, name="email_verify"),
    path("accounts/verify-again/", accounts.verification_resend, name="verification_resend"),
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "accounts/password/change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/profile/", accounts.profile, name="profile"),
    path("accounts/api-tokens/", accounts.api_token_create, name="api_token_create"),
    path(
        "accounts/api-tokens/<int:token_id>/revoke/",
        accounts.api_token_revoke,
        name="api_token_revoke",
    ),
    path("accounts/second-factor/", second_factor.second_factor, name="second_factor"),
    path("language/", accounts.language_set, name="language_set"),
    path("notifications/", notifications.notification_list, name="notification_list"),
    path(
        "notifications/<int:notification_id>/read/",
        notifications.notification_read,
        name="notification_read",
    ),
    path(
        "notifications/read-all/",
        notifications.notification_read_all,
        name="notification_read_all",
    ),
    path("staff/users/", staff.user_list_view, name="user_list"),
    path("staff/users/new/", staff.staff_create, name="staff_create"),
    path("staff/users/<uuid:public_id>/", staff.user_roles, name="user_roles"),
    path(
        "staff/users/<uuid:public_id>/second-factor/reset/",
        second_factor.second_factor_reset,
        name="second_factor_reset",
    ),
    path("staff/body/", body.body_profile_edit, name="body_profile"),
    path("body/logo/", body.body_logo, name="body_logo"),
    path("staff/background/", background.background_work_view, name="background_work"),
    path(
        "staff/background/jobs/<int:message_id>/retry/",
        background.background_job_retry,
        name="background_job_retry",
    ),
    path("staff/background/runs/<int:run_id>/retry/", background.job_run_retry, name="job_run_retry"),
    path("staff/webhooks/", webhooks.webhook_list, name="webhook_list"),
    path("staff/webhooks/<int:endpoint_id>/disable/", webhooks.webhook_disable, name="webhook_disable"),
    path("staff/webhooks/deliveries/<int:delivery_id>/resend/", webhooks.webhook_resend, name="webhook_resend"),
    path("staff/calendar/", calendar.calendar_overrides, name="calendar"),
    path(
        "staff/calendar/<int:override_id>/delete/",
        calendar.calendar_override_delete,
        name="calendar_override_delete",
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", include("certify.api.urls")),
    path("schemes/", include("scoring.urls")),
    path("audits/", include("audits.urls")),
    path("", include("certificates.urls")),
    path("", include("applications.urls")),
]

handler400 = "certify.views.errors.bad_request"
handler403 = "certify.views.errors.permission_denied"
handler404 = "certify.views.errors.page_not_found"
handler500 = "certify.views.errors.server_error"
