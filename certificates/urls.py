from django.urls import path

from certificates import views

app_name = "certificates"

urlpatterns = [
    path("", views.certificate_list, name="certificate_list"),
    path("decisions/", views.decision_queue, name="decision_queue"),
    path("decisions/<uuid:public_id>/", views.decision, name="decision"),
    path("reasons/", views.reason_code_list, name="reason_code_list"),
    path("reasons/new/", views.reason_code_edit, name="reason_code_new"),
    path("reasons/<int:reason_id>/", views.reason_code_edit, name="reason_code_edit"),
    path("<uuid:public_id>/", views.certificate_detail, name="certificate_detail"),
    path("<uuid:public_id>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("<uuid:public_id>/status/<slug:action>/", views.certificate_status, name="certificate_status"),
    path("<uuid:public_id>/revise/", views.certificate_revise, name="certificate_revise"),
    path("<uuid:public_id>/renew/", views.renewal_apply, name="renewal_apply"),
    path(
        "<uuid:public_id>/surveillance/<int:surveillance_id>/outcome/",
        views.surveillance_outcome,
        name="surveillance_outcome",
    ),
    path(
        "<uuid:public_id>/surveillance/<int:surveillance_id>/audit/",
        views.surveillance_audit_create,
        name="surveillance_audit_create",
    ),
]
