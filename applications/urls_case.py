"""URLs of the case (the application), included by applications/urls.py."""

from django.urls import path

from applications import views_case as views

urlpatterns = [
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", views.case_create, name="case_create"),
    path("cases/review-queue/", views.review_queue, name="review_queue"),
    path("cases/<uuid:public_id>/", views.case_detail, name="case_detail"),
    path("cases/<uuid:public_id>/edit/", views.case_update, name="case_update"),
    path("cases/<uuid:public_id>/declarations/", views.case_declare, name="case_declare"),
    path(
        "cases/<uuid:public_id>/materials/<int:type_id>/upload/",
        views.material_upload,
        name="material_upload",
    ),
    path(
        "cases/<uuid:public_id>/files/<int:material_id>/",
        views.material_download,
        name="material_download",
    ),
    path(
        "cases/<uuid:public_id>/files/<int:material_id>/remove/",
        views.material_remove,
        name="material_remove",
    ),
    path("cases/<uuid:public_id>/submit/", views.case_submit, name="case_submit"),
    path("cases/<uuid:public_id>/withdraw/", views.case_withdraw, name="case_withdraw"),
    path("cases/<uuid:public_id>/review/start/", views.case_review_start, name="case_review_start"),
    path("cases/<uuid:public_id>/review/", views.case_review_decide, name="case_review_decide"),
    path("cases/<uuid:public_id>/reject/", views.case_reject, name="case_reject"),
    path(
        "cases/<uuid:public_id>/documents-revised/",
        views.case_documents_revised,
        name="case_documents_revised",
    ),
    path("cases/<uuid:public_id>/contract/send/", views.case_contract_send, name="case_contract_send"),
    path(
        "cases/<uuid:public_id>/contract/accept/",
        views.case_contract_accept,
        name="case_contract_accept",
    ),
    path(
        "cases/<uuid:public_id>/contract/prepayment/",
        views.case_prepayment_record,
        name="case_prepayment_record",
    ),
    path("cases/<uuid:public_id>/contract.pdf", views.contract_pdf, name="contract_pdf"),
    path("manage/fees/", views.fee_schedule, name="fee_schedule"),
    path(
        "cases/<uuid:public_id>/supplements/<int:request_id>/notice.pdf",
        views.supplement_notice_pdf,
        name="supplement_notice_pdf",
    ),
]
