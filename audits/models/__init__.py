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

__all__ = [
    "DECLARATION_VALID_DAYS",
    "Audit",
    "AuditDaysBand",
    "AuditDaysTable",
    "AuditorQualification",
    "ConflictDeclaration",
    "DocumentReviewComment",
    "TeamMember",
]
