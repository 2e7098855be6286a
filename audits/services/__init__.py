"""The audits app's public write API: plan, staff and run the audits, the
document review, findings, nonconformities and customer call-backs. Each
function takes the acting user and keyword arguments; see
docs/ARCHITECTURE.md "How a transition is written".
"""

from audits.services.callbacks import (
    callback_rates_confirm,
    callback_record,
    callback_sample_draw,
    callback_survey_confirm,
    complaint_closure_record,
    months_in_operation_confirm,
)
from audits.services.customer_lists import (
    customer_list_read,
    customer_list_upload,
)
from audits.services.document_review import (
    document_comment_set,
    document_review_pass,
    document_revisions_request,
)
from audits.services.nonconformity import (
    nonconformity_answer,
    nonconformity_due_date,
    nonconformity_escalate,
    nonconformity_raise,
    nonconformity_reminders,
    nonconformity_url,
    nonconformity_verify,
)
from audits.services.onsite import (
    audit_bonus_set,
    audit_final_submit,
    audit_follow_up_close,
    audit_mark_evidence_add,
    audit_mark_set,
    audit_report_pdf_store,
    audit_report_submit,
    audit_rescore_start,
    audit_start,
    audit_team_check,
    finding_add,
    special_deduction_record,
)
from audits.services.planning import (
    audit_days_compute,
    audit_days_table_get,
    audit_days_table_update,
    audit_plan,
    audit_plan_surveillance,
)
from audits.services.team import (
    audit_team_assign,
    audits_cancel_for_withdrawn_cases,
    case_access_follow_team,
    conflict_declare,
    declaration_asked,
    declaration_current,
    declaration_request,
    qualification_warnings,
)

__all__ = [
    "audit_bonus_set",
    "audit_days_compute",
    "audit_days_table_get",
    "audit_days_table_update",
    "audit_final_submit",
    "audit_follow_up_close",
    "audit_mark_evidence_add",
    "audit_mark_set",
    "audit_plan",
    "audit_plan_surveillance",
    "audit_report_pdf_store",
    "audit_report_submit",
    "audit_rescore_start",
    "audit_start",
    "audit_team_assign",
    "audit_team_check",
    "audits_cancel_for_withdrawn_cases",
    "callback_rates_confirm",
    "callback_record",
    "callback_sample_draw",
    "callback_survey_confirm",
    "case_access_follow_team",
    "complaint_closure_record",
    "conflict_declare",
    "customer_list_read",
    "customer_list_upload",
    "declaration_asked",
    "declaration_current",
    "declaration_request",
    "document_comment_set",
    "document_review_pass",
    "document_revisions_request",
    "finding_add",
    "months_in_operation_confirm",
    "nonconformity_answer",
    "nonconformity_due_date",
    "nonconformity_escalate",
    "nonconformity_raise",
    "nonconformity_reminders",
    "nonconformity_url",
    "nonconformity_verify",
    "qualification_warnings",
    "special_deduction_record",
]
