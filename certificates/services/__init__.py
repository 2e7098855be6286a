"""The certificates app's public write API: the decision and the certificate
it issues, the certificate's life (status, revision, surveillance,
renewal), complaints and appeals, and the public pages.
"""

from certificates.services._base import (
    certificate_url,
    holders,
    require_impartial_decider,
    was_on_audit_team,
)
from certificates.services.certificate import (
    certificate_cancel,
    certificate_pdf_store,
    certificate_reinstate,
    certificate_revise,
    certificate_suspend,
    certificate_withdraw,
    certificates_expire,
    reason_code_save,
)
from certificates.services.complaint import (
    appeal_file,
    complaint_acknowledge,
    complaint_certificate_link,
    complaint_close,
    complaint_decide,
    complaint_file,
    complaint_investigate,
    complaint_involvement,
    complaint_url,
    require_uninvolved_manager,
)
from certificates.services.decision import (
    decision_record,
    renewed_certificate,
    surveillance_schedule,
)
from certificates.services.public_page import public_page_update
from certificates.services.renewal import (
    certificates_daily,
    renewal_apply,
    renewal_open_case,
    renewal_refusal,
    renewal_window_sweep,
    suspensions_over_limit_sweep,
)
from certificates.services.surveillance import (
    surveillance_audit_create,
    surveillance_outcome_record,
    surveillances_sweep,
)

__all__ = [
    "appeal_file",
    "certificate_cancel",
    "certificate_pdf_store",
    "certificate_reinstate",
    "certificate_revise",
    "certificate_suspend",
    "certificate_url",
    "certificate_withdraw",
    "certificates_daily",
    "certificates_expire",
    "complaint_acknowledge",
    "complaint_certificate_link",
    "complaint_close",
    "complaint_decide",
    "complaint_file",
    "complaint_investigate",
    "complaint_involvement",
    "complaint_url",
    "decision_record",
    "holders",
    "public_page_update",
    "reason_code_save",
    "renewal_apply",
    "renewal_open_case",
    "renewal_refusal",
    "renewal_window_sweep",
    "renewed_certificate",
    "require_impartial_decider",
    "require_uninvolved_manager",
    "surveillance_audit_create",
    "surveillance_outcome_record",
    "surveillance_schedule",
    "surveillances_sweep",
    "suspensions_over_limit_sweep",
    "was_on_audit_team",
]
