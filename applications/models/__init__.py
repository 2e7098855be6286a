from applications.models.case import (
    Case,
    CaseAccess,
    Material,
    MaterialType,
    SupplementItem,
    SupplementRequest,
)
from applications.models.contract import Contract, FeeBand, FeeSchedule, SchemeFee
from applications.models.organisation import (
    Invitation,
    Membership,
    Organisation,
    ProductCategory,
    ServiceOutlet,
)
from applications.models.self_assessment import SelfAssessment

__all__ = [
    "Contract",
    "FeeBand",
    "FeeSchedule",
    "SchemeFee",
    "Case",
    "CaseAccess",
    "Invitation",
    "Material",
    "MaterialType",
    "Membership",
    "Organisation",
    "ProductCategory",
    "SelfAssessment",
    "ServiceOutlet",
    "SupplementItem",
    "SupplementRequest",
]
