from django.urls import path

from applications.views import case
from applications.views import organisation as views
from applications.views import people as views_people
from applications.views import self_assessment as sa

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
    # The case (the application)
    path("cases/", case.case_list, name="case_list"),
    path("cases/new/", case.case_create, name="case_create"),
    path("cases/review-queue/", case.review_queue, name="review_queue"),
    path("cases/<uuid:public_id>/", case.case_detail, name="case_detail"),
    path("cases/<uuid:public_id>/edit/", case.case_update, name="case_update"),
    path("cases/<uuid:public_id>/declarations/", case.case_declare, name="case_declare"),
    path(
        "cases/<uuid:public_id>/materials/<int:type_id>/upload/",
        case.material_upload,
        name="material_upload",
    ),
    path(
        "cases/<uuid:public_id>/files/<int:material_id>/",
        case.material_download,
        name="material_download",
    ),
    path(
        "cases/<uuid:public_id>/files/<int:material_id>/remove/",
        case.material_remove,
        name="material_remove",
    ),
    path("cases/<uuid:public_id>/submit/", case.case_submit, name="case_submit"),
    path("cases/<uuid:public_id>/withdraw/", case.case_withdraw, name="case_withdraw"),
    path("cases/<uuid:public_id>/review/start/", case.case_review_start, name="case_review_start"),
    path("cases/<uuid:public_id>/review/", case.case_review_decide, name="case_review_decide"),
    path("cases/<uuid:public_id>/reject/", case.case_reject, name="case_reject"),
    path(
        "cases/<uuid:public_id>/documents-revised/",
        case.case_documents_revised,
        name="case_documents_revised",
    ),
    path("cases/<uuid:public_id>/contract/send/", case.case_contract_send, name="case_contract_send"),
    path(
        "cases/<uuid:public_id>/contract/accept/",
        case.case_contract_accept,
        name="case_contract_accept",
    ),
    path(
        "cases/<uuid:public_id>/contract/prepayment/",
        case.case_prepayment_record,
        name="case_prepayment_record",
    ),
    path("cases/<uuid:public_id>/contract.pdf", case.contract_pdf, name="contract_pdf"),
    path("manage/fees/", case.fee_schedule, name="fee_schedule"),
    path(
        "cases/<uuid:public_id>/supplements/<int:request_id>/notice.pdf",
        case.supplement_notice_pdf,
        name="supplement_notice_pdf",
    ),
]
