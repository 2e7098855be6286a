from audits.models.audit import (
    DECLARATION_VALID_DAYS,
    Audit,
    AuditDaysBand,
    AuditDaysTable,
    AuditorQualification,
    ConflictDeclaration,
    DeclarationRequest,
    DocumentReviewComment,
    TeamMember,
)
from audits.models.callbacks import CallBack, CustomerList, CustomerRow  # noqa: F401
from audits.models.finding import Finding, FindingEvidence
from audits.models.nonconformity import (  # noqa: E501
    Nonconformity,
    NonconformityAnswer,
    NonconformityEvidence,
    NonconformityReminder,
)

__all__ = [
    "Nonconformity", "NonconformityAnswer", "NonconformityEvidence", "NonconformityReminder",
    "Finding",
    "FindingEvidence",
    "DECLARATION_VALID_DAYS",
    "Audit",
    "AuditDaysBand",
    "AuditDaysTable",
    "AuditorQualification",
    "ConflictDeclaration",
    "DeclarationRequest",
    "DocumentReviewComment",
    "TeamMember",
]
