from audits.models.audit import (
    DECLARATION_VALID_DAYS,
    Audit,
    AuditDaysBand,
    AuditDaysTable,
    AuditorQualification,
    ConflictDeclaration,
    DocumentReviewComment,
    TeamMember,
)
from audits.models.finding import Finding, FindingEvidence

__all__ = [
    "Finding",
    "FindingEvidence",
    "DECLARATION_VALID_DAYS",
    "Audit",
    "AuditDaysBand",
    "AuditDaysTable",
    "AuditorQualification",
    "ConflictDeclaration",
    "DocumentReviewComment",
    "TeamMember",
]
