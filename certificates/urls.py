from django.urls import path

from certificates.views import certificate as views
from certificates.views import complaint, public

app_name = "certificates"

# Included at the root of the site: the public pages stand at /verify/,
# /register/, /complaints/ and /about/; the signed-in ones under /certificates/.
urlpatterns = [
    path("verify/", public.verify, name="verify"),
    path("verify/<token:token>/", public.verify_certificate, name="verify_certificate"),
    path("register/", public.public_register, name="public_register"),
    path("complaints/new/", complaint.complaint_new, name="complaint_new"),
    path("complaints/thanks/", complaint.complaint_thanks, name="complaint_thanks"),
    path("about/<slug:slug>/", complaint.public_page, name="public_page"),
    path("about/<slug:slug>/edit/", complaint.public_page_edit, name="public_page_edit"),
    path("certificates/complaints/", complaint.complaint_list, name="complaint_list"),
    path("certificates/complaints/appeal/<uuid:public_id>/", complaint.appeal_new, name="appeal_new"),
    path("certificates/complaints/<uuid:public_id>/", complaint.complaint_detail, name="complaint_detail"),
    path(
        "certificates/complaints/<uuid:public_id>/certificate/",
        complaint.complaint_certificate_link,
        name="complaint_certificate_link",
    ),
    path(
        "certificates/complaints/<uuid:public_id>/<slug:step>/",
        complaint.complaint_step,
        name="complaint_step",
    ),
    path("certificates/", views.certificate_list, name="certificate_list"),
    path("certificates/decisions/", views.decision_queue, name="decision_queue"),
    path("certificates/decisions/<uuid:public_id>/", views.decision, name="decision"),
    path("certificates/reasons/", views.reason_code_list, name="reason_code_list"),
    path("certificates/reasons/new/", views.reason_code_edit, name="reason_code_new"),
    path("certificates/reasons/<int:reason_id>/", views.reason_code_edit, name="reason_code_edit"),
    path("certificates/<uuid:public_id>/", views.certificate_detail, name="certificate_detail"),
    path("certificates/<uuid:public_id>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("certificates/<uuid:public_id>/status/<slug:action>/", views.certificate_status, name="certificate_status"),
    path("certificates/<uuid:public_id>/revise/", views.certificate_revise, name="certificate_revise"),
    path("certificates/<uuid:public_id>/renew/", views.renewal_apply, name="renewal_apply"),
    path(
        "certificates/<uuid:public_id>/surveillance/<int:surveillance_id>/outcome/",
        views.surveillance_outcome,
        name="surveillance_outcome",
    ),
    path(
        "certificates/<uuid:public_id>/surveillance/<int:surveillance_id>/audit/",
        views.surveillance_audit_create,
        name="surveillance_audit_create",
    ),
]
