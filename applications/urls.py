from django.urls import path

from applications import views, views_people
from applications import views_self_assessment as sa
from applications.urls_case import urlpatterns as case_urlpatterns

app_name = "applications"

urlpatterns = [
    path("organisation/", views.applicant_home, name="applicant_home"),
    path("organisation/new/", views.organisation_create, name="organisation_create"),
    path(
        "organisations/<uuid:public_id>/",
        views.organisation_detail,
        name="organisation_detail",
    ),
    path("manage/", views.manager_home, name="manager_home"),
    path("manage/organisations/", views.organisation_list, name="organisation_list"),
    path("self-assessments/", sa.self_assessment_list, name="self_assessment_list"),
    path("self-assessments/new/", sa.self_assessment_create, name="self_assessment_create"),
    path(
        "self-assessments/<uuid:public_id>/",
        sa.self_assessment_detail,
        name="self_assessment_detail",
    ),
    path(
        "self-assessments/<uuid:public_id>/items/<int:item_id>/mark/",
        sa.self_assessment_mark,
        name="self_assessment_mark",
    ),
    path(
        "self-assessments/<uuid:public_id>/items/<int:item_id>/evidence/",
        sa.self_assessment_evidence,
        name="self_assessment_evidence",
    ),
    path(
        "self-assessments/<uuid:public_id>/evidence/<int:evidence_id>/",
        sa.self_assessment_evidence_file,
        name="self_assessment_evidence_file",
    ),
    path(
        "self-assessments/<uuid:public_id>/bonus/",
        sa.self_assessment_bonus,
        name="self_assessment_bonus",
    ),
    path(
        "self-assessments/<uuid:public_id>/deductions/",
        sa.self_assessment_deduction_add,
        name="self_assessment_deduction_add",
    ),
    path(
        "self-assessments/<uuid:public_id>/deductions/<int:deduction_id>/remove/",
        sa.self_assessment_deduction_remove,
        name="self_assessment_deduction_remove",
    ),
    path(
        "self-assessments/<uuid:public_id>/metrics/",
        sa.self_assessment_metric,
        name="self_assessment_metric",
    ),
    path(
        "self-assessments/<uuid:public_id>/finish/",
        sa.self_assessment_finish,
        name="self_assessment_finish",
    ),
    path(
        "self-assessments/<uuid:public_id>/revise/",
        sa.self_assessment_revise,
        name="self_assessment_revise",
    ),
    path("self-assessments/<uuid:public_id>/pdf/", sa.self_assessment_pdf, name="self_assessment_pdf"),
]

# The organisation's profile, outlets and people.
urlpatterns += [
    path(
        "organisations/<uuid:public_id>/profile/",
        views.organisation_profile_edit,
        name="organisation_profile_edit",
    ),
    path(
        "organisations/<uuid:public_id>/outlets/",
        views.organisation_outlets,
        name="organisation_outlets",
    ),
    path(
        "organisations/<uuid:public_id>/outlets/<int:outlet_id>/",
        views.service_outlet_edit,
        name="service_outlet_edit",
    ),
    path(
        "organisations/<uuid:public_id>/outlets/<int:outlet_id>/remove/",
        views.service_outlet_remove,
        name="service_outlet_remove",
    ),
    path(
        "organisations/<uuid:public_id>/code-override/",
        views.organisation_uscc_override,
        name="organisation_uscc_override",
    ),
    path(
        "organisations/<uuid:public_id>/people/",
        views_people.organisation_people,
        name="organisation_people",
    ),
    path(
        "organisations/<uuid:public_id>/people/invite/",
        views_people.invitation_create,
        name="invitation_create",
    ),
    path(
        "organisations/<uuid:public_id>/invitations/<int:invitation_id>/revoke/",
        views_people.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "organisations/<uuid:public_id>/members/<int:membership_id>/remove/",
        views_people.membership_remove,
        name="membership_remove",
    ),
    path(
        "organisations/<uuid:public_id>/members/<int:membership_id>/role/",
        views_people.membership_role,
        name="membership_role",
    ),
    path("invitations/<token:token>/", views_people.invitation_detail, name="invitation_detail"),
]

# The case (application) pages live in their own module.
urlpatterns += case_urlpatterns
