from applications.models.case import (
    Case,
    CaseAccess,
    Material,
    MaterialType,
    SupplementItem,
    SupplementRequest,
)
from applications.models.organisation import Membership, Organisation
from applications.models.self_assessment import SelfAssessment

__all__ = [
    "Case",
    "CaseAccess",
    "Material",
    "MaterialType",
    "Membership",
    "Organisation",
    "SelfAssessment",
    "SupplementItem",
    "SupplementRequest",
]
