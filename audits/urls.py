from django.urls import path

from audits.views import audit as views
from audits.views import callbacks, nonconformity, onsite

app_name = "audits"

urlpatterns = [
    path("", views.my_audits, name="my_audits"),
    path("plan/<uuid:case_public_id>/<slug:kind>/", views.audit_plan, name="audit_plan"),
    path("declarations/<uuid:organisation_public_id>/", views.declaration, name="declaration"),
    path("for-case/<uuid:case_public_id>/", views.case_audits, name="case_audits"),
    path("days-table/", views.audit_days_table, name="audit_days_table"),
    path("<uuid:public_id>/", views.audit_detail, name="audit_detail"),
    path("<uuid:public_id>/team/", views.audit_team, name="audit_team"),
    path(
        "<uuid:public_id>/declarations/<uuid:auditor_public_id>/request/",
        views.declaration_request,
        name="declaration_request",
    ),
    path("<uuid:public_id>/start/", views.audit_start, name="audit_start"),
    path(
        "<uuid:public_id>/documents/<int:indicator_id>/",
        views.document_comment,
        name="document_comment",
    ),
    path("<uuid:public_id>/documents/pass/", views.document_review_pass, name="document_review_pass"),
    path(
        "<uuid:public_id>/documents/revisions/",
        views.document_revisions_request,
        name="document_revisions_request",
    ),
    path("<uuid:public_id>/scoring/", onsite.audit_scoring, name="audit_scoring"),
    path("<uuid:public_id>/scoring/items/<int:item_id>/mark/", onsite.audit_mark, name="audit_mark"),
    path(
        "<uuid:public_id>/scoring/items/<int:item_id>/evidence/",
        onsite.audit_mark_evidence,
        name="audit_mark_evidence",
    ),
    path(
        "<uuid:public_id>/scoring/evidence/<int:evidence_id>/",
        onsite.audit_mark_evidence_file,
        name="audit_mark_evidence_file",
    ),
    path("<uuid:public_id>/scoring/deductions/", onsite.audit_deduction_add, name="audit_deduction_add"),
    path("<uuid:public_id>/scoring/bonus/", onsite.audit_bonus, name="audit_bonus"),
    path("<uuid:public_id>/findings/", onsite.audit_findings, name="audit_findings"),
    path("<uuid:public_id>/report/", onsite.audit_report, name="audit_report"),
    path("<uuid:public_id>/report/submit/", onsite.audit_report_submit, name="audit_report_submit"),
    path("<uuid:public_id>/report/rescore/", onsite.audit_rescore_start, name="audit_rescore_start"),
    path("<uuid:public_id>/report/final/", onsite.audit_final_submit, name="audit_final_submit"),
    path("<uuid:public_id>/report.pdf", onsite.audit_report_pdf, name="audit_report_pdf"),
    path("<uuid:public_id>/follow-up/close/", onsite.audit_follow_up_close, name="audit_follow_up_close"),
    path(
        "<uuid:public_id>/findings/evidence/<int:evidence_id>/",
        onsite.finding_evidence_file,
        name="finding_evidence_file",
    ),
    # Customer call-backs
    path("<uuid:public_id>/call-backs/", callbacks.callbacks, name="callbacks"),
    path("<uuid:public_id>/call-backs/list/", callbacks.callback_list_upload, name="callback_list_upload"),
    path("<uuid:public_id>/call-backs/list/file/", callbacks.callback_list_download, name="callback_list_download"),
    path("<uuid:public_id>/call-backs/sample/", callbacks.callback_sample_draw, name="callback_sample_draw"),
    path("<uuid:public_id>/call-backs/calls/<int:row_id>/", callbacks.callback_record, name="callback_record"),
    path("<uuid:public_id>/call-backs/rates/", callbacks.callback_rates_confirm, name="callback_rates_confirm"),
    path("<uuid:public_id>/call-backs/survey/", callbacks.callback_survey_confirm, name="callback_survey_confirm"),
    path(
        "<uuid:public_id>/call-backs/complaints/",
        callbacks.callback_complaints_record,
        name="callback_complaints_record",
    ),
    path("<uuid:public_id>/call-backs/months/", callbacks.callback_months_confirm, name="callback_months_confirm"),
    # Nonconformities
    path("<uuid:public_id>/nonconformities/", nonconformity.audit_nonconformities, name="nonconformities"),
    path(
        "cases/<uuid:case_public_id>/nonconformities/",
        nonconformity.case_nonconformities,
        name="case_nonconformities",
    ),
    path("nonconformities/<uuid:nc_public_id>/", nonconformity.nonconformity_detail, name="nonconformity_detail"),
    path(
        "nonconformities/<uuid:nc_public_id>/evidence/<int:evidence_id>/",
        nonconformity.nonconformity_evidence,
        name="nonconformity_evidence",
    ),
]
