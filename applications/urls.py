from django.urls import path

from applications import views
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

# The case (application) pages live in their own module.
urlpatterns += case_urlpatterns
